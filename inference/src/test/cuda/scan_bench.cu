// The cross scan's kernels alone on a GPU, beside each other on the same operands: the chunked thread-a-channel form
// (scan_chunk_*), and the lane-a-state form (scan_lanes_*) with 4, 8 or 16 channels a block and as many chunks as
// the thread target gives. MedMamba-T's stage-1 shape (56x56 steps, 96 channels, dt_rank 3) at the batches given;
// times are medians of CUDA-event-timed runs, against the exp floor of docs/performance.md (one exp a (step, state)
// at 16 a clock and SM); the lane form's y is compared with the chunked form's.
//
//   nvcc -O3 -arch=sm_90 -o scan_bench scan_bench.cu && ./scan_bench [BATCH...]     (default 1 8 64)
//   ./scan_bench once 8      each variant once, for a profiler (ncu -k regex:scan_)
#include "../../main/cuda/network.cu"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#define CHECK(x)                                                                                                     \
    do {                                                                                                             \
        cudaError_t e_ = (x);                                                                                        \
        if (e_ != cudaSuccess) {                                                                                     \
            std::fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e_));                                            \
            std::exit(1);                                                                                            \
        }                                                                                                            \
    } while (0)

template <int LC, int SPL, bool FAST, bool OUT>
__global__ void __launch_bounds__(LC * CS_N / SPL) lanes8(SCAN_CHUNK_PARAMS) {
    scanLanes<8, OUT, LC, SPL, FAST>(SCAN_CHUNK_ARGS);
}

using ScanKernel = void (*)(SCAN_CHUNK_PARAMS);

// A form of the scan: lc 0 the chunked thread-a-channel kernels, else lanes of spl states, lc channels a block
struct Form {
    const char* name;
    int lc, spl;
    ScanKernel state, out;
};

template <int LC, int SPL, bool FAST>
Form lanesForm(const char* name) {
    return {name, LC, SPL, lanes8<LC, SPL, FAST, false>, lanes8<LC, SPL, FAST, true>};
}

namespace {

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
    long long wanted = std::max(1LL, target / threads);
    long long most = std::max(1, L / 32);
    int chunks = (int) std::min(wanted, most);
    int len = (L + chunks - 1) / chunks;
    return (L + len - 1) / len;
}

float median(std::vector<float> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

Timing run(const Form& f, int batch, int chunks, const Buffers& d, int reps) {
    int L = H * W;
    int len = (L + chunks - 1) / chunks;
    chunks = (L + len - 1) / len;
    int threads = f.lc == 0 ? 128 : f.lc * CS_N / f.spl;
    int gridX = f.lc == 0 ? (D + 127) / 128 : (D + f.lc - 1) / f.lc;
    auto launch = [&](bool out, int gridY) {
        dim3 grid(gridX, gridY, 4 * batch);
        (out ? f.out : f.state)<<<grid, threads>>>(batch, H, W, D, RANK, len, chunks, d.u, d.xdbl, d.dtW, d.dtBias,
                                                   d.aNeg, d.ds, d.ys, d.carry);
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
        const long long base = 132LL * 512;  // ScanChunking.TARGET_THREADS
        const Form forms[] = {
            {"thread a channel", 0, 1, scan_chunk_state_r8, scan_chunk_out_r8},
            {"lanes 1 state, 8 ch (shipped)", 8, 1, scan_lanes_state_r8, scan_lanes_out_r8},
            lanesForm<8, 1, true>("lanes 1 state, 8 ch, short sp"),
            lanesForm<16, 1, true>("lanes 1 state, 16 ch, short sp"),
            lanesForm<8, 2, true>("lanes 2 states, 8 ch, short sp"),
            lanesForm<16, 2, true>("lanes 2 states, 16 ch, short sp"),
            lanesForm<16, 4, true>("lanes 4 states, 16 ch, short sp"),
            lanesForm<8, 4, true>("lanes 4 states, 8 ch, short sp"),
        };
        for (const Form& f : forms) {
            // the thread form also with fewer chunks (its 128-register blocks: 4 an SM, 528 on an H100, in one wave)
            for (long long target : {base, f.lc == 0 ? base * 3 / 4 : 2 * base}) {
                long long threads = 4LL * batch * D * (f.lc == 0 ? 1 : CS_N / f.spl);
                int chunks = chunksFor(threads, L, target);
                if (target != base && chunks == chunksFor(threads, L, base)) continue;
                CHECK(cudaMemset(d.ys, 0xff, ysN * sizeof(float)));
                if (!once) run(f, batch, chunks, d, 2);  // warm-up
                Timing t = run(f, batch, chunks, d, reps);
                CHECK(cudaMemcpy((f.lc == 0 ? want : got).data(), d.ys, ysN * sizeof(float), cudaMemcpyDeviceToHost));
                std::printf("  %-34s chunks %3d: state %7.1f + carry %5.1f + out %7.1f = %7.1f us, %4.1f %% of the "
                            "floor", f.name, chunks, t.stateUs, t.carryUs, t.outUs, t.total(),
                            100 * floorUs / t.total());
                if (f.lc != 0) {
                    double scale = 0, diff = 0;
                    for (size_t i = 0; i < ysN; i++) {
                        scale = std::max(scale, (double) std::fabs(want[i]));
                        double e = std::fabs((double) got[i] - want[i]);
                        diff = std::isnan(e) ? INFINITY : std::max(diff, e);
                    }
                    std::printf(", max|y - y_thread| %.3g of max|y| %.3g", diff, scale);
                }
                std::printf("\n");
            }
        }
        for (float* p : {d.u, d.xdbl, d.dtW, d.dtBias, d.aNeg, d.ds, d.ys, d.carry}) CHECK(cudaFree(p));
    }
    return 0;
}
