// GEMM tiles whose operands go from global to shared memory by cp.async (compute capability 8.0 and newer), STAGES
// tiles in flight and no staging registers, against network.cu's and gemm_tf32.cu's register-staged tiles (global ->
// registers -> shared, one tile ahead): gemm_bench times them beside gemm_nt and gemm_nt_tf32 and gemm_on_cpu checks
// them; not shipped unless they win. Same arguments and contract as gemm_nt:
//  - gemmTileAsync: gemm_nt's k-major tiles and multiply, filled by 4-byte copies, each thread one column kk of the
//    tile (so that its elements share one k): bit for bit gemm_nt's output.
//  - gemmTileAsyncRows: k-contiguous rows (gemm_nt_tf32's layout) filled by 16-byte copies, four k of a row as gemm_nt
//    loads a float4; every output still sums k in order: bit for bit gemm_nt's output.
//  - gemmTf32TileAsync: gemm_nt_tf32's mma.sync tile on the same rows, rounded to TF32 in place once landed.
// The 3x3 convolution's (tap, channel) of a thread's k is a cursor advanced by BK a tile instead of divided out per
// load, and which taps of a row lie inside the image is a 9-bit mask decoded once; padding and everything past the
// product are zero-filled copies (src-size 0).
#pragma once
#include "../../main/cuda/gemm_operands.cuh"

__device__ __forceinline__ void cpAsync4(float* dst, const float* src, bool valid) {
#ifdef RADMAMBA_CPU_EMULATION
    *dst = valid ? *src : 0.f;
#else
    unsigned s = (unsigned) __cvta_generic_to_shared(dst);
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;" ::"r"(s), "l"(src), "r"(valid ? 4 : 0));
#endif
}

__device__ __forceinline__ void cpAsyncCommit() {
#ifndef RADMAMBA_CPU_EMULATION
    asm volatile("cp.async.commit_group;");
#endif
}

template <int PENDING>
__device__ __forceinline__ void cpAsyncWait() {
#ifndef RADMAMBA_CPU_EMULATION
    asm volatile("cp.async.wait_group %0;" ::"n"(PENDING));
#endif
}

// The (tap, channel) of k = tap * cin + ci for the 3x3 convolution's implicit im2col, walked forwards.
struct TapCursor {
    int tap, ci, dy, dx;
    __device__ __forceinline__ void start(int k, int cin) {
        tap = k / cin;
        ci = k - tap * cin;
        dy = tap / 3 - 1;
        dx = tap - (tap / 3) * 3 - 1;
    }
    __device__ __forceinline__ void advance(int by, int cin) {
        ci += by;
        while (ci >= cin) {
            ci -= cin;
            tap++;
            if (++dx > 1) {
                dx = -1;
                dy++;
            }
        }
    }
};

// Which of the 3x3 convolution's 9 taps (bit tap = 3 * (dy + 1) + dx + 1) of output row m lie inside its h x w
// image; for the other modes all (0x1ff), or none past M.
__device__ __forceinline__ unsigned rowTaps(int m, int M, bool conv, int h, int w) {
    if (m >= M) {
        return 0u;
    }
    if (!conv) {
        return 0x1ffu;
    }
    int plane = h * w;
    int rem = m - m / plane * plane;
    int y = rem / w;
    int x = rem - y * w;
    unsigned rows = (y > 0 ? 1u : 0u) | 2u | (y < h - 1 ? 4u : 0u);
    unsigned cols = (x > 0 ? 1u : 0u) | 2u | (x < w - 1 ? 4u : 0u);
    unsigned taps = 0;
#pragma unroll
    for (int tap = 0; tap < 9; tap++) {
        taps |= ((rows >> (tap / 3)) & (cols >> (tap % 3)) & 1u) << tap;
    }
    return taps;
}

template <int BM, int BN, int BK, int RM, int RN, int TH, int STAGES>
__device__ __forceinline__ void gemmTileAsync(GEMM_PARAMS) {
    constexpr int PAD = 4;
    constexpr int TX = BN / (4 * RN);
    constexpr int TY = BM / (4 * RM);
    constexpr int STEP = TH / BK;       // rows between a thread's elements
    constexpr int EA = BM / STEP;       // elements of A a thread copies a tile
    constexpr int EW = BN / STEP;       // and of W
    static_assert(TX * TY == TH, "the threads cover the tile");
    static_assert(TH % BK == 0 && EA * STEP == BM && EW * STEP == BN && EA >= 1 && EW >= 1, "whole columns");
    static_assert(STAGES >= 2, "at least double buffered");
    __shared__ __align__(16) float as[STAGES][BK][BM + PAD];
    __shared__ __align__(16) float ws[STAGES][BK][BN + PAD];
    int tid = threadIdx.x;
    int tx = tid % TX;
    int ty = tid / TX;
    int m0 = blockIdx.y * BM;
    int n0 = blockIdx.x * BN;
    int kBegin = 0;
    int kEnd = K;
    if (partial) {
        kBegin = blockIdx.z * kChunk;
        kEnd = min(K, kBegin + kChunk);
    }
    int kk = tid % BK;
    int r0 = tid / BK;
    bool conv = mode == A_CONV3;
    bool patchify = mode == A_PATCHIFY;
    // A's rows: the output position m (for the 3x3 convolution the centre tap's row; its other taps are rows
    // m + dy * w + dx) and, for the convolution, which of its 9 taps lie inside the image (bit tap), decoded once
    int rowM[EA];
    unsigned taps[EA];
#pragma unroll
    for (int i = 0; i < EA; i++) {
        int m = m0 + r0 + i * STEP;
        rowM[i] = m < M ? m : 0;
        taps[i] = rowTaps(m, M, conv, h, w);
    }
    int rowW[EW];  // W's rows: n * K, or -1 past N
#pragma unroll
    for (int i = 0; i < EW; i++) {
        int n = n0 + r0 + i * STEP;
        rowW[i] = n < N ? n * K : -1;
    }
    float acc[4 * RM][4 * RN];
#pragma unroll
    for (int i = 0; i < 4 * RM; i++) {
#pragma unroll
        for (int j = 0; j < 4 * RN; j++) {
            acc[i][j] = 0.f;
        }
    }
    int tiles = (kEnd - kBegin + BK - 1) / BK;
    if (tiles < 0) {
        tiles = 0;
    }
    // The producer's cursor (the tile being copied) and the consumer's (the tile the input BatchNorm is applied to).
    TapCursor made, used;
    if (conv) {
        made.start(kBegin + kk, cin);
        used = made;
    }
    bool normIn = conv && inScale;
    auto inside = [&](int i, const TapCursor& at) { return at.tap < 9 && ((taps[i] >> at.tap) & 1u); };
    auto issue = [&](int tile) {
        int buf = tile % STAGES;
        int k = kBegin + tile * BK + kk;
        bool kIn = k < kEnd;
#pragma unroll
        for (int i = 0; i < EA; i++) {
            const float* src;
            bool valid = kIn && taps[i];
            if (conv) {
                valid = kIn && inside(i, made);
                src = a + (long long) (rowM[i] + made.dy * w + made.dx) * lda + made.ci;
            } else if (patchify) {
                // m = (b, py, px) of the output grid, k = (ci, ky, kx) as PyTorch's weight; a one-channel input
                // feeds every input channel (gatherA)
                int pp = p * p, plane = oh * ow;
                int ci = k / pp, r = k - ci * pp, ky = r / p, kx = r - ky * p;
                int b = rowM[i] / plane, rem = rowM[i] - b * plane, py = rem / ow, px = rem - py * ow;
                src = a + (((long long) b * cin + (ci < cin ? ci : 0)) * h + py * p + ky) * w + px * p + kx;
            } else {
                src = a + (long long) rowM[i] * lda + k;
            }
            cpAsync4(&as[buf][kk][r0 + i * STEP], valid ? src : a, valid);
        }
#pragma unroll
        for (int i = 0; i < EW; i++) {
            bool valid = kIn && rowW[i] >= 0;
            cpAsync4(&ws[buf][kk][r0 + i * STEP], valid ? wt + rowW[i] + k : wt, valid);
        }
        if (conv) {
            made.advance(BK, cin);
        }
    };
#pragma unroll
    for (int s = 0; s < STAGES - 1; s++) {
        if (s < tiles) {
            issue(s);
        }
        cpAsyncCommit();
    }
    for (int t = 0; t < tiles; t++) {
        int buf = t % STAGES;
        cpAsyncWait<STAGES - 2>();
        if (normIn) {
            // the BatchNorm before the convolution, on this thread's own copies of tile t: in-bounds inputs only
            // (nn.Conv2d pads its normalised input with zeros)
            if (kBegin + t * BK + kk < kEnd) {
                float scale = inScale[used.ci], shift = inShift[used.ci];
#pragma unroll
                for (int i = 0; i < EA; i++) {
                    if (inside(i, used)) {
                        float* v = &as[buf][kk][r0 + i * STEP];
                        *v = *v * scale + shift;
                    }
                }
            }
            used.advance(BK, cin);
        }
        __syncthreads();  // tile t is everyone's; every thread is done with tile t - 1, whose buffer is reused now
        if (t + STAGES - 1 < tiles) {
            issue(t + STAGES - 1);
        }
        cpAsyncCommit();
#pragma unroll
        for (int k = 0; k < BK; k++) {
            float ar[4 * RM];
            float wr[4 * RN];
#pragma unroll
            for (int g = 0; g < RM; g++) {
                float4 v = *reinterpret_cast<const float4*>(&as[buf][k][g * 4 * TY + ty * 4]);
                ar[4 * g] = v.x;
                ar[4 * g + 1] = v.y;
                ar[4 * g + 2] = v.z;
                ar[4 * g + 3] = v.w;
            }
#pragma unroll
            for (int g = 0; g < RN; g++) {
                float4 v = *reinterpret_cast<const float4*>(&ws[buf][k][g * 4 * TX + tx * 4]);
                wr[4 * g] = v.x;
                wr[4 * g + 1] = v.y;
                wr[4 * g + 2] = v.z;
                wr[4 * g + 3] = v.w;
            }
#pragma unroll
            for (int i = 0; i < 4 * RM; i++) {
#pragma unroll
                for (int j = 0; j < 4 * RN; j++) {
                    acc[i][j] = fmaf(ar[i], wr[j], acc[i][j]);
                }
            }
        }
    }
    cpAsyncWait<0>();
#pragma unroll
    for (int i = 0; i < 4 * RM; i++) {
        int m = m0 + (i / 4) * 4 * TY + ty * 4 + (i % 4);
        if (m >= M) {
            continue;
        }
#pragma unroll
        for (int j = 0; j < 4 * RN; j++) {
            int n = n0 + (j / 4) * 4 * TX + tx * 4 + (j % 4);
            if (n >= N) {
                continue;
            }
            if (partial) {
                partial[((long long) blockIdx.z * M + m) * N + n] = acc[i][j];
                continue;
            }
            storeProduct(acc[i][j], m, n, bias, act, c, ldc, cOff, cStride, res);
        }
    }
}

__device__ __forceinline__ void cpAsync16(float* dst, const float* src, bool valid) {
#ifdef RADMAMBA_CPU_EMULATION
    for (int e = 0; e < 4; e++) dst[e] = valid ? src[e] : 0.f;
#else
    unsigned s = (unsigned) __cvta_generic_to_shared(dst);
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;" ::"r"(s), "l"(src), "r"(valid ? 16 : 0));
#endif
}

// What a thread of a k-contiguous tile (rows of BK + 4 floats, the layout gemm_nt_tf32 uses) copies with cp.async:
// four consecutive k of LA rows of A and LW rows of W, one 16-byte copy each (as gemm_nt loads a float4). A's rows are
// decoded once (the output position, and which of the 3x3 convolution's taps lie inside the image); the k of the
// thread's slots is a cursor. Requires gemmVectorLoads and no patch embedding (the caller falls back otherwise).
// land() then finishes the thread's own slots of a tile in place, before the barrier that hands it to the block: the
// BatchNorm before a 3x3 convolution (in-bounds inputs only) and, for TF32, the rounding of both operands.
template <int BM, int BN, int BK, int TH, int STAGES>
struct RowsStager {
    static constexpr int LD = BK + 4;
    static constexpr int KG = BK / 4;
    static constexpr int ROWS = TH / KG;
    static constexpr int LA = BM / ROWS;
    static constexpr int LW = BN / ROWS;
    static_assert(TH % KG == 0 && LA * ROWS == BM && LW * ROWS == BN && LA >= 1 && LW >= 1, "whole float4s");
    const float* a;
    const float* wt;
    const float* inScale;
    const float* inShift;
    int lda, w, cin, kBegin, kEnd, lr, lk;
    bool conv;
    int rowM[LA];
    unsigned taps[LA];
    int rowW[LW];
    TapCursor made, used;

    __device__ __forceinline__ void init(int M, int N, int K, const float* a_, int lda_, int mode, int h, int w_,
                                         int cin_, const float* inScale_, const float* inShift_, const float* wt_,
                                         int m0, int n0, int kBegin_, int kEnd_) {
        a = a_;
        wt = wt_;
        lda = lda_;
        w = w_;
        cin = cin_;
        kBegin = kBegin_;
        kEnd = kEnd_;
        conv = mode == A_CONV3;
        inScale = conv ? inScale_ : nullptr;
        inShift = inShift_;
        lr = threadIdx.x / KG;
        lk = (threadIdx.x % KG) * 4;
#pragma unroll
        for (int i = 0; i < LA; i++) {
            int m = m0 + lr + i * ROWS;
            rowM[i] = m < M ? m : 0;
            taps[i] = rowTaps(m, M, conv, h, w);
        }
#pragma unroll
        for (int i = 0; i < LW; i++) {
            int n = n0 + lr + i * ROWS;
            rowW[i] = n < N ? n * K : -1;
        }
        if (conv) {
            made.start(kBegin + lk, cin);
            used = made;
        }
    }

    __device__ __forceinline__ bool inside(int i, const TapCursor& at) const {
        return at.tap < 9 && ((taps[i] >> at.tap) & 1u);
    }

    // Starts the copies of tile `tile` (BK-deep steps from kBegin) into buffer tile % STAGES.
    __device__ __forceinline__ void issue(float (*as)[BM][LD], float (*ws)[BN][LD], int tile) {
        int buf = tile % STAGES;
        int k = kBegin + tile * BK + lk;
        bool kIn = k < kEnd;
#pragma unroll
        for (int i = 0; i < LA; i++) {
            bool valid = kIn && (conv ? inside(i, made) : taps[i] != 0);
            const float* src = conv ? a + (long long) (rowM[i] + made.dy * w + made.dx) * lda + made.ci
                                    : a + (long long) rowM[i] * lda + k;
            cpAsync16(&as[buf][lr + i * ROWS][lk], valid ? src : a, valid);
        }
#pragma unroll
        for (int i = 0; i < LW; i++) {
            bool valid = kIn && rowW[i] >= 0;
            cpAsync16(&ws[buf][lr + i * ROWS][lk], valid ? wt + rowW[i] + k : wt, valid);
        }
        if (conv) {
            made.advance(BK, cin);
        }
    }

    // Tile `tile`'s own slots, once its copies have landed: the input BatchNorm, then (TF32) the rounding.
    template <bool TF32>
    __device__ __forceinline__ void land(float (*as)[BM][LD], float (*ws)[BN][LD], int tile) {
        int buf = tile % STAGES;
        if (inScale) {
            if (kBegin + tile * BK + lk < kEnd) {
                const float4 scale = make_float4(inScale[used.ci], inScale[used.ci + 1], inScale[used.ci + 2],
                                                 inScale[used.ci + 3]);
                const float4 shift = make_float4(inShift[used.ci], inShift[used.ci + 1], inShift[used.ci + 2],
                                                 inShift[used.ci + 3]);
#pragma unroll
                for (int i = 0; i < LA; i++) {
                    if (inside(i, used)) {
                        float4* v = reinterpret_cast<float4*>(&as[buf][lr + i * ROWS][lk]);
                        float4 x = *v;
                        x.x = x.x * scale.x + shift.x;
                        x.y = x.y * scale.y + shift.y;
                        x.z = x.z * scale.z + shift.z;
                        x.w = x.w * scale.w + shift.w;
                        *v = x;
                    }
                }
            }
            used.advance(BK, cin);
        }
        if (TF32) {
#pragma unroll
            for (int i = 0; i < LA; i++) {
                float4* v = reinterpret_cast<float4*>(&as[buf][lr + i * ROWS][lk]);
                float4 x = *v;
                *v = make_float4(toTf32(x.x), toTf32(x.y), toTf32(x.z), toTf32(x.w));
            }
#pragma unroll
            for (int i = 0; i < LW; i++) {
                float4* v = reinterpret_cast<float4*>(&ws[buf][lr + i * ROWS][lk]);
                float4 x = *v;
                *v = make_float4(toTf32(x.x), toTf32(x.y), toTf32(x.z), toTf32(x.w));
            }
        }
    }

    // The pipeline over [kBegin, kEnd): STAGES - 1 tiles in flight ahead of the one multiply(buffer) works on, each
    // landed (land<TF32>) before the barrier that hands it to the block.
    template <bool TF32, typename Multiply>
    __device__ __forceinline__ void run(float (*as)[BM][LD], float (*ws)[BN][LD], Multiply multiply) {
        int tiles = (kEnd - kBegin + BK - 1) / BK;
        if (tiles < 0) {
            tiles = 0;
        }
#pragma unroll
        for (int s = 0; s < STAGES - 1; s++) {
            if (s < tiles) {
                issue(as, ws, s);
            }
            cpAsyncCommit();
        }
        for (int t = 0; t < tiles; t++) {
            cpAsyncWait<STAGES - 2>();
            land<TF32>(as, ws, t);
            __syncthreads();  // tile t is everyone's; every thread is done with tile t - 1, whose buffer is reused now
            if (t + STAGES - 1 < tiles) {
                issue(as, ws, t + STAGES - 1);
            }
            cpAsyncCommit();
            multiply(t % STAGES);
        }
        cpAsyncWait<0>();
    }
};

// gemm_nt's product on k-contiguous tiles staged by RowsStager. The multiply reads four k of each of its rows at a
// time; a thread's rows are ty + TY * i of A and tx + TX * j of W (interleaved, so that a warp's 16-byte reads of W's
// rows fall in distinct banks).
template <int BM, int BN, int BK, int RM, int RN, int TH, int STAGES>
__device__ __forceinline__ void gemmTileAsyncRows(GEMM_PARAMS) {
    using Stager = RowsStager<BM, BN, BK, TH, STAGES>;
    constexpr int LD = Stager::LD;
    constexpr int TX = BN / (4 * RN);
    constexpr int TY = BM / (4 * RM);
    constexpr int IM = 4 * RM, JN = 4 * RN;  // a thread's rows of A and of W
    static_assert(TX * TY == TH, "the threads cover the tile");
    __shared__ __align__(16) float as[STAGES][BM][LD];
    __shared__ __align__(16) float ws[STAGES][BN][LD];
    int tid = threadIdx.x;
    int tx = tid % TX;
    int ty = tid / TX;
    int m0 = blockIdx.y * BM;
    int n0 = blockIdx.x * BN;
    int kBegin = 0;
    int kEnd = K;
    if (partial) {
        kBegin = blockIdx.z * kChunk;
        kEnd = min(K, kBegin + kChunk);
    }
    Stager stager;
    stager.init(M, N, K, a, lda, mode, h, w, cin, inScale, inShift, wt, m0, n0, kBegin, kEnd);
    float acc[IM][JN];
#pragma unroll
    for (int i = 0; i < IM; i++) {
#pragma unroll
        for (int j = 0; j < JN; j++) {
            acc[i][j] = 0.f;
        }
    }
    stager.template run<false>(as, ws, [&](int buf) {
#pragma unroll
        for (int kq = 0; kq < BK; kq += 4) {
            float4 ar[IM];
            float4 wr[JN];
#pragma unroll
            for (int i = 0; i < IM; i++) {
                ar[i] = *reinterpret_cast<const float4*>(&as[buf][ty + TY * i][kq]);
            }
#pragma unroll
            for (int j = 0; j < JN; j++) {
                wr[j] = *reinterpret_cast<const float4*>(&ws[buf][tx + TX * j][kq]);
            }
#pragma unroll
            for (int i = 0; i < IM; i++) {
#pragma unroll
                for (int j = 0; j < JN; j++) {
                    acc[i][j] = fmaf(ar[i].x, wr[j].x, acc[i][j]);
                    acc[i][j] = fmaf(ar[i].y, wr[j].y, acc[i][j]);
                    acc[i][j] = fmaf(ar[i].z, wr[j].z, acc[i][j]);
                    acc[i][j] = fmaf(ar[i].w, wr[j].w, acc[i][j]);
                }
            }
        }
    });
#pragma unroll
    for (int i = 0; i < IM; i++) {
        int m = m0 + ty + TY * i;
        if (m >= M) {
            continue;
        }
#pragma unroll
        for (int j = 0; j < JN; j++) {
            int n = n0 + tx + TX * j;
            if (n >= N) {
                continue;
            }
            if (partial) {
                partial[((long long) blockIdx.z * M + m) * N + n] = acc[i][j];
                continue;
            }
            storeProduct(acc[i][j], m, n, bias, act, c, ldc, cOff, cStride, res);
        }
    }
}

// gemm_nt_tf32's product (mma.sync m16n8k8, WARPS_M x WARPS_N warps) on tiles staged by RowsStager, rounded to TF32
// in place once landed.
template <int BM, int BN, int BK, int WARPS_M, int WARPS_N, int STAGES>
__device__ __forceinline__ void gemmTf32TileAsync(GEMM_PARAMS) {
    constexpr int TH = 32 * WARPS_M * WARPS_N;
    using Stager = RowsStager<BM, BN, BK, TH, STAGES>;
    constexpr int LD = Stager::LD;
    constexpr int WM = BM / WARPS_M;
    constexpr int WN = BN / WARPS_N;
    constexpr int MI = WM / 16;
    constexpr int NJ = WN / 8;
    static_assert(MI * 16 == WM && NJ * 8 == WN && BK % 8 == 0, "whole mma tiles");
    __shared__ __align__(16) float as[STAGES][BM][LD];
    __shared__ __align__(16) float ws[STAGES][BN][LD];
    int tid = threadIdx.x;
    int lane = tid & 31;
    int warp = tid >> 5;
    int g = lane >> 2;
    int t4 = lane & 3;
    int wm = (warp % WARPS_M) * WM;
    int wn = (warp / WARPS_M) * WN;
    int m0 = blockIdx.y * BM;
    int n0 = blockIdx.x * BN;
    int kBegin = 0;
    int kEnd = K;
    if (partial) {
        kBegin = blockIdx.z * kChunk;
        kEnd = min(K, kBegin + kChunk);
    }
    Stager stager;
    stager.init(M, N, K, a, lda, mode, h, w, cin, inScale, inShift, wt, m0, n0, kBegin, kEnd);
    float acc[MI][NJ][4];
#pragma unroll
    for (int i = 0; i < MI; i++) {
#pragma unroll
        for (int j = 0; j < NJ; j++) {
#pragma unroll
            for (int r = 0; r < 4; r++) {
                acc[i][j][r] = 0.f;
            }
        }
    }
    stager.template run<true>(as, ws, [&](int buf) {
#pragma unroll
        for (int kk = 0; kk < BK; kk += 8) {
            float af[MI][4];
            float bf[NJ][2];
#pragma unroll
            for (int i = 0; i < MI; i++) {
                const float* r0 = &as[buf][wm + i * 16 + g][kk + t4];
                const float* r8 = r0 + 8 * LD;
                af[i][0] = r0[0];
                af[i][1] = r8[0];
                af[i][2] = r0[4];
                af[i][3] = r8[4];
            }
#pragma unroll
            for (int j = 0; j < NJ; j++) {
                const float* col = &ws[buf][wn + j * 8 + g][kk + t4];
                bf[j][0] = col[0];
                bf[j][1] = col[4];
            }
#pragma unroll
            for (int i = 0; i < MI; i++) {
#pragma unroll
                for (int j = 0; j < NJ; j++) {
                    mmaTf32(acc[i][j], af[i], bf[j]);
                }
            }
        }
    });
#pragma unroll
    for (int i = 0; i < MI; i++) {
#pragma unroll
        for (int j = 0; j < NJ; j++) {
#pragma unroll
            for (int r = 0; r < 4; r++) {
                int m = m0 + wm + i * 16 + g + (r >> 1) * 8;
                int n = n0 + wn + j * 8 + 2 * t4 + (r & 1);
                if (m >= M || n >= N) {
                    continue;
                }
                if (partial) {
                    partial[((long long) blockIdx.z * M + m) * N + n] = acc[i][j][r];
                } else {
                    storeProduct(acc[i][j][r], m, n, bias, act, c, ldc, cOff, cStride, res);
                }
            }
        }
    }
}
