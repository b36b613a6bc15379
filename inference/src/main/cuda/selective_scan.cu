// The Mamba selective scan for RadMamba (SelectiveScan.scan and SelectiveScan.crossScan2d), loaded as PTX through
// the CUDA driver API by org.radmamba.inference.cuda.CudaScan. Regenerate the committed PTX with build-ptx.sh.
//
//   dt_t = softplus(delta_t + deltaBias_c)           (PyTorch: x > 20 ? x : log1p(exp(x)))
//   h_t  = exp(dt_t * A_c) * h_{t-1} + dt_t * B_t * u_t (N states, in registers, fp32)
//   y_t  = <h_t, C_t> + D_c * u_t
//
// Organisation (unlike mamba_ssm's one-block-per-channel kernel with a block scan per state, which suits long L
// and few channels): every sequence (batch, direction, channel) is cut into chunks; one thread walks one chunk
// sequentially with its N states in registers. Three launches:
//   1. ss_chunk_state:  each chunk from h = 0 -> its end state and the sum of its dt (its decay is exp(A * sum))
//   2. ss_chunk_carry:  one thread per (sequence, state) walks the chunk summaries -> each chunk's start state
//   3. ss_chunk_output: each chunk again from its start state, writing y
// The cross scan indexes the four directions' orders on the row-major H x W map (no flipped or transposed copies):
// a chunk is one row (directions 0, 2) or one column (directions 1, 3) of the map. Lanes of a warp take 32
// channels of one row chunk (B and C reads are then the same address across the warp: broadcast), or 32
// neighbouring columns of one channel (each step then reads 32 consecutive floats: coalesced). y of the four
// directions is summed with atomicAdd into a zeroed y (fp32 addition of four terms in a varying order: results
// may differ from run to run in the last bit).

#define MAX_STATES 16
#define LOG2E 1.4426950408889634f

// ex2.approx: one MUFU instruction, relative error about 2^-22.
__device__ __forceinline__ float fast_exp2(float x) {
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
}

__device__ __forceinline__ float softplus(float x) {
    return x > 20.0f ? x : log1pf(expf(x));
}

// Where one thread's chunk lies and how its steps map to positions.
struct Chunk {
    bool valid;
    int b, k, d;          // batch, direction/group, channel within the group
    int c;                // chunk index within the sequence
    int chunks;           // number of chunks of this sequence
    int len;              // steps in this chunk
    long long first;      // position of step 0
    long long stride;     // position step (may be negative)
};

// Block: 32 x 8 threads. Row chunks: lane = channel, threadIdx.y = chunk. Column chunks: lane = chunk (column),
// threadIdx.y = channel. The channel tile varies fastest over blockIdx.x so that neighbouring blocks share B, C.
__device__ __forceinline__ Chunk locate(int D, int L, int H, int W, int cross, int chunkLen) {
    Chunk ch;
    ch.b = blockIdx.z;
    ch.k = blockIdx.y;
    bool columns = cross && (ch.k & 1);
    int laneIdx = threadIdx.x, rowIdx = threadIdx.y;
    int dTile = columns ? 8 : 32;
    int cTile = columns ? 32 : 8;
    if (cross) {
        ch.chunks = columns ? W : H;
    } else {
        ch.chunks = (L + chunkLen - 1) / chunkLen;
    }
    int dTiles = (D + dTile - 1) / dTile;
    int cTiles = (ch.chunks + cTile - 1) / cTile;
    int tile = blockIdx.x;
    ch.valid = tile < dTiles * cTiles;
    int dt = tile % dTiles, ct = tile / dTiles;
    ch.d = dt * dTile + (columns ? rowIdx : laneIdx);
    ch.c = ct * cTile + (columns ? laneIdx : rowIdx);
    ch.valid = ch.valid && ch.d < D && ch.c < ch.chunks;
    if (!cross) {
        ch.first = (long long) ch.c * chunkLen;
        ch.stride = 1;
        ch.len = min(chunkLen, L - ch.c * chunkLen);
    } else {
        switch (ch.k) {
            case 0: ch.first = (long long) ch.c * W; ch.stride = 1; ch.len = W; break;           // row c
            case 1: ch.first = ch.c; ch.stride = W; ch.len = H; break;                          // column c, down
            case 2: ch.first = L - 1 - (long long) ch.c * W; ch.stride = -1; ch.len = W; break; // row H-1-c, leftwards
            default: ch.first = L - 1 - ch.c; ch.stride = -W; ch.len = H; break;                // column W-1-c, up
        }
    }
    return ch;
}

// One chunk walk. OUTPUT = false: from h = 0, store the end state and the sum of dt. OUTPUT = true: from the
// carried start state, write y.
template <bool OUTPUT>
__device__ __forceinline__ void walk(const float* __restrict__ u, const float* __restrict__ delta,
                                     const float* __restrict__ A, const float* __restrict__ Bm,
                                     const float* __restrict__ Cm, const float* __restrict__ Dskip,
                                     const float* __restrict__ deltaBias, float* __restrict__ y,
                                     float* __restrict__ chunkEnd, float* __restrict__ chunkDt,
                                     const float* __restrict__ chunkStart,
                                     int K, int D, int N, int L, int H, int W, int cross, int chunkLen,
                                     int maxChunks) {
    Chunk ch = locate(D, L, H, W, cross, chunkLen);
    // The last chunk's end state feeds nothing.
    if (!ch.valid || (!OUTPUT && ch.c == ch.chunks - 1)) {
        return;
    }
    int channel = ch.k * D + ch.d;
    long long seq = ((long long) ch.b * K + ch.k) * D + ch.d;
    long long summary = seq * maxChunks + ch.c;
    const float* uRow = u + (cross ? ((long long) ch.b * D + ch.d) * L : seq * L);
    const float* deltaRow = delta + seq * L;
    const float* bRow = Bm + ((long long) ch.b * K + ch.k) * N * L;
    const float* cRow = Cm + ((long long) ch.b * K + ch.k) * N * L;
    float* yRow = y + (cross ? ((long long) ch.b * D + ch.d) * L : seq * L);

    float a2[MAX_STATES], h[MAX_STATES];
#pragma unroll
    for (int n = 0; n < MAX_STATES; n++) {
        a2[n] = n < N ? A[channel * N + n] * LOG2E : 0.0f;
        h[n] = (OUTPUT && n < N) ? chunkStart[summary * N + n] : 0.0f;
    }
    float bias = deltaBias[channel];
    float skip = Dskip[channel];
    float dtSum = 0.0f;
    long long p = ch.first;
    for (int s = 0; s < ch.len; s++, p += ch.stride) {
        float uu = uRow[p];
        float dt = softplus(deltaRow[p] + bias);
        float dtu = dt * uu;
        float out = 0.0f;
#pragma unroll
        for (int n = 0; n < MAX_STATES; n++) {
            if (n < N) {
                h[n] = fast_exp2(dt * a2[n]) * h[n] + dtu * bRow[(long long) n * L + p];
                if (OUTPUT) {
                    out += h[n] * cRow[(long long) n * L + p];
                }
            }
        }
        if (OUTPUT) {
            out += skip * uu;
            if (cross) {
                atomicAdd(yRow + p, out);
            } else {
                yRow[p] = out;
            }
        } else {
            dtSum += dt;
        }
    }
    if (!OUTPUT) {
#pragma unroll
        for (int n = 0; n < MAX_STATES; n++) {
            if (n < N) {
                chunkEnd[summary * N + n] = h[n];
            }
        }
        chunkDt[summary] = dtSum;
    }
}

extern "C" __global__ void __launch_bounds__(256)
ss_chunk_state(const float* __restrict__ u, const float* __restrict__ delta, const float* __restrict__ A,
               const float* __restrict__ Bm, const float* __restrict__ Dskip, const float* __restrict__ deltaBias,
               float* __restrict__ chunkEnd, float* __restrict__ chunkDt,
               int K, int D, int N, int L, int H, int W, int cross, int chunkLen, int maxChunks) {
    walk<false>(u, delta, A, Bm, nullptr, Dskip, deltaBias, nullptr, chunkEnd, chunkDt, nullptr,
                K, D, N, L, H, W, cross, chunkLen, maxChunks);
}

// One thread per (batch, direction, channel, state): start_0 = 0, start_{c+1} = exp(A * dtSum_c) * start_c + end_c.
extern "C" __global__ void __launch_bounds__(256)
ss_chunk_carry(const float* __restrict__ A, const float* __restrict__ chunkEnd, const float* __restrict__ chunkDt,
               float* __restrict__ chunkStart, int batch, int K, int D, int N, int L, int H, int W, int cross,
               int chunkLen, int maxChunks) {
    long long index = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    long long total = (long long) batch * K * D * N;
    if (index >= total) {
        return;
    }
    int n = (int) (index % N);
    long long seq = index / N;
    int d = (int) (seq % D);
    int k = (int) ((seq / D) % K);
    int chunks = cross ? ((k & 1) ? W : H) : (L + chunkLen - 1) / chunkLen;
    float a2 = A[(k * D + d) * N + n] * LOG2E;
    float state = 0.0f;
    const long long base = seq * maxChunks;
#pragma unroll 4
    for (int c = 0; c < chunks; c++) {
        chunkStart[(base + c) * N + n] = state;
        if (c + 1 < chunks) {
            state = fast_exp2(a2 * chunkDt[base + c]) * state + chunkEnd[(base + c) * N + n];
        }
    }
}

// Two blocks per multiprocessor: caps registers at 128 so that the walk keeps enough warps in flight.
extern "C" __global__ void __launch_bounds__(256, 2)
ss_chunk_output(const float* __restrict__ u, const float* __restrict__ delta, const float* __restrict__ A,
                const float* __restrict__ Bm, const float* __restrict__ Cm, const float* __restrict__ Dskip,
                const float* __restrict__ deltaBias, const float* __restrict__ chunkStart, float* __restrict__ y,
                int K, int D, int N, int L, int H, int W, int cross, int chunkLen, int maxChunks) {
    walk<true>(u, delta, A, Bm, Cm, Dskip, deltaBias, y, nullptr, nullptr, chunkStart,
               K, D, N, L, H, W, cross, chunkLen, maxChunks);
}
