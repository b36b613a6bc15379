package org.radmamba.viewer.study;

/**
 * How far a scan is: of the files it found, how many it has read the headers of (or failed to). Called from the
 * scan's threads one call at a time, {@code done} increasing from 0 to {@code total}.
 */
@FunctionalInterface
public interface ScanProgress {

    ScanProgress NONE = (done, total) -> { };

    void filesRead(int done, int total);
}
