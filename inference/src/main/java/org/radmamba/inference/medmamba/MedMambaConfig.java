package org.radmamba.inference.medmamba;

import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.checkpoint.CheckpointTensor;
import org.radmamba.inference.checkpoint.StateDict;

import java.util.Arrays;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The architecture of a MedMamba ({@code VSSM} of {@code MedMamba.py}) as read off a checkpoint's keys and shapes,
 * with no configuration: blocks per layer from the {@code layers.i.blocks.j.} keys, widths from {@code ln_1}
 * (half a block's channels), patch size and input channels from {@code patch_embed.proj.weight}, classes from
 * {@code head.weight}. d_state, dt_rank and d_inner are read per block by {@link org.radmamba.inference.nn.SS2D}.
 */
public record MedMambaConfig(int inChannels, int patchSize, int[] depths, int[] dims, int numClasses) {

    private static final Pattern BLOCK_KEY = Pattern.compile("^layers\\.(\\d+)\\.blocks\\.(\\d+)\\.");
    private static final Pattern LAYER_KEY = Pattern.compile("^layers\\.(\\d+)\\.");

    public MedMambaConfig {
        depths = depths.clone();
        dims = dims.clone();
    }

    @Override
    public int[] depths() {
        return depths.clone();
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    public int layers() {
        return depths.length;
    }

    /** MedMamba-T: depths [2, 2, 4, 2], dims 96..768. */
    public static MedMambaConfig tiny(int numClasses) {
        return new MedMambaConfig(3, 4, new int[] {2, 2, 4, 2}, new int[] {96, 192, 384, 768}, numClasses);
    }

    /** MedMamba-S: depths [2, 2, 8, 2], dims 96..768. */
    public static MedMambaConfig small(int numClasses) {
        return new MedMambaConfig(3, 4, new int[] {2, 2, 8, 2}, new int[] {96, 192, 384, 768}, numClasses);
    }

    /** MedMamba-B: depths [2, 2, 12, 2], dims 128..1024. */
    public static MedMambaConfig base(int numClasses) {
        return new MedMambaConfig(3, 4, new int[] {2, 2, 12, 2}, new int[] {128, 256, 512, 1024}, numClasses);
    }

    /** Infers the architecture from {@code stateDict}; throws naming the key when one the inference needs is missing. */
    public static MedMambaConfig infer(StateDict stateDict) {
        CheckpointTensor embed = stateDict.get("patch_embed.proj.weight");
        if (embed.rank() != 4 || embed.dim(2) != embed.dim(3)) {
            throw new CheckpointException(stateDict.source() + ": tensor 'patch_embed.proj.weight' has shape "
                    + embed.shapeText() + " but MedMamba needs a square convolution (embed_dim, in_chans, p, p)");
        }
        TreeMap<Integer, Integer> blocksPerLayer = new TreeMap<>();
        int layerCount = 0;
        for (String key : stateDict.keys()) {
            Matcher layer = LAYER_KEY.matcher(key);
            if (layer.find()) {
                layerCount = Math.max(layerCount, Integer.parseInt(layer.group(1)) + 1);
            }
            Matcher block = BLOCK_KEY.matcher(key);
            if (block.find()) {
                blocksPerLayer.merge(Integer.parseInt(block.group(1)), Integer.parseInt(block.group(2)) + 1, Math::max);
            }
        }
        if (layerCount == 0) {
            throw new CheckpointException(stateDict.source() + ": no 'layers.0.blocks.0.' keys: not a MedMamba checkpoint");
        }
        int[] depths = new int[layerCount];
        int[] dims = new int[layerCount];
        for (int i = 0; i < layerCount; i++) {
            depths[i] = blocksPerLayer.getOrDefault(i, 0);
            String ln = "layers." + i + ".blocks.0.ln_1.weight";
            CheckpointTensor half = stateDict.get(ln);
            if (half.rank() != 1) {
                throw new CheckpointException(stateDict.source() + ": tensor '" + ln + "' has shape " + half.shapeText()
                        + " but a LayerNorm weight is one-dimensional");
            }
            dims[i] = 2 * half.dim(0);
        }
        CheckpointTensor head = stateDict.get("head.weight");
        if (head.rank() != 2) {
            throw new CheckpointException(stateDict.source() + ": tensor 'head.weight' has shape " + head.shapeText()
                    + " but a Linear weight is two-dimensional");
        }
        return new MedMambaConfig(embed.dim(1), embed.dim(2), depths, dims, head.dim(0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MedMambaConfig c && c.inChannels == inChannels && c.patchSize == patchSize
                && Arrays.equals(c.depths, depths) && Arrays.equals(c.dims, dims) && c.numClasses == numClasses;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(depths) * 31 + Arrays.hashCode(dims) * 17 + numClasses;
    }

    @Override
    public String toString() {
        return "MedMamba(depths=" + Arrays.toString(depths) + ", dims=" + Arrays.toString(dims) + ", classes="
                + numClasses + ", in_chans=" + inChannels + ", patch=" + patchSize + ")";
    }
}
