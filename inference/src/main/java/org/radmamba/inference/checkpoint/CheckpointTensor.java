package org.radmamba.inference.checkpoint;

import java.util.Arrays;

/**
 * One tensor of a state dict: float32 values in C (row-major) order, whatever the stored dtype was
 * ({@code sourceDtype} names it: {@code float32}, {@code float16}, {@code bfloat16}, {@code float64}, {@code int64}, ...).
 * {@link #values()} is the array itself, not a copy, so that a 58 MB checkpoint is not held twice: treat it as
 * read-only.
 */
public record CheckpointTensor(String key, long[] shape, float[] values, String sourceDtype) {

    public CheckpointTensor {
        shape = shape.clone();
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + key + "' has a negative dimension: " + Arrays.toString(shape));
            }
            numel = Math.multiplyExact(numel, d);
        }
        if (numel != values.length) {
            throw new IllegalArgumentException("tensor '" + key + "' of shape " + Arrays.toString(shape) + " needs "
                    + numel + " values, got " + values.length);
        }
    }

    /** The shape (a copy). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end, as in PyTorch. */
    public int dim(int i) {
        int axis = i < 0 ? shape.length + i : i;
        if (axis < 0 || axis >= shape.length) {
            throw new IndexOutOfBoundsException("tensor '" + key + "' of shape " + Arrays.toString(shape) + " has no dimension " + i);
        }
        return Math.toIntExact(shape[axis]);
    }

    /** The number of elements. */
    public long numel() {
        return values.length;
    }

    /** Whether the shape equals {@code expected}. */
    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The shape as PyTorch prints it, e.g. {@code (16, 3, 4, 4)}. */
    public String shapeText() {
        return shapeText(shape);
    }

    static String shapeText(long[] shape) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            text.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return text.append(shape.length == 1 ? ",)" : ")").toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CheckpointTensor that && key.equals(that.key) && Arrays.equals(shape, that.shape)
                && Arrays.equals(values, that.values) && sourceDtype.equals(that.sourceDtype);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "CheckpointTensor[" + key + " " + shapeText() + " from " + sourceDtype + "]";
    }
}
