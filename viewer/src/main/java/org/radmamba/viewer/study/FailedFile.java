package org.radmamba.viewer.study;

import java.nio.file.Path;

/** A file a scan could not read, and why (one sentence, without the file name). */
public record FailedFile(Path file, String reason) {

    /** "file: reason", the form shown to users. */
    public String message() {
        return file + ": " + reason;
    }
}
