package org.radmamba.inference.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Small vectorised loops over native rows that several layers share. */
public final class Kernels {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private Kernels() {
    }

    /** Rows handed to one thread at a time for light element-wise work. */
    static int rowGrain(int cols) {
        return Math.max(1, 16384 / Math.max(1, cols));
    }

    /** {@code m[r, c] = act(m[r, c] + bias[c])} for every row; {@code bias} may be null. */
    public static void biasActivation(RowMatrix m, float[] bias, Activation act, Parallel parallel) {
        if (bias == null && act == Activation.NONE) {
            return;
        }
        int cols = m.cols();
        MemorySegment seg = m.segment();
        parallel.forRange(m.rows(), rowGrain(cols), (from, to) -> {
            int bound = SPECIES.loopBound(cols);
            for (int r = from; r < to; r++) {
                long base = (long) r * cols * Float.BYTES;
                int c = 0;
                for (; c < bound; c += LANES) {
                    long off = base + (long) c * Float.BYTES;
                    FloatVector v = FloatVector.fromMemorySegment(SPECIES, seg, off, ORDER);
                    if (bias != null) {
                        v = v.add(FloatVector.fromArray(SPECIES, bias, c));
                    }
                    act.apply(v).intoMemorySegment(seg, off, ORDER);
                }
                for (; c < cols; c++) {
                    long off = base + (long) c * Float.BYTES;
                    float v = seg.get(FLOAT, off) + (bias == null ? 0f : bias[c]);
                    seg.set(FLOAT, off, act.apply(v));
                }
            }
        });
    }

    /** {@code target += other}, element-wise: residual and skip connections. */
    public static void addInPlace(RowMatrix target, RowMatrix other, Parallel parallel) {
        if (target.rows() != other.rows() || target.cols() != other.cols()) {
            throw new IllegalArgumentException("cannot add a " + other.rows() + "x" + other.cols() + " matrix to a "
                    + target.rows() + "x" + target.cols() + " one");
        }
        int cols = target.cols();
        MemorySegment t = target.segment();
        MemorySegment o = other.segment();
        parallel.forRange(target.rows(), rowGrain(cols), (from, to) -> {
            long off = (long) from * cols * Float.BYTES;
            add(t, off, o, off, t, off, (to - from) * cols);
        });
    }

    /** {@code dst[i] = a[i] + b[i]} over {@code count} floats from the given byte offsets. */
    static void add(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment dst, long dstOff, int count) {
        int bound = SPECIES.loopBound(count);
        int i = 0;
        for (; i < bound; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(SPECIES, a, aOff + o, ORDER)
                    .add(FloatVector.fromMemorySegment(SPECIES, b, bOff + o, ORDER))
                    .intoMemorySegment(dst, dstOff + o, ORDER);
        }
        for (; i < count; i++) {
            long o = (long) i * Float.BYTES;
            dst.set(FLOAT, dstOff + o, a.get(FLOAT, aOff + o) + b.get(FLOAT, bOff + o));
        }
    }
}
