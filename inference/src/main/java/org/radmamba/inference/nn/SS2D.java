package org.radmamba.inference.nn;

import jdk.incubator.vector.FloatVector;
import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.scan.ScanInputs;
import org.radmamba.inference.scan.ScanShape;

import java.lang.foreign.MemorySegment;

import static org.radmamba.inference.nn.Kernels.FLOAT;
import static org.radmamba.inference.nn.Kernels.LANES;
import static org.radmamba.inference.nn.Kernels.ORDER;
import static org.radmamba.inference.nn.Kernels.SPECIES;

/**
 * The 2-d selective-scan block of VMamba, as {@code SS2D} with {@code forward_corev0} in MedMamba's
 * {@code MedMamba.py} and VM-UNet's {@code vmamba.py} (same parameters, same keys):
 *
 * <pre>
 *   x, z = in_proj(x).chunk(2)                     Linear d_model → 2·d_inner, no bias
 *   x    = silu(conv2d(x))                         depthwise k×k, bias
 *   per direction k of 4: dt, B, C = x_proj_weight[k]·x;  delta = dt_projs_weight[k]·dt
 *   y    = Σ_k scan_k(x, delta, -exp(A_logs), B, C, Ds, dt_projs_bias)   (softplus inside the scan)
 *   out  = out_proj(out_norm(y) · silu(z))         LayerNorm(d_inner, eps 1e-5), Linear d_inner → d_model, no bias
 * </pre>
 *
 * <p>Layout: in_proj, out_norm, the gate and out_proj work channels-last, {@code (batch·H·W, channels)}; the
 * depthwise conv computes channels-last (channels in the vector lanes) and writes the scan's channels-first u
 * {@code (batch, channels, L)}; y is transposed back; x_proj is one product for all four directions from that channels-first u
 * ({@link ChannelsFirstProduct}, rows regrouped at load time: every direction's dt rows, then every B row, then every
 * C row), written straight into the scan's B and C arrays and a dt array for dt_proj. Because x_proj and dt_proj act per position, each direction's
 * delta/B/C are computed at row-major positions and {@link org.radmamba.inference.scan.SelectiveScan#crossScan2d}
 * visits them in that direction's order: no flipped or transposed copies of the map are ever made.
 *
 * <p>Input and output are channels-last {@link FeatureMap}s of {@code d_model} channels.
 */
public final class SS2D implements AutoCloseable {

    /** The cross scan's four directions. */
    public static final int DIRECTIONS = 4;

    private static final int SCRATCH_U = 1;
    private static final int SCRATCH_DELTA = 2;
    private static final int SCRATCH_B = 3;
    private static final int SCRATCH_C = 4;
    private static final int SCRATCH_Y = 5;
    private static final int SCRATCH_DT = 6;

    private final int dModel;
    private final int dInner;
    private final int dState;
    private final int dtRank;
    private final Linear inProj;
    private final DepthwiseConv2d conv;
    private final ChannelsFirstProduct xProj;
    private final float[] dtWeight;
    private final float[] dtBias;
    private final float[] a;
    private final float[] d;
    private final LayerNorm outNorm;
    private final Linear outProj;

    private SS2D(int dModel, int dInner, int dState, int dtRank, Linear inProj, DepthwiseConv2d conv, float[] xProjWeight,
                 float[] dtWeight, float[] dtBias, float[] aLogs, float[] d, LayerNorm outNorm, Linear outProj) {
        this.dModel = dModel;
        this.dInner = dInner;
        this.dState = dState;
        this.dtRank = dtRank;
        this.inProj = inProj;
        this.conv = conv;
        this.xProj = new ChannelsFirstProduct(regroupXProj(xProjWeight), dInner, DIRECTIONS * dtRank,
                DIRECTIONS * dState, DIRECTIONS * dState);
        this.dtWeight = dtWeight;
        this.dtBias = dtBias;
        this.a = new float[aLogs.length];
        for (int i = 0; i < aLogs.length; i++) {
            a[i] = (float) -Math.exp(aLogs[i]); // As = -exp(A_logs), as forward_corev0 computes it in float
        }
        this.d = d;
        this.outNorm = outNorm;
        this.outProj = outProj;
    }

    /**
     * Loads the SS2D whose keys start with {@code prefix} (e.g. {@code "layers.0.blocks.1.self_attention."}):
     * d_inner, d_state, dt_rank and the conv kernel are read off the tensors' shapes, and every tensor must have the
     * shape they imply, or the {@link org.radmamba.inference.checkpoint.CheckpointException} names the key.
     */
    public static SS2D load(StateDict.Reader reader, String prefix, int dModel) {
        StateDict.Reader r = reader.at(prefix);
        int dInner = Weights.dim(r, "in_proj.weight", 0) / 2;
        int dState = Weights.dim(r, "A_logs", 1);
        int dtRank = Weights.dim(r, "dt_projs_weight", 2);
        int kernel = Weights.dim(r, "conv2d.weight", -1);
        Linear inProj = Linear.load(r, "in_proj", dModel, 2 * dInner, false);
        DepthwiseConv2d conv = DepthwiseConv2d.load(r, "conv2d", dInner, kernel);
        float[] xProj = Weights.read(r, "x_proj_weight", DIRECTIONS, dtRank + 2L * dState, dInner);
        float[] dtWeight = Weights.read(r, "dt_projs_weight", DIRECTIONS, dInner, dtRank);
        float[] dtBias = Weights.read(r, "dt_projs_bias", DIRECTIONS, dInner);
        float[] aLogs = Weights.read(r, "A_logs", (long) DIRECTIONS * dInner, dState);
        float[] ds = Weights.read(r, "Ds", (long) DIRECTIONS * dInner);
        LayerNorm outNorm = LayerNorm.load(r, "out_norm", dInner, LayerNorm.DEFAULT_EPS);
        Linear outProj = Linear.load(r, "out_proj", dInner, dModel, false);
        return new SS2D(dModel, dInner, dState, dtRank, inProj, conv, xProj, dtWeight, dtBias, aLogs, ds, outNorm, outProj);
    }

    /** x_proj_weight (K, R+2N, D) → rows [dt of k=0..3][B of k=0..3][C of k=0..3], each (·, D). */
    private float[] regroupXProj(float[] w) {
        int perDirection = dtRank + 2 * dState;
        float[] out = new float[w.length];
        for (int k = 0; k < DIRECTIONS; k++) {
            for (int row = 0; row < perDirection; row++) {
                int target;
                if (row < dtRank) {
                    target = k * dtRank + row;
                } else if (row < dtRank + dState) {
                    target = DIRECTIONS * dtRank + k * dState + (row - dtRank);
                } else {
                    target = DIRECTIONS * (dtRank + dState) + k * dState + (row - dtRank - dState);
                }
                System.arraycopy(w, (k * perDirection + row) * dInner, out, target * dInner, dInner);
            }
        }
        return out;
    }

    public int dModel() {
        return dModel;
    }

    public int dInner() {
        return dInner;
    }

    public int dState() {
        return dState;
    }

    public int dtRank() {
        return dtRank;
    }

    /** SS2D's forward: a channels-last map of d_model channels to a new one of the same size. */
    public FeatureMap forward(FeatureMap x, ComputeContext ctx) {
        if (x.channels() != dModel) {
            throw new IllegalArgumentException("SS2D(d_model=" + dModel + ") got " + x.channels() + " channels");
        }
        Parallel par = ctx.parallel();
        OpProfile prof = ctx.profile();
        int batch = x.batch();
        int length = x.pixels();
        int n = batch * length;

        long t = prof.start();
        RowMatrix xz = inProj.apply(x.data(), par); // (n, 2·Di): columns [x | z]
        prof.stop("ss2d.in_proj", t);

        t = prof.start();
        float[] uSeq = ScratchArrays.get(SCRATCH_U, batch * dInner * length); // (batch, Di, L): the scan's u
        conv.applyChannelsFirst(xz, 0, batch, x.height(), x.width(), Activation.SILU, uSeq, par);
        prof.stop("ss2d.depthwise_conv", t);

        t = prof.start();
        float[] dts = ScratchArrays.get(SCRATCH_DT, batch * DIRECTIONS * dtRank * length);
        float[] bs = ScratchArrays.get(SCRATCH_B, batch * DIRECTIONS * dState * length);
        float[] cs = ScratchArrays.get(SCRATCH_C, batch * DIRECTIONS * dState * length);
        xProj.apply(uSeq, batch, length, new float[][] {dts, bs, cs}, par);
        prof.stop("ss2d.x_proj", t);

        t = prof.start();
        float[] delta = ScratchArrays.get(SCRATCH_DELTA, batch * DIRECTIONS * dInner * length);
        projectDeltas(dts, batch, length, delta, par);
        prof.stop("ss2d.dt_proj", t);

        t = prof.start();
        float[] y = ScratchArrays.get(SCRATCH_Y, batch * dInner * length);
        ctx.scan().crossScan2d(new ScanShape(batch, DIRECTIONS, dInner, dState, length), x.height(), x.width(),
                new ScanInputs(uSeq, delta, a, bs, cs, d, dtBias), y);
        prof.stop("ss2d.scan", t);

        t = prof.start();
        RowMatrix gated = RowMatrix.allocate(n, dInner);
        for (int b = 0; b < batch; b++) {
            Kernels.transposeFromArray(y, b * dInner * length, dInner, length, gated, b * length, par);
        }
        prof.stop("ss2d.scan_layout", t);

        t = prof.start();
        outNorm.applyInPlace(gated, par);
        Kernels.multiplyBySilu(gated, xz, dInner, par);
        prof.stop("ss2d.out_norm_gate", t);

        t = prof.start();
        RowMatrix out = outProj.apply(gated, par);
        prof.stop("ss2d.out_proj", t);
        return x.with(out);
    }

    /** delta[b][k][c][l] = Σ_r dt_projs_weight[k][c][r] · dt[b][k·R + r][l]. */
    private void projectDeltas(float[] dts, int batch, int length, float[] delta, Parallel par) {
        int bound = SPECIES.loopBound(length);
        par.forRange(batch * DIRECTIONS * dInner, Math.max(1, 4096 / (length * dtRank)), (from, to) -> {
            for (int item = from; item < to; item++) {
                int c = item % dInner;
                int k = item / dInner % DIRECTIONS;
                int b = item / (dInner * DIRECTIONS);
                int out = item * length;
                int weights = (k * dInner + c) * dtRank;
                for (int r = 0; r < dtRank; r++) {
                    int row = ((b * DIRECTIONS + k) * dtRank + r) * length;
                    float wr = dtWeight[weights + r];
                    FloatVector w = FloatVector.broadcast(SPECIES, wr);
                    int l = 0;
                    if (r == 0) {
                        for (; l < bound; l += LANES) {
                            FloatVector.fromArray(SPECIES, dts, row + l).mul(w).intoArray(delta, out + l);
                        }
                        for (; l < length; l++) {
                            delta[out + l] = wr * dts[row + l];
                        }
                    } else {
                        for (; l < bound; l += LANES) {
                            FloatVector.fromArray(SPECIES, dts, row + l)
                                    .fma(w, FloatVector.fromArray(SPECIES, delta, out + l)).intoArray(delta, out + l);
                        }
                        for (; l < length; l++) {
                            delta[out + l] += wr * dts[row + l];
                        }
                    }
                }
            }
        });
    }

    @Override
    public void close() {
        inProj.close();
        outProj.close();
    }
}
