// The chunked cross scan's kernels alone on a GPU (scan_chunk_state, scan_chunk_carry, scan_chunk_out), on
// MedMamba-T's stage-1 shape (56x56 steps, 96 channels, dt_rank 3) at the batches given, cut into as many chunks as
// each thread target gives (ScanChunking.TARGET_THREADS and others): times are medians of CUDA-event-timed runs,
// against the exp floor of docs/performance.md (one exp a (step, state) at 16 a clock and SM), and each cut's y is
// compared with the first's.
//
//   nvcc -O3 -arch=sm_90 -o scan_bench scan_bench.cu && ./scan_bench [BATCH...]     (default 1 8 64)
//   ./scan_bench once 8      each cut once, for a profiler (ncu -k regex:scan_chunk)
#include "../../main/cuda/network.cu"
#include "bench_util.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

// Forms of the chunked kernels to time beside the shipped ones (dt_rank 3: the 4-wide dot product, softplusShort):
// the dot product 8 wide, and softplus as log1pf(expf)
template <int R, bool OUT, bool SHORT>
__global__ void __launch_bounds__(CS_BLOCK) sb_chunk(SCAN_CHUNK_PARAMS) {
    scanChunk<R, OUT, SHORT>(SCAN_CHUNK_ARGS);
}

namespace {

struct Form {
    const char* name;
    void (*state)(SCAN_CHUNK_PARAMS);
    void (*out)(SCAN_CHUNK_PARAMS);
};

const Form SHIPPED = {"shipped (r4, short softplus)", scan_chunk_state_r4, scan_chunk_out_r4};
const Form FORMS[] = {
    {"r8, short softplus", sb_chunk<8, false, true>, sb_chunk<8, true, true>},
    {"r4, log1pf", sb_chunk<4, false, false>, sb_chunk<4, true, false>},
    {"r8, log1pf", sb_chunk<8, false, false>, sb_chunk<8, true, false>},
};

constexpr int H = 56, W = 56, D = 96, RANK = 3;
constexpr double CLOCK_HZ = 1.98e9;  // H100 SXM boost, as the floor in docs/performance.md

struct Buffers {
    float *u, *xdbl, *dtW, *dtBias, *aNeg, *ds, *ys, *carry;
};

struct Timing {
    double stateUs, carryUs, outUs;
    double total() const { return stateUs + carryUs + outUs; }
};

int chunksFor(long long threads, int L, long long target) {
    long long wanted = 2 * threads >= target ? 1 : target / threads;  // as ScanChunking.plan
    long long most = std::max(1, L / 32);
    int chunks = (int) std::min(wanted, most);
    int len = (L + chunks - 1) / chunks;
    return (L + len - 1) / len;
}

Timing run(int batch, int chunks, const Buffers& d, int reps, const Form& form = SHIPPED) {
    int L = H * W;
    int len = (L + chunks - 1) / chunks;
    chunks = (L + len - 1) / len;
    int threads = std::max(64, std::min(128, (D + 31) / 32 * 32));  // ScanChunking.blockThreads
    int gridX = (D + threads - 1) / threads;
    auto launch = [&](bool out, int gridY) {
        dim3 grid(gridX, gridY, 4 * batch);
        auto kernel = out ? form.out : form.state;
        kernel<<<grid, threads>>>(batch, H, W, D, RANK, len, chunks, d.u, d.xdbl, d.dtW, d.dtBias, d.aNeg, d.ds, d.ys,
                                  d.carry);
    };
    cudaEvent_t ev[4];
    for (auto& e : ev) CHECK(cudaEventCreate(&e));
    std::vector<float> state, carry, out;
    for (int r = 0; r < reps; r++) {
        CHECK(cudaEventRecord(ev[0]));
        if (chunks > 1) launch(false, chunks - 1);
        CHECK(cudaEventRecord(ev[1]));
        if (chunks > 1) {
            int total = 4 * batch * CS_N * D;
            scan_chunk_carry<<<(total + 255) / 256, 256>>>(batch, D, chunks, d.aNeg, d.carry);
        }
        CHECK(cudaEventRecord(ev[2]));
        launch(true, chunks);
        CHECK(cudaEventRecord(ev[3]));
        CHECK(cudaEventSynchronize(ev[3]));
        CHECK(cudaGetLastError());
        float a, b, c;
        CHECK(cudaEventElapsedTime(&a, ev[0], ev[1]));
        CHECK(cudaEventElapsedTime(&b, ev[1], ev[2]));
        CHECK(cudaEventElapsedTime(&c, ev[2], ev[3]));
        state.push_back(a * 1000);
        carry.push_back(b * 1000);
        out.push_back(c * 1000);
    }
    for (auto& e : ev) CHECK(cudaEventDestroy(e));
    return {median(state), median(carry), median(out)};
}

}  // namespace

int main(int argc, char** argv) {
    bool once = argc > 1 && std::strcmp(argv[1], "once") == 0;
    std::vector<int> batches;
    for (int i = once ? 2 : 1; i < argc; i++) batches.push_back(std::atoi(argv[i]));
    if (batches.empty()) batches = {1, 8, 64};
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    std::printf("%s, %d SMs\n", prop.name, prop.multiProcessorCount);
    int L = H * W;
    int width = RANK + 2 * CS_N;
    for (int batch : batches) {
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> unit(-1.f, 1.f);
        std::vector<float> u((size_t) batch * L * D), xdbl((size_t) batch * L * 4 * width), dtW(4 * D * RANK),
            dtBias(4 * D), aNeg(4 * D * CS_N), ds(4 * D);
        for (auto& v : u) v = unit(rng);
        for (auto& v : xdbl) v = unit(rng);
        for (auto& v : dtW) v = 0.5f * unit(rng);
        for (auto& v : dtBias) v = unit(rng) - 2.f;
        for (auto& v : aNeg) v = -(1.f + 7.f * (unit(rng) + 1.f));
        for (auto& v : ds) v = unit(rng);
        size_t ysN = (size_t) 4 * batch * L * D;
        size_t carryN = (size_t) 4 * batch * L * (CS_N + 1) * D / 32 + 1;  // chunks of 32 steps at the most
        Buffers d;
        auto up = [](float** p, const std::vector<float>& v) {
            CHECK(cudaMalloc(p, v.size() * sizeof(float)));
            CHECK(cudaMemcpy(*p, v.data(), v.size() * sizeof(float), cudaMemcpyHostToDevice));
        };
        up(&d.u, u);
        up(&d.xdbl, xdbl);
        up(&d.dtW, dtW);
        up(&d.dtBias, dtBias);
        up(&d.aNeg, aNeg);
        up(&d.ds, ds);
        CHECK(cudaMalloc(&d.ys, ysN * sizeof(float)));
        CHECK(cudaMalloc(&d.carry, carryN * sizeof(float)));
        double pairs = 4.0 * batch * D * L * CS_N;
        double floorUs = pairs / (prop.multiProcessorCount * 16.0 * CLOCK_HZ) * 1e6;
        std::printf("batch %d: %d sequences of %d steps, exp floor %.1f us\n", batch, 4 * batch * D, L, floorUs);
        int reps = once ? 1 : 20;
        std::vector<float> want(ysN), got(ysN);
        // ScanChunking.TARGET_THREADS, the previous 132 x 512 (22 chunks at batch 8: two waves of 96-thread blocks
        // at five an SM), and fewer
        bool first = true;
        for (long long target : {49152LL, 132LL * 512, 33792LL}) {
            int chunks = chunksFor(4LL * batch * D, L, target);
            CHECK(cudaMemset(d.ys, 0xff, ysN * sizeof(float)));
            if (!once) run(batch, chunks, d, 2);  // warm-up
            Timing t = run(batch, chunks, d, reps);
            CHECK(cudaMemcpy((first ? want : got).data(), d.ys, ysN * sizeof(float), cudaMemcpyDeviceToHost));
            std::printf("  target %6lld threads, chunks %3d: state %7.1f + carry %5.1f + out %7.1f = %7.1f us, "
                        "%4.1f %% of the floor", target, chunks, t.stateUs, t.carryUs, t.outUs, t.total(),
                        100 * floorUs / t.total());
            if (!first) {
                double scale = 0, diff = 0;
                for (size_t i = 0; i < ysN; i++) {
                    scale = std::max(scale, (double) std::fabs(want[i]));
                    double e = std::fabs((double) got[i] - want[i]);
                    diff = std::isnan(e) ? INFINITY : std::max(diff, e);
                }
                std::printf(", max|y - y_first| %.3g of max|y| %.3g", diff, scale);
            }
            std::printf("\n");
            first = false;
        }
        int chunks = chunksFor(4LL * batch * D, L, 49152);
        for (const Form& form : FORMS) {
            CHECK(cudaMemset(d.ys, 0xff, ysN * sizeof(float)));
            if (!once) run(batch, chunks, d, 2, form);
            Timing t = run(batch, chunks, d, reps, form);
            CHECK(cudaMemcpy(got.data(), d.ys, ysN * sizeof(float), cudaMemcpyDeviceToHost));
            double scale = 0, diff = 0;
            for (size_t i = 0; i < ysN; i++) {
                scale = std::max(scale, (double) std::fabs(want[i]));
                double e = std::fabs((double) got[i] - want[i]);
                diff = std::isnan(e) ? INFINITY : std::max(diff, e);
            }
            std::printf("  %-22s chunks %3d: state %7.1f + carry %5.1f + out %7.1f = %7.1f us, %4.1f %% of the floor, "
                        "max|y - y_shipped| %.3g of max|y| %.3g\n", form.name, chunks, t.stateUs, t.carryUs, t.outUs,
                        t.total(), 100 * floorUs / t.total(), diff, scale);
        }
        for (float* p : {d.u, d.xdbl, d.dtW, d.dtBias, d.aNeg, d.ds, d.ys, d.carry}) CHECK(cudaFree(p));
    }
    return 0;
}
