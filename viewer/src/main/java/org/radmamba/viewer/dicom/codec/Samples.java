package org.radmamba.viewer.dicom.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * The stored sample values of one frame, pixel-interleaved (R,G,B,R,G,B… for colour, whatever the file's
 * planar configuration), in a primitive array as wide as Bits Allocated: no widening, so a series costs in
 * memory what its pixel data weighs. Integer values are the raw bits; sign extension and masking to Bits Stored
 * are the pixel pipeline's job ({@link FrameFormat} says how). Float pixel data are float or double values.
 */
public sealed interface Samples {

    int length();

    /**
     * Raw bits of sample {@code index} as an unsigned int (32-bit samples: the int as it is; float32 samples:
     * their IEEE 754 bits). Float64 samples have no 32-bit raw form: read them through {@link #value}.
     */
    int rawBits(int index);

    /** Sample {@code index} as a number: integer samples their raw bits (unsigned), float samples their value. */
    default double value(int index) {
        return rawBits(index) & 0xFFFFFFFFL;
    }

    record Bytes(byte[] data) implements Samples {
        @Override public int length() { return data.length; }
        @Override public int rawBits(int index) { return data[index] & 0xFF; }
    }

    /**
     * 16-bit samples: {@code length} values from {@code array[offset]}. A series' frames are slices of shared
     * arrays ({@link FrameMemory}), so read through {@code offset}, never {@code array} from 0.
     */
    record Shorts(short[] array, int offset, int length) implements Samples {
        public Shorts {
            Objects.checkFromIndexSize(offset, length, array.length);
        }

        /** A frame of its own array. */
        public Shorts(short[] array) {
            this(array, 0, array.length);
        }

        @Override public int rawBits(int index) { return array[offset + Objects.checkIndex(index, length)] & 0xFFFF; }

        /** A copy of the frame's samples. */
        public short[] toArray() {
            return Arrays.copyOfRange(array, offset, offset + length);
        }
    }

    record Ints(int[] data) implements Samples {
        @Override public int length() { return data.length; }
        @Override public int rawBits(int index) { return data[index]; }
    }

    /** Float Pixel Data (7FE0,0008): IEEE 754 single precision values. */
    record Floats(float[] data) implements Samples {
        @Override public int length() { return data.length; }
        @Override public int rawBits(int index) { return Float.floatToRawIntBits(data[index]); }
        @Override public double value(int index) { return data[index]; }
    }

    /** Double Float Pixel Data (7FE0,0009): IEEE 754 double precision values. */
    record Doubles(double[] data) implements Samples {
        @Override public int length() { return data.length; }

        @Override
        public int rawBits(int index) {
            throw new UnsupportedOperationException("64-bit float samples have no 32-bit raw bits: read value()");
        }

        @Override public double value(int index) { return data[index]; }
    }
}
