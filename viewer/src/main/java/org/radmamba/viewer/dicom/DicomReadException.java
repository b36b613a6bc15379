package org.radmamba.viewer.dicom;

import java.io.IOException;
import java.nio.file.Path;

/** A file could not be read; the message is one sentence that names the file and says what is wrong. */
public class DicomReadException extends IOException {

    private final transient Path file;
    private final String reason;

    public DicomReadException(Path file, String reason) {
        this(file, reason, null);
    }

    public DicomReadException(Path file, String reason, Throwable cause) {
        this(file, oneLine(reason), cause, true);
    }

    private DicomReadException(Path file, String reason, Throwable cause, boolean sanitised) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    /**
     * Reasons quote text read from the file (UIDs, VRs, strings), which may hold any byte: control characters
     * are escaped so that a message stays one line on a terminal, in a log and in the failure list.
     */
    static String oneLine(String text) {
        if (text == null || text.chars().noneMatch(c -> c < 0x20 || c == 0x7F)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.chars().forEach(c -> {
            if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\x%02X", c));
            } else {
                out.append((char) c);
            }
        });
        return out.toString();
    }

    public Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String reason() {
        return reason;
    }
}
