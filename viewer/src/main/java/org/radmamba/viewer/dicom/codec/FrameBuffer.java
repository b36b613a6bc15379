package org.radmamba.viewer.dicom.codec;

/**
 * The output array of one frame, as wide as Bits Allocated, that decoders fill line by line. Allocated once per
 * frame from the dataset's declared size, never from sizes read out of the compressed stream.
 */
final class FrameBuffer {

    private final byte[] bytes;
    private final short[] shorts;
    /** Where this frame starts in {@code shorts}, a slab of the loading series ({@link FrameMemory}). */
    private final int shortsOffset;
    private final int[] ints;
    private final int length;

    private FrameBuffer(byte[] bytes, Samples.Shorts shorts, int[] ints, int length) {
        this.bytes = bytes;
        this.shorts = shorts == null ? null : shorts.array();
        this.shortsOffset = shorts == null ? 0 : shorts.offset();
        this.ints = ints;
        this.length = length;
    }

    static FrameBuffer allocate(FrameFormat format, String codecName) throws CodecException {
        long sampleCount = format.sampleCount();
        if (sampleCount > Integer.MAX_VALUE - 8) {
            throw new CodecException(codecName + " frame of " + format.rows() + "x" + format.columns() + "x"
                    + format.samplesPerPixel() + " samples is too large to decode into one array");
        }
        int n = (int) sampleCount;
        return switch (format.bitsAllocated()) {
            case 8 -> new FrameBuffer(new byte[n], null, null, n);
            case 16 -> new FrameBuffer(null, FrameMemory.shorts(n), null, n);
            default -> new FrameBuffer(null, null, new int[n], n);
        };
    }

    int length() {
        return length;
    }

    /** Stores {@code count} values from {@code source[from..]} at sample index {@code offset}, every {@code stride}-th. */
    void store(int offset, int stride, int[] source, int from, int count) {
        if (bytes != null) {
            for (int i = 0, o = offset; i < count; i++, o += stride) {
                bytes[o] = (byte) source[from + i];
            }
        } else if (shorts != null) {
            for (int i = 0, o = shortsOffset + offset; i < count; i++, o += stride) {
                shorts[o] = (short) source[from + i];
            }
        } else {
            for (int i = 0, o = offset; i < count; i++, o += stride) {
                ints[o] = source[from + i];
            }
        }
    }

    byte[] bytes() {
        return bytes;
    }

    /** The array that holds a 16-bit frame, from {@link #shortsOffset()} on; null for other widths. */
    short[] shorts() {
        return shorts;
    }

    int shortsOffset() {
        return shortsOffset;
    }

    int[] ints() {
        return ints;
    }

    Samples samples() {
        if (bytes != null) {
            return new Samples.Bytes(bytes);
        }
        return shorts != null ? new Samples.Shorts(shorts, shortsOffset, length) : new Samples.Ints(ints);
    }
}
