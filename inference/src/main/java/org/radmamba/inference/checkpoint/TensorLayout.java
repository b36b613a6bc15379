package org.radmamba.inference.checkpoint;

import java.util.Arrays;

/**
 * A tensor's view of its storage, checked: sizes and strides non-negative, the element count within the limit, and
 * every element it reads ({@code offset + Σ (size_i - 1) · stride_i}) inside the storage, all without overflow.
 *
 * @param storageElementsRead how many leading elements of the storage the view touches (0 for an empty tensor)
 */
record TensorLayout(String key, StorageRef storage, long offset, long[] size, long[] stride, int numel, long storageElementsRead) {

    static TensorLayout check(String key, TensorRef ref, CheckpointLimits limits, String source) {
        long[] size = ref.size();
        long[] stride = ref.stride();
        StorageRef storage = ref.storage();
        if (size.length != stride.length) {
            throw fail(source, key, "has " + size.length + " sizes but " + stride.length + " strides");
        }
        if (ref.offset() < 0) {
            throw fail(source, key, "has a negative storage offset " + ref.offset());
        }
        long numel = 1;
        long lastElement = ref.offset();
        try {
            for (int i = 0; i < size.length; i++) {
                if (size[i] < 0 || stride[i] < 0) {
                    throw fail(source, key, "has a negative size or stride: size " + Arrays.toString(size) + ", stride " + Arrays.toString(stride));
                }
                numel = Math.multiplyExact(numel, size[i]);
            }
            if (numel > 0) {
                for (int i = 0; i < size.length; i++) {
                    lastElement = Math.addExact(lastElement, Math.multiplyExact(size[i] - 1, stride[i]));
                }
            }
        } catch (ArithmeticException overflow) {
            throw fail(source, key, "has a shape " + Arrays.toString(size) + " (stride " + Arrays.toString(stride)
                    + ") whose element count or extent overflows 64 bits");
        }
        if (numel > limits.maxTensorElements()) {
            throw fail(source, key, "has " + numel + " elements, more than the limit of " + limits.maxTensorElements());
        }
        long elementsRead = numel == 0 ? 0 : lastElement + 1;
        if (elementsRead > storage.numel()) {
            throw fail(source, key, "reads up to element " + lastElement + " of storage '" + storage.key()
                    + "', which holds only " + storage.numel() + " elements");
        }
        if (elementsRead > limits.maxTensorElements()) {
            throw fail(source, key, "views " + elementsRead + " elements of its storage, more than the limit of " + limits.maxTensorElements());
        }
        return new TensorLayout(key, storage, ref.offset(), size.clone(), stride.clone(), (int) numel, elementsRead);
    }

    /** Whether the view is the first {@code numel} elements of the storage in C order (dimensions of size 1 have any stride). */
    boolean isContiguousFromStart() {
        if (offset != 0) {
            return false;
        }
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= size[i];
        }
        return true;
    }

    /** Copies the viewed elements of {@code storage} into a new C-ordered array. */
    float[] gather(float[] storageValues) {
        float[] out = new float[numel];
        if (numel == 0) {
            return out;
        }
        int rank = size.length;
        if (rank == 0) {
            out[0] = storageValues[(int) offset];
            return out;
        }
        int inner = (int) size[rank - 1];
        long innerStride = stride[rank - 1];
        long[] index = new long[rank - 1];
        long base = offset;
        for (int written = 0; written < numel; written += inner) {
            long position = base;
            for (int j = 0; j < inner; j++, position += innerStride) {
                out[written + j] = storageValues[(int) position];
            }
            // odometer over the outer dimensions
            for (int d = rank - 2; d >= 0; d--) {
                index[d]++;
                base += stride[d];
                if (index[d] < size[d]) {
                    break;
                }
                base -= index[d] * stride[d];
                index[d] = 0;
            }
        }
        return out;
    }

    private static CheckpointException fail(String source, String key, String reason) {
        return new CheckpointException(source + ": tensor '" + key + "' " + reason);
    }
}
