package org.radmamba.viewer.dicom.codec;

/**
 * The output samples of one frame, as wide as Bits Allocated, that decoders fill line by line. Allocated once per
 * frame from the dataset's declared size, never from sizes read out of the compressed stream; 16-bit frames come
 * from {@link FrameMemory} (a slice of the loading series' slab), so they are written through their offset.
 */
final class FrameBuffer {

    private final Samples samples;

    private FrameBuffer(Samples samples) {
        this.samples = samples;
    }

    static FrameBuffer allocate(FrameFormat format, String codecName) throws CodecException {
        return allocate(format, codecName, true);
    }

    /** A buffer outside the series' slabs, for a trial decode that may be thrown away. */
    static FrameBuffer scratch(FrameFormat format, String codecName) throws CodecException {
        return allocate(format, codecName, false);
    }

    private static FrameBuffer allocate(FrameFormat format, String codecName, boolean inSlab) throws CodecException {
        long sampleCount = format.sampleCount();
        if (sampleCount > Integer.MAX_VALUE - 8) {
            throw new CodecException(codecName + " frame of " + format.rows() + "x" + format.columns() + "x"
                    + format.samplesPerPixel() + " samples is too large to decode into one array");
        }
        if (format.floatingPoint()) {
            // Only the deflated-frame and native readers carry float pixel data; no image codec defines it.
            throw new CodecException(codecName + " does not encode float pixel data (" + format.bitsAllocated()
                    + "-bit float samples)");
        }
        int n = (int) sampleCount;
        return new FrameBuffer(switch (format.bitsAllocated()) {
            // 1-bit frames are decoded one byte (0 or 1) per pixel, as native 1-bit frames are unpacked.
            case 1, 8 -> new Samples.Bytes(new byte[n]);
            case 16 -> inSlab ? FrameMemory.shorts(n) : new Samples.Shorts(new short[n]);
            default -> new Samples.Ints(new int[n]);
        });
    }

    int length() {
        return samples.length();
    }

    /** Stores {@code count} values from {@code source[from..]} at sample index {@code offset}, every {@code stride}-th. */
    void store(int offset, int stride, int[] source, int from, int count) {
        switch (samples) {
            case Samples.Bytes(byte[] bytes) -> {
                for (int i = 0, o = offset; i < count; i++, o += stride) {
                    bytes[o] = (byte) source[from + i];
                }
            }
            case Samples.Shorts(short[] shorts, int start, _) -> {
                for (int i = 0, o = start + offset; i < count; i++, o += stride) {
                    shorts[o] = (short) source[from + i];
                }
            }
            case Samples.Ints(int[] ints) -> {
                for (int i = 0, o = offset; i < count; i++, o += stride) {
                    ints[o] = source[from + i];
                }
            }
            case Samples.Floats _, Samples.Doubles _ -> throw new IllegalStateException("allocate() refuses float frames");
        }
    }

    /** Copies the samples of components {@code components} (of {@code componentCount}, interleaved) into {@code to}. */
    void copyComponents(FrameBuffer to, int[] components, int componentCount) {
        int[] sample = new int[1];
        for (int c : components) {
            for (int i = c; i < length(); i += componentCount) {
                sample[0] = get(i);
                to.store(i, 1, sample, 0, 1);
            }
        }
    }

    /** Whether components {@code components} hold the same samples here and in {@code other}. */
    boolean sameComponents(FrameBuffer other, int[] components, int componentCount) {
        for (int c : components) {
            for (int i = c; i < length(); i += componentCount) {
                if (get(i) != other.get(i)) {
                    return false;
                }
            }
        }
        return true;
    }

    private int get(int index) {
        return samples.rawBits(index);
    }

    /** The frame's samples, zeroed until stored: decoders that add bit planes write into them directly. */
    Samples samples() {
        return samples;
    }
}
