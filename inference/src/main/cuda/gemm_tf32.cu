// The network's GEMM on tensor cores in TF32, the explicit reduced-precision option (org.radmamba.inference.cuda
// .NetworkPrecision.TF32): gemm_nt_tf32 takes gemm_nt's arguments, grid (64x64 tiles), block (256 threads) and split-K
// contract, so one launch plan serves both and CudaNetwork only swaps the kernel. Its own module because mma.sync
// with TF32 needs compute capability 8.0 (Ampere) while network.cu is built for 7.0 (Volta); regenerate its PTX and
// cubins with build-ptx.sh.
//
// Numbers: A and W are rounded to TF32 (10 mantissa bits, round to nearest, ties away: cvt.rna) as they are staged,
// the products are summed in float32 by the tensor cores (in their own order within each 8-deep step), and the
// epilogue is gemm_nt's. A product of K terms then differs from float32 by about 2^-11 relative per term; the network's
// outputs move by what docs/performance.md ("TF32") measured against float32 on the demo models' held-out images.
#include "gemm_operands.cuh"

// x rounded to TF32 (kept in a float's bits): the operand form mma.sync's .tf32 expects.
__device__ __forceinline__ float toTf32(float x) {
#ifdef RADMAMBA_CPU_EMULATION
    return tf32RoundEmulated(x);
#else
    unsigned r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
    return __uint_as_float(r);
#endif
}

// d += A (16x8, row-major fragment a) . B (8x8, column-major fragment b), one warp: mma.sync m16n8k8 in TF32.
// Fragments (PTX ISA, "Matrix Fragments for mma.m16n8k8" with .tf32), lane = 4g + t: a = A[g][t], A[g+8][t],
// A[g][t+4], A[g+8][t+4]; b = B[t][g], B[t+4][g]; d = D[g][2t], D[g][2t+1], D[g+8][2t], D[g+8][2t+1].
__device__ __forceinline__ void mmaTf32(float (&d)[4], const float (&a)[4], const float (&b)[2]) {
#ifdef RADMAMBA_CPU_EMULATION
    mmaTf32Emulated(d, a, b);
#else
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(__float_as_uint(a[0])), "r"(__float_as_uint(a[1])), "r"(__float_as_uint(a[2])),
          "r"(__float_as_uint(a[3])), "r"(__float_as_uint(b[0])), "r"(__float_as_uint(b[1])));
#endif
}

// C[m, cOff + n*cStride] = (res ? res : 0) + act(sum_k A[m,k] W[n,k] + bias[n]) with A and W in TF32; with partial,
// block z's raw sums over [z*kChunk, (z+1)*kChunk) into partial[(z*M + m)*N + n] for splitk_epilogue (gemm_nt's
// contract; kChunk need only be a multiple of 4, a step past it loading zeros). A block: a BM x BN tile of C,
// WARPS_M x WARPS_N warps, each (BM/WARPS_M) x (BN/WARPS_N) in 16x8 mma tiles. Each thread loads LA float4s of A and
// LW of W per BK-deep step into registers before the current step is multiplied, then stores them rounded to TF32
// into the other shared buffer, rows of A and W k-contiguous and padded by 4 floats, so that a warp's fragment reads
// (8 rows x 4 k) hit 32 banks (one barrier a step).
template <int BM, int BN, int BK, int WARPS_M, int WARPS_N>
__device__ __forceinline__ void gemmTf32Tile(GEMM_PARAMS) {
    constexpr int TH = 32 * WARPS_M * WARPS_N;
    constexpr int LD = BK + 4;
    constexpr int WM = BM / WARPS_M;  // a warp's rows
    constexpr int WN = BN / WARPS_N;  // and columns
    constexpr int MI = WM / 16;       // its mma tiles down
    constexpr int NJ = WN / 8;        // and across
    constexpr int KG = BK / 4;        // float4 groups along a step's K
    constexpr int ROWS = TH / KG;     // tile rows one pass of the threads loads
    constexpr int LA = BM / ROWS;
    constexpr int LW = BN / ROWS;
    static_assert(MI * 16 == WM && NJ * 8 == WN && BK % 8 == 0, "whole mma tiles");
    static_assert(TH % KG == 0 && LA * ROWS == BM && LW * ROWS == BN && LA >= 1 && LW >= 1,
                  "whole float4s of A and W a thread");
    __shared__ __align__(16) float as[2][BM][LD];
    __shared__ __align__(16) float ws[2][BN][LD];
    int tid = threadIdx.x;
    int lane = tid & 31;
    int warp = tid >> 5;
    int g = lane >> 2;
    int t = lane & 3;
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
    bool vec = gemmVectorLoads(a, wt, K, lda, mode, cin);
    // this thread's load slots: rows lr + q * ROWS of A's and of W's tile, k offset lk (0, 4, ...) within the step
    int lr = tid / KG;
    int lk = (tid % KG) * 4;
    RowLoader ra[LA];
    initRowLoaders(ra, a, mode, m0, lr, ROWS, M, lda, h, w);
    const float* wrow[LW];
    bool wIn[LW];
    initWeightRows(wrow, wIn, wt, n0, lr, ROWS, N, K);
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
    int steps = (kEnd - kBegin + BK - 1) / BK;
    if (steps < 0) {
        steps = 0;
    }
    float4 va[LA];
    float4 vw[LW];
    auto load = [&](int k) {
#pragma unroll
        for (int q = 0; q < LA; q++) {
            va[q] = loadA4(ra[q], vec, a, mode, k, M, kEnd, lda, inScale, inShift, h, w, cin, p, oh, ow);
        }
#pragma unroll
        for (int q = 0; q < LW; q++) {
            vw[q] = loadW4(wrow[q], wIn[q], vec, k, kEnd);
        }
    };
    auto store = [&](int buf) {
#pragma unroll
        for (int q = 0; q < LA; q++) {
            *reinterpret_cast<float4*>(&as[buf][lr + q * ROWS][lk]) =
                    make_float4(toTf32(va[q].x), toTf32(va[q].y), toTf32(va[q].z), toTf32(va[q].w));
        }
#pragma unroll
        for (int q = 0; q < LW; q++) {
            *reinterpret_cast<float4*>(&ws[buf][lr + q * ROWS][lk]) =
                    make_float4(toTf32(vw[q].x), toTf32(vw[q].y), toTf32(vw[q].z), toTf32(vw[q].w));
        }
    };
    load(kBegin + lk);
    store(0);
    __syncthreads();
    for (int s = 0; s < steps; s++) {
        int buf = s & 1;
        bool more = s + 1 < steps;
        if (more) {
            load(kBegin + (s + 1) * BK + lk);
        }
#pragma unroll
        for (int kk = 0; kk < BK; kk += 8) {
            float af[MI][4];
            float bf[NJ][2];
#pragma unroll
            for (int i = 0; i < MI; i++) {
                const float* r0 = &as[buf][wm + i * 16 + g][kk + t];
                const float* r8 = r0 + 8 * LD;
                af[i][0] = r0[0];
                af[i][1] = r8[0];
                af[i][2] = r0[4];
                af[i][3] = r8[4];
            }
#pragma unroll
            for (int j = 0; j < NJ; j++) {
                const float* col = &ws[buf][wn + j * 8 + g][kk + t];
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
        if (more) {
            store(buf ^ 1);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < MI; i++) {
#pragma unroll
        for (int j = 0; j < NJ; j++) {
#pragma unroll
            for (int r = 0; r < 4; r++) {
                int m = m0 + wm + i * 16 + g + (r >> 1) * 8;
                int n = n0 + wn + j * 8 + 2 * t + (r & 1);
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

// The shipped shape: 64x64 tiles (gemm_nt's grid) 32 deep, 8 warps of 32x16 (gemm_nt's 256 threads). On an H100
// (gemm_bench, MedMamba-T's products at batch 64 and 8) it beat 16 deep by up to 15 %, 4 warps of 32x32 and the
// 128x64 and 128x128 tiles on all but the stage-1 and stage-2 3x3 convolutions at batch 64 (docs/performance.md).
extern "C" __global__ void __launch_bounds__(256) gemm_nt_tf32(GEMM_PARAMS) {
    gemmTf32Tile<64, 64, 32, 2, 4>(GEMM_ARGS);
}
