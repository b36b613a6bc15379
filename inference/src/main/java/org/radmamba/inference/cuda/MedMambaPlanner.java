package org.radmamba.inference.cuda;

import org.radmamba.inference.medmamba.MedMambaConfig;

import static org.radmamba.inference.cuda.DeviceBuffer.CARRY;
import static org.radmamba.inference.cuda.DeviceBuffer.GATED;
import static org.radmamba.inference.cuda.DeviceBuffer.INPUT;
import static org.radmamba.inference.cuda.DeviceBuffer.MERGED;
import static org.radmamba.inference.cuda.DeviceBuffer.OUTPUT;
import static org.radmamba.inference.cuda.DeviceBuffer.POOLED;
import static org.radmamba.inference.cuda.DeviceBuffer.RIGHT;
import static org.radmamba.inference.cuda.DeviceBuffer.T1;
import static org.radmamba.inference.cuda.DeviceBuffer.T2;
import static org.radmamba.inference.cuda.DeviceBuffer.U;
import static org.radmamba.inference.cuda.DeviceBuffer.X0;
import static org.radmamba.inference.cuda.DeviceBuffer.X1;
import static org.radmamba.inference.cuda.DeviceBuffer.XDBL;
import static org.radmamba.inference.cuda.DeviceBuffer.XZ;
import static org.radmamba.inference.cuda.DeviceBuffer.YS;

/**
 * Plans MedMamba's forward pass (as {@link org.radmamba.inference.medmamba.MedMamba} computes it, operation for
 * operation) as launches of network.cu's kernels: patch embedding (patchify GEMM, LayerNorm); per SS_Conv_SSM ten
 * launches (ln_1, in_proj, depthwise+SiLU, x_proj, cross scan, out_norm+gate, out_proj onto the odd channels with
 * the residual, conv 3x3 with the first BatchNorm on its input, conv 3x3, conv 1x1 onto the even channels with the
 * residual: the channel shuffle costs nothing); per PatchMerging2D two; the head two.
 */
final class MedMambaPlanner {

    static final int ROW_THREADS = 128;
    static final int SCAN_THREADS = 128;
    static final int ELEMENT_THREADS = 256;

    static final int A_DENSE = 0;
    static final int A_CONV3 = 1;
    static final int A_PATCHIFY = 2;
    static final int ACT_NONE = 0;
    static final int ACT_RELU = 1;

    private MedMambaPlanner() {
    }

    /**
     * Why the kernels cannot run this model, or null when they can: the scan gives each state a lane of a warp, so
     * d_state must be a power of two of at most 32, and each lane holds at most four dt_rank weights.
     */
    static String unsupported(MedMambaDeviceWeights weights) {
        for (var blocks : weights.layers()) {
            for (MedMambaDeviceWeights.Block b : blocks) {
                String ss2d = b.ss2d().unsupported();
                if (ss2d != null) {
                    return ss2d;
                }
                if (b.channels() % 2 != 0) {
                    return "a block of " + b.channels() + " channels cannot be split in two halves";
                }
            }
        }
        return null;
    }

    static ForwardPlan plan(MedMambaDeviceWeights weights, int batch, int height, int width) {
        MedMambaConfig config = weights.config();
        int patch = config.patchSize();
        if (batch <= 0 || height < patch || width < patch) {
            throw new IllegalArgumentException("MedMamba needs at least one patch of " + patch + " pixels; got batch "
                    + batch + ", " + height + "x" + width);
        }
        int classes = config.numClasses();
        ForwardPlan plan = ForwardPlan.builder(batch * classes);
        int[] dims = config.dims();
        int h = height / patch;
        int w = width / patch;
        int cin = config.inChannels();
        plan.need(INPUT, (long) batch * cin * height * width);
        long n = (long) batch * h * w;
        int c = dims[0];
        plan.need(X0, n * c).need(X1, n * c);
        MedMambaDeviceWeights.Embed e = weights.embed();
        plan.add(gemm(n, c, cin * patch * patch, INPUT, 0, A_PATCHIFY, height, width, cin, patch, h, w, -1, -1,
                e.weight(), e.bias(), ACT_NONE, X0, c, 0, 1, null));
        plan.add(layerNorm(n, c, X0, c, 0, e.normWeight(), e.normBias(), X0, c));
        DeviceBuffer cur = X0;
        DeviceBuffer next = X1;
        for (int i = 0; i < weights.layers().size(); i++) {
            n = (long) batch * h * w;
            c = dims[i];
            plan.need(X0, n * c).need(X1, n * c);
            for (MedMambaDeviceWeights.Block b : weights.layers().get(i)) {
                block(plan, b, batch, h, w, cur, next);
                DeviceBuffer t = cur;
                cur = next;
                next = t;
            }
            if (i < weights.merges().size()) {
                MedMambaDeviceWeights.Merge m = weights.merges().get(i);
                int h2 = h / 2;
                int w2 = w / 2;
                if (h2 == 0 || w2 == 0) {
                    throw new IllegalArgumentException("patch merging needs at least 2x2 positions, got " + h + "x" + w
                            + " (input " + height + "x" + width + ")");
                }
                long n2 = (long) batch * h2 * w2;
                plan.need(MERGED, n2 * 4 * c).need(X0, n2 * 2 * c).need(X1, n2 * 2 * c);
                plan.add(KernelCall.of("merge_norm", blocks(n2, ROW_THREADS / 32), 1, 1, ROW_THREADS)
                        .i(batch).i(h).i(w).i(c).p(cur).w(m.normWeight()).w(m.normBias()).f(MedMambaDeviceWeights.LN_EPS)
                        .p(MERGED).build());
                plan.add(gemm(n2, 2 * c, 4 * c, MERGED, 4 * c, A_DENSE, 0, 0, 0, 0, 0, 0, -1, -1, m.reduction(), -1,
                        ACT_NONE, next, 2 * c, 0, 1, null));
                DeviceBuffer t = cur;
                cur = next;
                next = t;
                h = h2;
                w = w2;
            }
        }
        int last = dims[dims.length - 1];
        plan.need(POOLED, (long) batch * last).need(OUTPUT, (long) batch * classes);
        plan.add(KernelCall.of("avgpool", blocks((long) batch * last, ELEMENT_THREADS), 1, 1, ELEMENT_THREADS)
                .i(batch).i(h * w).i(last).p(cur).p(POOLED).build());
        plan.add(gemm(batch, classes, last, POOLED, last, A_DENSE, 0, 0, 0, 0, 0, 0, -1, -1, weights.head().weight(),
                weights.head().bias(), ACT_NONE, OUTPUT, classes, 0, 1, null));
        return plan;
    }

    private static void block(ForwardPlan plan, MedMambaDeviceWeights.Block b, int batch, int h, int w,
                              DeviceBuffer in, DeviceBuffer out) {
        long n = (long) batch * h * w;
        int c = b.channels();
        int half = b.half();
        plan.need(RIGHT, n * half).need(T1, n * half).need(T2, n * half);
        // SS2D branch on the right half; out_proj onto the odd output channels (the shuffle's second group), plus
        // the residual
        plan.add(layerNorm(n, half, in, c, half, b.ln1Weight(), b.ln1Bias(), RIGHT, half));
        ss2d(plan, b.ss2d(), batch, h, w, RIGHT, out, c, 1, 2, in);
        // the convolution branch on the left half
        plan.add(gemm(n, half, 9 * half, in, c, A_CONV3, h, w, half, 0, 0, 0, b.bn0Scale(), b.bn0Shift(),
                b.conv1Weight(), b.conv1Bias(), ACT_RELU, T1, half, 0, 1, null));
        plan.add(gemm(n, half, 9 * half, T1, half, A_CONV3, h, w, half, 0, 0, 0, -1, -1, b.conv2Weight(),
                b.conv2Bias(), ACT_RELU, T2, half, 0, 1, null));
        // conv 1x1 + ReLU onto the even output channels (the shuffle's first group), plus the residual
        plan.add(gemm(n, half, half, T2, half, A_DENSE, 0, 0, 0, 0, 0, 0, -1, -1, b.conv3Weight(), b.conv3Bias(),
                ACT_RELU, out, c, 0, 2, in));
    }

    /**
     * SS2D on {@code normed} (n × d_model): in_proj, depthwise + SiLU, x_proj, the cross scan, out_norm + gate, and
     * out_proj written to columns {@code cOff + j·cStride} of {@code out} (row stride {@code ldc}) plus the same
     * element of {@code residual}.
     */
    static void ss2d(ForwardPlan plan, Ss2dWeights s, int batch, int h, int w, DeviceBuffer normed, DeviceBuffer out,
                     int ldc, int cOff, int cStride, DeviceBuffer residual) {
        long n = (long) batch * h * w;
        int di = s.dInner();
        int xw = s.xdblWidth();
        float eps = MedMambaDeviceWeights.LN_EPS;
        plan.need(XZ, n * 2 * di).need(U, n * di).need(XDBL, n * xw).need(YS, 4 * n * di).need(GATED, n * di);
        plan.add(gemm(n, 2 * di, s.dModel(), normed, s.dModel(), A_DENSE, 0, 0, 0, 0, 0, 0, -1, -1, s.inProj(), -1,
                ACT_NONE, XZ, 2 * di, 0, 1, null));
        plan.add(KernelCall.of("depthwise_silu", blocks(n * ceilDiv(di, 4), ELEMENT_THREADS), 1, 1, ELEMENT_THREADS)
                .i(batch).i(h).i(w).i(di).i(s.convKernel()).p(XZ).i(2 * di).w(s.depthwiseWeight())
                .w(s.depthwiseBias()).p(U).build());
        plan.add(gemm(n, xw, di, U, di, A_DENSE, 0, 0, 0, 0, 0, 0, -1, -1, s.xProj(), -1, ACT_NONE, XDBL, xw, 0, 1,
                null));
        if (ScanChunking.supports(s.dState(), s.rank())) {
            chunkedScan(plan, s, batch, h, w);
        } else {
            int channelsPerBlock = SCAN_THREADS / s.dState();
            plan.add(KernelCall.of("cross_scan", ceilDiv(di, channelsPerBlock), 4, batch, SCAN_THREADS)
                    .i(batch).i(h).i(w).i(di).i(s.dState()).i(s.rank()).p(U).p(XDBL).w(s.dtWeight()).w(s.dtBias())
                    .w(s.aNeg()).w(s.ds()).p(YS).build());
        }
        plan.add(KernelCall.of("out_norm_gate", blocks(n, ROW_THREADS / 32), 1, 1, ROW_THREADS)
                .i(Math.toIntExact(n)).i(di).p(YS).w(s.outNormWeight()).w(s.outNormBias()).f(eps).p(XZ).i(2 * di)
                .i(di).p(GATED).build());
        plan.add(gemm(n, s.dModel(), di, GATED, di, A_DENSE, 0, 0, 0, 0, 0, 0, -1, -1, s.outProj(), -1, ACT_NONE, out,
                ldc, cOff, cStride, residual));
    }

    /** The chunked cross scan ({@link ScanChunking}): chunk end states, their carry in order, then the outputs. */
    private static void chunkedScan(ForwardPlan plan, Ss2dWeights s, int batch, int h, int w) {
        int di = s.dInner();
        ScanChunking chunking = ScanChunking.plan(batch, h * w, di, s.rank());
        int threads = ScanChunking.blockThreads(di);
        int gridX = ceilDiv(di, threads);
        plan.need(CARRY, Math.max(1, chunking.carryFloats(batch, di)));
        String suffix = "_r" + chunking.kernelRank();
        if (chunking.chunks() > 1) {
            plan.add(chunkCall("scan_chunk_state" + suffix, gridX, chunking.chunks() - 1, threads, s, batch, h, w,
                    chunking));
            plan.add(KernelCall.of("scan_chunk_carry", blocks(4L * batch * ScanChunking.STATES * di, ELEMENT_THREADS),
                    1, 1, ELEMENT_THREADS).i(batch).i(di).i(chunking.chunks()).w(s.aNeg()).p(CARRY).build());
        }
        plan.add(chunkCall("scan_chunk_out" + suffix, gridX, chunking.chunks(), threads, s, batch, h, w, chunking));
    }

    private static KernelCall chunkCall(String kernel, int gridX, int gridY, int threads, Ss2dWeights s, int batch,
                                        int h, int w, ScanChunking chunking) {
        return KernelCall.of(kernel, gridX, gridY, 4 * batch, threads)
                .i(batch).i(h).i(w).i(s.dInner()).i(s.rank()).i(chunking.chunkLen()).i(chunking.chunks())
                .p(U).p(XDBL).w(s.dtWeight()).w(s.dtBias()).w(s.aNeg()).w(s.ds()).p(YS).p(CARRY).build();
    }

    /**
     * C = epilogue(A · Wᵀ) on the kernel {@link GemmTiling#choose} picks; with K split, the GEMM writes partial sums
     * to {@link DeviceBuffer#PARTIAL} and {@code splitk_epilogue} adds them in order and applies the epilogue.
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    static GemmLaunch gemm(long m, int n, int k, DeviceBuffer a, int lda, int mode, int h, int w, int cin,
                                   int p, int oh, int ow, int inScale, int inShift, int weight, int bias, int act,
                                   DeviceBuffer c, int ldc, int cOff, int cStride, DeviceBuffer residual) {
        GemmTiling tiling = GemmTiling.choose(m, n, k);
        KernelCall.Builder call = KernelCall.of(GemmTiling.KERNEL, ceilDiv(n, GemmTiling.TILE),
                ceilDiv(m, GemmTiling.TILE), tiling.splits(), GemmTiling.THREADS)
                .i(Math.toIntExact(m)).i(n).i(k).p(a).i(lda).i(mode).i(h).i(w).i(cin).i(p).i(oh).i(ow)
                .w(inScale).w(inShift).w(weight).w(bias).i(act).p(c).i(ldc).i(cOff).i(cStride);
        call = residual == null ? call.none() : call.p(residual);
        if (!tiling.split()) {
            return new GemmLaunch(java.util.List.of(call.none().i(k).build()), 0);
        }
        KernelCall partial = call.p(DeviceBuffer.PARTIAL).i(tiling.kChunk()).build();
        KernelCall.Builder reduce = KernelCall.of("splitk_epilogue", blocks(m * n, ELEMENT_THREADS), 1, 1,
                ELEMENT_THREADS).i(Math.toIntExact(m)).i(n).i(tiling.splits()).p(DeviceBuffer.PARTIAL).w(bias).i(act)
                .p(c).i(ldc).i(cOff).i(cStride);
        KernelCall epilogue = (residual == null ? reduce.none() : reduce.p(residual)).build();
        return new GemmLaunch(java.util.List.of(partial, epilogue), tiling.splits() * m * n);
    }

    static KernelCall layerNorm(long rows, int dim, DeviceBuffer in, int ldi, int inOff, int gamma, int beta,
                                        DeviceBuffer out, int ldo) {
        return KernelCall.of("layernorm_rows", blocks(rows, ROW_THREADS / 32), 1, 1, ROW_THREADS)
                .i(Math.toIntExact(rows)).i(dim).p(in).i(ldi).i(inOff).w(gamma).w(beta)
                .f(MedMambaDeviceWeights.LN_EPS).p(out).i(ldo).build();
    }

    static int blocks(long items, int perBlock) {
        return ceilDiv(items, perBlock);
    }

    static int ceilDiv(long items, int per) {
        return Math.toIntExact((items + per - 1) / per);
    }
}
