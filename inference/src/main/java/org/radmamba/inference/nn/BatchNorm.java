package org.radmamba.inference.nn;

import org.radmamba.inference.checkpoint.StateDict;

/**
 * {@code nn.BatchNorm2d} in evaluation mode as the per-channel affine map {@code y = scale·x + shift}, with
 * {@code scale = weight / sqrt(running_var + eps)} and {@code shift = bias - running_mean·scale}. It is never run on
 * its own: {@link ConvParams#foldBatchNormAfter} folds it into the convolution before it, and
 * {@link Conv2d} applies one that precedes a convolution while gathering that convolution's input.
 */
public record BatchNorm(float[] scale, float[] shift) {

    /** {@code nn.BatchNorm2d}'s default epsilon. */
    public static final float DEFAULT_EPS = 1e-5f;

    public BatchNorm {
        if (scale.length != shift.length) {
            throw new IllegalArgumentException("BatchNorm scale and shift differ in length");
        }
        scale = scale.clone();
        shift = shift.clone();
    }

    /** Loads {@code name.weight}, {@code .bias}, {@code .running_mean}, {@code .running_var} (each {@code channels}). */
    public static BatchNorm load(StateDict.Reader reader, String name, int channels, float eps) {
        float[] weight = Weights.read(reader, name + ".weight", channels);
        float[] bias = Weights.read(reader, name + ".bias", channels);
        float[] mean = Weights.read(reader, name + ".running_mean", channels);
        float[] var = Weights.read(reader, name + ".running_var", channels);
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            // double for the fold: it happens once, and keeps the folded weights as close as float allows
            double s = weight[c] / Math.sqrt((double) var[c] + eps);
            scale[c] = (float) s;
            shift[c] = (float) (bias[c] - mean[c] * s);
        }
        if (reader.has(name + "." + StateDict.BATCHES_TRACKED_SUFFIX)) {
            reader.skip(name + "." + StateDict.BATCHES_TRACKED_SUFFIX);
        }
        return new BatchNorm(scale, shift);
    }

    public int channels() {
        return scale.length;
    }
}
