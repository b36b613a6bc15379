package org.radmamba.viewer.study;

import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomHeader;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.DicomReaders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The standard DICOM reader, with every header after the first one (or the first few by name) held back until the test
 * releases them: a scan whose first files are read at once and whose other headers come late (a network share, a
 * slow disk). The reading itself is the real one; only its timing is the test's. A held-back read that is interrupted
 * (a cancelled scan) fails as a read of that file would.
 */
public final class HeldBackHeaders implements DicomReader {

    private final DicomReader standard = DicomReaders.standard();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger reads = new AtomicInteger();
    private final int readAtOnce;
    /** With {@link #firstByName}: the names of each folder's files in order (else null: the first reads pass). */
    private final Map<Path, List<Path>> byName;

    /** Holds back every header after the first. */
    public HeldBackHeaders() {
        this(1, false);
    }

    private HeldBackHeaders(int readAtOnce, boolean byName) {
        this.readAtOnce = readAtOnce;
        this.byName = byName ? new ConcurrentHashMap<>() : null;
    }

    /**
     * Holds back every header but those of the first {@code count} files of their folder by name: a scan stopped
     * partway, with the same files known whatever order the scan's threads reach them in (by the order of reads, a
     * thread that stalls before its read lets a later file through in its place).
     */
    public static HeldBackHeaders firstByName(int count) {
        return new HeldBackHeaders(count, true);
    }

    /** Lets the held-back headers be read. */
    public void release() {
        release.countDown();
    }

    @Override
    public DicomHeader readHeader(Path file) throws DicomReadException {
        if (byName != null ? rankByName(file) >= readAtOnce : reads.getAndIncrement() >= readAtOnce) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DicomReadException(file, "reading was interrupted", e);
            }
        }
        return standard.readHeader(file);
    }

    private int rankByName(Path file) {
        List<Path> names = byName.computeIfAbsent(file.getParent(), folder -> {
            try (Stream<Path> files = Files.list(folder)) {
                return files.map(Path::getFileName).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return names.indexOf(file.getFileName());
    }

    @Override
    public DicomFile open(Path file) throws DicomReadException {
        return standard.open(file);
    }

    @Override
    public List<Path> dicomDirReferencedFiles(Path dicomDir) throws DicomReadException {
        return standard.dicomDirReferencedFiles(dicomDir);
    }
}
