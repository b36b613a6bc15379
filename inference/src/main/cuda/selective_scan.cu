// The Mamba selective scan for RadMamba (SelectiveScan.scan and SelectiveScan.crossScan2d), loaded as PTX through
// the CUDA driver API by org.radmamba.inference.cuda.CudaScan. Regenerate the committed PTX with build-ptx.sh;
// inference/src/test/gpu/scan_bench.cu checks and times it (and variants of the macros below) on a GPU.
//
//   dt_t = softplus(delta_t + deltaBias_c)           (PyTorch: x > 20 ? x : log1p(exp(x)))
//   h_t  = exp(dt_t * A_c) * h_{t-1} + dt_t * B_t * u_t (N <= 16 states, fp32)
//   y_t  = <h_t, C_t> + D_c * u_t
//
// What bounds it: one exp per (step, state), and the special-function unit does 16 a clock per multiprocessor
// against 128 FMAs, so on an H100/H200 the exps take longer than moving the bytes (the floors: docs/performance.md).
// The organisation therefore never computes an exp twice and spends as few other instructions per (step, state)
// as it can:
//
// - one thread per (sequence, STATES_PER_THREAD states): a block holds CHANNELS channels of one (batch,
//   direction), and each thread walks its states' recurrences sequentially over the whole sequence, h in registers.
//   No cross-thread scan, no chunk carries; per (step, state): a multiply, the exp, a multiply and two FMAs.
// - the sequence goes through shared memory in tiles of TILE steps. Staging computes what is per (channel, step)
//   once: dt = softplus(delta + bias) and dt * u, which the state threads then read as broadcasts; B and C, which
//   all channels of a direction share, are read once per block. Each thread's share of the next tile's loads is
//   issued before the current tile is scanned (register prefetch), so global latency hides behind the exps.
// - y: each thread writes <C, h> over its states per step to shared memory; a second phase sums the threads of a
//   channel with D * u (float4 rows, conflict-free) and adds the sum into y.
// - the cross scan (four directions over an H x W map): directions 0 and 2 walk the row-major inputs forwards and
//   backwards. Directions 1 and 3 walk down the columns; read in place, each step of a warp's tile would touch a
//   different row, one L1 wavefront per element (measured: 3x slower than the whole scan of the other two). So
//   cross_layout first writes column-major copies of u and of directions 1 and 3's delta, B and C (a tiled
//   transpose at copy speed), the scan reads those forwards and backwards, adds into a column-major yT, and
//   cross_combine adds yT back into y. Directions add with atomicAdd into zeroed buffers (fp32 addition of two
//   terms in a varying order: results may differ between runs in the last bit).

#define MAX_STATES 16
#ifndef STATES_PER_THREAD
#define STATES_PER_THREAD 1          // 1, 2, 4, 8 or 16
#endif
#ifndef CHANNELS
#define CHANNELS 8                   // channels per block
#endif
#ifndef SCAN_UNROLL
#define SCAN_UNROLL 4                // groups of four steps unrolled in the scan loop
#endif
#ifndef TILE
#define TILE 64                      // steps staged at a time; must divide THREADS
#endif
#define LANES (MAX_STATES / STATES_PER_THREAD)   // threads per channel
#define THREADS (CHANNELS * LANES)
#ifndef MIN_BLOCKS
#define MIN_BLOCKS 3                 // blocks resident per multiprocessor: registers up to 170 at 128 threads
#endif
#define STRIDE (TILE + 4)            // a padded shared row: 16-byte reads of rows n..n+7 hit distinct banks
#define ROWS_PER_PASS (THREADS / TILE)
#define U_ITEMS (CHANNELS / ROWS_PER_PASS)
#define BC_ITEMS (MAX_STATES / ROWS_PER_PASS)
constexpr int kScanUnroll = SCAN_UNROLL;  // (a pragma does not expand macros)
#define LOG2E 1.4426950408889634f
#define LN2 0.6931471805599453f

// Shared floats of one block; CudaScan passes the same number (in bytes) as the launch's dynamic shared memory.
#define SHARED_FLOATS ((3 * CHANNELS + 2 * MAX_STATES + THREADS) * STRIDE + TILE)

// The launch geometry CudaScan uses (channels a block, threads a block, dynamic shared bytes), kept in the PTX so
// that a test can compare it with CudaScan's constants without a GPU.
extern "C" __device__ const int selective_scan_geometry[3] = {CHANNELS, THREADS, SHARED_FLOATS * 4};

// ex2.approx / lg2.approx: one special-function instruction each, relative error about 2^-22.
__device__ __forceinline__ float fast_exp2(float x) {
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
}

__device__ __forceinline__ float fast_log2(float x) {
    float y;
    asm("lg2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
}

// softplus with PyTorch's threshold of 20. log1p(e) by its series while e = exp(x) is small (where log(1 + e)
// would lose e's digits to the rounding of 1 + e), by lg2 above: relative error under 2e-6 everywhere.
__device__ __forceinline__ float softplus(float x) {
#ifdef ACCURATE_SOFTPLUS
    return x > 20.0f ? x : log1pf(expf(x));
#else
    const float e = fast_exp2(x * LOG2E);
    const float series = e * fmaf(e, fmaf(e, fmaf(e, fmaf(e, fmaf(e, -1.0f / 6, 0.2f), -0.25f), 1.0f / 3), -0.5f),
                                  1.0f);
    const float logarithm = fast_log2(1.0f + e) * LN2;
    return x > 20.0f ? x : (e < 0.0625f ? series : logarithm);
#endif
}

// u, y: (batch, K*D, L) plain or (batch, D, L) cross; delta: (batch, K*D, L) in scan order (plain) or at row-major
// positions (cross); A: (K*D, N); B, C: (batch, K, N, L); Dskip, deltaBias: (K*D). Grid (ceil(D/CHANNELS), K,
// batch), block THREADS threads, dynamic shared memory SHARED_FLOATS floats.
//
// A plain scan writes y. A cross scan (K = 4 over an H x W map, L = H * W) reads directions 0 and 2 from the
// row-major inputs, forwards and backwards, and directions 1 and 3 from their column-major copies that cross_layout
// wrote (uT: (batch, D, L); deltaT: (2, batch, D, L); BT, CT: (2, batch, N, L)), so every load is contiguous;
// directions 0 and 2 add into y, 1 and 3 into yT (column-major), both zeroed by the caller, and cross_combine adds
// yT into y.
extern "C" __global__ void __launch_bounds__(THREADS, MIN_BLOCKS)
selective_scan(const float* __restrict__ u, const float* __restrict__ delta, const float* __restrict__ A,
               const float* __restrict__ Bm, const float* __restrict__ Cm, const float* __restrict__ Dskip,
               const float* __restrict__ deltaBias, float* __restrict__ y,
               const float* __restrict__ uT, const float* __restrict__ deltaT, const float* __restrict__ BT,
               const float* __restrict__ CT, float* __restrict__ yT, int K, int D, int N, int L, int cross) {
    extern __shared__ float4 shared4[];
    float* shared = reinterpret_cast<float*>(shared4);
    float* sDt = shared;                                   // CHANNELS rows: softplus(delta + bias)
    float* sDtu = sDt + CHANNELS * STRIDE;                 // CHANNELS rows: dt * u
    float* sU = sDtu + CHANNELS * STRIDE;                  // CHANNELS rows: u, for D * u
    float* sB = sU + CHANNELS * STRIDE;                    // MAX_STATES rows
    float* sC = sB + MAX_STATES * STRIDE;                  // MAX_STATES rows
    float* sP = sC + MAX_STATES * STRIDE;                  // THREADS rows: <C, h> over each thread's states
    int* sPos = reinterpret_cast<int*>(sP + THREADS * STRIDE);  // TILE positions

    const int b = blockIdx.z, k = blockIdx.y, batch = gridDim.z;
    const int tid = threadIdx.x;
    const int d0 = blockIdx.x * CHANNELS;
    const int channels = min(CHANNELS, D - d0);
    const bool reversed = cross && k >= 2;

    // This block's rows: all contiguous in the step (forwards, or backwards for directions 2 and 3).
    const float *uRows, *deltaRows, *bRows, *cRows;
    float* yRows;
    if (!cross) {
        const long long rows = (((long long) b * K + k) * D + d0) * L;
        uRows = u + rows;
        deltaRows = delta + rows;
        yRows = y + rows;
        bRows = Bm + ((long long) b * K + k) * N * L;
        cRows = Cm + ((long long) b * K + k) * N * L;
    } else if ((k & 1) == 0) {
        uRows = u + ((long long) b * D + d0) * L;
        yRows = y + ((long long) b * D + d0) * L;
        deltaRows = delta + (((long long) b * K + k) * D + d0) * L;
        bRows = Bm + ((long long) b * K + k) * N * L;
        cRows = Cm + ((long long) b * K + k) * N * L;
    } else {
        const long long copy = (long long) (k >> 1) * batch + b;
        uRows = uT + ((long long) b * D + d0) * L;
        yRows = yT + ((long long) b * D + d0) * L;
        deltaRows = deltaT + (copy * D + d0) * L;
        bRows = BT + copy * N * L;
        cRows = CT + copy * N * L;
    }

    // The scanning role: channel c of the block, states lane, lane + LANES, ... (interleaved, so that the lanes
    // of a channel read consecutive rows of B and C: no bank conflicts).
    const int c = tid / LANES, lane = tid % LANES;
    const bool scanning = c < channels;
    const int channel = k * D + d0 + c;
    float a2[STATES_PER_THREAD], h[STATES_PER_THREAD];
#pragma unroll
    for (int i = 0; i < STATES_PER_THREAD; i++) {
        const int n = lane + i * LANES;
        a2[i] = (scanning && n < N) ? A[channel * N + n] * LOG2E : 0.0f;
        h[i] = 0.0f;
    }

    // The staging role: step j of each tile, rows row0, row0 + ROWS_PER_PASS, ...
    const int j = tid % TILE, row0 = tid / TILE;
    float bias[U_ITEMS];
#pragma unroll
    for (int i = 0; i < U_ITEMS; i++) {
        const int r = row0 + i * ROWS_PER_PASS;
        bias[i] = r < channels ? deltaBias[k * D + d0 + r] : 0.0f;
    }

    // Registers holding this thread's share of the next tile, loaded while the current one is scanned.
    float nextU[U_ITEMS], nextDelta[U_ITEMS], nextB[BC_ITEMS], nextC[BC_ITEMS];
    int nextPosition;
    auto load = [&](int t0) {
        const int t = t0 + j;
        nextPosition = t < L ? (reversed ? L - 1 - t : t) : -1;
#pragma unroll
        for (int i = 0; i < U_ITEMS; i++) {
            const int r = row0 + i * ROWS_PER_PASS;
            const bool on = nextPosition >= 0 && r < channels;
            nextU[i] = on ? uRows[(long long) r * L + nextPosition] : 0.0f;
            nextDelta[i] = on ? deltaRows[(long long) r * L + nextPosition] : 0.0f;
        }
#pragma unroll
        for (int i = 0; i < BC_ITEMS; i++) {
            const int s = row0 + i * ROWS_PER_PASS;
            const bool on = nextPosition >= 0 && s < N;
            nextB[i] = on ? bRows[(long long) s * L + nextPosition] : 0.0f;
            nextC[i] = on ? cRows[(long long) s * L + nextPosition] : 0.0f;
        }
    };
    load(0);
    for (int t0 = 0; t0 < L; t0 += TILE) {
        // ---- stage: the prefetched tile into shared memory; steps past L are the identity (dt = 0) ----
        sPos[j] = nextPosition;  // the threads sharing j write the same value
#pragma unroll
        for (int i = 0; i < U_ITEMS; i++) {
            const int r = row0 + i * ROWS_PER_PASS;
            const float dt = nextPosition >= 0 && r < channels ? softplus(nextDelta[i] + bias[i]) : 0.0f;
            sDt[r * STRIDE + j] = dt;
            sDtu[r * STRIDE + j] = dt * nextU[i];
            sU[r * STRIDE + j] = nextU[i];
        }
#pragma unroll
        for (int i = 0; i < BC_ITEMS; i++) {
            const int s = row0 + i * ROWS_PER_PASS;
            sB[s * STRIDE + j] = nextB[i];
            sC[s * STRIDE + j] = nextC[i];
        }
        __syncthreads();
        if (t0 + TILE < L) {
            load(t0 + TILE);
        }

        // ---- scan: this thread's states over the tile, four steps at a time ----
        {
            const float4* dtRow = reinterpret_cast<const float4*>(sDt + c * STRIDE);
            const float4* dtuRow = reinterpret_cast<const float4*>(sDtu + c * STRIDE);
            float4* pRow = reinterpret_cast<float4*>(sP + tid * STRIDE);
#pragma unroll kScanUnroll
            for (int q = 0; q < TILE / 4; q++) {
                const float4 dt = dtRow[q], dtu = dtuRow[q];
                float4 p = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
#pragma unroll
                for (int i = 0; i < STATES_PER_THREAD; i++) {
                    const int n = lane + i * LANES;
                    const float4 bq = reinterpret_cast<const float4*>(sB + n * STRIDE)[q];
                    const float4 cq = reinterpret_cast<const float4*>(sC + n * STRIDE)[q];
                    h[i] = fmaf(fast_exp2(dt.x * a2[i]), h[i], dtu.x * bq.x);
                    p.x = fmaf(cq.x, h[i], p.x);
                    h[i] = fmaf(fast_exp2(dt.y * a2[i]), h[i], dtu.y * bq.y);
                    p.y = fmaf(cq.y, h[i], p.y);
                    h[i] = fmaf(fast_exp2(dt.z * a2[i]), h[i], dtu.z * bq.z);
                    p.z = fmaf(cq.z, h[i], p.z);
                    h[i] = fmaf(fast_exp2(dt.w * a2[i]), h[i], dtu.w * bq.w);
                    p.w = fmaf(cq.w, h[i], p.w);
                }
                pRow[q] = p;
            }
        }
        __syncthreads();

        // ---- sum the states, add D * u, add (cross) or write (plain) y at the tile's positions ----
        for (int g = tid; g < CHANNELS * TILE / 4; g += THREADS) {
            const int r = g / (TILE / 4), q = g % (TILE / 4);
            if (r < channels) {
                const float rSkip = Dskip[k * D + d0 + r];
                float4 sum = reinterpret_cast<const float4*>(sU + r * STRIDE)[q];
                sum.x *= rSkip;
                sum.y *= rSkip;
                sum.z *= rSkip;
                sum.w *= rSkip;
#pragma unroll
                for (int s = 0; s < LANES; s++) {
                    const float4 p = reinterpret_cast<const float4*>(sP + (r * LANES + s) * STRIDE)[q];
                    sum.x += p.x;
                    sum.y += p.y;
                    sum.z += p.z;
                    sum.w += p.w;
                }
                const float values[4] = {sum.x, sum.y, sum.z, sum.w};
                float* yRow = yRows + (long long) r * L;
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    const int p = sPos[4 * q + e];
                    if (p >= 0) {
                        if (cross) {
                            atomicAdd(yRow + p, values[e]);
                        } else {
                            yRow[p] = values[e];
                        }
                    }
                }
            }
        }
        __syncthreads();
    }
}

// ---- the cross scan's column-major copies ----------------------------------------------------------------------

#define TRANSPOSE_TILE 32
#define TRANSPOSE_THREADS 256

// dst (cols x rows) = the transpose of src (rows x cols), or dst += it; one 32 x 32 tile per block.
__device__ __forceinline__ void transpose_tile(const float* __restrict__ src, float* __restrict__ dst, int rows,
                                               int cols, int tile, bool add) {
    __shared__ float block[TRANSPOSE_TILE][TRANSPOSE_TILE + 1];
    const int tilesAcross = (cols + TRANSPOSE_TILE - 1) / TRANSPOSE_TILE;
    const int row0 = tile / tilesAcross * TRANSPOSE_TILE, col0 = tile % tilesAcross * TRANSPOSE_TILE;
    const int x = threadIdx.x % TRANSPOSE_TILE, y0 = threadIdx.x / TRANSPOSE_TILE;
    for (int yy = y0; yy < TRANSPOSE_TILE; yy += TRANSPOSE_THREADS / TRANSPOSE_TILE) {
        const int r = row0 + yy, c = col0 + x;
        if (r < rows && c < cols) {
            block[yy][x] = src[(long long) r * cols + c];
        }
    }
    __syncthreads();
    // All of this thread's reads of dst (when adding) before its writes, so that they are in flight together.
    constexpr int PASSES = TRANSPOSE_TILE / (TRANSPOSE_THREADS / TRANSPOSE_TILE);
    float before[PASSES];
#pragma unroll
    for (int i = 0; i < PASSES; i++) {
        const int yy = y0 + i * (TRANSPOSE_THREADS / TRANSPOSE_TILE);
        const int c = col0 + yy, r = row0 + x;
        before[i] = add && r < rows && c < cols ? dst[(long long) c * rows + r] : 0.0f;
    }
#pragma unroll
    for (int i = 0; i < PASSES; i++) {
        const int yy = y0 + i * (TRANSPOSE_THREADS / TRANSPOSE_TILE);
        const int c = col0 + yy, r = row0 + x;
        if (r < rows && c < cols) {
            dst[(long long) c * rows + r] = before[i] + block[x][yy];
        }
    }
    __syncthreads();
}

// Writes the column-major copies the cross scan's directions 1 and 3 read: uT = u's H x W planes transposed, and
// deltaT, BT, CT = the planes of directions 1 and 3 transposed. Grid (tiles of the H x W map, up to 65535 plane
// slots), block TRANSPOSE_THREADS threads; the planes: batch * D of u, 2 * batch * D of delta, 2 * batch * N of B
// and of C.
extern "C" __global__ void __launch_bounds__(TRANSPOSE_THREADS, 8)
cross_layout(const float* __restrict__ u, const float* __restrict__ delta, const float* __restrict__ Bm,
             const float* __restrict__ Cm, float* __restrict__ uT, float* __restrict__ deltaT,
             float* __restrict__ BT, float* __restrict__ CT, int batch, int K, int D, int N, int H, int W) {
    const long long L = (long long) H * W;
    const int uPlanes = batch * D, deltaPlanes = 2 * batch * D, projectionPlanes = 2 * batch * N;
    const int planes = uPlanes + deltaPlanes + 2 * projectionPlanes;
    for (int q = blockIdx.y; q < planes; q += gridDim.y) {
        const float* src;
        float* dst;
        int rest = q;
        if (rest < uPlanes) {
            src = u + rest * L;
            dst = uT + rest * L;
        } else if ((rest -= uPlanes) < deltaPlanes) {
            const int copy = rest / (batch * D), image = rest % (batch * D) / D, d = rest % D;
            src = delta + (((long long) image * K + 2 * copy + 1) * D + d) * L;
            dst = deltaT + rest * L;
        } else {
            rest -= deltaPlanes;
            const bool isC = rest >= projectionPlanes;
            rest -= isC ? projectionPlanes : 0;
            const int copy = rest / (batch * N), image = rest % (batch * N) / N, s = rest % N;
            src = (isC ? Cm : Bm) + (((long long) image * K + 2 * copy + 1) * N + s) * L;
            dst = (isC ? CT : BT) + rest * L;
        }
        transpose_tile(src, dst, H, W, blockIdx.x, false);
    }
}

// y += yT transposed back to row-major, plane by plane (batch * D planes of W x H). Grid (tiles, up to 65535 plane
// slots), block TRANSPOSE_THREADS threads.
extern "C" __global__ void __launch_bounds__(TRANSPOSE_THREADS, 8)
cross_combine(const float* __restrict__ yT, float* __restrict__ y, int planes, int H, int W) {
    const long long L = (long long) H * W;
    for (int q = blockIdx.y; q < planes; q += gridDim.y) {
        transpose_tile(yT + q * L, y + q * L, W, H, blockIdx.x, true);
    }
}
