package org.radmamba.inference.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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

    static {
        loadClassesOfFirstUse();
    }

    private Kernels() {
    }

    /**
     * Runs once, while this class initialises (before any kernel of this package has run), the Vector API operations
     * whose Java implementation loads further classes the first time it runs: reinterpreting floats as ints (the exp
     * of SiLU and of the scan) loads IntVector's species and a heap {@link MemorySegment} implementation; masks,
     * blends, gathers and scatters load their own. Loaded in the middle of the first inference instead, the heap
     * segment class broke an assumption of every kernel C2 had compiled by then (that {@code MemorySegment} has one
     * implementation, the native one): HotSpot discarded that code and the kernels ran in C1 code until C2 compiled
     * them again, and in C1 code every vector operation allocates. VM-UNet's first inference, whose projections
     * compile before its first SiLU, then allocated 9-13 GB instead of about 5, and G1 grew the heap after that
     * garbage: peak RSS above the build that ran those projections in BLAS.
     */
    private static void loadClassesOfFirstUse() {
        FloatVector x = FloatVector.broadcast(SPECIES, -1f);
        float[] values = new float[LANES];
        int[] lanes = new int[LANES];
        VectorMask<Float> first = SPECIES.indexInRange(0, 1);
        x = Activation.SILU.apply(x).add(Activation.RELU.apply(x));
        x = x.blend(FloatVector.fromArray(SPECIES, values, 0, lanes, 0, first), x.compare(VectorOperators.GT, 0f));
        x = x.add(FloatVector.fromMemorySegment(SPECIES, MemorySegment.ofArray(values), 0, ORDER));
        x.intoArray(values, 0, lanes, 0, first);
        x.intoArray(values, 0, first);
        x.reinterpretAsInts().reinterpretAsFloats().intoArray(values, 0);
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

    /** Lane i of the first half takes a[i/2] (i even) or b[i/2] (i odd); the second half continues at a[LANES/2]. */
    private static final VectorShuffle<Float> INTERLEAVE_LOW = interleave(0);
    private static final VectorShuffle<Float> INTERLEAVE_HIGH = interleave(LANES / 2);

    private static VectorShuffle<Float> interleave(int first) {
        int[] lanes = new int[LANES];
        for (int i = 0; i < LANES; i++) {
            int source = first + i / 2;
            lanes[i] = i % 2 == 0 ? source : source - LANES; // negative: "from the second vector"
        }
        return VectorShuffle.fromArray(SPECIES, lanes, 0);
    }

    /**
     * Channel shuffle with two groups after concatenating {@code a} and {@code b}, plus a residual:
     * {@code out[r, 2j] = x[r, 2j] + a[r, j]} and {@code out[r, 2j+1] = x[r, 2j+1] + b[r, j]}
     * (PyTorch's {@code channel_shuffle(cat(a, b), groups=2) + x}).
     */
    public static RowMatrix shuffleTwoGroupsAndAdd(RowMatrix x, RowMatrix a, RowMatrix b, Parallel parallel) {
        int channels = x.cols();
        int half = channels / 2;
        if (channels % 2 != 0 || a.cols() != half || b.cols() != half || a.rows() != x.rows() || b.rows() != x.rows()) {
            throw new IllegalArgumentException("channel shuffle of " + a.cols() + " + " + b.cols() + " channels onto " + channels);
        }
        RowMatrix out = RowMatrix.allocate(x.rows(), channels);
        MemorySegment in = x.segment();
        MemorySegment sa = a.segment();
        MemorySegment sb = b.segment();
        MemorySegment o = out.segment();
        parallel.forRange(x.rows(), rowGrain(channels), (from, to) -> {
            int bound = SPECIES.loopBound(half);
            for (int r = from; r < to; r++) {
                long row = (long) r * channels * Float.BYTES;
                long halfRow = (long) r * half * Float.BYTES;
                int j = 0;
                for (; j < bound; j += LANES) {
                    FloatVector va = FloatVector.fromMemorySegment(SPECIES, sa, halfRow + (long) j * Float.BYTES, ORDER);
                    FloatVector vb = FloatVector.fromMemorySegment(SPECIES, sb, halfRow + (long) j * Float.BYTES, ORDER);
                    long lo = row + 2L * j * Float.BYTES;
                    long hi = lo + (long) LANES * Float.BYTES;
                    va.rearrange(INTERLEAVE_LOW, vb).add(FloatVector.fromMemorySegment(SPECIES, in, lo, ORDER))
                            .intoMemorySegment(o, lo, ORDER);
                    va.rearrange(INTERLEAVE_HIGH, vb).add(FloatVector.fromMemorySegment(SPECIES, in, hi, ORDER))
                            .intoMemorySegment(o, hi, ORDER);
                }
                for (; j < half; j++) {
                    long even = row + 2L * j * Float.BYTES;
                    long pos = halfRow + (long) j * Float.BYTES;
                    o.set(FLOAT, even, in.get(FLOAT, even) + sa.get(FLOAT, pos));
                    o.set(FLOAT, even + Float.BYTES, in.get(FLOAT, even + Float.BYTES) + sb.get(FLOAT, pos));
                }
            }
        });
        return out;
    }

    private static final int TILE = 32;

    /**
     * A channels-first {@code (channels, length)} block of {@code src} into rows
     * {@code firstRow .. firstRow+length} of the channels-last {@code dst} ({@code channels} columns).
     */
    public static void transposeFromArray(float[] src, int srcOffset, int channels, int length, RowMatrix dst, int firstRow,
                                          Parallel parallel) {
        if (dst.cols() != channels) {
            throw new IllegalArgumentException(channels + " channels into a matrix of " + dst.cols() + " columns");
        }
        MemorySegment seg = dst.segment();
        int tiles = (length + TILE - 1) / TILE;
        parallel.forRange(tiles, 4, (from, to) -> {
            float[] tile = new float[TILE * channels];
            for (int t = from; t < to; t++) {
                int l0 = t * TILE;
                int count = Math.min(length, l0 + TILE) - l0;
                for (int c = 0; c < channels; c++) {
                    int in = srcOffset + c * length + l0;
                    for (int l = 0; l < count; l++) {
                        tile[l * channels + c] = src[in + l];
                    }
                }
                MemorySegment.copy(tile, 0, seg, FLOAT, (long) (firstRow + l0) * channels * Float.BYTES, count * channels);
            }
        });
    }

    /** {@code m[r, c] *= silu(gate[r, gateOffset + c])} for every row: Mamba's output gate {@code y · silu(z)}. */
    public static void multiplyBySilu(RowMatrix m, RowMatrix gate, int gateOffset, Parallel parallel) {
        int cols = m.cols();
        if (gate.rows() != m.rows() || gateOffset < 0 || gateOffset + cols > gate.cols()) {
            throw new IllegalArgumentException("a gate of " + gate.rows() + "x" + gate.cols() + " from column "
                    + gateOffset + " cannot gate " + m.rows() + "x" + cols);
        }
        MemorySegment seg = m.segment();
        MemorySegment g = gate.segment();
        int gateCols = gate.cols();
        parallel.forRange(m.rows(), rowGrain(cols), (from, to) -> {
            int bound = SPECIES.loopBound(cols);
            for (int r = from; r < to; r++) {
                long base = (long) r * cols * Float.BYTES;
                long gateBase = ((long) r * gateCols + gateOffset) * Float.BYTES;
                int c = 0;
                for (; c < bound; c += LANES) {
                    long o = (long) c * Float.BYTES;
                    FloatVector z = FloatVector.fromMemorySegment(SPECIES, g, gateBase + o, ORDER);
                    FloatVector.fromMemorySegment(SPECIES, seg, base + o, ORDER).mul(Activation.SILU.apply(z))
                            .intoMemorySegment(seg, base + o, ORDER);
                }
                for (; c < cols; c++) {
                    long o = (long) c * Float.BYTES;
                    seg.set(FLOAT, base + o, seg.get(FLOAT, base + o) * Activation.SILU.apply(g.get(FLOAT, gateBase + o)));
                }
            }
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
