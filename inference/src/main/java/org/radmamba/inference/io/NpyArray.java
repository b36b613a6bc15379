package org.radmamba.inference.io;

import java.util.Arrays;

/** A NumPy array as float32 values in C order. {@code data()} is the array itself, not a copy. */
public record NpyArray(long[] shape, float[] data) {

    public NpyArray {
        shape = shape.clone();
        if (Npy.elementCount(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + Npy.elementCount(shape)
                    + " values, got " + data.length);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end. */
    public int dim(int i) {
        return Math.toIntExact(shape[i < 0 ? shape.length + i : i]);
    }

    public long numel() {
        return data.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NpyArray that && Arrays.equals(shape, that.shape) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "NpyArray" + Arrays.toString(shape);
    }
}
