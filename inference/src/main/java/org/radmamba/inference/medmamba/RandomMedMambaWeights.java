package org.radmamba.inference.medmamba;

import org.radmamba.inference.checkpoint.CheckpointTensor;
import org.radmamba.inference.checkpoint.StateDict;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A state dict with the official keys and shapes of a MedMamba configuration and random values in the ranges the
 * official initialisation produces (for benchmarks of MedMamba-T/S/B without their 58–200 MB checkpoints, and for
 * loading tests of variants). SS2D uses the official defaults: d_state 16, expand 2, dt_rank ceil(d_model/16),
 * d_conv 3. The values mean nothing.
 */
public final class RandomMedMambaWeights {

    private static final int D_STATE = 16;

    private final SplittableRandom random;
    private final Map<String, CheckpointTensor> tensors = new LinkedHashMap<>();

    private RandomMedMambaWeights(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The state dict of {@code config}, reproducible from {@code seed}. */
    public static StateDict stateDict(MedMambaConfig config, long seed) {
        RandomMedMambaWeights w = new RandomMedMambaWeights(seed);
        w.build(config);
        return new StateDict("random-" + config.dims()[0] + "-" + java.util.Arrays.toString(config.depths()), w.tensors);
    }

    private void build(MedMambaConfig config) {
        int[] dims = config.dims();
        int p = config.patchSize();
        uniform("patch_embed.proj.weight", 1.0 / Math.sqrt(config.inChannels() * p * p), dims[0], config.inChannels(), p, p);
        uniform("patch_embed.proj.bias", 0.05, dims[0]);
        layerNorm("patch_embed.norm", dims[0]);
        for (int i = 0; i < config.layers(); i++) {
            for (int j = 0; j < config.depths()[i]; j++) {
                block("layers." + i + ".blocks." + j + ".", dims[i]);
            }
            if (i < config.layers() - 1) {
                String m = "layers." + i + ".downsample.";
                uniform(m + "reduction.weight", 1.0 / Math.sqrt(4.0 * dims[i]), 2 * dims[i], 4 * dims[i]);
                layerNorm(m + "norm", 4 * dims[i]);
            }
        }
        int last = dims[dims.length - 1];
        uniform("head.weight", 1.0 / Math.sqrt(last), config.numClasses(), last);
        uniform("head.bias", 0.05, config.numClasses());
    }

    private void block(String prefix, int channels) {
        int half = channels / 2;
        int inner = 2 * half;
        int rank = (half + 15) / 16;
        layerNorm(prefix + "ln_1", half);
        String s = prefix + "self_attention.";
        uniform(s + "x_proj_weight", 1.0 / Math.sqrt(inner), 4, rank + 2 * D_STATE, inner);
        uniform(s + "dt_projs_weight", 1.0 / Math.sqrt(rank), 4, inner, rank);
        uniform(s + "dt_projs_bias", 1.0, 4, inner);
        float[] aLogs = new float[4 * inner * D_STATE];
        for (int i = 0; i < aLogs.length; i++) {
            aLogs[i] = (float) Math.log(1 + i % D_STATE);
        }
        put(s + "A_logs", aLogs, 4L * inner, D_STATE);
        uniform(s + "Ds", 1.0, 4L * inner);
        uniform(s + "in_proj.weight", 1.0 / Math.sqrt(half), 2L * inner, half);
        uniform(s + "conv2d.weight", 1.0 / 3, inner, 1, 3, 3);
        uniform(s + "conv2d.bias", 0.05, inner);
        layerNorm(s + "out_norm", inner);
        uniform(s + "out_proj.weight", 1.0 / Math.sqrt(inner), half, inner);
        String c = prefix + "conv33conv33conv11.";
        batchNorm(c + "0", half);
        uniform(c + "1.weight", 1.0 / Math.sqrt(9.0 * half), half, half, 3, 3);
        uniform(c + "1.bias", 0.05, half);
        batchNorm(c + "2", half);
        uniform(c + "4.weight", 1.0 / Math.sqrt(9.0 * half), half, half, 3, 3);
        uniform(c + "4.bias", 0.05, half);
        batchNorm(c + "5", half);
        uniform(c + "7.weight", 1.0 / Math.sqrt(half), half, half, 1, 1);
        uniform(c + "7.bias", 0.05, half);
    }

    private void layerNorm(String name, int dim) {
        put(name + ".weight", around(1.0, 0.1, dim), dim);
        uniform(name + ".bias", 0.05, dim);
    }

    private void batchNorm(String name, int dim) {
        put(name + ".weight", around(1.0, 0.1, dim), dim);
        uniform(name + ".bias", 0.05, dim);
        uniform(name + ".running_mean", 0.1, dim);
        put(name + ".running_var", around(1.0, 0.2, dim), dim);
        put(name + ".num_batches_tracked", new float[] {1f});
    }

    private float[] around(double centre, double spread, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (centre + spread * (2 * random.nextDouble() - 1));
        }
        return v;
    }

    private void uniform(String key, double bound, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        put(key, around(0.0, bound, Math.toIntExact(n)), shape);
    }

    private void put(String key, float[] values, long... shape) {
        tensors.put(key, new CheckpointTensor(key, shape, values, "float32"));
    }
}
