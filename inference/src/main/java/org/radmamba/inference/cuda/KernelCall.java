package org.radmamba.inference.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * One planned kernel launch: the kernel's name in network.ptx, a grid of up to three dimensions, a one-dimensional
 * block, and the arguments in the kernel's order, each an {@link Integer}, a {@link Long}, a {@link Float} or a
 * {@link Ptr} into a
 * {@link DeviceBuffer}, which the runtime resolves to a device address.
 */
record KernelCall(String kernel, int gridX, int gridY, int gridZ, int block, List<Object> args) {

    KernelCall {
        if (gridX <= 0 || gridY <= 0 || gridZ <= 0 || block <= 0 || block > 1024) {
            throw new IllegalArgumentException(kernel + ": grid " + gridX + "x" + gridY + "x" + gridZ + ", block "
                    + block);
        }
        args = List.copyOf(args);
    }

    /** A device pointer {@code offset} floats into {@code buffer}; {@link #NULL} for a kernel's absent operand. */
    record Ptr(DeviceBuffer buffer, long offset) {
        static final Ptr NULL = new Ptr(null, 0);

        boolean isNull() {
            return buffer == null;
        }
    }

    /** The same launch of another kernel with the same parameters. */
    KernelCall onKernel(String other) {
        return new KernelCall(other, gridX, gridY, gridZ, block, args);
    }

    static Builder of(String kernel, int gridX, int gridY, int gridZ, int block) {
        return new Builder(kernel, gridX, gridY, gridZ, block);
    }

    /** Collects the arguments in the kernel's parameter order. */
    static final class Builder {
        private final String kernel;
        private final int gridX;
        private final int gridY;
        private final int gridZ;
        private final int block;
        private final List<Object> args = new ArrayList<>();

        private Builder(String kernel, int gridX, int gridY, int gridZ, int block) {
            this.kernel = kernel;
            this.gridX = gridX;
            this.gridY = gridY;
            this.gridZ = gridZ;
            this.block = block;
        }

        Builder i(int value) {
            args.add(value);
            return this;
        }

        Builder l(long value) {
            args.add(value);
            return this;
        }

        Builder f(float value) {
            args.add(value);
            return this;
        }

        Builder p(DeviceBuffer buffer, long offset) {
            args.add(new Ptr(buffer, offset));
            return this;
        }

        Builder p(DeviceBuffer buffer) {
            return p(buffer, 0);
        }

        /** A weight at {@code offset} floats into the packed weights, or NULL for a negative offset (absent). */
        Builder w(int offset) {
            args.add(offset < 0 ? Ptr.NULL : new Ptr(DeviceBuffer.WEIGHTS, offset));
            return this;
        }

        Builder none() {
            args.add(Ptr.NULL);
            return this;
        }

        KernelCall build() {
            return new KernelCall(kernel, gridX, gridY, gridZ, block, args);
        }
    }
}
