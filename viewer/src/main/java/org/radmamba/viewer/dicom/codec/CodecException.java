package org.radmamba.viewer.dicom.codec;

import java.io.IOException;

/** A frame could not be decoded; the message is a sentence fit to show a user. */
public class CodecException extends IOException {
    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
