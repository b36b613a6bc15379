package org.radmamba.inference.nn;

import org.radmamba.inference.checkpoint.StateDict;

/**
 * The parameters of a dense {@code nn.Conv2d} (groups = 1) in PyTorch's layout: {@code weight (out, in, k, k)},
 * {@code bias (out)} (zeros for {@code bias=False}).
 */
public record ConvParams(int out, int in, int kernel, float[] weight, float[] bias) {

    public ConvParams {
        if (weight.length != (long) out * in * kernel * kernel || bias.length != out) {
            throw new IllegalArgumentException("convolution parameters do not match (" + out + ", " + in + ", "
                    + kernel + ", " + kernel + ")");
        }
    }

    /** Loads {@code name.weight (out, in, k, k)} and, when {@code hasBias}, {@code name.bias (out)}. */
    public static ConvParams load(StateDict.Reader reader, String name, int in, int out, int kernel, boolean hasBias) {
        float[] w = Weights.read(reader, name + ".weight", out, in, kernel, kernel);
        float[] b = hasBias ? Weights.read(reader, name + ".bias", out) : new float[out];
        return new ConvParams(out, in, kernel, w, b);
    }

    /** This convolution followed by {@code bn}, as one convolution: exact, since both are affine per output channel. */
    public ConvParams foldBatchNormAfter(BatchNorm bn) {
        if (bn.channels() != out) {
            throw new IllegalArgumentException("a BatchNorm of " + bn.channels() + " channels after a convolution with " + out + " outputs");
        }
        int perOut = in * kernel * kernel;
        float[] w = new float[weight.length];
        float[] b = new float[out];
        for (int o = 0; o < out; o++) {
            float s = bn.scale()[o];
            for (int i = 0; i < perOut; i++) {
                w[o * perOut + i] = weight[o * perOut + i] * s;
            }
            b[o] = bias[o] * s + bn.shift()[o];
        }
        return new ConvParams(out, in, kernel, w, b);
    }
}
