package org.radmamba.inference.cuda;

import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.medmamba.MedMambaConfig;
import org.radmamba.inference.nn.BatchNorm;
import org.radmamba.inference.nn.ConvParams;
import org.radmamba.inference.nn.Weights;

import java.util.ArrayList;
import java.util.List;

/**
 * A MedMamba checkpoint packed for the device kernels (network.cu), on the host: every tensor read by its official
 * key and shape (the same keys {@link org.radmamba.inference.medmamba.MedMamba} reads, all of them, or the
 * {@link org.radmamba.inference.checkpoint.CheckpointException} names the one left over), the BatchNorms after the
 * 3x3 convolutions folded into them, the 3x3 weights reordered tap-major for the implicit GEMM, the depthwise weights
 * tap-major, A = -exp(A_logs) computed once, all in one {@link WeightPack}. Offsets are in floats.
 */
record MedMambaDeviceWeights(MedMambaConfig config, Embed embed, List<List<Block>> layers, List<Merge> merges,
                             Head head, float[] packed) implements DeviceModel {

    @Override
    public String unsupported() {
        return MedMambaPlanner.unsupported(this);
    }

    @Override
    public ForwardPlan plan(int batch, int channels, int height, int width) {
        if (channels != config.inChannels()) {
            throw new IllegalArgumentException("MedMamba takes " + config.inChannels() + " input channels, got "
                    + channels);
        }
        return MedMambaPlanner.plan(this, batch, height, width);
    }

    @Override
    public int inChannels() {
        return config.inChannels();
    }

    @Override
    public int classes() {
        return config.numClasses();
    }

    @Override
    public String describe() {
        return config.toString();
    }

    static final float LN_EPS = 1e-5f;

    /** patch_embed: conv p x p stride p (weight (C0, Cin, p, p) as stored) + bias, LayerNorm. */
    record Embed(int weight, int bias, int normWeight, int normBias) {
    }

    /**
     * One SS_Conv_SSM of {@code channels} (half of them in each branch) with an SS2D of d_inner {@code dInner},
     * d_state {@code dState}, dt_rank {@code rank} and a depthwise {@code convKernel}² convolution.
     */
    record Block(int channels, int dInner, int dState, int rank, int convKernel, int ln1Weight, int ln1Bias,
                 int inProj, int depthwiseWeight, int depthwiseBias, int xProj, int dtWeight, int dtBias, int aNeg,
                 int ds, int outNormWeight, int outNormBias, int outProj, int bn0Scale, int bn0Shift, int conv1Weight,
                 int conv1Bias, int conv2Weight, int conv2Bias, int conv3Weight, int conv3Bias) {

        int half() {
            return channels / 2;
        }

        /** Columns of x_proj's output per position: every direction's dt, B and C. */
        int xdblWidth() {
            return 4 * (rank + 2 * dState);
        }

        /** The block's SS2D (on the right half). */
        Ss2dWeights ss2d() {
            return new Ss2dWeights(half(), dInner, dState, rank, convKernel, inProj, depthwiseWeight, depthwiseBias,
                    xProj, dtWeight, dtBias, aNeg, ds, outNormWeight, outNormBias, outProj);
        }
    }

    /** PatchMerging2D of {@code channels} in, 2 x channels out. */
    record Merge(int channels, int normWeight, int normBias, int reduction) {
    }

    record Head(int weight, int bias) {
    }

    /** Reads and packs {@code stateDict}; every key must be used. */
    static MedMambaDeviceWeights pack(StateDict stateDict) {
        MedMambaConfig config = MedMambaConfig.infer(stateDict);
        StateDict.Reader r = stateDict.reader();
        WeightPack pack = new WeightPack();
        int[] dims = config.dims();
        int p = config.patchSize();
        Embed embed = new Embed(
                pack.add(Weights.read(r, "patch_embed.proj.weight", dims[0], config.inChannels(), p, p)),
                pack.add(Weights.read(r, "patch_embed.proj.bias", dims[0])),
                pack.add(Weights.read(r, "patch_embed.norm.weight", dims[0])),
                pack.add(Weights.read(r, "patch_embed.norm.bias", dims[0])));
        List<List<Block>> layers = new ArrayList<>();
        List<Merge> merges = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            List<Block> blocks = new ArrayList<>();
            for (int j = 0; j < config.depths()[i]; j++) {
                blocks.add(block(r.at("layers." + i + ".blocks." + j + "."), dims[i], pack));
            }
            layers.add(List.copyOf(blocks));
            if (i < config.layers() - 1) {
                StateDict.Reader m = r.at("layers." + i + ".downsample.");
                int c = dims[i];
                merges.add(new Merge(c, pack.add(Weights.read(m, "norm.weight", 4L * c)),
                        pack.add(Weights.read(m, "norm.bias", 4L * c)),
                        pack.add(Weights.read(m, "reduction.weight", 2L * c, 4L * c))));
            }
        }
        int last = dims[dims.length - 1];
        Head head = new Head(pack.add(Weights.read(r, "head.weight", config.numClasses(), last)),
                pack.add(Weights.read(r, "head.bias", config.numClasses())));
        r.assertAllConsumed();
        return new MedMambaDeviceWeights(config, embed, List.copyOf(layers), List.copyOf(merges), head, pack.toArray());
    }

    private static Block block(StateDict.Reader r, int channels, WeightPack pack) {
        int half = channels / 2;
        int ln1W = pack.add(Weights.read(r, "ln_1.weight", half));
        int ln1B = pack.add(Weights.read(r, "ln_1.bias", half));
        Ss2dWeights ss = Ss2dWeights.pack(r.at("self_attention."), half, pack);
        String seq = "conv33conv33conv11.";
        BatchNorm bn0 = BatchNorm.load(r, seq + "0", half, BatchNorm.DEFAULT_EPS);
        ConvParams c1 = ConvParams.load(r, seq + "1", half, half, 3, true)
                .foldBatchNormAfter(BatchNorm.load(r, seq + "2", half, BatchNorm.DEFAULT_EPS));
        ConvParams c2 = ConvParams.load(r, seq + "4", half, half, 3, true)
                .foldBatchNormAfter(BatchNorm.load(r, seq + "5", half, BatchNorm.DEFAULT_EPS));
        ConvParams c3 = ConvParams.load(r, seq + "7", half, half, 1, true);
        return new Block(channels, ss.dInner(), ss.dState(), ss.rank(), ss.convKernel(), ln1W, ln1B, ss.inProj(),
                ss.depthwiseWeight(), ss.depthwiseBias(), ss.xProj(), ss.dtWeight(), ss.dtBias(), ss.aNeg(), ss.ds(),
                ss.outNormWeight(), ss.outNormBias(), ss.outProj(), pack.add(bn0.scale()), pack.add(bn0.shift()), pack.add(tapMajor(c1)),
                pack.add(c1.bias()), pack.add(tapMajor(c2)), pack.add(c2.bias()), pack.add(c3.weight()),
                pack.add(c3.bias()));
    }

    /**
     * (out, in, k, k) to (out, k·k·in) with column {@code tap·in + ci}, tap = ky·k + kx: the order in which the
     * implicit GEMM walks a 3x3 neighbourhood of a channels-last map (channels contiguous within a tap).
     */
    static float[] tapMajor(ConvParams conv) {
        int in = conv.in();
        int taps = conv.kernel() * conv.kernel();
        float[] w = conv.weight();
        float[] out = new float[w.length];
        for (int o = 0; o < conv.out(); o++) {
            for (int ci = 0; ci < in; ci++) {
                for (int tap = 0; tap < taps; tap++) {
                    out[(o * taps + tap) * in + ci] = w[(o * in + ci) * taps + tap];
                }
            }
        }
        return out;
    }

    /** (channels, 1, k, k) to (k·k, channels): a warp's consecutive channels read consecutive weights per tap. */
    static float[] depthwiseTapMajor(float[] weight, int channels, int k) {
        int taps = k * k;
        float[] out = new float[weight.length];
        for (int c = 0; c < channels; c++) {
            for (int tap = 0; tap < taps; tap++) {
                out[tap * channels + c] = weight[c * taps + tap];
            }
        }
        return out;
    }

    /** A = -exp(A_logs), in float as forward_corev0 computes it (and as the CPU engine does). */
    static float[] negativeExp(float[] aLogs) {
        float[] a = new float[aLogs.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) -Math.exp(aLogs[i]);
        }
        return a;
    }
}
