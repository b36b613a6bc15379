package org.radmamba.viewer.dicom.codec.jpeg2000;

/**
 * A JPEG 2000 code stream (Part 1 or Part 15) that cannot be decoded, with a one-sentence reason. Its own type,
 * not the codec package's {@code CodecException}, so that this package depends on nothing of the codec registry
 * that uses it (no package cycle); {@code Jpeg2000Decoder} translates it.
 */
public final class Jpeg2000Exception extends Exception {

    public Jpeg2000Exception(String message) {
        super(message);
    }

    public Jpeg2000Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
