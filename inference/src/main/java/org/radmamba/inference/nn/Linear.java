package org.radmamba.inference.nn;

import org.radmamba.inference.checkpoint.StateDict;

/**
 * {@code nn.Linear}: {@code y = x·Wᵀ + b}. With a multiple of the vector length of outputs (every projection of
 * MedMamba and VM-UNet) it runs as the direct 1×1 kernel of {@link DirectConv} (weights packed once at load, output
 * channels in the vector lanes, about 4× OpenBLAS's speed on these thin products, on the Java kernels' threads);
 * other shapes keep the PyTorch weight {@code (out, in)} in native memory for an sgemm.
 */
public final class Linear implements AutoCloseable {

    private final int in;
    private final int out;
    /** The weight in native memory for the sgemm, or null when {@link #direct} holds it (packed, native as well). */
    private final RowMatrix weight;
    private final float[] bias;
    /** The direct kernel, or null when {@code out} is not a multiple of the vector length. */
    private final DirectConv direct;

    /** @param bias {@code out} values, or null for {@code bias=False} */
    public Linear(float[] weight, int out, int in, float[] bias) {
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException("a Linear with " + out + " outputs needs " + out + " biases, got " + bias.length);
        }
        this.in = in;
        this.out = out;
        this.bias = bias == null ? null : bias.clone();
        this.direct = DirectConv.supports(1, 1, 0, out)
                ? new DirectConv(in, out, 1, weight, bias == null ? new float[out] : bias, null, null, Activation.NONE)
                : null;
        this.weight = direct == null ? RowMatrix.detached(weight, out, in) : null;
    }

    /** Loads {@code name.weight} (out, in) and, when {@code hasBias}, {@code name.bias} (out). */
    public static Linear load(StateDict.Reader reader, String name, int in, int out, boolean hasBias) {
        float[] w = Weights.read(reader, name + ".weight", out, in);
        float[] b = hasBias ? Weights.read(reader, name + ".bias", out) : null;
        return new Linear(w, out, in, b);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** {@code (rows, in)} to a new {@code (rows, out)}. */
    public RowMatrix apply(RowMatrix x, Parallel parallel) {
        if (direct != null) {
            if (x.cols() != in) {
                throw new IllegalArgumentException("a Linear of " + in + " inputs got " + x.cols() + " columns");
            }
            return direct.apply(new FeatureMap(1, x.rows(), 1, x), 0, parallel).data(); // one row a "line": the copy splits
        }
        RowMatrix y = Gemm.product(x, false, weight, true, parallel);
        Kernels.biasActivation(y, bias, Activation.NONE, parallel);
        return y;
    }

    @Override
    public void close() {
        if (weight != null) {
            weight.close();
        }
        if (direct != null) {
            direct.close();
        }
    }
}
