package org.radmamba.inference.cuda;

import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.nn.Weights;
import org.radmamba.inference.vmunet.VmUnetConfig;

import java.util.ArrayList;
import java.util.List;

import static org.radmamba.inference.cuda.DeviceBuffer.EXPANDED;
import static org.radmamba.inference.cuda.DeviceBuffer.INPUT;
import static org.radmamba.inference.cuda.DeviceBuffer.MERGED;
import static org.radmamba.inference.cuda.DeviceBuffer.OUTPUT;
import static org.radmamba.inference.cuda.DeviceBuffer.RIGHT;
import static org.radmamba.inference.cuda.DeviceBuffer.X0;
import static org.radmamba.inference.cuda.DeviceBuffer.X1;
import static org.radmamba.inference.cuda.MedMambaPlanner.A_DENSE;
import static org.radmamba.inference.cuda.MedMambaPlanner.A_PATCHIFY;
import static org.radmamba.inference.cuda.MedMambaPlanner.ACT_NONE;
import static org.radmamba.inference.cuda.MedMambaPlanner.ELEMENT_THREADS;
import static org.radmamba.inference.cuda.MedMambaPlanner.ROW_THREADS;
import static org.radmamba.inference.cuda.MedMambaPlanner.blocks;
import static org.radmamba.inference.cuda.MedMambaPlanner.gemm;
import static org.radmamba.inference.cuda.MedMambaPlanner.layerNorm;

/**
 * A VM-UNet checkpoint (JCruan519/VM-UNet, keys under {@code vmunet.}) packed for network.cu, and its forward pass
 * planned as {@link org.radmamba.inference.vmunet.VmUnet} computes it: patch embedding; encoder stages of VSS blocks
 * ({@code x + SS2D(ln_1(x))}, the residual in out_proj's epilogue) with PatchMerging2D between them, each stage's
 * input kept in its own buffer for the skip; decoder stages: skip addition, PatchExpand2D (a GEMM, then the 2x2
 * rearrangement and its LayerNorm in one kernel), VSS blocks; Final_PatchExpand2D (x4) and final_conv written
 * channels-first with the sigmoid for one class.
 */
record VmUnetDeviceWeights(VmUnetConfig config, int embedWeight, int embedBias, int embedNormWeight,
                           int embedNormBias, List<List<Vss>> encoder, List<MedMambaDeviceWeights.Merge> merges,
                           List<Expand> expands, List<List<Vss>> decoder, Expand finalExpand, int headWeight,
                           int headBias, float[] packed) implements DeviceModel {

    static final int MAX_STAGES = 8;

    /** A VSS block: ln_1 over all {@code channels}, then SS2D, plus the input. */
    record Vss(int channels, int ln1Weight, int ln1Bias, Ss2dWeights ss2d) {
    }

    /** A patch expansion of {@code channels} by {@code scale}: Linear C → scale·C, rearrangement, LayerNorm(C/scale). */
    record Expand(int channels, int scale, int weight, int normWeight, int normBias) {
    }

    static VmUnetDeviceWeights pack(StateDict withPrefix) {
        StateDict sd = withPrefix.withoutPrefix(VmUnetConfig.KEY_PREFIX);
        VmUnetConfig config = VmUnetConfig.infer(sd);
        StateDict.Reader r = sd.reader();
        WeightPack pack = new WeightPack();
        int[] dims = config.dims();
        int[] decoderDims = config.decoderDims();
        int p = config.patchSize();
        int s = config.stages();
        int ew = pack.add(Weights.read(r, "patch_embed.proj.weight", dims[0], config.inChannels(), p, p));
        int eb = pack.add(Weights.read(r, "patch_embed.proj.bias", dims[0]));
        int enw = pack.add(Weights.read(r, "patch_embed.norm.weight", dims[0]));
        int enb = pack.add(Weights.read(r, "patch_embed.norm.bias", dims[0]));
        List<List<Vss>> encoder = new ArrayList<>();
        List<MedMambaDeviceWeights.Merge> merges = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            encoder.add(vssBlocks(r, "layers." + i + ".blocks.", config.depths()[i], dims[i], pack));
            if (i < s - 1) {
                StateDict.Reader m = r.at("layers." + i + ".downsample.");
                int c = dims[i];
                merges.add(new MedMambaDeviceWeights.Merge(c, pack.add(Weights.read(m, "norm.weight", 4L * c)),
                        pack.add(Weights.read(m, "norm.bias", 4L * c)),
                        pack.add(Weights.read(m, "reduction.weight", 2L * c, 4L * c))));
            }
        }
        List<Expand> expands = new ArrayList<>();
        List<List<Vss>> decoder = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            if (i > 0) {
                expands.add(expand(r, "layers_up." + i + ".upsample.", decoderDims[i - 1], 2, pack));
            }
            decoder.add(vssBlocks(r, "layers_up." + i + ".blocks.", config.decoderDepths()[i], decoderDims[i], pack));
        }
        Expand finalExpand = expand(r, "final_up.", decoderDims[s - 1], 4, pack);
        int headIn = decoderDims[s - 1] / 4;
        int hw = pack.add(Weights.read(r, "final_conv.weight", config.classes(), headIn, 1, 1));
        int hb = pack.add(Weights.read(r, "final_conv.bias", config.classes()));
        r.assertAllConsumed();
        return new VmUnetDeviceWeights(config, ew, eb, enw, enb, List.copyOf(encoder), List.copyOf(merges),
                List.copyOf(expands), List.copyOf(decoder), finalExpand, hw, hb, pack.toArray());
    }

    private static List<Vss> vssBlocks(StateDict.Reader r, String prefix, int depth, int dim, WeightPack pack) {
        List<Vss> blocks = new ArrayList<>();
        for (int j = 0; j < depth; j++) {
            StateDict.Reader b = r.at(prefix + j + ".");
            int lw = pack.add(Weights.read(b, "ln_1.weight", dim));
            int lb = pack.add(Weights.read(b, "ln_1.bias", dim));
            blocks.add(new Vss(dim, lw, lb, Ss2dWeights.pack(b.at("self_attention."), dim, pack)));
        }
        return List.copyOf(blocks);
    }

    private static Expand expand(StateDict.Reader r, String prefix, int channels, int scale, WeightPack pack) {
        return new Expand(channels, scale, pack.add(Weights.read(r, prefix + "expand.weight", (long) scale * channels,
                channels)), pack.add(Weights.read(r, prefix + "norm.weight", channels / scale)),
                pack.add(Weights.read(r, prefix + "norm.bias", channels / scale)));
    }

    @Override
    public String unsupported() {
        if (config.stages() > MAX_STAGES) {
            return config.stages() + " stages (the engine keeps skips for at most " + MAX_STAGES + ")";
        }
        for (List<List<Vss>> part : List.of(encoder, decoder)) {
            for (List<Vss> stage : part) {
                for (Vss b : stage) {
                    String why = b.ss2d().unsupported();
                    if (why != null) {
                        return why;
                    }
                }
            }
        }
        for (int i = 0; i < config.stages(); i++) {
            if (encoder.get(i).isEmpty() || decoder.get(i).isEmpty()) {
                return "a stage without blocks";
            }
        }
        return null;
    }

    @Override
    public ForwardPlan plan(int batch, int channels, int height, int width) {
        int divisor = config.sizeDivisor();
        if (batch <= 0 || height <= 0 || width <= 0 || height % divisor != 0 || width % divisor != 0
                || (channels != 1 && channels != config.inChannels())) {
            throw new IllegalArgumentException("VM-UNet needs (N, 1 or " + config.inChannels() + ", H, W) with H and W"
                    + " multiples of " + divisor + ", got " + batch + "x" + channels + "x" + height + "x" + width);
        }
        int classes = config.classes();
        ForwardPlan plan = ForwardPlan.builder(batch * classes * height * width);
        int p = config.patchSize();
        int s = config.stages();
        int[] dims = config.dims();
        int h = height / p;
        int w = width / p;
        plan.need(INPUT, (long) batch * channels * height * width).need(OUTPUT, (long) batch * classes * height * width);
        long n = (long) batch * h * w;
        DeviceBuffer[] skips = new DeviceBuffer[s];
        for (int i = 0; i < s; i++) {
            skips[i] = DeviceBuffer.valueOf("SKIP" + i);
        }
        plan.need(skips[0], n * dims[0]);
        plan.add(gemm(n, dims[0], config.inChannels() * p * p, INPUT, 0, A_PATCHIFY, height, width, channels, p, h, w,
                -1, -1, embedWeight, embedBias, ACT_NONE, skips[0], dims[0], 0, 1, null));
        plan.add(layerNorm(n, dims[0], skips[0], dims[0], 0, embedNormWeight, embedNormBias, skips[0], dims[0]));
        DeviceBuffer cur = skips[0];
        for (int i = 0; i < s; i++) {
            cur = vssStage(plan, encoder.get(i), batch, h, w, skips[i]);
            if (i < s - 1) {
                MedMambaDeviceWeights.Merge m = merges.get(i);
                int c = dims[i];
                h /= 2;
                w /= 2;
                long n2 = (long) batch * h * w;
                plan.need(MERGED, n2 * 4 * c).need(skips[i + 1], n2 * 2 * c);
                plan.add(KernelCall.of("merge_norm", blocks(n2, ROW_THREADS / 32), 1, 1, ROW_THREADS)
                        .i(batch).i(2 * h).i(2 * w).i(c).p(cur).w(m.normWeight()).w(m.normBias())
                        .f(MedMambaDeviceWeights.LN_EPS).p(MERGED).build());
                plan.add(gemm(n2, 2 * c, 4 * c, MERGED, 4 * c, A_DENSE, 0, 0, 0, 0, 0, 0, -1, -1, m.reduction(), -1,
                        ACT_NONE, skips[i + 1], 2 * c, 0, 1, null));
            }
        }
        for (int i = 0; i < s; i++) {
            if (i > 0) {
                long count = (long) batch * h * w * expands.get(i - 1).channels();
                plan.add(KernelCall.of("add_inplace", blocks(count, ELEMENT_THREADS), 1, 1, ELEMENT_THREADS)
                        .l(count).p(cur).p(skips[s - i]).build());
                DeviceBuffer next = cur == X0 ? X1 : X0;
                expand(plan, expands.get(i - 1), batch, h, w, cur, next);
                cur = next;
                h *= 2;
                w *= 2;
            }
            cur = vssStage(plan, decoder.get(i), batch, h, w, cur);
        }
        DeviceBuffer next = cur == X0 ? X1 : X0;
        expand(plan, finalExpand, batch, h, w, cur, next);
        h *= 4;
        w *= 4;
        int headIn = finalExpand.channels() / 4;
        long rows = (long) batch * h * w;
        plan.add(KernelCall.of("head_nchw", blocks(rows * classes, ELEMENT_THREADS), 1, 1, ELEMENT_THREADS)
                .i(batch).i(h * w).i(headIn).i(classes).p(next).w(headWeight).w(headBias).i(classes == 1 ? 1 : 0)
                .p(OUTPUT).build());
        return plan;
    }

    /** A stage's VSS blocks from {@code first} (left untouched: it may be a skip), ping-ponging X0 and X1. */
    private static DeviceBuffer vssStage(ForwardPlan plan, List<Vss> blocks, int batch, int h, int w,
                                         DeviceBuffer first) {
        DeviceBuffer cur = first;
        for (Vss b : blocks) {
            long n = (long) batch * h * w;
            int c = b.channels();
            DeviceBuffer out = cur == X0 ? X1 : X0;
            plan.need(RIGHT, n * c).need(X0, n * c).need(X1, n * c);
            plan.add(layerNorm(n, c, cur, c, 0, b.ln1Weight(), b.ln1Bias(), RIGHT, c));
            MedMambaPlanner.ss2d(plan, b.ss2d(), batch, h, w, RIGHT, out, c, 0, 1, cur);
            cur = out;
        }
        return cur;
    }

    private static void expand(ForwardPlan plan, Expand e, int batch, int h, int w, DeviceBuffer in,
                               DeviceBuffer out) {
        long n = (long) batch * h * w;
        int c = e.channels();
        int ch = c / e.scale();
        long outRows = n * e.scale() * e.scale();
        plan.need(EXPANDED, n * e.scale() * c).need(out, outRows * ch);
        plan.add(gemm(n, e.scale() * c, c, in, c, A_DENSE, 0, 0, 0, 0, 0, 0, -1, -1, e.weight(), -1, ACT_NONE,
                EXPANDED, e.scale() * c, 0, 1, null));
        plan.add(KernelCall.of("expand_norm", blocks(outRows, ROW_THREADS / 32), 1, 1, ROW_THREADS)
                .i(batch).i(h).i(w).i(e.scale()).i(ch).p(EXPANDED).w(e.normWeight()).w(e.normBias())
                .f(MedMambaDeviceWeights.LN_EPS).p(out).build());
    }

    @Override
    public int inChannels() {
        return config.inChannels();
    }

    @Override
    public int classes() {
        return config.classes();
    }

    @Override
    public String describe() {
        return config.toString();
    }
}
