package org.radmamba.inference.nn;

import org.radmamba.inference.checkpoint.StateDict;

/**
 * {@code nn.Linear}: {@code y = x·Wᵀ + b} with the PyTorch weight {@code (out, in)} kept as it is in native memory.
 */
public final class Linear implements AutoCloseable {

    private final int in;
    private final int out;
    private final RowMatrix weight;
    private final float[] bias;

    /** @param bias {@code out} values, or null for {@code bias=False} */
    public Linear(float[] weight, int out, int in, float[] bias) {
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException("a Linear with " + out + " outputs needs " + out + " biases, got " + bias.length);
        }
        this.in = in;
        this.out = out;
        this.weight = RowMatrix.detached(weight, out, in);
        this.bias = bias == null ? null : bias.clone();
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
        RowMatrix y = Gemm.product(x, false, weight, true);
        Kernels.biasActivation(y, bias, Activation.NONE, parallel);
        return y;
    }

    @Override
    public void close() {
        weight.close();
    }
}
