package org.radmamba.inference.cuda;

import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.nn.Weights;

/**
 * One SS2D's weights in a {@link WeightPack} (offsets in floats), the same layer in MedMamba and VM-UNet: d_model in
 * and out, d_inner, d_state, dt_rank and the depthwise kernel read off the shapes; x_proj_weight kept as stored
 * (K, R+2N, D), so that x_proj's output row holds each direction's [dt | B | C]; depthwise weights tap-major;
 * A = -exp(A_logs).
 */
record Ss2dWeights(int dModel, int dInner, int dState, int rank, int convKernel, int inProj, int depthwiseWeight,
                   int depthwiseBias, int xProj, int dtWeight, int dtBias, int aNeg, int ds, int outNormWeight,
                   int outNormBias, int outProj) {

    /** Columns of x_proj's output per position: every direction's dt, B and C. */
    int xdblWidth() {
        return 4 * (rank + 2 * dState);
    }

    /** Reads the SS2D under {@code s} (e.g. {@code ...self_attention.}) of {@code dModel} channels. */
    static Ss2dWeights pack(StateDict.Reader s, int dModel, WeightPack pack) {
        int dInner = Weights.dim(s, "in_proj.weight", 0) / 2;
        int dState = Weights.dim(s, "A_logs", 1);
        int rank = Weights.dim(s, "dt_projs_weight", 2);
        int k = Weights.dim(s, "conv2d.weight", -1);
        int inProj = pack.add(Weights.read(s, "in_proj.weight", 2L * dInner, dModel));
        int dwW = pack.add(MedMambaDeviceWeights.depthwiseTapMajor(Weights.read(s, "conv2d.weight", dInner, 1, k, k),
                dInner, k));
        int dwB = pack.add(Weights.read(s, "conv2d.bias", dInner));
        int xProj = pack.add(Weights.read(s, "x_proj_weight", 4, rank + 2L * dState, dInner));
        int dtW = pack.add(Weights.read(s, "dt_projs_weight", 4, dInner, rank));
        int dtB = pack.add(Weights.read(s, "dt_projs_bias", 4, dInner));
        int aNeg = pack.add(MedMambaDeviceWeights.negativeExp(Weights.read(s, "A_logs", 4L * dInner, dState)));
        int ds = pack.add(Weights.read(s, "Ds", 4L * dInner));
        int onW = pack.add(Weights.read(s, "out_norm.weight", dInner));
        int onB = pack.add(Weights.read(s, "out_norm.bias", dInner));
        int outProj = pack.add(Weights.read(s, "out_proj.weight", dModel, dInner));
        return new Ss2dWeights(dModel, dInner, dState, rank, k, inProj, dwW, dwB, xProj, dtW, dtB, aNeg, ds, onW, onB,
                outProj);
    }

    /** Why the scan kernel cannot run this SS2D, or null. */
    String unsupported() {
        if (dState < 1 || dState > 32 || Integer.bitCount(dState) != 1) {
            return "d_state " + dState + " is not a power of two up to 32";
        }
        if (rank > 4 * dState) {
            return "dt_rank " + rank + " exceeds 4 x d_state (" + 4 * dState + ")";
        }
        return null;
    }
}
