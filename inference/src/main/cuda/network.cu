// The device-resident forward pass of MedMamba (org.radmamba.inference.cuda.CudaMedMamba): every layer between the
// input batch and the logits, on channels-last activations (batch*H*W rows, channels contiguous), loaded as PTX
// through the CUDA driver API. Regenerate the committed PTX with build-ptx.sh; float32 throughout.
//
//   gemm_nt              C = epilogue(A . W^T): linear layers, 1x1 convolutions, the patch embedding (A gathered
//                        from the NCHW input, "patchify") and the 3x3 convolutions (A gathered as an implicit
//                        im2col, with the BatchNorm that precedes a convolution applied to in-bounds inputs only);
//                        the epilogue adds the bias, applies ReLU, and writes with a column stride and offset onto a
//                        residual: MedMamba's channel shuffle + residual add is two such epilogues, no extra pass.
//   layernorm_rows       LayerNorm over a column window of a wider matrix (ln_1 reads the block's right half)
//   merge_norm           PatchMerging2D's 2x2 gather and its LayerNorm in one pass
//   depthwise_silu       SS2D's depthwise kxk convolution + bias + SiLU, reading the x half of in_proj's output
//   cross_scan           SS2D's four-direction selective scan: reads u and x_proj's output in place (each direction
//                        walks its own order over row-major positions: no flipped or transposed copies), computes
//                        delta = dt_proj(dt) itself, writes each direction's y at row-major positions
//   out_norm_gate        sums the four directions' y, out_norm (LayerNorm), times SiLU(z)
//   avgpool              the mean over positions before the head
//   add_inplace          VM-UNet's skip additions
//   expand_norm          VM-UNet's PatchExpand2D / Final_PatchExpand2D rearrangement and its LayerNorm in one pass
//   head_nchw            VM-UNet's final 1x1 convolution, written channels-first, with the sigmoid for one class

#include "gemm_operands.cuh"

// Four consecutive k of one row (a float4 loaded along K) down column col of a k-major shared tile.
template <int BK, int WIDTH>
__device__ __forceinline__ void storeDownK(float (&tile)[BK][WIDTH], int k, int col, float4 v) {
    tile[k][col] = v.x;
    tile[k + 1][col] = v.y;
    tile[k + 2][col] = v.z;
    tile[k + 3][col] = v.w;
}

// C[m, cOff + n*cStride] = (res ? res[same index] : 0) + act(sum_k A[m,k] W[n,k] + bias[n]).
// Tiles of BM x BN, BK deep, TH threads, each TM x TN outputs in RM x RN groups of 4x4 spaced a row (column) of
// threads apart (so that a warp's shared-memory reads are conflict-free float4s); global loads of LA float4s of A and
// LW of W a thread per tile, into registers before the current tile is multiplied, then into the other shared buffer
// (one barrier a tile). Every variant sums k in order: the tile shape does not change a bit of the result.
// Split K: with partial != 0, block z sums k in [z*kChunk, (z+1)*kChunk) and writes the raw sum to
// partial[(z*M + m)*N + n]; splitk_epilogue then adds the splits in order and applies the epilogue (deterministic).
template <int BM, int BN, int BK, int RM, int RN, int TH>
__device__ __forceinline__ void gemmTile(int M, int N, int K, const float* __restrict__ a, int lda, int mode, int h,
                                         int w, int cin, int p, int oh, int ow, const float* __restrict__ inScale,
                                         const float* __restrict__ inShift, const float* __restrict__ wt,
                                         const float* __restrict__ bias, int act, float* c, int ldc, int cOff,
                                         int cStride, const float* res, float* __restrict__ partial, int kChunk) {
    constexpr int PAD = 4;
    constexpr int TX = BN / (4 * RN);  // threads along N
    constexpr int TY = BM / (4 * RM);  // threads along M
    constexpr int KG = BK / 4;         // float4 groups along a tile's K
    constexpr int ROWS = TH / KG;      // tile rows one pass of the threads loads
    constexpr int LA = BM / ROWS;
    constexpr int LW = BN / ROWS;
    static_assert(TX * TY == TH, "the threads cover the tile");
    static_assert(TH % KG == 0 && LA * ROWS == BM && LW * ROWS == BN && LA >= 1 && LW >= 1,
                  "whole float4s of A and W a thread");
    __shared__ __align__(16) float as[2][BK][BM + PAD];
    __shared__ __align__(16) float ws[2][BK][BN + PAD];
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
    bool vec = gemmVectorLoads(a, wt, K, lda, mode, cin);
    // this thread's load slots: rows lr + q * ROWS of the tile, k offset lk (0, 4, ...) within the tile
    int lr = tid / KG;
    int lk = (tid % KG) * 4;
    RowLoader ra[LA];
    initRowLoaders(ra, a, mode, m0, lr, ROWS, M, lda, h, w);
    const float* wrow[LW];
    bool wIn[LW];
    initWeightRows(wrow, wIn, wt, n0, lr, ROWS, N, K);
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
            storeDownK(as[buf], lk, lr + q * ROWS, va[q]);
        }
#pragma unroll
        for (int q = 0; q < LW; q++) {
            storeDownK(ws[buf], lk, lr + q * ROWS, vw[q]);
        }
    };
    load(kBegin + lk);
    store(0);
    __syncthreads();
    for (int t = 0; t < tiles; t++) {
        int buf = t & 1;
        bool more = t + 1 < tiles;
        if (more) {
            load(kBegin + (t + 1) * BK + lk);
        }
#pragma unroll
        for (int kk = 0; kk < BK; kk++) {
            float ar[4 * RM];
            float wr[4 * RN];
#pragma unroll
            for (int g = 0; g < RM; g++) {
                float4 v = *reinterpret_cast<const float4*>(&as[buf][kk][g * 4 * TY + ty * 4]);
                ar[4 * g] = v.x;
                ar[4 * g + 1] = v.y;
                ar[4 * g + 2] = v.z;
                ar[4 * g + 3] = v.w;
            }
#pragma unroll
            for (int g = 0; g < RN; g++) {
                float4 v = *reinterpret_cast<const float4*>(&ws[buf][kk][g * 4 * TX + tx * 4]);
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
        if (more) {
            store(buf ^ 1);
        }
        __syncthreads();
    }
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

// 64x64 tiles, 16 deep, 4x4 a thread, 256 threads: every product, K split at small batch. On an H100 it beat the
// 8x8-a-thread tiles (128x128, and 128x64 for narrow products) on nearly every MedMamba-T product at batch 8 and 64
// (inference/src/test/cuda/gemm_bench.cu, docs/performance.md): more blocks in flight hide the loads better.
extern "C" __global__ void __launch_bounds__(GEMM_THREADS) gemm_nt(GEMM_PARAMS) {
    gemmTile<64, 64, 16, 1, 1, GEMM_THREADS>(GEMM_ARGS);
}

// The split-K reduction: C[m, cOff + n*cStride] = (res ?) + act(sum_z partial[z][m][n] + bias[n]), z in order.
extern "C" __global__ void splitk_epilogue(int M, int N, int splits, const float* __restrict__ partial,
                                           const float* __restrict__ bias, int act, float* c, int ldc, int cOff,
                                           int cStride, const float* res) {
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    long long total = (long long) M * N;
    if (idx >= total) {
        return;
    }
    int m = (int) (idx / N);
    int n = (int) (idx - (long long) m * N);
    float s = 0.f;
    for (int z = 0; z < splits; z++) {
        s += partial[(long long) z * total + idx];
    }
    storeProduct(s, m, n, bias, act, c, ldc, cOff, cStride, res);
}

// One warp per row: mean, then the biased variance around it (two passes, as PyTorch), then the affine map.
__device__ __forceinline__ float warpSum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, o);
    }
    return v;
}

// out[r*ldo + c] = LN(in[r*ldi + inOff + c]) for c < dim. In place is allowed (same row, read before written).
extern "C" __global__ void layernorm_rows(int rows, int dim, const float* in, int ldi, int inOff,
                                          const float* __restrict__ gamma, const float* __restrict__ beta, float eps,
                                          float* out, int ldo) {
    int row = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    if (row >= rows) {
        return;
    }
    const float* src = in + (long long) row * ldi + inOff;
    float s = 0.f;
    for (int c = lane; c < dim; c += 32) {
        s += src[c];
    }
    float mean = warpSum(s) / dim;
    float q = 0.f;
    for (int c = lane; c < dim; c += 32) {
        float d = src[c] - mean;
        q = fmaf(d, d, q);
    }
    float rstd = rsqrtf(warpSum(q) / dim + eps);
    float* dst = out + (long long) row * ldo;
    for (int c = lane; c < dim; c += 32) {
        float v = (src[c] - mean) * rstd;
        dst[c] = fmaf(v, gamma[c], beta[c]);
    }
}

// PatchMerging2D: output row (b, y, x) of the (h/2, w/2) grid gathers x0 = (2y, 2x), x1 = (2y+1, 2x),
// x2 = (2y, 2x+1), x3 = (2y+1, 2x+1), each `ch` channels, then LayerNorm(4*ch). One warp per output row.
extern "C" __global__ void merge_norm(int batch, int h, int w, int ch, const float* __restrict__ in,
                                      const float* __restrict__ gamma, const float* __restrict__ beta, float eps,
                                      float* __restrict__ out) {
    int h2 = h / 2;
    int w2 = w / 2;
    int rows = batch * h2 * w2;
    int row = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    if (row >= rows) {
        return;
    }
    int b = row / (h2 * w2);
    int rem = row - b * h2 * w2;
    int y = rem / w2;
    int x = rem - y * w2;
    const float* parts[4];
    parts[0] = in + ((long long) (b * h + 2 * y) * w + 2 * x) * ch;
    parts[1] = in + ((long long) (b * h + 2 * y + 1) * w + 2 * x) * ch;
    parts[2] = in + ((long long) (b * h + 2 * y) * w + 2 * x + 1) * ch;
    parts[3] = in + ((long long) (b * h + 2 * y + 1) * w + 2 * x + 1) * ch;
    int dim = 4 * ch;
    float s = 0.f;
    for (int c = lane; c < dim; c += 32) {
        s += parts[c / ch][c % ch];
    }
    float mean = warpSum(s) / dim;
    float q = 0.f;
    for (int c = lane; c < dim; c += 32) {
        float d = parts[c / ch][c % ch] - mean;
        q = fmaf(d, d, q);
    }
    float rstd = rsqrtf(warpSum(q) / dim + eps);
    float* dst = out + (long long) row * dim;
    for (int c = lane; c < dim; c += 32) {
        float v = (parts[c / ch][c % ch] - mean) * rstd;
        dst[c] = fmaf(v, gamma[c], beta[c]);
    }
}

__device__ __forceinline__ float silu(float v) {
    return v / (1.f + expf(-v));
}

// u[(b*h+y)*w+x, c] = SiLU(bias[c] + sum_taps wt[tap*channels + c] * xz[neighbour, c]) (taps packed tap-major so a
// warp's channels read consecutive weights), zero padding (k-1)/2. A thread per (pixel, four channels): 16-byte loads
// and stores where the channels, the row stride and the pointers allow (every MedMamba and VM-UNet plan: widths are
// multiples of 4, WeightPack aligns every tensor), else the four one by one. The index is split with 32-bit
// divisions wherever it fits: a thread per (pixel, channel) with 64-bit ones spent about 400 instructions on them
// and took 1.57 ms of MedMamba-T's batch-64 pass on an H100 (417 GB/s; profile, 2026-12-07). Same sums, same order.
extern "C" __global__ void depthwise_silu(int batch, int h, int w, int channels, int k, const float* __restrict__ xz,
                                          int ldx, const float* __restrict__ wt, const float* __restrict__ bias,
                                          float* __restrict__ u) {
    int groups = (channels + 3) >> 2;
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    long long total = (long long) batch * h * w * groups;
    if (idx >= total) {
        return;
    }
    long long pixel;
    int group;
    if (total <= 0x7fffffffLL) {
        int p = (int) idx / groups;
        group = (int) idx - p * groups;
        pixel = p;
    } else {
        pixel = idx / groups;
        group = (int) (idx - pixel * groups);
    }
    int x, y;
    if (pixel <= 0x7fffffffLL) {
        int p = (int) pixel;
        x = p % w;
        y = p / w % h;
    } else {
        x = (int) (pixel % w);
        y = (int) (pixel / w % h);
    }
    long long rowBase = pixel - x - (long long) y * w;  // (b * h) * w: the image's first pixel
    int c0 = group * 4;
    bool wide = (channels & 3) == 0 && (ldx & 3) == 0
                && ((reinterpret_cast<unsigned long long>(xz) | reinterpret_cast<unsigned long long>(wt)
                     | reinterpret_cast<unsigned long long>(bias) | reinterpret_cast<unsigned long long>(u)) & 15) == 0;
    int lanes = min(4, channels - c0);
    int pad = (k - 1) / 2;
    float acc[4];
#pragma unroll
    for (int e = 0; e < 4; e++) {
        acc[e] = e < lanes ? bias[c0 + e] : 0.f;
    }
    for (int ky = 0; ky < k; ky++) {
        int iy = y + ky - pad;
        if (iy < 0 || iy >= h) {
            continue;
        }
        for (int kx = 0; kx < k; kx++) {
            int ix = x + kx - pad;
            if (ix < 0 || ix >= w) {
                continue;
            }
            const float* src = xz + (rowBase + (long long) iy * w + ix) * ldx + c0;
            const float* tap = wt + (ky * k + kx) * channels + c0;
            if (wide) {
                float4 v = *reinterpret_cast<const float4*>(src);
                float4 t = *reinterpret_cast<const float4*>(tap);
                acc[0] = fmaf(t.x, v.x, acc[0]);
                acc[1] = fmaf(t.y, v.y, acc[1]);
                acc[2] = fmaf(t.z, v.z, acc[2]);
                acc[3] = fmaf(t.w, v.w, acc[3]);
            } else {
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    if (e < lanes) {
                        acc[e] = fmaf(tap[e], src[e], acc[e]);
                    }
                }
            }
        }
    }
    float* dst = u + pixel * channels + c0;
    if (wide) {
        *reinterpret_cast<float4*>(dst) = make_float4(silu(acc[0]), silu(acc[1]), silu(acc[2]), silu(acc[3]));
    } else {
#pragma unroll
        for (int e = 0; e < 4; e++) {
            if (e < lanes) {
                dst[e] = silu(acc[e]);
            }
        }
    }
}

#define SCAN_MAX_R_PER_LANE 4
#define SCAN_THREADS 128
#ifndef SCAN_PREFETCH
#define SCAN_PREFETCH 4
#endif

// Step t's operands for one lane: direction k's position p, the dt rank values this lane sums (zero past the rank),
// u, and this lane's state's B and C. Nothing for t >= L.
__device__ __forceinline__ void scanLoad(int t, int L, int h, int w, int k, int rank, int n, int s,
                                         int lanesPerChannel, const float* __restrict__ ub,
                                         const float* __restrict__ xb, int rowWidth, int dInner,
                                         float (&r)[SCAN_MAX_R_PER_LANE], float& uv, float& bv, float& cv, int& p) {
    if (t >= L) {
        return;
    }
    int tt = (k >= 2) ? L - 1 - t : t;
    p = (k == 0 || k == 2) ? tt : (tt % h) * w + tt / h;
    const float* row = xb + (long long) p * rowWidth;
#pragma unroll
    for (int i = 0; i < SCAN_MAX_R_PER_LANE; i++) {
        int q = s + i * lanesPerChannel;
        r[i] = q < rank ? row[q] : 0.f;
    }
    uv = ub[(long long) p * dInner];
    bv = row[rank + s];
    cv = row[rank + n + s];
}

// SS2D's cross scan. Block: (128 / n) channels of one (direction, image), n lanes per channel, one state per lane
// (n a power of two, at most 32). Per step t the direction's position p is visited:
//   k=0: p = t;  k=1: p = (t % h) * w + t / h;  k=2: p = L-1-t;  k=3: k=1's order reversed.
// delta = softplus(sum_r dtW[k][c][r] dt[p][k][r] + dtBias[k*D+c]) (the rank spread over the lanes, then summed),
// h = exp(delta*A) h + delta*B*u, y = <h, C> + D*u; xdbl row p holds, per direction, [dt (R) | B (n) | C (n)]
// (x_proj_weight (K, R+2n, D) as the checkpoint stores it). y of direction k goes to ys[k][b*L+p][c].
extern "C" __global__ void __launch_bounds__(SCAN_THREADS)
cross_scan(int batch, int h, int w, int dInner, int n, int rank, const float* __restrict__ u,
           const float* __restrict__ xdbl, const float* __restrict__ dtW, const float* __restrict__ dtBias,
           const float* __restrict__ aNeg, const float* __restrict__ ds, float* __restrict__ ys) {
    int lanesPerChannel = n;
    int channelsPerBlock = SCAN_THREADS / lanesPerChannel;
    int s = threadIdx.x % lanesPerChannel;
    int cRaw = blockIdx.x * channelsPerBlock + threadIdx.x / lanesPerChannel;
    bool active = cRaw < dInner;
    int c = active ? cRaw : dInner - 1;
    int k = blockIdx.y;
    int b = blockIdx.z;
    int L = h * w;
    int rowWidth = 4 * (rank + 2 * n);
    int dirOff = k * (rank + 2 * n);
    int kc = k * dInner + c;
    float wr[SCAN_MAX_R_PER_LANE];
#pragma unroll
    for (int i = 0; i < SCAN_MAX_R_PER_LANE; i++) {
        int r = s + i * lanesPerChannel;
        wr[i] = r < rank ? dtW[(long long) kc * rank + r] : 0.f;
    }
    float bias = dtBias[kc];
    float a = aNeg[(long long) kc * n + s];
    float dskip = ds[kc];
    float state = 0.f;
    const float* ub = u + (long long) b * L * dInner + c;
    const float* xb = xdbl + (long long) b * L * rowWidth + dirOff;
    float* yb = ys + ((long long) k * batch + b) * L * dInner + c;
    // A ring of SCAN_PREFETCH steps' operands in registers: the loads of step t + SCAN_PREFETCH are issued right
    // after step t is computed, so that global latency hides behind the steps in between (the recurrence itself is
    // one FMA a step; without the ring every step waited for its own loads).
    float pr[SCAN_PREFETCH][SCAN_MAX_R_PER_LANE];
    float pu[SCAN_PREFETCH];
    float pb[SCAN_PREFETCH];
    float pc[SCAN_PREFETCH];
    int pp[SCAN_PREFETCH];
#pragma unroll
    for (int j = 0; j < SCAN_PREFETCH; j++) {
        scanLoad(j, L, h, w, k, rank, n, s, lanesPerChannel, ub, xb, rowWidth, dInner, pr[j], pu[j], pb[j], pc[j],
                 pp[j]);
    }
    for (int t0 = 0; t0 < L; t0 += SCAN_PREFETCH) {
#pragma unroll
        for (int j = 0; j < SCAN_PREFETCH; j++) {
            if (t0 + j < L) {
                float part = 0.f;
#pragma unroll
                for (int i = 0; i < SCAN_MAX_R_PER_LANE; i++) {
                    part = fmaf(wr[i], pr[j][i], part);
                }
                for (int o = lanesPerChannel / 2; o > 0; o >>= 1) {
                    part += __shfl_xor_sync(0xffffffffu, part, o, lanesPerChannel);
                }
                float dt = part + bias;
                dt = dt > 20.f ? dt : log1pf(expf(dt));
                float uv = pu[j];
                state = fmaf(expf(dt * a), state, dt * pb[j] * uv);
                float yv = state * pc[j];
                for (int o = lanesPerChannel / 2; o > 0; o >>= 1) {
                    yv += __shfl_xor_sync(0xffffffffu, yv, o, lanesPerChannel);
                }
                if (active && s == 0) {
                    yb[(long long) pp[j] * dInner] = fmaf(dskip, uv, yv);
                }
                scanLoad(t0 + j + SCAN_PREFETCH, L, h, w, k, rank, n, s, lanesPerChannel, ub, xb, rowWidth, dInner,
                         pr[j], pu[j], pb[j], pc[j], pp[j]);
            }
        }
    }
}

// The chunked cross scan (d_state 16): a thread per (image, direction, channel) keeps all 16 states in registers
// (no shuffles: delta's dt_rank dot product, the 16 exps and y's sum over the states are the thread's own), and the
// sequence is cut into `chunks` pieces walked in parallel, so that batch 1 (3136 steps at stage 1, a few hundred
// threads) is not one long dependency chain:
//   scan_chunk_state  chunk j < chunks-1 from a zero state: its end state and sum(delta) -> carry[b,k,j,0..N][c]
//   scan_chunk_carry  in order over the chunks: carry[j][s] := the state entering chunk j
//                     (H_{j+1} = exp(A * sum delta_j) * H_j + end_j)
//   scan_chunk_out    every chunk from its entering state: y = <h, C> + D*u, written as cross_scan writes it
// With chunks == 1 only scan_chunk_out runs (from zero). A block is 64 to 128 threads, the channels c0.. of one
// (chunk, direction, image) (a warp with no channel left only helps to stage), and walks its chunk in tiles of CS_TILE
// steps:
//  - a tile's [dt | B | C] rows are staged in shared memory as [dt (rank) | zeros up to CS_R | B | C], so that every
//    thread reads them as 16-byte broadcasts from fixed offsets; u is each thread's own, in registers;
//  - the next tile's rows and u are loaded into registers before this tile is walked and stored after it (double
//    buffered, one barrier a tile), so that no step waits on global memory;
//  - delta (the dot product and softplus) is computed for the whole tile before the walk: the only dependency from
//    step to step is then the state's FMA, and a thread has 16 independent exps a step for the special-function unit.
// (Nsight Compute on an H200, 2026-12-06, of the form that staged, waited, then walked with delta inside the step:
// 0.47 instructions issued a cycle and scheduler, 42 % of the stalls on the staging loads, about 370 instructions a
// step and warp.) Steps of the last tile past the chunk's end are identities: delta 0 (exp 0 = 1, no input), rows
// left as they were (finite: zeroed at the start, later earlier tiles'), y not written.
// CS_R is dt_rank rounded up to 4, 8, 16, 32 or 64 (a multiple of four): the dt weights past the rank are zero.
// (MedMamba-T's stage 1 has dt_rank 3: 4 wide, its dot product is half the FMAs and shared reads of 8 wide.)
#define CS_N 16
// Steps a tile: the out pass walks 16 for dt_rank <= 4 (MedMamba-T's stage 1), where the longer walk between
// barriers took the batch-64 pass from 934-938 to 871-877 us on an H100 (scan_bench, 2026-12-07); 8 otherwise: 16
// steps' u and delta in registers spill at higher ranks (ptxas, r8 and r64), and the state pass of batch 8 took 2-4 %
// longer with 16. -DCS_T=n forces one length for every kernel (experiments).
#ifdef CS_T
#define CS_TILE(R, OUT) CS_T
#else
#define CS_TILE(R, OUT) ((OUT) && (R) <= 4 ? 16 : 8)
#endif
#define CS_BLOCK 128
#define CS_MIN_BLOCK 64
#define LOG2E 1.4426950408889634f

__device__ __forceinline__ int scanPos(int k, int t, int L, int h, int w) {
    int tt = (k >= 2) ? L - 1 - t : t;
    return (k == 0 || k == 2) ? tt : (tt % h) * w + tt / h;
}

// 2^x on the special-function unit, results below 2^-126 flushed to zero: a decay that small leaves nothing of a
// float32 state next to the step's input term.
__device__ __forceinline__ float exp2Flush(float x) {
#ifdef RADMAMBA_CPU_EMULATION  // inference/src/test/cuda: the kernels run on the CPU in tests
    float y = exp2f(x);
    return y < 1.17549435e-38f ? 0.f : y;
#else
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
#endif
}

// log(1 + e^d) for d <= 20 in a dozen instructions instead of log1pf(expf(d))'s thirty: log(u) * e / (u - 1) with
// u = 1 + e rounded, which is log1p(e) to a few ulps however small e is (Goldberg's trick), on the special-function
// unit's ex2, lg2 and reciprocal.
// The chunked kernels' softplus: on an H100 their two passes took 4-8 % less time than with log1pf(expf(d)), y within
// 2.1e-7 of max |y| of it (scan_bench, batch 1 to 64).
__device__ __forceinline__ float softplusShort(float d) {
#ifdef RADMAMBA_CPU_EMULATION
    float e = exp2f(d * LOG2E);
    float u = 1.f + e;
    return u == 1.f ? e : log2f(u) * 0.69314718f * (e / (u - 1.f));
#else
    float e, l, r;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(e) : "f"(d * LOG2E));
    float u = 1.f + e;
    asm("lg2.approx.ftz.f32 %0, %1;" : "=f"(l) : "f"(u));
    asm("rcp.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(u - 1.f));
    return u == 1.f ? e : l * 0.69314718f * (e * r);
#endif
}

// Where a block of a chunked scan kernel works: its direction and image (blockIdx.z), its chunk's steps [t0, t1)
// (blockIdx.y), channel c's index among the directions' weights and its place in the carry buffer.
struct ScanChunkSite {
    int k, b, L, t0, t1, rowWidth, kc;
    long long carryBase;
};

__device__ __forceinline__ ScanChunkSite scanChunkSite(int h, int w, int dInner, int rank, int chunkLen, int chunks,
                                                       int c) {
    ScanChunkSite site;
    int chunk = blockIdx.y;
    site.k = blockIdx.z & 3;
    site.b = blockIdx.z >> 2;
    site.L = h * w;
    site.t0 = chunk * chunkLen;
    site.t1 = min(site.L, site.t0 + chunkLen);
    site.rowWidth = 4 * (rank + 2 * CS_N);
    site.kc = site.k * dInner + c;
    site.carryBase = ((long long) (site.b * 4 + site.k) * chunks + chunk) * (CS_N + 1) * dInner + c;
    return site;
}

// Channel kc's dt_proj weights, zero past the rank up to the kernel variant's CS_R.
template <int CS_R>
__device__ __forceinline__ void loadDtWeights(float (&wr)[CS_R], const float* __restrict__ dtW, int kc, int rank) {
#pragma unroll
    for (int r = 0; r < CS_R; r++) {
        wr[r] = r < rank ? dtW[(long long) kc * rank + r] : 0.f;
    }
}

// The step's delta before softplus: bias + <dt weights, the staged dt row> (CS_R floats, 16-byte aligned).
template <int CS_R>
__device__ __forceinline__ float deltaRaw(const float* row, const float (&wr)[CS_R], float bias) {
    const float4* r4 = reinterpret_cast<const float4*>(row);
    float d = bias;
#pragma unroll
    for (int r = 0; r < CS_R / 4; r++) {
        float4 v = r4[r];
        d = fmaf(wr[4 * r], v.x, d);
        d = fmaf(wr[4 * r + 1], v.y, d);
        d = fmaf(wr[4 * r + 2], v.z, d);
        d = fmaf(wr[4 * r + 3], v.w, d);
    }
    return d;
}

template <int CS_R, bool OUT, bool SHORT_SOFTPLUS = true>
__device__ __forceinline__ void scanChunk(int batch, int h, int w, int dInner, int rank, int chunkLen, int chunks,
                                          const float* __restrict__ u, const float* __restrict__ xdbl,
                                          const float* __restrict__ dtW, const float* __restrict__ dtBias,
                                          const float* __restrict__ aNeg, const float* __restrict__ ds,
                                          float* __restrict__ ys, float* __restrict__ carry) {
    constexpr int T = CS_TILE(CS_R, OUT);
    constexpr int ROW = CS_R + 2 * CS_N;
    constexpr int LOADS = (T * ROW + CS_MIN_BLOCK - 1) / CS_MIN_BLOCK;
    static_assert(CS_MIN_BLOCK >= 2 * T, "the first two tiles' positions are a thread's each");
    __shared__ __align__(16) float rows[2][T][ROW];
    __shared__ int tilePos[3][T];
    int tid = threadIdx.x;
    int width = rank + 2 * CS_N;
    int threads = blockDim.x;
    int c0 = blockIdx.x * threads;
    bool active = c0 + tid < dInner;
    bool warpWalks = c0 + (tid & ~31) < dInner;
    int c = active ? c0 + tid : dInner - 1;
    ScanChunkSite site = scanChunkSite(h, w, dInner, rank, chunkLen, chunks, c);
    int k = site.k, b = site.b, L = site.L, t0 = site.t0, t1 = site.t1, rowWidth = site.rowWidth, kc = site.kc;
    long long carryBase = site.carryBase;
    int tiles = (t1 - t0 + T - 1) / T;
    float wr[CS_R];
    loadDtWeights(wr, dtW, kc, rank);
    float bias = dtBias[kc];
    float a2[CS_N];
    float hs[CS_N];
#pragma unroll
    for (int s = 0; s < CS_N; s++) {
        a2[s] = aNeg[(long long) kc * CS_N + s] * LOG2E;
        hs[s] = (OUT && chunks > 1) ? carry[carryBase + (long long) s * dInner] : 0.f;
    }
    float dskip = ds[kc];
    float sumDt = 0.f;
    // Element offsets into u, x_proj's output and y in 32 bits (ScanChunking.plan keeps 4 * batch * L * dInner and
    // batch * L * rowWidth below 2^31): a step's address is then a multiply-add off the kernel's own pointer, where
    // per-thread 64-bit pointers were rematerialised at every use at 128 registers (about 20 instructions a load or
    // store on an H100, Nsight Compute 2026-12-07: 11.9 instructions a warp-wide (step, state) against 8.3 in the walk)
    int uBase = b * L * dInner + c;
    int xBase = b * L * rowWidth + k * width;
    int yBase = (k * batch + b) * L * dInner + c;

    // this thread's share of a tile's rows: element e = tid + q * threads of (step, column), the same every tile
    int loadCol[LOADS];
    int loadDst[LOADS];
#pragma unroll
    for (int q = 0; q < LOADS; q++) {
        int e = tid + q * threads;
        int j = e / width;
        int col = e - j * width;
        loadCol[q] = j < T ? col : -1;
        loadDst[q] = j * ROW + (col < rank ? col : col - rank + CS_R);
    }
    float rowNext[LOADS];
    float uCur[T];
    float uNext[T];
    auto fetch = [&](int tile) {
        int steps = min(T, t1 - (t0 + tile * T));
        const int* pos = tilePos[tile % 3];
#pragma unroll
        for (int q = 0; q < LOADS; q++) {
            int j = loadDst[q] / ROW;
            rowNext[q] = (loadCol[q] >= 0 && j < steps) ? xdbl[xBase + pos[j] * rowWidth + loadCol[q]] : 0.f;
        }
#pragma unroll
        for (int j = 0; j < T; j++) {
            uNext[j] = j < steps ? u[uBase + pos[j] * dInner] : 0.f;
        }
    };
    auto store = [&](int buf, int tile) {
        int steps = min(T, t1 - (t0 + tile * T));
        float* dst = &rows[buf][0][0];
#pragma unroll
        for (int q = 0; q < LOADS; q++) {
            if (loadCol[q] >= 0 && loadDst[q] / ROW < steps) {
                dst[loadDst[q]] = rowNext[q];
            }
        }
#pragma unroll
        for (int j = 0; j < T; j++) {
            uCur[j] = uNext[j];
        }
    };

    for (int e = tid; e < 2 * T * ROW; e += threads) {
        (&rows[0][0][0])[e] = 0.f;
    }
    if (tid < 2 * T) {
        int t = t0 + tid;
        tilePos[tid / T][tid % T] = t < t1 ? scanPos(k, t, L, h, w) : 0;
    }
    __syncthreads();
    fetch(0);
    store(0, 0);
    __syncthreads();
    for (int i = 0; i < tiles; i++) {
        int cur = i & 1;
        if (i + 1 < tiles) {
            fetch(i + 1);  // in flight while this tile is walked
        }
        int steps = min(T, t1 - (t0 + i * T));
        if (warpWalks) {
            const float* tile = &rows[cur][0][0];
            float dt[T];
#pragma unroll
            for (int j = 0; j < T; j++) {
                float d = deltaRaw(tile + j * ROW, wr, bias);
                d = d > 20.f ? d : SHORT_SOFTPLUS ? softplusShort(d) : log1pf(expf(d));
                dt[j] = j < steps ? d : 0.f;
                sumDt += dt[j];
            }
            const int* pos = tilePos[i % 3];
#pragma unroll
            for (int j = 0; j < T; j++) {
                const float4* bc = reinterpret_cast<const float4*>(tile + j * ROW + CS_R);
                float du = dt[j] * uCur[j];
                float y[4] = {0.f, 0.f, 0.f, 0.f};  // four partial sums: a 4-long dependency chain, not 16
#pragma unroll
                for (int g = 0; g < CS_N / 4; g++) {
                    float4 bv = bc[g];
                    hs[4 * g] = fmaf(exp2Flush(dt[j] * a2[4 * g]), hs[4 * g], du * bv.x);
                    hs[4 * g + 1] = fmaf(exp2Flush(dt[j] * a2[4 * g + 1]), hs[4 * g + 1], du * bv.y);
                    hs[4 * g + 2] = fmaf(exp2Flush(dt[j] * a2[4 * g + 2]), hs[4 * g + 2], du * bv.z);
                    hs[4 * g + 3] = fmaf(exp2Flush(dt[j] * a2[4 * g + 3]), hs[4 * g + 3], du * bv.w);
                    if (OUT) {
                        float4 cv = bc[CS_N / 4 + g];
                        y[0] = fmaf(hs[4 * g], cv.x, y[0]);
                        y[1] = fmaf(hs[4 * g + 1], cv.y, y[1]);
                        y[2] = fmaf(hs[4 * g + 2], cv.z, y[2]);
                        y[3] = fmaf(hs[4 * g + 3], cv.w, y[3]);
                    }
                }
                // a store a step, each behind its branch: keeping the tile's outputs in registers and storing them
                // after the walk makes the walk one block, which ptxas scheduled to wait on the exps (scan_bench,
                // 2026-12-07: batch 64 on an H200 1016 against 870 us; short-scoreboard stalls 35 % of the samples,
                // this form's 15 % on an H100)
                if (OUT && active && j < steps) {
                    ys[yBase + pos[j] * dInner] = fmaf(dskip, uCur[j], (y[0] + y[1]) + (y[2] + y[3]));
                }
            }
        }
        if (tid < T) {  // tile i + 2's positions, into the slot tile i - 1 used
            int t = t0 + (i + 2) * T + tid;
            tilePos[(i + 2) % 3][tid] = t < t1 ? scanPos(k, t, L, h, w) : 0;
        }
        if (i + 1 < tiles) {
            store(cur ^ 1, i + 1);
        }
        __syncthreads();
    }
    if (!OUT && active) {
#pragma unroll
        for (int s = 0; s < CS_N; s++) {
            carry[carryBase + (long long) s * dInner] = hs[s];
        }
        carry[carryBase + (long long) CS_N * dInner] = sumDt;
    }
}

#define SCAN_CHUNK_PARAMS                                                                                            \
    int batch, int h, int w, int dInner, int rank, int chunkLen, int chunks, const float* __restrict__ u,           \
        const float* __restrict__ xdbl, const float* __restrict__ dtW, const float* __restrict__ dtBias,            \
        const float* __restrict__ aNeg, const float* __restrict__ ds, float* __restrict__ ys,                       \
        float* __restrict__ carry
#define SCAN_CHUNK_ARGS batch, h, w, dInner, rank, chunkLen, chunks, u, xdbl, dtW, dtBias, aNeg, ds, ys, carry
#define SCAN_CHUNK_KERNELS(R)                                                                                        \
    extern "C" __global__ void __launch_bounds__(CS_BLOCK) scan_chunk_state_r##R(SCAN_CHUNK_PARAMS) {               \
        scanChunk<R, false>(SCAN_CHUNK_ARGS);                                                                        \
    }                                                                                                                \
    extern "C" __global__ void __launch_bounds__(CS_BLOCK) scan_chunk_out_r##R(SCAN_CHUNK_PARAMS) {                 \
        scanChunk<R, true>(SCAN_CHUNK_ARGS);                                                                         \
    }
SCAN_CHUNK_KERNELS(4)
SCAN_CHUNK_KERNELS(8)
SCAN_CHUNK_KERNELS(16)
SCAN_CHUNK_KERNELS(32)
SCAN_CHUNK_KERNELS(64)

// carry[b,k,j,s][c] := the state entering chunk j, a thread per (image, direction, channel, state), in chunk order.
// The chunks' end states and sums are read CARRY_BATCH chunks at a time before any state is written back: the
// writes go to the same buffer, so the compiler keeps every read behind the previous chunk's write, and the walk
// then waited a global read's latency per chunk. MedMamba-T's stage 1 on an H100 (scan_bench, 2026-12-07): batch 1
// (97 chunks) 19 us a chunk at a time, 11 us 8 at a time, 15 us 32 at a time (177 registers); batch 8 (15) 14, 6, 10.
#define CARRY_BATCH 8
extern "C" __global__ void scan_chunk_carry(int batch, int dInner, int chunks, const float* __restrict__ aNeg,
                                            float* __restrict__ carry) {
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    long long total = (long long) batch * 4 * CS_N * dInner;
    if (idx >= total) {
        return;
    }
    int c = (int) (idx % dInner);
    long long r = idx / dInner;
    int s = (int) (r % CS_N);
    int bk = (int) (r / CS_N);
    int k = bk & 3;
    float a2 = aNeg[((long long) k * dInner + c) * CS_N + s] * LOG2E;
    float state = 0.f;
    long long stride = (long long) (CS_N + 1) * dInner;  // from one chunk's entries to the next's
    float* first = carry + (long long) bk * chunks * stride + c;
    for (int j0 = 0; j0 < chunks - 1; j0 += CARRY_BATCH) {
        float end[CARRY_BATCH], sumDt[CARRY_BATCH];
#pragma unroll
        for (int q = 0; q < CARRY_BATCH; q++) {
            const float* entry = first + (j0 + q) * stride;
            bool in = j0 + q < chunks - 1;
            end[q] = in ? entry[(long long) s * dInner] : 0.f;
            sumDt[q] = in ? entry[(long long) CS_N * dInner] : 0.f;
        }
#pragma unroll
        for (int q = 0; q < CARRY_BATCH; q++) {
            if (j0 + q < chunks - 1) {
                first[(j0 + q) * stride + (long long) s * dInner] = state;
                state = fmaf(exp2f(sumDt[q] * a2), state, end[q]);
            }
        }
    }
    first[(chunks - 1) * stride + (long long) s * dInner] = state;
}

// gated[r, c] = LN(y0+y1+y2+y3)[c] * SiLU(xz[r, zOff + c]): the four directions summed, out_norm, the z gate.
extern "C" __global__ void out_norm_gate(int rows, int dim, const float* __restrict__ ys,
                                         const float* __restrict__ gamma, const float* __restrict__ beta, float eps,
                                         const float* __restrict__ xz, int ldz, int zOff, float* __restrict__ out) {
    int row = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    if (row >= rows) {
        return;
    }
    long long plane = (long long) rows * dim;
    const float* y0 = ys + (long long) row * dim;
    float s = 0.f;
    for (int c = lane; c < dim; c += 32) {
        s += ((y0[c] + y0[plane + c]) + y0[2 * plane + c]) + y0[3 * plane + c];
    }
    float mean = warpSum(s) / dim;
    float q = 0.f;
    for (int c = lane; c < dim; c += 32) {
        float d = ((y0[c] + y0[plane + c]) + y0[2 * plane + c]) + y0[3 * plane + c] - mean;
        q = fmaf(d, d, q);
    }
    float rstd = rsqrtf(warpSum(q) / dim + eps);
    const float* z = xz + (long long) row * ldz + zOff;
    float* dst = out + (long long) row * dim;
    for (int c = lane; c < dim; c += 32) {
        float v = (((y0[c] + y0[plane + c]) + y0[2 * plane + c]) + y0[3 * plane + c] - mean) * rstd;
        dst[c] = fmaf(v, gamma[c], beta[c]) * silu(z[c]);
    }
}

// pooled[b, c] = mean over the L positions of x[b*L + p, c], summed in double.
extern "C" __global__ void avgpool(int batch, int length, int channels, const float* __restrict__ x,
                                   float* __restrict__ pooled) {
    int idx = blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= batch * channels) {
        return;
    }
    int b = idx / channels;
    int c = idx - b * channels;
    const float* src = x + (long long) b * length * channels + c;
    double sum = 0.0;
    for (int p = 0; p < length; p++) {
        sum += src[(long long) p * channels];
    }
    pooled[idx] = (float) (sum / length);
}

// x[i] += y[i]
extern "C" __global__ void add_inplace(long long count, float* __restrict__ x, const float* __restrict__ y) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < count) {
        x[i] += y[i];
    }
}

// rearrange('b h w (p1 p2 c) -> b (h p1) (w p2) c') of the expanded (b*h*w, scale*scale*ch) rows, then
// LayerNorm(ch): one warp per output row (b, y*scale+p1, x*scale+p2).
extern "C" __global__ void expand_norm(int batch, int h, int w, int scale, int ch, const float* __restrict__ in,
                                       const float* __restrict__ gamma, const float* __restrict__ beta, float eps,
                                       float* __restrict__ out) {
    int oh = h * scale;
    int ow = w * scale;
    int rows = batch * oh * ow;
    int row = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    if (row >= rows) {
        return;
    }
    int b = row / (oh * ow);
    int rem = row - b * oh * ow;
    int oy = rem / ow;
    int ox = rem - oy * ow;
    int y = oy / scale;
    int x = ox / scale;
    int part = (oy - y * scale) * scale + (ox - x * scale);
    const float* src = in + ((long long) (b * h + y) * w + x) * scale * scale * ch + (long long) part * ch;
    float s = 0.f;
    for (int c = lane; c < ch; c += 32) {
        s += src[c];
    }
    float mean = warpSum(s) / ch;
    float q = 0.f;
    for (int c = lane; c < ch; c += 32) {
        float d = src[c] - mean;
        q = fmaf(d, d, q);
    }
    float rstd = rsqrtf(warpSum(q) / ch + eps);
    float* dst = out + (long long) row * ch;
    for (int c = lane; c < ch; c += 32) {
        dst[c] = fmaf((src[c] - mean) * rstd, gamma[c], beta[c]);
    }
}

// out[(b*classes + k)*pixels + p] = (sigmoid?)(bias[k] + sum_c wt[k*in + c] x[(b*pixels + p)*in + c]), a thread per
// (position, class).
extern "C" __global__ void head_nchw(int batch, int pixels, int in, int classes, const float* __restrict__ x,
                                     const float* __restrict__ wt, const float* __restrict__ bias, int sigmoid,
                                     float* __restrict__ out) {
    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    long long total = (long long) batch * pixels * classes;
    if (idx >= total) {
        return;
    }
    int k = (int) (idx % classes);
    long long r = idx / classes;
    int b = (int) (r / pixels);
    int p = (int) (r - (long long) b * pixels);
    const float* src = x + r * in;
    const float* wk = wt + (long long) k * in;
    float acc = bias[k];
    for (int c = 0; c < in; c++) {
        acc = fmaf(wk[c], src[c], acc);
    }
    out[((long long) b * classes + k) * pixels + p] = sigmoid ? 1.f / (1.f + expf(-acc)) : acc;
}
