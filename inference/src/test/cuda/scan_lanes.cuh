// Experiment: the cross scan in one walk, eight lanes a sequence and two states a lane (states g and g + 8 on lane g
// of its group of eight), four sequences a warp. Each lane sums its two states' h*C for eight steps in registers,
// then one reduce-scatter across the group's lanes (xor 4, 2, 1) leaves lane g the y of the eighth step g. Deltas
// are computed a step a lane (lane g the steps g, g + 8, ...) and handed to the group through shared memory.
// Measured beside the shipped chunked kernels (scan_bench, an H100, 2026-12-07 19:02 UTC): slower at every shape,
// 218-304 us at batch 8 (shipped 169), 1007-2340 us at batch 64 (875). Nsight Compute at batch 8 (2 warps, 16 steps):
// 14.7 instructions a warp-wide (step, state) against the out pass's 9.9, issued at 0.33 a cycle and scheduler with
// 1.47 warps a scheduler. Of the 14.7, integer and branch instructions 4.7 and the staging's loads and stores 0.7 (a
// block's staged row of B and C serves its 8 channels, the chunked kernel's 96), the reduce-scatter's selects,
// shuffles and adds 1.8.
// Included after network.cu (scanPos, exp2Flush, softplusShort, deltaRaw, loadDtWeights, CS_N, LOG2E).
#pragma once

#ifndef RADMAMBA_CPU_EMULATION
#define LS_SHFL_XOR(v, m) __shfl_xor_sync(0xffffffffu, (v), (m), 8)
#define LS_SYNCWARP() __syncwarp()
__device__ __forceinline__ void lsCopyAsync(float* dst, const float* src) {
    unsigned a = (unsigned) __cvta_generic_to_shared(dst);
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4;" ::"r"(a), "l"(src));
}
__device__ __forceinline__ void lsCopyWait() { asm volatile("cp.async.wait_all;"); }
#else
inline void lsCopyAsync(float* dst, const float* src) { *dst = *src; }
inline void lsCopyWait() {}
#endif

// lane g of a group of eight ends with sum over the group of p[g]
__device__ __forceinline__ float reduceScatter8(const float (&p)[8], int g) {
    bool b2 = (g & 4) != 0, b1 = (g & 2) != 0, b0 = (g & 1) != 0;
    float r[4];
#pragma unroll
    for (int i = 0; i < 4; i++) {
        float send = b2 ? p[i] : p[i + 4];
        float keep = b2 ? p[i + 4] : p[i];
        r[i] = keep + LS_SHFL_XOR(send, 4);
    }
    float s[2];
#pragma unroll
    for (int i = 0; i < 2; i++) {
        float send = b1 ? r[i] : r[i + 2];
        float keep = b1 ? r[i + 2] : r[i];
        s[i] = keep + LS_SHFL_XOR(send, 2);
    }
    float send = b0 ? s[0] : s[1];
    float keep = b0 ? s[1] : s[0];
    return keep + LS_SHFL_XOR(send, 1);
}

// WARPS warps a block, 4 * WARPS channels of one (direction, image) (blockIdx.z = 4 * image + direction), T steps a
// tile (a multiple of 8; 32 * WARPS a multiple of T).
template <int CS_R, int WARPS, int T, bool ASYNC = false>
__device__ __forceinline__ void scanLanes(int batch, int h, int w, int dInner, int rank,
                                          const float* __restrict__ u, const float* __restrict__ xdbl,
                                          const float* __restrict__ dtW, const float* __restrict__ dtBias,
                                          const float* __restrict__ aNeg, const float* __restrict__ ds,
                                          float* __restrict__ ys) {
    constexpr int THREADS = 32 * WARPS;
    constexpr int SEQS = 4 * WARPS;
    static_assert(T % 8 == 0 && THREADS % T == 0 && THREADS >= 2 * T, "tile shape");
    constexpr int SUB = THREADS / T;              // threads staging one step's row
    constexpr int RS = 32 + CS_R;                 // a staged step: 8 x {B_g, B_g+8, C_g, C_g+8}, then dt
    constexpr int COLS = (CS_R + 2 * CS_N + SUB - 1) / SUB;
    __shared__ __align__(16) float stage[2][T][RS];
    __shared__ __align__(16) float2 dd[SEQS][T];  // (delta, delta * u) a sequence and step
    __shared__ int tilePos[3][T];
    int tid = threadIdx.x;
    int q = tid >> 3;
    int g = tid & 7;
    int k = blockIdx.z & 3;
    int b = blockIdx.z >> 2;
    int L = h * w;
    int width = rank + 2 * CS_N;
    int rowWidth = 4 * width;
    int c = blockIdx.x * SEQS + q;
    bool active = c < dInner;
    if (!active) c = dInner - 1;
    int kc = k * dInner + c;
    float wr[CS_R];
    loadDtWeights(wr, dtW, kc, rank);
    float bias = dtBias[kc];
    float a0 = aNeg[kc * CS_N + g] * LOG2E;
    float a1 = aNeg[kc * CS_N + g + 8] * LOG2E;
    float dskip = ds[kc];
    float h0 = 0.f, h1 = 0.f;
    int uBase = b * L * dInner + c;
    int xBase = b * L * rowWidth + k * width;
    int yBase = (k * batch + b) * L * dInner + c;
    int tiles = (L + T - 1) / T;

    // staging: thread tid loads step tid / SUB's columns sub, sub + SUB, ... (the same every tile)
    int loadStep = tid / SUB;
    int sub = tid - loadStep * SUB;
    int loadDst[COLS];
#pragma unroll
    for (int m = 0; m < COLS; m++) {
        int col = sub + m * SUB;
        int n = col - rank;
        int dst = col < rank ? 32 + col : n < CS_N ? (n & 7) * 4 + (n >> 3) : ((n - CS_N) & 7) * 4 + 2 + ((n - CS_N) >> 3);
        loadDst[m] = col < width ? loadStep * RS + dst : -1;
    }
    float rowNext[COLS];
    float uCur[T / 8], uNext[T / 8];
    auto fetch = [&](int tile) {
        int steps = min(T, L - tile * T);
        const int* pos = tilePos[tile % 3];
        int p = xBase + pos[loadStep] * rowWidth + sub;
#pragma unroll
        for (int m = 0; m < COLS; m++) {
            rowNext[m] = (loadDst[m] >= 0 && loadStep < steps) ? xdbl[p + m * SUB] : 0.f;
        }
#pragma unroll
        for (int r = 0; r < T / 8; r++) {
            int j = g + 8 * r;
            uNext[r] = j < steps ? u[uBase + pos[j] * dInner] : 0.f;
        }
    };
    // cp.async straight into the other buffer (read last in the previous tile, behind its barrier)
    auto copyAsync = [&](int buf, int tile) {
        int steps = min(T, L - tile * T);
        const int* pos = tilePos[tile % 3];
        int p = xBase + pos[loadStep] * rowWidth + sub;
        float* dst = &stage[buf][0][0];
#pragma unroll
        for (int m = 0; m < COLS; m++) {
            if (loadDst[m] >= 0 && loadStep < steps) lsCopyAsync(dst + loadDst[m], xdbl + p + m * SUB);
        }
#pragma unroll
        for (int r = 0; r < T / 8; r++) {
            int j = g + 8 * r;
            uNext[r] = j < steps ? u[uBase + pos[j] * dInner] : 0.f;
        }
    };
    auto store = [&](int buf, int tile) {
        int steps = min(T, L - tile * T);
        float* dst = &stage[buf][0][0];
#pragma unroll
        for (int m = 0; m < COLS; m++) {
            if (loadDst[m] >= 0 && loadStep < steps) dst[loadDst[m]] = rowNext[m];
        }
#pragma unroll
        for (int r = 0; r < T / 8; r++) uCur[r] = uNext[r];
    };

    for (int e = tid; e < 2 * T * RS; e += THREADS) (&stage[0][0][0])[e] = 0.f;
    if (tid < 2 * T) {
        int t = tid;
        tilePos[tid / T][tid % T] = t < L ? scanPos(k, t, L, h, w) : 0;
    }
    __syncthreads();
    fetch(0);
    store(0, 0);
    __syncthreads();
    for (int i = 0; i < tiles; i++) {
        int cur = i & 1;
        if (i + 1 < tiles) {
            if (ASYNC) copyAsync(cur ^ 1, i + 1);
            else fetch(i + 1);
        }
        int steps = min(T, L - i * T);
        const int* pos = tilePos[i % 3];
        // this lane's steps' deltas, for its group
#pragma unroll
        for (int r = 0; r < T / 8; r++) {
            int j = g + 8 * r;
            float d = deltaRaw(&stage[cur][j][32], wr, bias);
            d = d > 20.f ? d : softplusShort(d);
            d = j < steps ? d : 0.f;
            dd[q][j] = make_float2(d, d * uCur[r]);
        }
        LS_SYNCWARP();
        float p[8];
#pragma unroll
        for (int j = 0; j < T; j++) {
            float4 v = reinterpret_cast<const float4*>(&stage[cur][j][0])[g];
            float2 e = dd[q][j];
            h0 = fmaf(exp2Flush(e.x * a0), h0, e.y * v.x);
            h1 = fmaf(exp2Flush(e.x * a1), h1, e.y * v.y);
            p[j & 7] = fmaf(v.w, h1, v.z * h0);
            if ((j & 7) == 7) {
                float y = reduceScatter8(p, g);
                int jj = (j & ~7) + g;
                if (active && jj < steps) ys[yBase + pos[jj] * dInner] = fmaf(dskip, uCur[j >> 3], y);
            }
        }
        if (tid < T) {
            int t = (i + 2) * T + tid;
            tilePos[(i + 2) % 3][tid] = t < L ? scanPos(k, t, L, h, w) : 0;
        }
        if (i + 1 < tiles) {
            if (ASYNC) {
                lsCopyWait();
#pragma unroll
                for (int r = 0; r < T / 8; r++) uCur[r] = uNext[r];
            } else {
                store(cur ^ 1, i + 1);
            }
        }
        __syncthreads();
    }
}
