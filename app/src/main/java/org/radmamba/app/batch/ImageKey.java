package org.radmamba.app.batch;

import java.util.HexFormat;
import java.util.Objects;

/**
 * Which image a {@link BatchRecord} is about: the resume key of a batch run together with the checkpoint's hash.
 *
 * <p>{@code imageKey} is the SOP Instance UID of a DICOM image, or {@code "sha256:" + hex} of the file's bytes for
 * anything without one (a photograph, a file that is not DICOM or could not be read, a DICOM file with an empty SOP
 * Instance UID): a key that is the same wherever and whenever the same file is read, so a restarted run, or Spark on
 * another machine, recognises what is already done.
 *
 * @param imageKey          SOP Instance UID, else {@code "sha256:<64 hex digits>"} of the file's content; never null
 * @param frame             1-based frame number as DICOM counts them (1 for a single-frame image or a photograph); 0
 *                          for a row about the whole file, which failed before its frames were known
 * @param sopInstanceUid    the SOP Instance UID, or null (photographs, unreadable files)
 * @param seriesInstanceUid the Series Instance UID, or null
 * @param studyInstanceUid  the Study Instance UID, or null
 */
public record ImageKey(String imageKey, int frame, String sopInstanceUid, String seriesInstanceUid,
                       String studyInstanceUid) {

    /** The prefix of a key made from the file's content. */
    public static final String CONTENT_PREFIX = "sha256:";

    public ImageKey {
        Objects.requireNonNull(imageKey, "imageKey");
        if (frame < 0) {
            throw new IllegalArgumentException("frame numbers start at 1 (0 for the whole file), was " + frame);
        }
        sopInstanceUid = blankToNull(sopInstanceUid);
        seriesInstanceUid = blankToNull(seriesInstanceUid);
        studyInstanceUid = blankToNull(studyInstanceUid);
    }

    /** Frame {@code frame} (1-based) of a DICOM image with these UIDs (the content key when the SOP UID is empty). */
    public static ImageKey dicom(String sopInstanceUid, String seriesInstanceUid, String studyInstanceUid, int frame,
                                 String contentSha256) {
        String sop = blankToNull(sopInstanceUid);
        return new ImageKey(sop != null ? sop : CONTENT_PREFIX + contentSha256, frame, sop, seriesInstanceUid,
                studyInstanceUid);
    }

    /** A file known only by its content: a photograph ({@code frame} 1) or a whole file that failed ({@code 0}). */
    public static ImageKey content(String contentSha256, int frame) {
        return new ImageKey(CONTENT_PREFIX + contentSha256, frame, null, null, null);
    }

    /** The SHA-256 of {@code content} as 64 lower-case hex digits. */
    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The SHA-256 of a file's content as 64 lower-case hex digits, read in blocks. */
    public static String sha256(java.nio.file.Path file) throws java.io.IOException {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] block = new byte[1 << 16];
            for (int n; (n = in.read(block)) > 0; ) {
                digest.update(block, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
