// A one-pass form of network.cu's cross scan (include after network.cu), timed by scan_bench beside the chunked
// kernels and checked by scan_on_cpu; CudaNetwork does not use it. The chunked form walks most (step, state) pairs
// twice, each with its exp, so it cannot pass 43 % of the exp floor at batch 8 (docs/performance.md, "Why 50 % of
// the exp floor is not met"); this one walks each once, with its lanes at different steps.
//
// A warp holds CPW channels (2 or 4) of one (image, direction) and walks them in segments of (32 / CPW) * LC steps:
// lane (stretch s, channel ch) walks LC consecutive steps of the segment with all 16 states in registers, from a
// zero state, and keeps for each of its steps j: y_local_j = <C_j, h_j> and Q_j = C_j * P_j, where P_j is the product
// of the decays exp(dt A) over the stretch up to j. The stretches' end states and decay products then go through
// shared memory to one lane a (channel, state), which walks the stretches in order (H_{s+1} = P_s H_s + h_s, the
// segment's entering state carried in a register from the segment before); each lane reads its stretch's entering
// state H back and finishes y_j = y_local_j + <Q_j, H> + D u_j. Batch 8 at MedMamba-T's stage 1 then has 1536 warps
// (CPW 2) where the chunked form has 1536 warps of a thread a channel walking twice. The CPW lanes of a stretch read
// the same staged row (paired 16-byte shared reads); the rows are staged a warp a row, with cp.async when ASYNC
// (double-buffered, in flight during the walk; compute capability 8.0 and newer, a plain copy below it).
#ifdef RADMAMBA_CPU_EMULATION
inline void __syncwarp() { __syncthreads(); }
#endif

#define SL_BLOCK 128

// A 4-byte global -> shared copy in flight until slWait (cp.async, compute capability 8.0 and newer).
__device__ __forceinline__ void slCopy(float* dst, const float* src) {
#if defined(RADMAMBA_CPU_EMULATION) || (defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800)
    *dst = *src;
#else
    unsigned d = (unsigned) __cvta_generic_to_shared(dst);
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4;" ::"r"(d), "l"(src));
#endif
}

__device__ __forceinline__ void slWait() {
#if !defined(RADMAMBA_CPU_EMULATION) && !(defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800)
    asm volatile("cp.async.wait_all;" ::: "memory");
#endif
}

// CPW channels a warp (2 or 4), LC steps a lane
template <int CS_R, int LC, int CPW, bool ASYNC = false>
__device__ __forceinline__ void scanLanes(int batch, int h, int w, int dInner, int rank, const float* __restrict__ u,
                                          const float* __restrict__ xdbl, const float* __restrict__ dtW,
                                          const float* __restrict__ dtBias, const float* __restrict__ aNeg,
                                          const float* __restrict__ ds, float* __restrict__ ys) {
    constexpr int SL_STRETCHES = 32 / CPW;
    constexpr int SL_CPW = CPW;
    constexpr int CARRIES = CPW * CS_N / 32;  // (channel, state) pairs a lane walks
    constexpr int SEG = SL_STRETCHES * LC;
    constexpr int ROW = CS_R + 2 * CS_N;
    constexpr int WARPS = SL_BLOCK / 32;
    constexpr int CH_STRIDE = 32 / CPW * CS_N + 16;  // a channel's carry rows, offset by 16 banks from the other's
    constexpr int BUFS = ASYNC ? 2 : 1;
    __shared__ __align__(16) float rowBufs[BUFS][SEG][ROW];
    __shared__ int posBufs[ASYNC ? 3 : 1][SEG];
    __shared__ __align__(16) float carryP[WARPS][SL_CPW * CH_STRIDE];
    __shared__ __align__(16) float carryH[WARPS][SL_CPW * CH_STRIDE];
    int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    int stretch = lane / SL_CPW, ch = lane % SL_CPW;
    int k = blockIdx.z & 3, b = blockIdx.z >> 2, L = h * w;
    int cRaw = blockIdx.x * (WARPS * SL_CPW) + warp * SL_CPW + ch;
    bool active = cRaw < dInner;
    int c = active ? cRaw : dInner - 1;
    int kc = k * dInner + c;
    int width = rank + 2 * CS_N, rowWidth = 4 * width;
    float wr[CS_R];
    loadDtWeights(wr, dtW, kc, rank);
    float bias = dtBias[kc];
    float dskip = ds[kc];
    float a2[CS_N];
#pragma unroll
    for (int n = 0; n < CS_N; n++) {
        a2[n] = aNeg[(long long) kc * CS_N + n] * LOG2E;
    }
    // the carry role: (channel, state) pairs lane, lane + 32, ...
    float carried[CARRIES];
#pragma unroll
    for (int q = 0; q < CARRIES; q++) {
        carried[q] = 0.f;
    }
    int uBase = b * L * dInner + c;
    int xBase = b * L * rowWidth + k * width;
    int yBase = (k * batch + b) * L * dInner + c;
    for (int e = tid; e < BUFS * SEG * ROW; e += SL_BLOCK) {
        (&rowBufs[0][0][0])[e] = 0.f;  // the dt columns past the rank stay zero
    }
    // segment sg's rows into buffer buf, from its positions
    auto stage = [&](int buf, const int* pos) {
        for (int j = warp; j < SEG; j += WARPS) {
            int p = pos[j];
            for (int col = lane; col < width; col += 32) {
                float* dst = &rowBufs[buf][j][col < rank ? col : col - rank + CS_R];
                if (p >= 0) {
                    if (ASYNC) {
                        slCopy(dst, xdbl + xBase + p * rowWidth + col);
                    } else {
                        *dst = xdbl[xBase + p * rowWidth + col];
                    }
                } else {
                    *dst = 0.f;
                }
            }
        }
    };
    auto positions = [&](int* pos, int t0) {
        for (int j = tid; j < SEG; j += SL_BLOCK) {
            int t = t0 + j;
            pos[j] = t < L ? scanPos(k, t, L, h, w) : -1;
        }
    };
    if (ASYNC) {
        positions(posBufs[0], 0);
        positions(posBufs[1 % (ASYNC ? 3 : 1)], SEG);
        __syncthreads();
        stage(0, posBufs[0]);
        slWait();
    }
    float* myP = &carryP[warp][ch * CH_STRIDE + stretch * CS_N];
    float* myH = &carryH[warp][ch * CH_STRIDE + stretch * CS_N];
    int segments = (L + SEG - 1) / SEG;
    for (int sg = 0; sg < segments; sg++) {
        int t0 = sg * SEG;
        const float(*rows)[ROW];
        const int* segPos;
        if (ASYNC) {
            __syncthreads();  // segment sg's rows and positions are in; sg - 1's are read
            if (sg + 1 < segments) {
                stage((sg + 1) & 1, posBufs[(sg + 1) % 3]);  // in flight while sg is walked
            }
            positions(posBufs[(sg + 2) % 3], t0 + 2 * SEG);
            rows = rowBufs[sg & 1];
            segPos = posBufs[sg % 3];
        } else {
            __syncthreads();  // the previous segment's rows are read
            positions(posBufs[0], t0);
            __syncthreads();
            stage(0, posBufs[0]);
            __syncthreads();
            rows = rowBufs[0];
            segPos = posBufs[0];
        }

        float hs[CS_N], P[CS_N], Q[LC][CS_N], yl[LC], uv[LC];
        int pj[LC];
#pragma unroll
        for (int n = 0; n < CS_N; n++) {
            hs[n] = 0.f;
            P[n] = 1.f;
        }
#pragma unroll
        for (int j = 0; j < LC; j++) {
            int jj = stretch * LC + j;
            int p = segPos[jj];
            pj[j] = p;
            uv[j] = p >= 0 ? u[uBase + p * dInner] : 0.f;
            float d = deltaRaw(&rows[jj][0], wr, bias);
            d = d > 20.f ? d : softplusShort(d);
            d = p >= 0 ? d : 0.f;
            float du = d * uv[j];
            const float4* bc = reinterpret_cast<const float4*>(&rows[jj][CS_R]);
            float y[4] = {0.f, 0.f, 0.f, 0.f};
#pragma unroll
            for (int g = 0; g < CS_N / 4; g++) {
                float4 bv = bc[g];
                float4 cv = bc[CS_N / 4 + g];
                const float bq[4] = {bv.x, bv.y, bv.z, bv.w};
                const float cq[4] = {cv.x, cv.y, cv.z, cv.w};
#pragma unroll
                for (int i = 0; i < 4; i++) {
                    int n = 4 * g + i;
                    float e = exp2Flush(d * a2[n]);
                    hs[n] = fmaf(e, hs[n], du * bq[i]);
                    y[i] = fmaf(hs[n], cq[i], y[i]);
                    P[n] *= e;
                    Q[j][n] = cq[i] * P[n];
                }
            }
            yl[j] = (y[0] + y[1]) + (y[2] + y[3]);
        }

        // the stretches' end states and decays, in order over the segment, one lane a (channel, state)
#pragma unroll
        for (int g = 0; g < CS_N / 4; g++) {
            reinterpret_cast<float4*>(myP)[g] = make_float4(P[4 * g], P[4 * g + 1], P[4 * g + 2], P[4 * g + 3]);
            reinterpret_cast<float4*>(myH)[g] = make_float4(hs[4 * g], hs[4 * g + 1], hs[4 * g + 2], hs[4 * g + 3]);
        }
        __syncwarp();
#pragma unroll
        for (int q = 0; q < CARRIES; q++) {
            int pair = lane + 32 * q;
            float* cp = &carryP[warp][pair / CS_N * CH_STRIDE + pair % CS_N];
            float* chh = &carryH[warp][pair / CS_N * CH_STRIDE + pair % CS_N];
#pragma unroll
            for (int s = 0; s < SL_STRETCHES; s++) {
                float pp = cp[s * CS_N], hh = chh[s * CS_N];
                chh[s * CS_N] = carried[q];  // the state entering stretch s
                carried[q] = fmaf(pp, carried[q], hh);
            }
        }
        __syncwarp();
        float y2[LC][2];
#pragma unroll
        for (int j = 0; j < LC; j++) {
            y2[j][0] = yl[j];
            y2[j][1] = dskip * uv[j];
        }
#pragma unroll
        for (int g = 0; g < CS_N / 4; g++) {
            float4 hv = reinterpret_cast<const float4*>(myH)[g];
            const float hq[4] = {hv.x, hv.y, hv.z, hv.w};
#pragma unroll
            for (int i = 0; i < 4; i++) {
#pragma unroll
                for (int j = 0; j < LC; j++) {
                    y2[j][i & 1] = fmaf(Q[j][4 * g + i], hq[i], y2[j][i & 1]);
                }
            }
        }
#pragma unroll
        for (int j = 0; j < LC; j++) {
            if (active && pj[j] >= 0) {
                ys[yBase + pj[j] * dInner] = y2[j][0] + y2[j][1];
            }
        }
        __syncwarp();  // the carry rows are rewritten in the next segment
        if (ASYNC) {
            slWait();
        }
    }
}

#define SCAN_LANES_PARAMS                                                                                            \
    int batch, int h, int w, int dInner, int rank, const float* __restrict__ u, const float* __restrict__ xdbl,      \
        const float* __restrict__ dtW, const float* __restrict__ dtBias, const float* __restrict__ aNeg,            \
        const float* __restrict__ ds, float* __restrict__ ys
#define SCAN_LANES_ARGS batch, h, w, dInner, rank, u, xdbl, dtW, dtBias, aNeg, ds, ys
