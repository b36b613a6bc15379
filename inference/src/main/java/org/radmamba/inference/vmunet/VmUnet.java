package org.radmamba.inference.vmunet;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.model.InferenceNetwork;
import org.radmamba.inference.model.NetworkFamily;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.ConvParams;
import org.radmamba.inference.nn.Conv2d;
import org.radmamba.inference.nn.Activation;
import org.radmamba.inference.nn.FeatureMap;
import org.radmamba.inference.nn.InferenceMemory;
import org.radmamba.inference.nn.LayerNorm;
import org.radmamba.inference.nn.PatchMerging2D;
import org.radmamba.inference.nn.RowMatrix;
import org.radmamba.inference.segmentation.ScoreMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * VM-UNet for medical image segmentation (Ruan and Xiang, "VM-UNet: Vision Mamba UNet for Medical Image
 * Segmentation", 2024), following JCruan519/VM-UNet {@code models/vmunet/vmunet.py} ({@code VMUNet}) and
 * {@code vmamba.py} ({@code VSSM}) exactly:
 *
 * <pre>
 *   x = patch_embed(x)                      Conv2d(3, C0, 4, stride 4) → channels last → LayerNorm
 *   encoder, stage i: skip_i = x; x = blocks(x); x = PatchMerging2D(x) (not after the last stage)
 *   decoder, stage 0: x = blocks(x)
 *            stage i ≥ 1: x = PatchExpand2D(x + skip_{S-i}); x = blocks(x)
 *   x = Final_PatchExpand2D(x) (×4) → channels first → final_conv 1x1
 *   one class: sigmoid; more: logits
 * </pre>
 *
 * The patch embedding's output (skip_0) is collected by the official code but never added anywhere. Blocks are
 * {@link VssBlock}s; SS2D and the selective scan are the engine's shared ones. Input channels of 1 are repeated to
 * 3, as {@code VMUNet.forward} does.
 */
public final class VmUnet implements InferenceNetwork {

    /** VM-UNet's steps under the verbs every family shares. */
    public static final NetworkFamily<VmUnetConfig, VmUnet> FAMILY = new NetworkFamily<>() {
        @Override
        public String name() {
            return "vmunet";
        }

        @Override
        public VmUnetConfig infer(StateDict stateDict) {
            return VmUnetConfig.infer(stateDict.withoutPrefix(VmUnetConfig.KEY_PREFIX));
        }

        @Override
        public VmUnet load(StateDict stateDict) {
            return VmUnet.load(stateDict);
        }

        @Override
        public StateDict randomWeights(VmUnetConfig config, long seed) {
            return RandomVmUnetWeights.stateDict(config, seed);
        }
    };

    private static final Logger LOG = LoggerFactory.getLogger(VmUnet.class);

    private final VmUnetConfig config;
    private final Conv2d patchEmbed;
    private final LayerNorm patchNorm;
    private final List<List<VssBlock>> encoder;
    private final List<PatchMerging2D> downsamples;
    private final List<List<VssBlock>> decoder;
    private final List<PatchExpand> upsamples;
    private final PatchExpand finalUp;
    private final SegmentationHead finalConv;

    private VmUnet(VmUnetConfig config, Conv2d patchEmbed, LayerNorm patchNorm, List<List<VssBlock>> encoder,
                   List<PatchMerging2D> downsamples, List<List<VssBlock>> decoder, List<PatchExpand> upsamples,
                   PatchExpand finalUp, SegmentationHead finalConv) {
        this.config = config;
        this.patchEmbed = patchEmbed;
        this.patchNorm = patchNorm;
        this.encoder = encoder;
        this.downsamples = downsamples;
        this.decoder = decoder;
        this.upsamples = upsamples;
        this.finalUp = finalUp;
        this.finalConv = finalConv;
    }

    /** Reads a checkpoint as the official training writes it ({@code torch.save(model.state_dict())}). */
    public static VmUnet load(Path checkpoint) {
        return load(PthReader.read(checkpoint));
    }

    /**
     * Builds the model from a state dict with the official keys ({@code vmunet.patch_embed.proj.weight}, ...): the
     * architecture comes from the key shapes, then every tensor must be present with the shape it implies and no key
     * may be left over; a {@link CheckpointException} names the file and the key otherwise.
     */
    public static VmUnet load(StateDict withPrefix) {
        StateDict stateDict = withPrefix.withoutPrefix(VmUnetConfig.KEY_PREFIX);
        try {
            return build(stateDict);
        } catch (CheckpointException e) {
            throw new CheckpointException(e.getMessage() + " (VM-UNet keys are read under '"
                    + VmUnetConfig.KEY_PREFIX + "')", e);
        }
    }

    private static VmUnet build(StateDict stateDict) {
        VmUnetConfig arch = VmUnetConfig.infer(stateDict);
        StateDict.Reader reader = stateDict.reader();
        int s = arch.stages();
        int[] dims = arch.dims();
        int[] decoderDims = arch.decoderDims();
        int p = arch.patchSize();

        Conv2d patchEmbed = new Conv2d(ConvParams.load(reader, "patch_embed.proj", arch.inChannels(), dims[0], p, true),
                p, 0, null, Activation.NONE);
        LayerNorm patchNorm = LayerNorm.load(reader, "patch_embed.norm", dims[0], LayerNorm.DEFAULT_EPS);

        List<List<VssBlock>> encoder = new ArrayList<>();
        List<PatchMerging2D> downsamples = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            encoder.add(blocks(reader, "layers." + i + ".blocks.", arch.depths()[i], dims[i]));
            if (i < s - 1) {
                downsamples.add(PatchMerging2D.load(reader, "layers." + i + ".downsample.", dims[i]));
            }
        }
        List<List<VssBlock>> decoder = new ArrayList<>();
        List<PatchExpand> upsamples = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            if (i > 0) {
                // PatchExpand2D(dim=dims_decoder[i]) reads 2·dim channels (the previous stage's width).
                upsamples.add(PatchExpand.load(reader, "layers_up." + i + ".upsample", decoderDims[i - 1], 2));
            }
            decoder.add(blocks(reader, "layers_up." + i + ".blocks.", arch.decoderDepths()[i], decoderDims[i]));
        }
        PatchExpand finalUp = PatchExpand.load(reader, "final_up", decoderDims[s - 1], 4);
        SegmentationHead finalConv = SegmentationHead.load(reader, "final_conv", finalUp.outChannels(), arch.classes());
        reader.assertAllConsumed();
        LOG.info("loaded {} from {}", arch, stateDict.source());
        return new VmUnet(arch, patchEmbed, patchNorm, encoder, downsamples, decoder, upsamples, finalUp, finalConv);
    }

    private static List<VssBlock> blocks(StateDict.Reader reader, String prefix, int depth, int dim) {
        List<VssBlock> blocks = new ArrayList<>(depth);
        for (int j = 0; j < depth; j++) {
            blocks.add(VssBlock.load(reader, prefix + j + ".", dim));
        }
        return List.copyOf(blocks);
    }

    public VmUnetConfig config() {
        return config;
    }

    @Override
    public int classes() {
        return config.classes();
    }

    @Override
    public String describe() {
        return config.toString();
    }

    /** {@link #run(float[], int, int, int, int, ComputeContext)} with the network's own input channels. */
    @Override
    public float[] run(float[] input, int batch, int height, int width, ComputeContext ctx) {
        return run(input, batch, config.inChannels(), height, width, ctx);
    }

    /**
     * Runs the network on {@code input}, an NCHW float32 tensor (batch, 1 or 3, height, width) whose sides are
     * multiples of {@link VmUnetConfig#sizeDivisor()}.
     *
     * @return (batch, classes, height, width): sigmoid probabilities for one class, logits otherwise
     */
    public float[] run(float[] input, int batch, int channels, int height, int width, ComputeContext ctx) {
        checkInput(input, batch, channels, height, width);
        try (MemoryWorkspace ignored = InferenceMemory.open("vmunet")) {
            FeatureMap x = channelsLast(input, batch, channels, height, width);
            long t = ctx.profile().start();
            x = patchEmbed.apply(x, 0, ctx.parallel());
            patchNorm.applyInPlace(x.data(), ctx.parallel());
            ctx.profile().stop("patch_embed", t);

            int s = config.stages();
            FeatureMap[] skips = new FeatureMap[s];
            for (int i = 0; i < s; i++) {
                skips[i] = x;
                x = runBlocks(encoder.get(i), x, ctx);
                if (i < s - 1) {
                    x = downsamples.get(i).forward(x, ctx);
                }
            }
            for (int i = 0; i < s; i++) {
                if (i > 0) {
                    t = ctx.profile().start();
                    Residuals.addInPlace(x.data(), skips[s - i].data(), ctx.parallel()); // x + skip_list[-i]
                    x = upsamples.get(i - 1).apply(x, ctx.parallel());
                    ctx.profile().stop("patch_expand", t);
                }
                x = runBlocks(decoder.get(i), x, ctx);
            }
            t = ctx.profile().start();
            x = finalUp.apply(x, ctx.parallel());
            ctx.profile().stop("final_up", t);
            t = ctx.profile().start();
            float[] out = finalConv.apply(x, ctx.parallel());
            ctx.profile().stop("final_conv", t);
            return out;
        }
    }

    /** {@link #run} for one image, as a {@link ScoreMap}. */
    public ScoreMap segment(float[] input, int channels, int height, int width, ComputeContext ctx) {
        float[] out = run(input, 1, channels, height, width, ctx);
        int classes = config.classes();
        return classes == 1 ? ScoreMap.probabilities(height, width, out) : ScoreMap.logits(classes, height, width, out);
    }

    private static FeatureMap runBlocks(List<VssBlock> blocks, FeatureMap x, ComputeContext ctx) {
        for (VssBlock block : blocks) {
            x = block.forward(x, ctx);
        }
        return x;
    }

    private void checkInput(float[] input, int batch, int channels, int height, int width) {
        if (channels != 1 && channels != config.inChannels()) {
            throw new IllegalArgumentException("VM-UNet takes " + config.inChannels()
                    + " input channels (or 1, repeated), got " + channels);
        }
        int divisor = config.sizeDivisor();
        if (batch <= 0 || height <= 0 || width <= 0 || height % divisor != 0 || width % divisor != 0) {
            throw new IllegalArgumentException("VM-UNet needs a positive batch and sides that are multiples of " + divisor
                    + ", got " + batch + "x" + channels + "x" + height + "x" + width);
        }
        if (input.length != (long) batch * channels * height * width) {
            throw new IllegalArgumentException("a " + batch + "x" + channels + "x" + height + "x" + width + " input needs "
                    + (long) batch * channels * height * width + " values, got " + input.length);
        }
    }

    /** NCHW to a channels-last map of {@code inChannels}, repeating a single channel as VMUNet.forward does. */
    private FeatureMap channelsLast(float[] input, int batch, int channels, int height, int width) {
        int c = config.inChannels();
        int pixels = height * width;
        float[] rows = new float[batch * pixels * c];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < c; k++) {
                int plane = (b * channels + (channels == 1 ? 0 : k)) * pixels;
                for (int p = 0; p < pixels; p++) {
                    rows[(b * pixels + p) * c + k] = input[plane + p];
                }
            }
        }
        RowMatrix m = RowMatrix.of(rows, batch * pixels, c);
        return new FeatureMap(batch, height, width, m);
    }

    @Override
    public void close() {
        patchEmbed.close();
        encoder.forEach(stage -> stage.forEach(VssBlock::close));
        downsamples.forEach(PatchMerging2D::close);
        decoder.forEach(stage -> stage.forEach(VssBlock::close));
        upsamples.forEach(PatchExpand::close);
        finalUp.close();
    }
}
