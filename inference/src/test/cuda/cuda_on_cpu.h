// Just enough of CUDA to run network.cu's block-level kernels on the CPU, for tests on machines without a GPU: a
// block's threads are OS threads, __shared__ variables are shared by them (one block runs at a time), and
// __syncthreads is a barrier across the block. Warp-level intrinsics are not emulated: a kernel that calls one aborts.
#pragma once
#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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
