// The GEMM's operands and epilogue, shared by network.cu's float32 GEMM (gemm_nt) and gemm_tf32.cu's tensor-core
// GEMM (gemm_nt_tf32), which take the same arguments: A's three modes (dense rows, the 3x3 convolution's implicit
// im2col with the BatchNorm before it, the patch embedding's gather), the loaders that read four consecutive k of one
// row, and the epilogue that writes one output.
#pragma once

#define A_DENSE 0
#define A_CONV3 1
#define A_PATCHIFY 2

#define ACT_NONE 0
#define ACT_RELU 1

#define GEMM_THREADS 256

// One element of A, any mode, bounds-checked: the patch embedding's gather and the fallback of the vector loader.
__device__ __forceinline__ float gatherA(const float* __restrict__ a, int mode, int m, int k, int M, int K, int lda,
                                         const float* __restrict__ inScale, const float* __restrict__ inShift,
                                         int h, int w, int cin, int p, int oh, int ow) {
    if (m >= M || k >= K) {
        return 0.f;
    }
    if (mode == A_DENSE) {
        return a[(long long) m * lda + k];
    }
    if (mode == A_CONV3) {
        int tap = k / cin;
        int ci = k - tap * cin;
        int plane = h * w;
        int b = m / plane;
        int rem = m - b * plane;
        int y = rem / w + tap / 3 - 1;
        int x = rem - (rem / w) * w + tap % 3 - 1;
        if (y < 0 || y >= h || x < 0 || x >= w) {
            return 0.f; // zero padding after the input BatchNorm, as nn.Conv2d pads its (normalised) input
        }
        float v = a[((long long) (b * h + y) * w + x) * lda + ci];
        return inScale ? v * inScale[ci] + inShift[ci] : v;
    }
    // A_PATCHIFY: m = (b, py, px) of the output grid; k = (ci, ky, kx) as PyTorch's conv weight (out, in, p, p)
    int pp = p * p;
    int ci = k / pp;
    int r = k - ci * pp;
    int ky = r / p;
    int kx = r - ky * p;
    int plane = oh * ow;
    int b = m / plane;
    int rem = m - b * plane;
    int py = rem / ow;
    int px = rem - py * ow;
    // cin: the input's channels; a one-channel input feeds every input channel of the weight (VM-UNet repeats it)
    return a[(((long long) b * cin + (ci < cin ? ci : 0)) * h + py * p + ky) * w + px * p + kx];
}

// What one thread loads of A's tile: four consecutive k of one row m (fixed for the whole K loop, so the row's
// decoding into (image, y, x) for the 3x3 convolution is done once). vec: A's rows and k groups of four are 16-byte
// aligned (K, lda and, for A_CONV3, cin multiples of four, the base pointer aligned): one float4 load.
struct RowLoader {
    const float* row;  // A_DENSE: &a[m*lda]; A_CONV3: &a[(b*h+y)*w+x)*lda] of the output position
    int m, y, x;       // A_CONV3: the output position
    bool inRange;
};

__device__ __forceinline__ float4 loadA4(const RowLoader& r, bool vec, const float* __restrict__ a, int mode, int k,
                                         int M, int K, int lda, const float* __restrict__ inScale,
                                         const float* __restrict__ inShift, int h, int w, int cin, int p, int oh,
                                         int ow) {
    if (!vec || mode == A_PATCHIFY) {
        return make_float4(gatherA(a, mode, r.m, k, M, K, lda, inScale, inShift, h, w, cin, p, oh, ow),
                           gatherA(a, mode, r.m, k + 1, M, K, lda, inScale, inShift, h, w, cin, p, oh, ow),
                           gatherA(a, mode, r.m, k + 2, M, K, lda, inScale, inShift, h, w, cin, p, oh, ow),
                           gatherA(a, mode, r.m, k + 3, M, K, lda, inScale, inShift, h, w, cin, p, oh, ow));
    }
    if (!r.inRange || k >= K) {
        return make_float4(0.f, 0.f, 0.f, 0.f);
    }
    if (mode == A_DENSE) {
        return __ldg(reinterpret_cast<const float4*>(r.row + k));
    }
    // A_CONV3: the four k share one tap (cin % 4 == 0)
    int tap = k / cin;
    int ci = k - tap * cin;
    int dy = tap / 3 - 1;
    int dx = tap - (tap / 3) * 3 - 1;
    int y = r.y + dy;
    int x = r.x + dx;
    if (y < 0 || y >= h || x < 0 || x >= w) {
        return make_float4(0.f, 0.f, 0.f, 0.f);
    }
    float4 v = __ldg(reinterpret_cast<const float4*>(r.row + ((long long) dy * w + dx) * lda + ci));
    if (inScale) {
        v.x = v.x * inScale[ci] + inShift[ci];
        v.y = v.y * inScale[ci + 1] + inShift[ci + 1];
        v.z = v.z * inScale[ci + 2] + inShift[ci + 2];
        v.w = v.w * inScale[ci + 3] + inShift[ci + 3];
    }
    return v;
}

// Whether A's rows and k groups of four and W's rows are 16-byte aligned, so that both load float4s (RowLoader).
__device__ __forceinline__ bool gemmVectorLoads(const float* a, const float* wt, int K, int lda, int mode, int cin) {
    return ((K | lda) & 3) == 0 && (((unsigned long long) a | (unsigned long long) wt) & 15) == 0
            && (mode != A_CONV3 || (cin & 3) == 0);
}

// The LA rows of A a thread loads, rows m0 + lr + q * stride of the tile, their 3x3 convolution position decoded once.
template <int LA>
__device__ __forceinline__ void initRowLoaders(RowLoader (&ra)[LA], const float* __restrict__ a, int mode, int m0,
                                               int lr, int stride, int M, int lda, int h, int w) {
#pragma unroll
    for (int q = 0; q < LA; q++) {
        ra[q].m = m0 + lr + q * stride;
        ra[q].inRange = ra[q].m < M;
        ra[q].y = 0;
        ra[q].x = 0;
        int mm = ra[q].inRange ? ra[q].m : 0;
        if (mode == A_CONV3) {
            int plane = h * w;
            int b = mm / plane;
            int rem = mm - b * plane;
            ra[q].y = rem / w;
            ra[q].x = rem - ra[q].y * w;
        }
        ra[q].row = a + (long long) mm * lda;  // A_CONV3: (b*h + y)*w + x == mm, the output position's own row
    }
}

// The LW rows of W a thread loads, rows n0 + lr + q * stride of the tile (row 0 where past N: read, then zeroed).
template <int LW>
__device__ __forceinline__ void initWeightRows(const float* (&wrow)[LW], bool (&wIn)[LW], const float* __restrict__ wt,
                                               int n0, int lr, int stride, int N, int K) {
#pragma unroll
    for (int q = 0; q < LW; q++) {
        int wn = n0 + lr + q * stride;
        wIn[q] = wn < N;
        wrow[q] = wt + (long long) (wIn[q] ? wn : 0) * K;
    }
}

// Four consecutive k of one row of W, zero past kEnd or past N.
__device__ __forceinline__ float4 loadW4(const float* row, bool in, bool vec, int k, int kEnd) {
    if (vec) {
        return (in && k < kEnd) ? __ldg(reinterpret_cast<const float4*>(row + k)) : make_float4(0.f, 0.f, 0.f, 0.f);
    }
    return make_float4((in && k < kEnd) ? row[k] : 0.f, (in && k + 1 < kEnd) ? row[k + 1] : 0.f,
                       (in && k + 2 < kEnd) ? row[k + 2] : 0.f, (in && k + 3 < kEnd) ? row[k + 3] : 0.f);
}

// C[m, cOff + n*cStride] = (res ? res[same] : 0) + act(sum + bias[n]): the epilogue of an unsplit product and of the
// split-K reduction alike.
__device__ __forceinline__ void storeProduct(float sum, int m, int n, const float* __restrict__ bias, int act,
                                             float* c, int ldc, int cOff, int cStride, const float* res) {
    float v = sum + (bias ? bias[n] : 0.f);
    if (act == ACT_RELU) {
        v = fmaxf(v, 0.f);
    }
    long long idx = (long long) m * ldc + cOff + (long long) n * cStride;
    c[idx] = res ? res[idx] + v : v;
}

// The arguments every GEMM kernel takes (gemm_nt, gemm_nt_tf32): one launch plan serves either.
#define GEMM_PARAMS                                                                                                  \
    int M, int N, int K, const float* __restrict__ a, int lda, int mode, int h, int w, int cin, int p, int oh,      \
        int ow, const float* __restrict__ inScale, const float* __restrict__ inShift, const float* __restrict__ wt, \
        const float* __restrict__ bias, int act, float* c, int ldc, int cOff, int cStride, const float* res,        \
        float* __restrict__ partial, int kChunk
#define GEMM_ARGS \
    M, N, K, a, lda, mode, h, w, cin, p, oh, ow, inScale, inShift, wt, bias, act, c, ldc, cOff, cStride, res, partial, kChunk
