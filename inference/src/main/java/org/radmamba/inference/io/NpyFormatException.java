package org.radmamba.inference.io;

import java.io.IOException;

/** A file is not a NumPy array we can read; the message names the file and why. */
public class NpyFormatException extends IOException {

    public NpyFormatException(String message) {
        super(message);
    }
}
