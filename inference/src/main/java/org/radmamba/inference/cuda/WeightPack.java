package org.radmamba.inference.cuda;

import java.util.Arrays;

/**
 * A model's weights as one float array, for one upload: each tensor starts at a multiple of {@link #ALIGN} floats
 * (128 bytes, so that every tensor starts on a cache line and vector loads stay aligned).
 */
final class WeightPack {

    static final int ALIGN = 32;

    private float[] data = new float[1 << 16];
    private int size;

    /** Appends {@code values}; returns their offset in floats. */
    int add(float[] values) {
        int offset = (size + ALIGN - 1) / ALIGN * ALIGN;
        int end = offset + values.length;
        if (end > data.length) {
            data = Arrays.copyOf(data, Math.max(end, data.length * 2));
        }
        System.arraycopy(values, 0, data, offset, values.length);
        size = end;
        return offset;
    }

    /** Floats used, padding included. */
    int size() {
        return size;
    }

    float[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
