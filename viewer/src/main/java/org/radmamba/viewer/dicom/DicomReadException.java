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
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String reason() {
        return reason;
    }
}
