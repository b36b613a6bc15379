package org.radmamba.inference.medmamba;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.nn.Activation;
import org.radmamba.inference.model.InferenceNetwork;
import org.radmamba.inference.model.NetworkFamily;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Conv2d;
import org.radmamba.inference.nn.ConvParams;
import org.radmamba.inference.nn.FeatureMap;
import org.radmamba.inference.nn.InferenceMemory;
import org.radmamba.inference.nn.LayerNorm;
import org.radmamba.inference.nn.Linear;
import org.radmamba.inference.nn.PatchMerging2D;
import org.radmamba.inference.nn.RowMatrix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * MedMamba (Yue and Li, "MedMamba: Vision Mamba for Medical Image Classification", 2024), following
 * {@code VSSM} of the official {@code MedMamba.py} (github.com/YubiaoYue/MedMamba) operation for operation:
 *
 * <pre>
 *   patch_embed   conv k×k stride k (k = 4) → channels-last → LayerNorm(eps 1e-5)
 *   layers[i]     depths[i] × SS_Conv_SSM(dims[i]), then PatchMerging2D except after the last layer
 *   (no final norm: VSSM's self.norm is commented out)
 *   avgpool       mean over H·W
 *   head          Linear(dims[-1], num_classes)
 * </pre>
 *
 * It loads the official checkpoints ({@code torch.save(model.state_dict())}) by their own keys; the architecture comes
 * from the checkpoint ({@link MedMambaConfig#infer}); every tensor must be used and have the expected shape.
 * Input: NCHW float32, already preprocessed (see {@code org.radmamba.inference.preprocess}); output: logits.
 * Thread-safe: weights are read-only and activations live in the calling thread's workspace.
 */
public final class MedMamba implements InferenceNetwork {

    /** MedMamba's steps under the verbs every family shares. */
    public static final NetworkFamily<MedMambaConfig, MedMamba> FAMILY = new NetworkFamily<>() {
        @Override
        public String name() {
            return "medmamba";
        }

        @Override
        public MedMambaConfig infer(StateDict stateDict) {
            return MedMambaConfig.infer(stateDict);
        }

        @Override
        public MedMamba load(StateDict stateDict) {
            return MedMamba.load(stateDict);
        }

        @Override
        public StateDict randomWeights(MedMambaConfig config, long seed) {
            return RandomMedMambaWeights.stateDict(config, seed);
        }
    };

    private static final Logger LOG = LoggerFactory.getLogger(MedMamba.class);
    private static final String WORKSPACE = "radmamba-medmamba";

    private final MedMambaConfig config;
    private final Conv2d patchProj;
    private final LayerNorm patchNorm;
    private final List<List<SSConvSSM>> layers;
    private final List<PatchMerging2D> mergings;
    private final Linear head;

    private MedMamba(MedMambaConfig config, Conv2d patchProj, LayerNorm patchNorm, List<List<SSConvSSM>> layers,
                     List<PatchMerging2D> mergings, Linear head) {
        this.config = config;
        this.patchProj = patchProj;
        this.patchNorm = patchNorm;
        this.layers = layers;
        this.mergings = mergings;
        this.head = head;
    }

    /** Reads and loads a checkpoint file. */
    public static MedMamba load(Path checkpoint) {
        return load(PthReader.read(checkpoint));
    }

    /**
     * Builds the network from a state dict.
     *
     * @throws org.radmamba.inference.checkpoint.CheckpointException naming the key when a tensor is missing, has the
     *                                                                wrong shape, or is not used by MedMamba
     */
    public static MedMamba load(StateDict stateDict) {
        long started = System.nanoTime();
        MedMambaConfig config = MedMambaConfig.infer(stateDict);
        StateDict.Reader r = stateDict.reader();
        int[] dims = config.dims();
        int[] depths = config.depths();
        ConvParams proj = ConvParams.load(r, "patch_embed.proj", config.inChannels(), dims[0], config.patchSize(), true);
        Conv2d patchProj = new Conv2d(proj, config.patchSize(), 0, null, Activation.NONE);
        LayerNorm patchNorm = LayerNorm.load(r, "patch_embed.norm", dims[0], LayerNorm.DEFAULT_EPS);
        List<List<SSConvSSM>> layers = new ArrayList<>();
        List<PatchMerging2D> mergings = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            List<SSConvSSM> blocks = new ArrayList<>();
            for (int j = 0; j < depths[i]; j++) {
                blocks.add(SSConvSSM.load(r, "layers." + i + ".blocks." + j + ".", dims[i]));
            }
            layers.add(List.copyOf(blocks));
            if (i < config.layers() - 1) {
                mergings.add(PatchMerging2D.load(r, "layers." + i + ".downsample.", dims[i]));
            }
        }
        Linear head = Linear.load(r, "head", dims[dims.length - 1], config.numClasses(), true);
        r.assertAllConsumed();
        LOG.info("loaded {} from {} in {} ms", config, stateDict.source(), (System.nanoTime() - started) / 1_000_000);
        return new MedMamba(config, patchProj, patchNorm, List.copyOf(layers), List.copyOf(mergings), head);
    }

    public MedMambaConfig config() {
        return config;
    }

    @Override
    public int classes() {
        return config.numClasses();
    }

    @Override
    public String describe() {
        return config.toString();
    }

    /** The SS2D blocks' state size d_state (of the first block; the official models use one value throughout). */
    public int dState() {
        return layers.getFirst().getFirst().ss2d().dState();
    }

    /**
     * Logits for a batch.
     *
     * @param input NCHW float32 of {@code batch × inChannels × height × width}, already normalised
     * @return {@code batch × numClasses} logits, row-major
     */
    @Override
    public float[] run(float[] input, int batch, int height, int width, ComputeContext ctx) {
        int channels = config.inChannels();
        if (batch <= 0 || height < config.patchSize() || width < config.patchSize()
                || input.length != (long) batch * channels * height * width) {
            throw new IllegalArgumentException("MedMamba needs a (" + batch + ", " + channels + ", " + height + ", "
                    + width + ") input of at least one patch; got " + input.length + " values");
        }
        try (MemoryWorkspace ignored = InferenceMemory.open(WORKSPACE)) {
            long t = ctx.profile().start();
            FeatureMap x = patchProj.apply(toChannelsLast(input, batch, channels, height, width), 0, ctx.parallel());
            patchNorm.applyInPlace(x.data(), ctx.parallel());
            ctx.profile().stop("patch_embed", t);
            for (int i = 0; i < layers.size(); i++) {
                for (SSConvSSM block : layers.get(i)) {
                    x = block.forward(x, ctx);
                }
                if (i < mergings.size()) {
                    x = mergings.get(i).forward(x, ctx);
                }
            }
            t = ctx.profile().start();
            float[] result = head.apply(averagePool(x), ctx.parallel()).toArray();
            ctx.profile().stop("head", t);
            return result;
        }
    }

    /** NCHW on the heap to a channels-last native map. */
    private static FeatureMap toChannelsLast(float[] input, int batch, int channels, int height, int width) {
        int plane = height * width;
        RowMatrix m = RowMatrix.allocate(batch * plane, channels);
        MemorySegment seg = m.segment();
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                int src = (b * channels + c) * plane;
                for (int p = 0; p < plane; p++) {
                    seg.setAtIndex(ValueLayout.JAVA_FLOAT, ((long) b * plane + p) * channels + c, input[src + p]);
                }
            }
        }
        return new FeatureMap(batch, height, width, m);
    }

    /** AdaptiveAvgPool2d(1) + flatten: (batch, C), summed in double. */
    private static RowMatrix averagePool(FeatureMap x) {
        int c = x.channels();
        int plane = x.pixels();
        RowMatrix pooled = RowMatrix.allocate(x.batch(), c);
        MemorySegment seg = x.data().segment();
        double[] sum = new double[c];
        for (int b = 0; b < x.batch(); b++) {
            java.util.Arrays.fill(sum, 0.0);
            for (int p = 0; p < plane; p++) {
                long row = ((long) b * plane + p) * c;
                for (int ch = 0; ch < c; ch++) {
                    sum[ch] += seg.getAtIndex(ValueLayout.JAVA_FLOAT, row + ch);
                }
            }
            for (int ch = 0; ch < c; ch++) {
                pooled.set(b, ch, (float) (sum[ch] / plane));
            }
        }
        return pooled;
    }

    @Override
    public void close() {
        patchProj.close();
        layers.forEach(blocks -> blocks.forEach(SSConvSSM::close));
        mergings.forEach(PatchMerging2D::close);
        head.close();
    }
}
