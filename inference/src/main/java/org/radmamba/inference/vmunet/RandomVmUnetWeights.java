package org.radmamba.inference.vmunet;

import org.radmamba.inference.checkpoint.CheckpointTensor;
import org.radmamba.inference.checkpoint.StateDict;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A state dict with every official VM-UNet key at its official shape and random values of the official
 * initialisation's scale (Linear weights ~ N(0, 0.02), LayerNorm 1/0, A_logs = log(1..N), Ds = 1, dt biases the
 * inverse softplus of dt in [0.001, 0.1]), for benchmarks of a configuration whose trained weights are not at hand.
 * The numbers mean nothing; the work per inference is the real one.
 */
public final class RandomVmUnetWeights {

    private RandomVmUnetWeights() {
    }

    /** Keys with the {@code vmunet.} prefix, as {@code torch.save(VMUNet(...).state_dict())} writes them. */
    public static StateDict stateDict(VmUnetConfig arch, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, CheckpointTensor> tensors = new LinkedHashMap<>();
        Builder b = new Builder(tensors, random);
        int[] dims = arch.dims();
        int[] decoderDims = arch.decoderDims();
        int p = arch.patchSize();
        b.normal("patch_embed.proj.weight", dims[0], arch.inChannels(), p, p);
        b.constant("patch_embed.proj.bias", 0f, dims[0]);
        b.layerNorm("patch_embed.norm", dims[0]);
        for (int i = 0; i < arch.stages(); i++) {
            for (int j = 0; j < arch.depths()[i]; j++) {
                b.vssBlock("layers." + i + ".blocks." + j + ".", dims[i]);
            }
            if (i < arch.stages() - 1) {
                b.layerNorm("layers." + i + ".downsample.norm", 4 * dims[i]);
                b.normal("layers." + i + ".downsample.reduction.weight", 2 * dims[i], 4 * dims[i]);
            }
        }
        for (int i = 0; i < arch.stages(); i++) {
            if (i > 0) {
                int in = decoderDims[i - 1];
                b.normal("layers_up." + i + ".upsample.expand.weight", 2 * in, in);
                b.layerNorm("layers_up." + i + ".upsample.norm", in / 2);
            }
            for (int j = 0; j < arch.decoderDepths()[i]; j++) {
                b.vssBlock("layers_up." + i + ".blocks." + j + ".", decoderDims[i]);
            }
        }
        int last = decoderDims[arch.stages() - 1];
        b.normal("final_up.expand.weight", 4 * last, last);
        b.layerNorm("final_up.norm", last / 4);
        b.normal("final_conv.weight", arch.classes(), last / 4, 1, 1);
        b.constant("final_conv.bias", 0f, arch.classes());
        return new StateDict("random " + arch, tensors);
    }

    private record Builder(Map<String, CheckpointTensor> tensors, SplittableRandom random) {

        void vssBlock(String prefix, int dim) {
            int inner = VmUnetConfig.EXPAND * dim;
            int rank = VmUnetConfig.dtRank(dim);
            int n = VmUnetConfig.D_STATE;
            int k = VmUnetConfig.D_CONV;
            layerNorm(prefix + "ln_1", dim);
            String a = prefix + "self_attention.";
            normal(a + "in_proj.weight", 2 * inner, dim);
            uniform(a + "conv2d.weight", 1.0 / k, inner, 1, k, k);
            uniform(a + "conv2d.bias", 1.0 / k, inner);
            normal(a + "x_proj_weight", 4, rank + 2 * n, inner);
            uniform(a + "dt_projs_weight", Math.pow(rank, -0.5), 4, inner, rank);
            float[] dtBias = new float[4 * inner];
            for (int i = 0; i < dtBias.length; i++) {
                double dt = Math.exp(random.nextDouble() * (Math.log(0.1) - Math.log(0.001)) + Math.log(0.001));
                dtBias[i] = (float) (dt + Math.log(-Math.expm1(-dt)));
            }
            put(a + "dt_projs_bias", dtBias, 4, inner);
            float[] aLogs = new float[4 * inner * n];
            for (int i = 0; i < aLogs.length; i++) {
                aLogs[i] = (float) Math.log(i % n + 1);
            }
            put(a + "A_logs", aLogs, 4L * inner, n);
            constant(a + "Ds", 1f, 4 * inner);
            layerNorm(a + "out_norm", inner);
            normal(a + "out_proj.weight", dim, inner);
        }

        void layerNorm(String name, int dim) {
            constant(name + ".weight", 1f, dim);
            constant(name + ".bias", 0f, dim);
        }

        void normal(String name, long... shape) {
            float[] v = new float[count(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.02 * gaussian());
            }
            put(name, v, shape);
        }

        void uniform(String name, double bound, long... shape) {
            float[] v = new float[count(shape)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            put(name, v, shape);
        }

        void constant(String name, float value, long... shape) {
            float[] v = new float[count(shape)];
            java.util.Arrays.fill(v, value);
            put(name, v, shape);
        }

        void put(String name, float[] values, long... shape) {
            String key = VmUnetConfig.KEY_PREFIX + name;
            tensors.put(key, new CheckpointTensor(key, shape, values, "float32"));
        }

        private double gaussian() {
            double u = 1 - random.nextDouble();
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        }

        private static int count(long... shape) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }
    }
}
