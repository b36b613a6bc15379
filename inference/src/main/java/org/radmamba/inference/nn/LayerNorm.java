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
 * does on the CPU. Rows of a channels-last matrix, or the columns of a channels-first one.
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
            for (int r = from; r < to; r++) {
                normaliseRow(src, ((long) r * srcCols + colOffset) * Float.BYTES, dst, (long) r * dim * Float.BYTES);
            }
        });
    }

    /** Normalises every row of {@code x} in place. */
    public void applyInPlace(RowMatrix x, Parallel parallel) {
        apply(x, 0, x, parallel);
    }

    private void normaliseRow(MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        int bound = SPECIES.loopBound(dim);
        FloatVector acc = FloatVector.zero(SPECIES);
        int c = 0;
        for (; c < bound; c += LANES) {
            acc = acc.add(FloatVector.fromMemorySegment(SPECIES, src, srcOff + (long) c * Float.BYTES, ORDER));
        }
        float sum = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (; c < dim; c++) {
            sum += src.get(FLOAT, srcOff + (long) c * Float.BYTES);
        }
        float mean = sum / dim;
        FloatVector sq = FloatVector.zero(SPECIES);
        for (c = 0; c < bound; c += LANES) {
            FloatVector d = FloatVector.fromMemorySegment(SPECIES, src, srcOff + (long) c * Float.BYTES, ORDER).sub(mean);
            sq = d.fma(d, sq);
        }
        float var = sq.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
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
     * Channels-first, in place: {@code x[offset + c·columns + j]} for c in [0, dim) is one vector to normalise, for
     * each column j in [from, to). The columns are independent, so callers may split them across threads.
     */
    public void applyToColumns(float[] x, int offset, int columns, int from, int to) {
        int n = to - from;
        float[] mean = new float[n];
        float[] m2 = new float[n];
        int bound = from + SPECIES.loopBound(n);
        for (int c = 0; c < dim; c++) {
            int row = offset + c * columns;
            int j = from;
            for (; j < bound; j += LANES) {
                FloatVector.fromArray(SPECIES, mean, j - from).add(FloatVector.fromArray(SPECIES, x, row + j))
                        .intoArray(mean, j - from);
            }
            for (; j < to; j++) {
                mean[j - from] += x[row + j];
            }
        }
        for (int j = 0; j < n; j++) {
            mean[j] /= dim;
        }
        for (int c = 0; c < dim; c++) {
            int row = offset + c * columns;
            int j = from;
            for (; j < bound; j += LANES) {
                FloatVector d = FloatVector.fromArray(SPECIES, x, row + j).sub(FloatVector.fromArray(SPECIES, mean, j - from));
                d.fma(d, FloatVector.fromArray(SPECIES, m2, j - from)).intoArray(m2, j - from);
            }
            for (; j < to; j++) {
                float d = x[row + j] - mean[j - from];
                m2[j - from] += d * d;
            }
        }
        for (int j = 0; j < n; j++) {
            m2[j] = (float) (1.0 / Math.sqrt(m2[j] / dim + eps)); // now the reciprocal standard deviation
        }
        for (int c = 0; c < dim; c++) {
            int row = offset + c * columns;
            float g = gamma[c];
            float b = beta[c];
            int j = from;
            for (; j < bound; j += LANES) {
                FloatVector.fromArray(SPECIES, x, row + j).sub(FloatVector.fromArray(SPECIES, mean, j - from))
                        .mul(FloatVector.fromArray(SPECIES, m2, j - from)).fma(g, b).intoArray(x, row + j);
            }
            for (; j < to; j++) {
                x[row + j] = (x[row + j] - mean[j - from]) * m2[j - from] * g + b;
            }
        }
    }
}
