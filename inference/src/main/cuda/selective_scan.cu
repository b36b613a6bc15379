// The Mamba selective scan for RadMamba (SelectiveScan.scan and SelectiveScan.crossScan2d), loaded as PTX through
// the CUDA driver API by org.radmamba.inference.cuda.CudaScan. Regenerate the committed PTX with build-ptx.sh.
//
//   dt_t = softplus(delta_t + deltaBias_c)           (PyTorch: x > 20 ? x : log1p(exp(x)))
//   h_t  = exp(dt_t * A_c) * h_{t-1} + dt_t * B_t * u_t (N <= 16 states, fp32)
//   y_t  = <h_t, C_t> + D_c * u_t
//
// One launch, one pass over the inputs, one exp per (step, state): the exp is the most expensive operation (the
// GPU's special-function unit does 16 a clock per multiprocessor, against 128 FMAs), so the organisation follows
// mamba_ssm's kernel (csrc/selective_scan): a warp owns one sequence (batch, direction, channel) and walks it in
// tiles of 256 steps, each lane holding 8 consecutive steps; per state, the lanes combine their 8-step
// (decay, input) pairs with a warp-shuffle scan, seeded by the state carried from the previous tile. Unlike
// mamba_ssm (one block per channel), a block holds 8 channels of the same (batch, direction), so that B and C, which
// all channels of a direction share, are read from global memory once per 8 channels.
//
// Each tile's inputs are first staged in shared memory by the whole block with loads in memory order, so that the
// cross scan's transposed directions (1, 3), whose steps walk down the columns of the row-major H x W map, still
// read rows of consecutive addresses: the tile's positions form a band of whole columns, loaded row by row.
// The four directions' y are summed with atomicAdd into a zeroed y (fp32 addition of four terms in a varying
// order: results may differ between runs in the last bit).

#define MAX_STATES 16
#define WARPS 8                      // channels per block
#define TILE 256                     // steps per tile = 32 lanes x ITEMS
#define ITEMS 8
#define ROW (TILE + TILE / 8)        // a staged row, padded by 4 floats every 32: conflict-free 16-byte reads
#define STAGED_ROWS (2 * WARPS + 2 * MAX_STATES)
#ifndef GROUP
#define GROUP 2                      // states scanned together
#endif
#define LOG2E 1.4426950408889634f
#define FULL_MASK 0xffffffffu

// ex2.approx: one MUFU instruction, relative error about 2^-22.
__device__ __forceinline__ float fast_exp2(float x) {
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
}

__device__ __forceinline__ float softplus(float x) {
    return x > 20.0f ? x : log1pf(expf(x));
}

__device__ __forceinline__ int padded(int slot) {
    return slot + ((slot >> 5) << 2);
}

// The row-major position that direction k visits at step t (cross scan), or t itself (plain scan).
__device__ __forceinline__ int position(int cross, int k, int t, int L, int H, int W) {
    if (!cross) {
        return t;
    }
    switch (k) {
        case 0: return t;
        case 2: return L - 1 - t;
        case 1: return (t % H) * W + t / H;
        default: { int s = L - 1 - t; return (s % H) * W + s / H; }
    }
}

// u, y: (batch, K*D, L) plain or (batch, D, L) cross; delta: (batch, K*D, L) in scan order (plain) or at row-major
// positions (cross); A: (K*D, N); B, C: (batch, K, N, L); Dskip, deltaBias: (K*D). Grid (ceil(D/8), K, batch),
// block 256 threads, dynamic shared memory STAGED_ROWS * ROW floats.
#ifndef MIN_BLOCKS
#define MIN_BLOCKS 2
#endif
extern "C" __global__ void __launch_bounds__(256, MIN_BLOCKS)
selective_scan(const float* __restrict__ u, const float* __restrict__ delta, const float* __restrict__ A,
               const float* __restrict__ Bm, const float* __restrict__ Cm, const float* __restrict__ Dskip,
               const float* __restrict__ deltaBias, float* __restrict__ y,
               int K, int D, int N, int L, int H, int W, int cross) {
    extern __shared__ float staged[];
    float* sU = staged;                          // WARPS rows
    float* sDelta = staged + WARPS * ROW;        // WARPS rows
    float* sB = staged + 2 * WARPS * ROW;        // MAX_STATES rows
    float* sC = sB + MAX_STATES * ROW;           // MAX_STATES rows

    const int b = blockIdx.z, k = blockIdx.y;
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int d0 = blockIdx.x * WARPS;
    const int d = d0 + warp;
    const int channels = min(WARPS, D - d0);
    const bool active = d < D;
    const int channel = k * D + d;
    const bool columns = cross && (k & 1);

    const long long uBase = cross ? ((long long) b * D + d0) * L : (((long long) b * K + k) * D + d0) * L;
    const long long deltaBase = (((long long) b * K + k) * D + d0) * L;
    const long long projectionBase = ((long long) b * K + k) * N * L;

    float a2[MAX_STATES], carry[MAX_STATES];
#pragma unroll
    for (int n = 0; n < MAX_STATES; n++) {
        a2[n] = (active && n < N) ? A[channel * N + n] * LOG2E : 0.0f;
        carry[n] = 0.0f;
    }
    const float bias = active ? deltaBias[channel] : 0.0f;
    const float skip = active ? Dskip[channel] : 0.0f;

    for (int t0 = 0; t0 < L; t0 += TILE) {
        // ---- stage the tile: every thread takes positions in memory order and copies all rows at them ----
        int cells, columnLow = 0, columnCount = 1;
        if (columns) {
            // Steps [t0, t0 + TILE) of direction 1 are steps s of the column walk s = col * H + row; direction 3
            // walks it backwards.
            int first = t0, last = min(t0 + TILE, L) - 1;
            int sLow = k == 1 ? first : L - 1 - last;
            int sHigh = k == 1 ? last : L - 1 - first;
            columnLow = sLow / H;
            columnCount = sHigh / H - columnLow + 1;
            cells = H * columnCount;
        } else {
            cells = min(TILE, L - t0);
        }
        for (int cell = threadIdx.x; cell < cells; cell += blockDim.x) {
            int p, slot;
            if (columns) {
                int row = cell / columnCount;
                int col = columnLow + (cell - row * columnCount);
                int s = col * H + row;
                int t = k == 1 ? s : L - 1 - s;
                slot = t - t0;
                if (slot < 0 || slot >= TILE || t >= L) {
                    continue;
                }
                p = row * W + col;
            } else {
                slot = cell;
                p = position(cross, k, t0 + cell, L, H, W);
            }
            int at = padded(slot);
#pragma unroll
            for (int r = 0; r < WARPS; r++) {
                if (r < channels) {
                    sU[r * ROW + at] = u[uBase + (long long) r * L + p];
                    sDelta[r * ROW + at] = delta[deltaBase + (long long) r * L + p];
                }
            }
#pragma unroll
            for (int n = 0; n < MAX_STATES; n++) {
                if (n < N) {
                    sB[n * ROW + at] = Bm[projectionBase + (long long) n * L + p];
                    sC[n * ROW + at] = Cm[projectionBase + (long long) n * L + p];
                }
            }
        }
        __syncthreads();

        if (active) {
            // ---- this lane's 8 steps ----
            const int slot0 = lane * ITEMS;
            const int at0 = padded(slot0);
            float dt[ITEMS], dtu[ITEMS], out[ITEMS];
            bool valid[ITEMS];
            const float4* uRow = reinterpret_cast<const float4*>(sU + warp * ROW + at0);
            const float4* deltaRow = reinterpret_cast<const float4*>(sDelta + warp * ROW + at0);
            float4 u0 = uRow[0], u1 = uRow[1], g0 = deltaRow[0], g1 = deltaRow[1];
            float uv[ITEMS] = {u0.x, u0.y, u0.z, u0.w, u1.x, u1.y, u1.z, u1.w};
            float gv[ITEMS] = {g0.x, g0.y, g0.z, g0.w, g1.x, g1.y, g1.z, g1.w};
#pragma unroll
            for (int j = 0; j < ITEMS; j++) {
                valid[j] = t0 + slot0 + j < L;
                dt[j] = valid[j] ? softplus(gv[j] + bias) : 0.0f;
                dtu[j] = dt[j] * uv[j];
                out[j] = skip * uv[j];
            }
            // GROUP states at a time: their shuffle scans are independent, so their latencies overlap.
#pragma unroll
            for (int n0 = 0; n0 < MAX_STATES; n0 += GROUP) {
                if (n0 < N) {
                    float decay[GROUP][ITEMS], input[GROUP][ITEMS], prodA[GROUP], sumB[GROUP];
#pragma unroll
                    for (int g = 0; g < GROUP; g++) {
                        const int n = n0 + g;
                        const bool on = n < N;
                        const float4* bRow = reinterpret_cast<const float4*>(sB + n * ROW + at0);
                        float4 b0 = bRow[0], b1 = bRow[1];
                        float bv[ITEMS] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
                        prodA[g] = 1.0f;
                        sumB[g] = 0.0f;
#pragma unroll
                        for (int j = 0; j < ITEMS; j++) {
                            // Steps past L, and states past N, are the identity (decay 1, input 0).
                            decay[g][j] = valid[j] ? fast_exp2(dt[j] * a2[n]) : 1.0f;
                            input[g][j] = (valid[j] && on) ? dtu[j] * bv[j] : 0.0f;
                            sumB[g] = fmaf(decay[g][j], sumB[g], input[g][j]);
                            prodA[g] *= decay[g][j];
                        }
                    }
                    // Inclusive warp scan of (decay, input) pairs: (a1, b1) then (a2, b2) is (a1 a2, a2 b1 + b2).
#pragma unroll
                    for (int offset = 1; offset < 32; offset <<= 1) {
                        float aBefore[GROUP], bBefore[GROUP];
#pragma unroll
                        for (int g = 0; g < GROUP; g++) {
                            aBefore[g] = __shfl_up_sync(FULL_MASK, prodA[g], offset);
                            bBefore[g] = __shfl_up_sync(FULL_MASK, sumB[g], offset);
                        }
                        if (lane >= offset) {
#pragma unroll
                            for (int g = 0; g < GROUP; g++) {
                                sumB[g] = fmaf(prodA[g], bBefore[g], sumB[g]);
                                prodA[g] *= aBefore[g];
                            }
                        }
                    }
#pragma unroll
                    for (int g = 0; g < GROUP; g++) {
                        const int n = n0 + g;
                        float aExclusive = __shfl_up_sync(FULL_MASK, prodA[g], 1);
                        float bExclusive = __shfl_up_sync(FULL_MASK, sumB[g], 1);
                        float h = lane == 0 ? carry[n] : fmaf(aExclusive, carry[n], bExclusive);
                        if (n < N) {
                            const float4* cRow = reinterpret_cast<const float4*>(sC + n * ROW + at0);
                            float4 c0 = cRow[0], c1 = cRow[1];
                            float cv[ITEMS] = {c0.x, c0.y, c0.z, c0.w, c1.x, c1.y, c1.z, c1.w};
#pragma unroll
                            for (int j = 0; j < ITEMS; j++) {
                                h = fmaf(decay[g][j], h, input[g][j]);
                                out[j] = fmaf(h, cv[j], out[j]);
                            }
                        }
                        carry[n] = __shfl_sync(FULL_MASK, h, 31);
                    }
                }
            }
            // ---- write y ----
            const long long yBase = cross ? ((long long) b * D + d) * L : (((long long) b * K + k) * D + d) * L;
#pragma unroll
            for (int j = 0; j < ITEMS; j++) {
                int t = t0 + slot0 + j;
                if (t < L) {
                    int p = position(cross, k, t, L, H, W);
                    if (cross) {
                        atomicAdd(y + yBase + p, out[j]);
                    } else {
                        y[yBase + p] = out[j];
                    }
                }
            }
        }
        __syncthreads();
    }
}
