// Just enough of CUDA to run network.cu's block-level kernels on the CPU, for tests on machines without a GPU: a
// block's threads are OS threads, __shared__ variables are shared by them (one block runs at a time), and
// __syncthreads is a barrier across the block. Warp shuffles are not emulated (a kernel that calls one aborts); the
// TF32 mma.sync is, through a block-wide table (mmaTf32Emulated).
#pragma once
#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

#define RADMAMBA_CPU_EMULATION 1
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __restrict__ __restrict
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))

using std::max;
using std::min;

struct Dim3 {
    unsigned x, y, z;
};
inline thread_local Dim3 threadIdx;
inline Dim3 blockIdx;
inline Dim3 blockDim;
inline std::barrier<>* blockBarrier;

struct alignas(16) float4 {
    float x, y, z, w;
};
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
template <typename T>
inline T __ldg(const T* p) { return *p; }
inline float rsqrtf(float x) { return 1.f / std::sqrt(x); }
inline void __syncthreads() { blockBarrier->arrive_and_wait(); }
inline float __shfl_xor_sync(unsigned, float, int, int = 32) {
    std::fprintf(stderr, "warp shuffles are not emulated\n");
    std::abort();
}

// Runs kernel() as a grid of blocks of `threads` threads, block after block.
inline void launch(Dim3 grid, unsigned threads, const std::function<void()>& kernel) {
    blockDim = {threads, 1, 1};
    for (unsigned z = 0; z < grid.z; z++) {
        for (unsigned y = 0; y < grid.y; y++) {
            for (unsigned x = 0; x < grid.x; x++) {
                blockIdx = {x, y, z};
                std::barrier<> barrier(threads);
                blockBarrier = &barrier;
                std::vector<std::thread> pool;
                for (unsigned t = 0; t < threads; t++) {
                    pool.emplace_back([&kernel, t] {
                        threadIdx = {t, 0, 0};
                        kernel();
                    });
                }
                for (auto& thread : pool) {
                    thread.join();
                }
            }
        }
    }
}

inline unsigned __float_as_uint(float x) {
    unsigned u;
    std::memcpy(&u, &x, sizeof u);
    return u;
}
inline float __uint_as_float(unsigned u) {
    float x;
    std::memcpy(&x, &u, sizeof x);
    return x;
}

// cvt.rna.tf32.f32: x rounded to 10 mantissa bits, to nearest with ties away from zero (sign and magnitude: adding
// half of the dropped part's unit to the magnitude and truncating), kept in a float's bits. NaN and infinity stay.
inline float tf32RoundEmulated(float x) {
    unsigned u = __float_as_uint(x);
    if ((u & 0x7f800000u) == 0x7f800000u) {
        return x;
    }
    return __uint_as_float((u + 0x1000u) & 0xffffe000u);
}

// mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 for the calling lane, from the fragments as the PTX ISA lays them
// out (lane = 4g + t: a = A[g][t], A[g+8][t], A[g][t+4], A[g+8][t+4]; b = B[t][g], B[t+4][g]; d = D[g][2t],
// D[g][2t+1], D[g+8][2t], D[g+8][2t+1]): every lane of the block posts its fragments to a table, a barrier, each
// lane sums its four outputs over k in order, a barrier. All threads of the block must call it together (the kernels
// call it in uniform control flow); the hardware sums in its own order, so results agree to rounding, not to the bit.
inline void mmaTf32Emulated(float (&d)[4], const float (&a)[4], const float (&b)[2]) {
    static float fragA[1024][4];
    static float fragB[1024][2];
    unsigned tid = threadIdx.x;
    unsigned base = tid & ~31u;
    for (int r = 0; r < 4; r++) fragA[tid][r] = a[r];
    for (int r = 0; r < 2; r++) fragB[tid][r] = b[r];
    __syncthreads();
    unsigned lane = tid & 31u;
    unsigned g = lane >> 2, t = lane & 3u;
    auto elementA = [&](unsigned row, unsigned k) {
        return fragA[base + (row & 7u) * 4 + (k & 3u)][(row >= 8 ? 1 : 0) + (k >= 4 ? 2 : 0)];
    };
    auto elementB = [&](unsigned k, unsigned col) { return fragB[base + col * 4 + (k & 3u)][k >= 4 ? 1 : 0]; };
    for (int r = 0; r < 4; r++) {
        unsigned row = g + (r >> 1) * 8;
        unsigned col = 2 * t + (r & 1);
        float s = d[r];
        for (unsigned k = 0; k < 8; k++) s = std::fma(elementA(row, k), elementB(k, col), s);
        d[r] = s;
    }
    __syncthreads();
}
