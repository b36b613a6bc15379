package org.radmamba.viewer.photo;

import java.io.IOException;
import java.nio.file.Path;

/** A photograph could not be read; the message names the file and says what is wrong. */
public class PhotographReadException extends IOException {

    private final transient Path file;
    private final String reason;

    public PhotographReadException(Path file, String reason) {
        this(file, reason, null);
    }

    public PhotographReadException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    public String reason() {
        return reason;
    }
}
