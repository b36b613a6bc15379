package org.radmamba.inference.vmunet;

import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.checkpoint.CheckpointTensor;
import org.radmamba.inference.checkpoint.StateDict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shape of a VM-UNet (JCruan519/VM-UNet, {@code models/vmunet/vmamba.py}, class {@code VSSM} as wrapped by
 * {@code VMUNet}): encoder stage widths and depths, decoder widths and depths, classes. Everything else is fixed by
 * the official code: patch size 4, SS2D with d_state 16, expand 2, dt_rank ceil(dim / 16), d_conv 3.
 *
 * <p>Official VMUNet never passes {@code dims}, so its checkpoints always have dims [96, 192, 384, 768] and decoder
 * dims [768, 384, 192, 96]; the widths are still read from the key shapes so that other sizes load too.
 */
public record VmUnetConfig(int inChannels, int patchSize, int[] depths, int[] dims, int[] decoderDepths,
                                 int[] decoderDims, int classes) {

    /** The prefix {@code VMUNet} puts before every key of its {@code VSSM}. */
    public static final String KEY_PREFIX = "vmunet.";

    public VmUnetConfig {
        depths = depths.clone();
        dims = dims.clone();
        decoderDepths = decoderDepths.clone();
        decoderDims = decoderDims.clone();
        int stages = dims.length;
        if (stages < 1 || depths.length != stages || decoderDepths.length != stages || decoderDims.length != stages) {
            throw new IllegalArgumentException("VM-UNet needs as many depths, dims, decoder depths and decoder dims as stages: "
                    + Arrays.toString(depths) + ", " + Arrays.toString(dims) + ", " + Arrays.toString(decoderDepths)
                    + ", " + Arrays.toString(decoderDims));
        }
        for (int i = 0; i < stages; i++) {
            if (decoderDims[i] != dims[stages - 1 - i]) {
                // The additive skips x + skip_list[-i] only typecheck when the decoder mirrors the encoder.
                throw new IllegalArgumentException("VM-UNet's decoder dims must mirror the encoder dims: "
                        + Arrays.toString(decoderDims) + " vs " + Arrays.toString(dims));
            }
            if (i > 0 && dims[i] != 2 * dims[i - 1]) {
                throw new IllegalArgumentException("VM-UNet's stage widths must double (PatchMerging2D): " + Arrays.toString(dims));
            }
        }
        if (decoderDims[stages - 1] % 4 != 0) {
            throw new IllegalArgumentException("the last decoder width must be divisible by 4 (Final_PatchExpand2D): "
                    + decoderDims[stages - 1]);
        }
        if (classes < 1 || inChannels < 1 || patchSize < 1) {
            throw new IllegalArgumentException("classes, input channels and patch size must be positive");
        }
    }

    /** The official ISIC 2017/2018 configuration ({@code configs/config_setting.py}): depths [2,2,2,2], decoder [2,2,2,1]. */
    public static VmUnetConfig isic(int classes) {
        return new VmUnetConfig(3, 4, new int[] {2, 2, 2, 2}, new int[] {96, 192, 384, 768},
                new int[] {2, 2, 2, 1}, new int[] {768, 384, 192, 96}, classes);
    }

    /**
     * Reads the architecture from the shapes of a state dict whose {@code vmunet.} prefix is already stripped. Every
     * other key and shape is then checked when the model loads.
     */
    public static VmUnetConfig infer(StateDict stateDict) {
        CheckpointTensor proj = stateDict.get("patch_embed.proj.weight");
        if (proj.rank() != 4 || proj.dim(2) != proj.dim(3)) {
            throw new CheckpointException(stateDict.source() + ": tensor 'patch_embed.proj.weight' has shape "
                    + proj.shapeText() + " but VM-UNet expects (dim, channels, patch, patch)");
        }
        int stages = countIndices(stateDict, "layers.", "");
        if (stages == 0) {
            throw new CheckpointException(stateDict.source() + ": the checkpoint has no encoder stage 'layers.0.'");
        }
        int decoderStages = countIndices(stateDict, "layers_up.", "");
        if (decoderStages != stages) {
            throw new CheckpointException(stateDict.source() + ": the checkpoint has " + stages + " encoder stages ('layers.N.') but "
                    + decoderStages + " decoder stages ('layers_up.N.')");
        }
        int[] depths = new int[stages];
        int[] dims = new int[stages];
        int[] decoderDepths = new int[stages];
        int[] decoderDims = new int[stages];
        dims[0] = proj.dim(0);
        for (int i = 0; i < stages; i++) {
            depths[i] = countIndices(stateDict, "layers." + i + ".blocks.", ".ln_1.weight");
            decoderDepths[i] = countIndices(stateDict, "layers_up." + i + ".blocks.", ".ln_1.weight");
            if (i > 0) {
                dims[i] = 2 * dims[i - 1];
            }
        }
        for (int i = 0; i < stages; i++) {
            decoderDims[i] = dims[stages - 1 - i];
        }
        CheckpointTensor head = stateDict.get("final_conv.weight");
        if (head.rank() != 4) {
            throw new CheckpointException(stateDict.source() + ": tensor 'final_conv.weight' has shape " + head.shapeText()
                    + " but VM-UNet expects (classes, channels, 1, 1)");
        }
        try {
            return new VmUnetConfig(proj.dim(1), proj.dim(2), depths, dims, decoderDepths, decoderDims, head.dim(0));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(stateDict.source() + ": not a VM-UNet checkpoint: " + e.getMessage(), e);
        }
    }

    public int stages() {
        return dims.length;
    }

    /** The input side must be divisible by this: patch embedding, then a merge per stage but the last. */
    public int sizeDivisor() {
        return patchSize << (stages() - 1);
    }

    /** The number of parameters of this architecture (all learnable tensors of the official module). */
    public long parameterCount() {
        long total = (long) dims[0] * inChannels * patchSize * patchSize + dims[0] + 2L * dims[0];
        for (int i = 0; i < stages(); i++) {
            total += depths[i] * vssBlockParameters(dims[i]);
            if (i < stages() - 1) {
                total += 2L * 4 * dims[i] + 4L * dims[i] * 2 * dims[i];
            }
        }
        for (int i = 0; i < stages(); i++) {
            total += decoderDepths[i] * vssBlockParameters(decoderDims[i]);
            if (i > 0) {
                long inDim = 2L * decoderDims[i];
                total += inDim * 2 * inDim + 2L * decoderDims[i];
            }
        }
        int last = decoderDims[stages() - 1];
        total += (long) last * 4 * last + 2L * (last / 4);
        total += (long) classes * (last / 4) + classes;
        return total;
    }

    /** Official SS2D sizes for a block of width {@code dim}. */
    public static int dtRank(int dim) {
        return (dim + 15) / 16;
    }

    public static final int D_STATE = 16;
    public static final int EXPAND = 2;
    public static final int D_CONV = 3;

    private static long vssBlockParameters(int dim) {
        long inner = (long) EXPAND * dim;
        long rank = dtRank(dim);
        long p = 2L * dim; // ln_1
        p += dim * 2 * inner; // in_proj, no bias
        p += inner * D_CONV * D_CONV + inner; // depthwise conv2d with bias
        p += 4 * (rank + 2L * D_STATE) * inner; // x_proj_weight
        p += 4 * inner * rank + 4 * inner; // dt_projs_weight, dt_projs_bias
        p += 4 * inner * D_STATE + 4 * inner; // A_logs, Ds
        p += 2 * inner; // out_norm
        p += inner * dim; // out_proj, no bias
        return p;
    }

    /** How many consecutive indices {@code prefix + i + suffix...} appear among the keys, from 0. */
    private static int countIndices(StateDict stateDict, String prefix, String suffix) {
        List<Integer> seen = new ArrayList<>();
        for (String key : stateDict.keys()) {
            if (!key.startsWith(prefix)) {
                continue;
            }
            String rest = key.substring(prefix.length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || (!suffix.isEmpty() && !rest.substring(dot).equals(suffix))) {
                continue;
            }
            String index = rest.substring(0, dot);
            if (index.chars().allMatch(Character::isDigit) && index.length() < 6) {
                int i = Integer.parseInt(index);
                if (!seen.contains(i)) {
                    seen.add(i);
                }
            }
        }
        int n = 0;
        while (seen.contains(n)) {
            n++;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VmUnetConfig a && inChannels == a.inChannels && patchSize == a.patchSize
                && classes == a.classes && Arrays.equals(depths, a.depths) && Arrays.equals(dims, a.dims)
                && Arrays.equals(decoderDepths, a.decoderDepths) && Arrays.equals(decoderDims, a.decoderDims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims) * 31 + Arrays.hashCode(depths) * 17 + classes;
    }

    @Override
    public String toString() {
        return "VM-UNet depths " + Arrays.toString(depths) + ", decoder depths " + Arrays.toString(decoderDepths)
                + ", dims " + Arrays.toString(dims) + ", " + classes + (classes == 1 ? " class" : " classes");
    }

    @Override
    public int[] depths() {
        return depths.clone();
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    @Override
    public int[] decoderDepths() {
        return decoderDepths.clone();
    }

    @Override
    public int[] decoderDims() {
        return decoderDims.clone();
    }
}
