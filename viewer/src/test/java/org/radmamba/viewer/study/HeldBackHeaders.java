package org.radmamba.viewer.study;

import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomHeader;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.DicomReaders;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The standard DICOM reader, with every header after the first one (or the first few) held back until the test
 * releases them: a scan whose first files are read at once and whose other headers come late (a network share, a
 * slow disk). The reading itself is the real one; only its timing is the test's. A held-back read that is interrupted
 * (a cancelled scan) fails as a read of that file would.
 */
public final class HeldBackHeaders implements DicomReader {

    private final DicomReader standard = DicomReaders.standard();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger reads = new AtomicInteger();
    private final int readAtOnce;

    /** Holds back every header after the first. */
    public HeldBackHeaders() {
        this(1);
    }

    /** Holds back every header after the first {@code readAtOnce}: a scan stopped partway. */
    public HeldBackHeaders(int readAtOnce) {
        this.readAtOnce = readAtOnce;
    }

    /** Lets the held-back headers be read. */
    public void release() {
        release.countDown();
    }

    @Override
    public DicomHeader readHeader(Path file) throws DicomReadException {
        if (reads.getAndIncrement() >= readAtOnce) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DicomReadException(file, "reading was interrupted", e);
            }
        }
        return standard.readHeader(file);
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
