package org.radmamba.inference.nn;

import jdk.incubator.vector.FloatVector;
import org.radmamba.inference.checkpoint.StateDict;

import java.lang.foreign.MemorySegment;

import static org.radmamba.inference.nn.Kernels.FLOAT;
import static org.radmamba.inference.nn.Kernels.LANES;
import static org.radmamba.inference.nn.Kernels.ORDER;
import static org.radmamba.inference.nn.Kernels.SPECIES;

/**
 * {@code nn.LayerNorm(dim, eps)} over the last (channel) dimension: biased variance, two passes in float32 as PyTorch
 * does on the CPU. Rows of a channels-last matrix.
 */
public final class LayerNorm {

    /** {@code nn.LayerNorm}'s default epsilon. */
    public static final float DEFAULT_EPS = 1e-5f;

    private final int dim;
    private final float eps;
    private final float[] gamma;
    private final float[] beta;

    public LayerNorm(float[] gamma, float[] beta, float eps) {
        if (gamma.length != beta.length) {
            throw new IllegalArgumentException("LayerNorm weight and bias differ in length: " + gamma.length + " vs " + beta.length);
        }
        this.dim = gamma.length;
        this.eps = eps;
        this.gamma = gamma.clone();
        this.beta = beta.clone();
    }

    /** Loads {@code name.weight} and {@code name.bias}, both {@code (dim)}. */
    public static LayerNorm load(StateDict.Reader reader, String name, int dim, float eps) {
        return new LayerNorm(Weights.read(reader, name + ".weight", dim), Weights.read(reader, name + ".bias", dim), eps);
    }

    public int dim() {
        return dim;
    }

    /** A new matrix: every row of {@code x} (which has {@code dim} columns) normalised. */
    public RowMatrix apply(RowMatrix x, Parallel parallel) {
        RowMatrix out = RowMatrix.allocate(x.rows(), dim);
        apply(x, 0, out, parallel);
        return out;
    }

    /** {@code out[r, :] = LN(x[r, colOffset .. colOffset+dim))}, for a channel window of a wider matrix. */
    public void apply(RowMatrix x, int colOffset, RowMatrix out, Parallel parallel) {
        if (colOffset < 0 || colOffset + dim > x.cols() || out.cols() != dim || out.rows() != x.rows()) {
            throw new IllegalArgumentException("LayerNorm(" + dim + ") cannot read columns " + colOffset + ".. of a "
                    + x.rows() + "x" + x.cols() + " matrix into " + out.rows() + "x" + out.cols());
        }
        MemorySegment src = x.segment();
        MemorySegment dst = out.segment();
        int srcCols = x.cols();
        parallel.forRange(x.rows(), Kernels.rowGrain(dim), (from, to) -> {
            float[] lanes = new float[LANES];
            for (int r = from; r < to; r++) {
                normaliseRow(src, ((long) r * srcCols + colOffset) * Float.BYTES, dst, (long) r * dim * Float.BYTES,
                        lanes);
            }
        });
    }

    /** Normalises every row of {@code x} in place. */
    public void applyInPlace(RowMatrix x, Parallel parallel) {
        apply(x, 0, x, parallel);
    }

    private void normaliseRow(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, float[] lanes) {
        int bound = SPECIES.loopBound(dim);
        FloatVector acc = FloatVector.zero(SPECIES);
        int c = 0;
        for (; c < bound; c += LANES) {
            acc = acc.add(FloatVector.fromMemorySegment(SPECIES, src, srcOff + (long) c * Float.BYTES, ORDER));
        }
        float sum = sumLanesInFixedOrder(acc, lanes);
        for (; c < dim; c++) {
            sum += src.get(FLOAT, srcOff + (long) c * Float.BYTES);
        }
        float mean = sum / dim;
        FloatVector sq = FloatVector.zero(SPECIES);
        for (c = 0; c < bound; c += LANES) {
            FloatVector d = FloatVector.fromMemorySegment(SPECIES, src, srcOff + (long) c * Float.BYTES, ORDER).sub(mean);
            sq = d.fma(d, sq);
        }
        float var = sumLanesInFixedOrder(sq, lanes);
        for (; c < dim; c++) {
            float d = src.get(FLOAT, srcOff + (long) c * Float.BYTES) - mean;
            var += d * d;
        }
        float rstd = (float) (1.0 / Math.sqrt(var / dim + eps));
        for (c = 0; c < bound; c += LANES) {
            long o = (long) c * Float.BYTES;
            FloatVector v = FloatVector.fromMemorySegment(SPECIES, src, srcOff + o, ORDER).sub(mean).mul(rstd);
            v.fma(FloatVector.fromArray(SPECIES, gamma, c), FloatVector.fromArray(SPECIES, beta, c))
                    .intoMemorySegment(dst, dstOff + o, ORDER);
        }
        for (; c < dim; c++) {
            long o = (long) c * Float.BYTES;
            dst.set(FLOAT, dstOff + o, (src.get(FLOAT, srcOff + o) - mean) * rstd * gamma[c] + beta[c]);
        }
    }

    /**
     * The lanes' sum in one fixed order: four running sums over lanes 4i, 4i+1, 4i+2, 4i+3 (independent, so they
     * overlap in the pipeline), then (s0 + s1) + (s2 + s3). Not {@code reduceLanes(ADD)}: its order for floats is
     * left to the implementation, and C2's vector reduction and the interpreter's per-lane loop round differently,
     * so the same row gave other logits once the kernel got hot. {@code lane(i)} with a variable i is not compiled
     * to a register move, hence the scratch array.
     */
    private static float sumLanesInFixedOrder(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int lane = 0;
        for (; lane + 3 < LANES; lane += 4) {
            s0 += lanes[lane];
            s1 += lanes[lane + 1];
            s2 += lanes[lane + 2];
            s3 += lanes[lane + 3];
        }
        for (; lane < LANES; lane++) {
            s0 += lanes[lane];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
