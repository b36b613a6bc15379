package org.radmamba.inference.medmamba;

import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.nn.Activation;
import org.radmamba.inference.nn.BatchNorm;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Conv2d;
import org.radmamba.inference.nn.ConvParams;
import org.radmamba.inference.nn.FeatureMap;
import org.radmamba.inference.nn.Kernels;
import org.radmamba.inference.nn.LayerNorm;
import org.radmamba.inference.nn.OpProfile;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.nn.RowMatrix;
import org.radmamba.inference.nn.SS2D;


/**
 * MedMamba's block, {@code SS_Conv_SSM}: the channels split in half; the left half goes through
 * {@code conv33conv33conv11} = BN → conv3×3 → BN → ReLU → conv3×3 → BN → ReLU → conv1×1 → ReLU, the right half through
 * {@code ln_1} (nn.LayerNorm, eps 1e-5: VSSM passes its own norm_layer, overriding the block's 1e-6 default) and
 * SS2D; the halves are concatenated, channel-shuffled with groups = 2 (output channel 2j is left j, 2j+1 is right j)
 * and added to the input.
 *
 * <p>The BatchNorms after the 3×3 convolutions fold into them at load time; the first one, which precedes a
 * convolution, is applied while that convolution gathers its input (see {@link Conv2d}).
 */
final class SSConvSSM implements AutoCloseable {

    private final int channels;
    private final LayerNorm ln1;
    private final SS2D ss2d;
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Conv2d conv3;

    private SSConvSSM(int channels, LayerNorm ln1, SS2D ss2d, Conv2d conv1, Conv2d conv2, Conv2d conv3) {
        this.channels = channels;
        this.ln1 = ln1;
        this.ss2d = ss2d;
        this.conv1 = conv1;
        this.conv2 = conv2;
        this.conv3 = conv3;
    }

    /** Loads the block under {@code prefix} (e.g. {@code "layers.2.blocks.3."}) with {@code channels} = hidden_dim. */
    static SSConvSSM load(StateDict.Reader reader, String prefix, int channels) {
        StateDict.Reader r = reader.at(prefix);
        int half = channels / 2;
        LayerNorm ln1 = LayerNorm.load(r, "ln_1", half, LayerNorm.DEFAULT_EPS);
        SS2D ss2d = SS2D.load(r, "self_attention.", half);
        String seq = "conv33conv33conv11.";
        BatchNorm bn0 = BatchNorm.load(r, seq + "0", half, BatchNorm.DEFAULT_EPS);
        ConvParams c1 = ConvParams.load(r, seq + "1", half, half, 3, true)
                .foldBatchNormAfter(BatchNorm.load(r, seq + "2", half, BatchNorm.DEFAULT_EPS));
        ConvParams c2 = ConvParams.load(r, seq + "4", half, half, 3, true)
                .foldBatchNormAfter(BatchNorm.load(r, seq + "5", half, BatchNorm.DEFAULT_EPS));
        ConvParams c3 = ConvParams.load(r, seq + "7", half, half, 1, true);
        return new SSConvSSM(channels, ln1, ss2d,
                new Conv2d(c1, 1, 1, bn0, Activation.RELU),
                new Conv2d(c2, 1, 1, null, Activation.RELU),
                new Conv2d(c3, 1, 0, null, Activation.RELU));
    }

    SS2D ss2d() {
        return ss2d;
    }

    FeatureMap forward(FeatureMap x, ComputeContext ctx) {
        Parallel par = ctx.parallel();
        OpProfile prof = ctx.profile();
        int half = channels / 2;

        long t = prof.start();
        RowMatrix right = RowMatrix.allocate(x.data().rows(), half);
        ln1.apply(x.data(), half, right, par);
        prof.stop("block.ln_1", t);

        FeatureMap attended = ss2d.forward(x.with(right), ctx);

        t = prof.start();
        FeatureMap left = conv3.apply(conv2.apply(conv1.apply(x, 0, par), 0, par), 0, par);
        prof.stop("block.conv_branch", t);

        t = prof.start();
        RowMatrix out = Kernels.shuffleTwoGroupsAndAdd(x.data(), left.data(), attended.data(), par);
        prof.stop("block.shuffle_residual", t);
        return x.with(out);
    }

    @Override
    public void close() {
        ss2d.close();
        conv1.close();
        conv2.close();
        conv3.close();
    }
}
