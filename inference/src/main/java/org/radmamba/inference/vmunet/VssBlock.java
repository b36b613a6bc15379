package org.radmamba.inference.vmunet;

import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.FeatureMap;
import org.radmamba.inference.nn.LayerNorm;
import org.radmamba.inference.nn.RowMatrix;
import org.radmamba.inference.nn.SS2D;

/**
 * {@code VSSBlock} of VM-UNet's {@code vmamba.py}: {@code x + drop_path(self_attention(ln_1(x)))}. DropPath is the
 * identity at inference. {@code ln_1} has eps 1e-5: VSSBlock's own default is {@code LayerNorm(eps=1e-6)}, but
 * VSSM passes {@code norm_layer=nn.LayerNorm} down through VSSLayer, which overrides it.
 */
final class VssBlock implements AutoCloseable {

    private final LayerNorm ln1;
    private final SS2D selfAttention;

    private VssBlock(LayerNorm ln1, SS2D selfAttention) {
        this.ln1 = ln1;
        this.selfAttention = selfAttention;
    }

    /** Loads {@code prefix + "ln_1.*"} and {@code prefix + "self_attention.*"}. */
    static VssBlock load(StateDict.Reader reader, String prefix, int dim) {
        LayerNorm ln1 = LayerNorm.load(reader, prefix + "ln_1", dim, LayerNorm.DEFAULT_EPS);
        SS2D ss2d = SS2D.load(reader, prefix + "self_attention.", dim);
        return new VssBlock(ln1, ss2d);
    }

    /** A new map; {@code x} is left as it is (the encoder keeps stage inputs as skip connections). */
    FeatureMap forward(FeatureMap x, ComputeContext ctx) {
        long t = ctx.profile().start();
        RowMatrix normed = ln1.apply(x.data(), ctx.parallel());
        ctx.profile().stop("vss.ln_1", t);
        FeatureMap attended = selfAttention.forward(x.with(normed), ctx);
        t = ctx.profile().start();
        Residuals.addInPlace(attended.data(), x.data(), ctx.parallel());
        ctx.profile().stop("vss.residual", t);
        return attended;
    }

    @Override
    public void close() {
        selfAttention.close();
    }
}
