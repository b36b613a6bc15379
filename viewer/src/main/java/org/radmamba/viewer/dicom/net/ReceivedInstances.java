package org.radmamba.viewer.dicom.net;

import org.radmamba.viewer.dicom.DicomHeader;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.Tag;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The local folder that received instances are filed in, one file per instance named {@code <SOP Instance UID>.dcm}.
 * Each instance is written to a hidden temporary file beside its final name and renamed only once it is complete
 * and reads as DICOM with the announced SOP Instance UID, so that the folder never shows a half-written or foreign
 * file, whatever cuts the transfer off (a node that stops, a full disk, a crash). A transfer that was cancelled (its
 * thread interrupted) files nothing more: data the node sent before the cancel may still be buffered and readable
 * without blocking, and neither the socket nor the file writes notice the interrupt then.
 */
public final class ReceivedInstances {

    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final String PART_SUFFIX = ".part";

    private final Path dir;
    private final DicomReader reader;

    public ReceivedInstances(Path dir, DicomReader reader) throws IOException {
        this.dir = dir;
        this.reader = reader;
        Files.createDirectories(dir);
        removeLeftovers();
    }

    public Path dir() {
        return dir;
    }

    /** Starts receiving an instance; the caller writes the whole Part 10 file to {@link Incoming#out()}. */
    public Incoming begin(String sopInstanceUid) throws IOException {
        if (sopInstanceUid == null || sopInstanceUid.length() > 64 || !UID.matcher(sopInstanceUid).matches()) {
            throw new InvalidInstanceException("the SOP Instance UID '" + sopInstanceUid + "' is not a UID");
        }
        return new Incoming(sopInstanceUid);
    }

    /**
     * Starts receiving an instance whose UID is known only once it is read (DICOMweb parts): written under a
     * temporary name, filed by the UID in its dataset.
     */
    public Incoming beginUnnamed() throws IOException {
        return new Incoming(null);
    }

    /** Whether the failure is the disk being full (or over quota), as far as the operating system says so. */
    public static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("no space left") || m.contains("not enough space") || m.contains("disk quota")
                    || m.contains("file too large")) {
                return true;
            }
        }
        return false;
    }

    /** Temporary files of a transfer that a crash interrupted. */
    private void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, ".*" + PART_SUFFIX)) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
    }

    /** One instance being received. Close it without {@link #commit()} to discard it. */
    public final class Incoming implements Closeable {

        private final String expectedUid;
        private final Path temporary;
        private final OutputStream out;
        private boolean finished;

        private Incoming(String expectedUid) throws IOException {
            this.expectedUid = expectedUid;
            this.temporary = Files.createTempFile(dir, ".incoming-", PART_SUFFIX);
            this.out = new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16);
        }

        public OutputStream out() {
            return out;
        }

        /**
         * Checks the file and gives it its name.
         *
         * @throws InvalidInstanceException when it is not DICOM or names another instance (the file is removed)
         * @throws InterruptedIOException   when the transfer was cancelled (the file is removed; the thread stays
         *                                  interrupted)
         * @throws IOException              when it cannot be written (the file is removed)
         */
        public Path commit() throws IOException {
            try {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("cancelled before it was filed");
                }
                out.close();
                DicomHeader header;
                try {
                    header = reader.readHeader(temporary);
                } catch (DicomReadException e) {
                    throw new InvalidInstanceException("not a DICOM instance: " + e.getMessage());
                }
                String uid = header.dataset().string(Tag.SOP_INSTANCE_UID, "");
                if (expectedUid != null && !expectedUid.equals(uid)) {
                    throw new InvalidInstanceException("announced as " + expectedUid + " but holds '" + uid + "'");
                }
                if (!UID.matcher(uid).matches() || uid.length() > 64) {
                    throw new InvalidInstanceException("its SOP Instance UID '" + uid + "' is not a UID");
                }
                Path target = dir.resolve(uid + ".dcm");
                try {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
                finished = true;
                return target;
            } finally {
                if (!finished) {
                    discard();
                }
            }
        }

        private void discard() {
            finished = true;
            try {
                out.close();
            } catch (IOException ignored) {
                // The file is removed below; a full disk makes closing fail too.
            }
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // Left for removeLeftovers() of the next transfer into this folder.
            }
        }

        @Override
        public void close() {
            if (!finished) {
                discard();
            }
        }
    }

    /** A received instance that is not DICOM or not the one announced; nothing was kept. */
    public static final class InvalidInstanceException extends IOException {
        private static final long serialVersionUID = 1L;

        public InvalidInstanceException(String message) {
            super(message);
        }
    }
}
