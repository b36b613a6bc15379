package org.radmamba.viewer.study;

/**
 * What a scan tells as it goes, and how it is stopped. The scan calls it one call at a time (from its threads: the
 * calling thread for the first file, then the scan's pool), so an implementation needs no lock of its own.
 */
public interface ScanListener {

    ScanListener NONE = new ScanListener() {
    };

    /**
     * A file read or failed, as soon as it is: the first file (in path order) before any other header is read, the
     * others in no particular order. Folders that cannot be listed and broken DICOMDIRs come as failures first. Every
     * file of the scan's result comes here once, unless the scan is cancelled.
     */
    default void fileScanned(ScannedFile file) {
    }

    /** Of the files found, how many have been read (or failed), {@code done} increasing from 0 to {@code total}. */
    default void filesRead(int done, int total) {
    }

    /**
     * Polled by the scan between files and while it waits for them: once true, no further header is read, the scan
     * threads are stopped and the scan throws {@link java.util.concurrent.CancellationException}.
     */
    default boolean isCancelled() {
        return false;
    }

    /** A listener that only reports progress. */
    static ScanListener of(ScanProgress progress) {
        return new ScanListener() {
            @Override
            public void filesRead(int done, int total) {
                progress.filesRead(done, total);
            }
        };
    }
}
