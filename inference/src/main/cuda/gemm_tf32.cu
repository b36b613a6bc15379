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

#define TF32_THREADS 256
#define TF32_BM 64
#define TF32_BN 64
#define TF32_BK 16
// a staged row of A or W: BK floats and 4 of padding, so that a warp's fragment reads (8 rows x 4 k) hit 32 banks
#define TF32_LD (TF32_BK + 4)

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
// contract). A block: a 64x64 tile of C, 8 warps of 32x16 (two 16-row by two 8-column mma tiles each). Each thread
// loads one float4 of A and one of W per 16-deep step into registers before the current step is multiplied, then
// stores them rounded to TF32 into the other shared buffer, rows of A and W k-contiguous (one barrier a step).
extern "C" __global__ void __launch_bounds__(TF32_THREADS) gemm_nt_tf32(GEMM_PARAMS) {
    __shared__ __align__(16) float as[2][TF32_BM][TF32_LD];
    __shared__ __align__(16) float ws[2][TF32_BN][TF32_LD];
    int tid = threadIdx.x;
    int lane = tid & 31;
    int warp = tid >> 5;
    int g = lane >> 2;
    int t = lane & 3;
    int wm = (warp & 1) * 32;   // the warp's rows within the tile
    int wn = (warp >> 1) * 16;  // and columns
    int m0 = blockIdx.y * TF32_BM;
    int n0 = blockIdx.x * TF32_BN;
    int kBegin = 0;
    int kEnd = K;
    if (partial) {
        kBegin = blockIdx.z * kChunk;
        kEnd = min(K, kBegin + kChunk);
    }
    bool vec = ((K | lda) & 3) == 0 && (((unsigned long long) a | (unsigned long long) wt) & 15) == 0
            && (mode != A_CONV3 || (cin & 3) == 0);
    // this thread's load slot: row lr of A's and of W's tile, k offset lk (0, 4, 8, 12) within the step
    int lr = tid >> 2;
    int lk = (tid & 3) * 4;
    RowLoader ra;
    ra.m = m0 + lr;
    ra.inRange = ra.m < M;
    ra.y = 0;
    ra.x = 0;
    int mm = ra.inRange ? ra.m : 0;
    if (mode == A_CONV3) {
        int plane = h * w;
        int rem = mm - (mm / plane) * plane;
        ra.y = rem / w;
        ra.x = rem - ra.y * w;
    }
    ra.row = a + (long long) mm * lda;
    int wn0 = n0 + lr;
    bool wIn = wn0 < N;
    const float* wrow = wt + (long long) (wIn ? wn0 : 0) * K;

    float acc[2][2][4];
#pragma unroll
    for (int i = 0; i < 2; i++) {
#pragma unroll
        for (int j = 0; j < 2; j++) {
#pragma unroll
            for (int r = 0; r < 4; r++) {
                acc[i][j][r] = 0.f;
            }
        }
    }
    int steps = (kEnd - kBegin + TF32_BK - 1) / TF32_BK;
    if (steps < 0) {
        steps = 0;
    }
    float4 va;
    float4 vw;
    auto load = [&](int k) {
        va = loadA4(ra, vec, a, mode, k, M, kEnd, lda, inScale, inShift, h, w, cin, p, oh, ow);
        if (vec) {
            vw = (wIn && k < kEnd) ? __ldg(reinterpret_cast<const float4*>(wrow + k))
                                   : make_float4(0.f, 0.f, 0.f, 0.f);
        } else {
            vw = make_float4((wIn && k < kEnd) ? wrow[k] : 0.f, (wIn && k + 1 < kEnd) ? wrow[k + 1] : 0.f,
                             (wIn && k + 2 < kEnd) ? wrow[k + 2] : 0.f, (wIn && k + 3 < kEnd) ? wrow[k + 3] : 0.f);
        }
    };
    auto store = [&](int buf) {
        *reinterpret_cast<float4*>(&as[buf][lr][lk]) = make_float4(toTf32(va.x), toTf32(va.y), toTf32(va.z),
                                                                   toTf32(va.w));
        *reinterpret_cast<float4*>(&ws[buf][lr][lk]) = make_float4(toTf32(vw.x), toTf32(vw.y), toTf32(vw.z),
                                                                   toTf32(vw.w));
    };
    load(kBegin + lk);
    store(0);
    __syncthreads();
    for (int s = 0; s < steps; s++) {
        int buf = s & 1;
        bool more = s + 1 < steps;
        if (more) {
            load(kBegin + (s + 1) * TF32_BK + lk);
        }
#pragma unroll
        for (int kk = 0; kk < TF32_BK; kk += 8) {
            float af[2][4];
            float bf[2][2];
#pragma unroll
            for (int i = 0; i < 2; i++) {
                const float* r0 = &as[buf][wm + i * 16 + g][kk + t];
                const float* r8 = r0 + 8 * TF32_LD;
                af[i][0] = r0[0];
                af[i][1] = r8[0];
                af[i][2] = r0[4];
                af[i][3] = r8[4];
            }
#pragma unroll
            for (int j = 0; j < 2; j++) {
                const float* col = &ws[buf][wn + j * 8 + g][kk + t];
                bf[j][0] = col[0];
                bf[j][1] = col[4];
            }
#pragma unroll
            for (int i = 0; i < 2; i++) {
#pragma unroll
                for (int j = 0; j < 2; j++) {
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
    for (int i = 0; i < 2; i++) {
#pragma unroll
        for (int j = 0; j < 2; j++) {
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
