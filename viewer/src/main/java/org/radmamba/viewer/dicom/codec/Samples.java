package org.radmamba.viewer.dicom.codec;

/**
 * The stored sample values of one frame, pixel-interleaved (R,G,B,R,G,B… for colour, whatever the file's
 * planar configuration), in a primitive array as wide as Bits Allocated: no widening, so a series costs in
 * memory what its pixel data weighs. Values are the raw bits; sign extension and masking to Bits Stored are
 * the pixel pipeline's job ({@link FrameFormat} says how).
 */
public sealed interface Samples {

    int length();

    /** Raw bits of sample {@code index} as an unsigned int (32-bit samples: the int as it is). */
    int rawBits(int index);

    record Bytes(byte[] data) implements Samples {
        @Override public int length() { return data.length; }
        @Override public int rawBits(int index) { return data[index] & 0xFF; }
    }

    record Shorts(short[] data) implements Samples {
        @Override public int length() { return data.length; }
        @Override public int rawBits(int index) { return data[index] & 0xFFFF; }
    }

    record Ints(int[] data) implements Samples {
        @Override public int length() { return data.length; }
        @Override public int rawBits(int index) { return data[index]; }
    }
}
