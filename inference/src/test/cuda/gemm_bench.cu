// network.cu's GEMM tile shapes alone on a GPU, on the products MedMamba-T 224 runs at batch 64 and 8 (dense: linear
// layers and 1x1 convolutions; conv3: the 3x3 convolutions as implicit GEMMs, the first with its input BatchNorm):
// each variant's median of CUDA-event-timed launches, its TFLOP/s against the float32 FMA rate, and its output
// compared bit for bit with the shipped gemm_nt's (every variant sums k in order, so they must agree exactly); the
// TF32 tensor-core GEMM (gemm_tf32.cu) beside them, its output's largest difference from gemm_nt's stated instead;
// and the tiles staged by cp.async (gemm_async.cuh: "async" and "rows" float32, "tf32 async").
//
//   nvcc -O3 -arch=sm_90 -o gemm_bench gemm_bench.cu && ./gemm_bench
//   ./gemm_bench once        each (variant, product) of the profiled subset once, for a profiler (ncu -k regex:gv_)
#include "../../main/cuda/network.cu"
#include "../../main/cuda/gemm_tf32.cu"
#include "gemm_async.cuh"
#include "bench_util.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

template <int BM, int BN, int BK, int RM, int RN, int TH, int MIN_BLOCKS>
__global__ void __launch_bounds__(TH, MIN_BLOCKS) gv_tile(GEMM_PARAMS) {
    gemmTile<BM, BN, BK, RM, RN, TH>(GEMM_ARGS);
}

template <int BM, int BN, int BK, int RM, int RN, int TH, int STAGES, int MIN_BLOCKS>
__global__ void __launch_bounds__(TH, MIN_BLOCKS) gv_async(GEMM_PARAMS) {
    gemmTileAsync<BM, BN, BK, RM, RN, TH, STAGES>(GEMM_ARGS);
}

template <int BM, int BN, int BK, int RM, int RN, int TH, int STAGES, int MIN_BLOCKS>
__global__ void __launch_bounds__(TH, MIN_BLOCKS) gv_rows(GEMM_PARAMS) {
    gemmTileAsyncRows<BM, BN, BK, RM, RN, TH, STAGES>(GEMM_ARGS);  // every product here loads float4s
}

template <int BM, int BN, int BK, int WARPS_M, int WARPS_N, int STAGES>
__global__ void __launch_bounds__(32 * WARPS_M * WARPS_N) gv_tf32a(GEMM_PARAMS) {
    gemmTf32TileAsync<BM, BN, BK, WARPS_M, WARPS_N, STAGES>(GEMM_ARGS);
}

template <int BM, int BN, int BK, int WARPS_M, int WARPS_N>
__global__ void __launch_bounds__(32 * WARPS_M * WARPS_N) gv_tf32(GEMM_PARAMS) {
    gemmTf32Tile<BM, BN, BK, WARPS_M, WARPS_N>(GEMM_ARGS);
}

namespace {

constexpr double CLOCK_HZ = 1.98e9;

struct Variant {
    const char* name;
    void (*kernel)(GEMM_PARAMS);
    int bm, bn, threads;
    bool tf32;  // TF32 operands: compared with gemm_nt's output by size, not bit for bit
};

// name: tile BM x BN x BK / threads, at least that many blocks an SM (the register cap it implies)
const Variant VARIANTS[] = {
    {"gemm_nt (64x64x16 /256)", gemm_nt, 64, 64, 256},
    {"128x128x8 /256 2", gv_tile<128, 128, 8, 2, 2, 256, 2>, 128, 128, 256},
    {"128x128x16 /256 2", gv_tile<128, 128, 16, 2, 2, 256, 2>, 128, 128, 256},
    {"128x64x8 /128 1", gv_tile<128, 64, 8, 2, 2, 128, 1>, 128, 64, 128},
    {"128x64x16 /128 2", gv_tile<128, 64, 16, 2, 2, 128, 2>, 128, 64, 128},
    {"64x128x16 /128 4", gv_tile<64, 128, 16, 2, 2, 128, 4>, 64, 128, 128},
    {"64x64x8 /64 8", gv_tile<64, 64, 8, 2, 2, 64, 8>, 64, 64, 64},
    {"96x48x24 /288 2", gv_tile<96, 48, 24, 1, 1, 288, 2>, 96, 48, 288},
    {"96x48x24 /144 3", gv_tile<96, 48, 24, 2, 1, 144, 3>, 96, 48, 144},
    {"48x48x12 /144 4", gv_tile<48, 48, 12, 1, 1, 144, 4>, 48, 48, 144},
    {"192x48x24 /288 1", gv_tile<192, 48, 24, 2, 1, 288, 1>, 192, 48, 288},
    {"async 64x64x16 /256 s2", gv_async<64, 64, 16, 1, 1, 256, 2, 1>, 64, 64, 256},
    {"async 64x64x16 /256 s3", gv_async<64, 64, 16, 1, 1, 256, 3, 1>, 64, 64, 256},
    {"async 64x64x16 /256 s4", gv_async<64, 64, 16, 1, 1, 256, 4, 1>, 64, 64, 256},
    {"async 64x64x16 /256 s3 3", gv_async<64, 64, 16, 1, 1, 256, 3, 3>, 64, 64, 256},
    {"async 64x64x16 /256 s4 3", gv_async<64, 64, 16, 1, 1, 256, 4, 3>, 64, 64, 256},
    {"async 64x64x32 /256 s2 3", gv_async<64, 64, 32, 1, 1, 256, 2, 3>, 64, 64, 256},
    {"async 64x64x8 /64 s4 6", gv_async<64, 64, 8, 2, 2, 64, 4, 6>, 64, 64, 64},
    {"async 64x64x16 /64 s3 6", gv_async<64, 64, 16, 2, 2, 64, 3, 6>, 64, 64, 64},
    {"async 128x64x8 /128 s4 3", gv_async<128, 64, 8, 2, 2, 128, 4, 3>, 128, 64, 128},
    {"async 128x64x16 /128 s3 3", gv_async<128, 64, 16, 2, 2, 128, 3, 3>, 128, 64, 128},
    {"async 128x128x8 /256 s4 2", gv_async<128, 128, 8, 2, 2, 256, 4, 2>, 128, 128, 256},
    {"rows 64x64x16 /256 s3", gv_rows<64, 64, 16, 1, 1, 256, 3, 1>, 64, 64, 256},
    {"rows 64x64x16 /256 s3 3", gv_rows<64, 64, 16, 1, 1, 256, 3, 3>, 64, 64, 256},
    {"rows 64x64x16 /256 s3 4", gv_rows<64, 64, 16, 1, 1, 256, 3, 4>, 64, 64, 256},
    {"rows 64x64x16 /256 s4 3", gv_rows<64, 64, 16, 1, 1, 256, 4, 3>, 64, 64, 256},
    {"rows 128x64x16 /256 s2 2", gv_rows<128, 64, 16, 2, 1, 256, 2, 2>, 128, 64, 256},
    {"rows 128x128x8 /256 s3 2", gv_rows<128, 128, 8, 2, 2, 256, 3, 2>, 128, 128, 256},
    {"rows 64x64x16 /64 s3 6", gv_rows<64, 64, 16, 2, 2, 64, 3, 6>, 64, 64, 64},
    {"gemm_nt_tf32 (64x64x32 /256)", gemm_nt_tf32, 64, 64, 256, true},
    {"tf32 64x64x16 /256", gv_tf32<64, 64, 16, 2, 4>, 64, 64, 256, true},
    {"tf32 64x64x16 /128", gv_tf32<64, 64, 16, 2, 2>, 64, 64, 128, true},
    {"tf32 64x64x32 /128", gv_tf32<64, 64, 32, 2, 2>, 64, 64, 128, true},
    {"tf32 128x64x16 /256", gv_tf32<128, 64, 16, 4, 2>, 128, 64, 256, true},
    {"tf32 128x128x16 /256", gv_tf32<128, 128, 16, 2, 4>, 128, 128, 256, true},
    {"tf32 async 64x64x16 /256 s3", gv_tf32a<64, 64, 16, 2, 4, 3>, 64, 64, 256, true},
    {"tf32 async 64x64x16 /256 s4", gv_tf32a<64, 64, 16, 2, 4, 4>, 64, 64, 256, true},
    {"tf32 async 64x64x32 /256 s2", gv_tf32a<64, 64, 32, 2, 4, 2>, 64, 64, 256, true},
    {"tf32 async 64x64x16 /128 s4", gv_tf32a<64, 64, 16, 2, 2, 4>, 64, 64, 128, true},
    {"tf32 async 128x64x16 /256 s3", gv_tf32a<128, 64, 16, 4, 2, 3>, 128, 64, 256, true},
};

struct Product {
    const char* label;
    int m, n, k, mode, hw, cin;  // conv3: hw x hw positions, cin input channels (k = 9 cin)
    bool inNorm;
    bool profiled;
};

const Product PRODUCTS[] = {
    {"b64 s1 3x3 conv (BN in)", 200704, 48, 432, A_CONV3, 56, 48, true, true},
    {"b64 s1 3x3 conv", 200704, 48, 432, A_CONV3, 56, 48, false, false},
    {"b64 s1 1x1 conv", 200704, 48, 48, A_DENSE, 0, 0, false, false},
    {"b64 s1 out_proj", 200704, 48, 96, A_DENSE, 0, 0, false, false},
    {"b64 s1 in_proj", 200704, 192, 48, A_DENSE, 0, 0, false, false},
    {"b64 s1 x_proj", 200704, 140, 96, A_DENSE, 0, 0, false, false},
    {"b64 s2 3x3 conv", 50176, 96, 864, A_CONV3, 28, 96, false, true},
    {"b64 s2 in_proj", 50176, 384, 96, A_DENSE, 0, 0, false, false},
    {"b64 s3 3x3 conv", 12544, 192, 1728, A_CONV3, 14, 192, false, false},
    {"b64 s3 in_proj", 12544, 768, 192, A_DENSE, 0, 0, false, true},
    {"b64 s4 3x3 conv", 3136, 384, 3456, A_CONV3, 7, 384, false, false},
    {"b8 s1 3x3 conv", 25088, 48, 432, A_CONV3, 56, 48, false, false},
    {"b8 s1 in_proj", 25088, 192, 48, A_DENSE, 0, 0, false, false},
    {"b8 s2 3x3 conv", 6272, 96, 864, A_CONV3, 28, 96, false, false},
    {"b8 s3 3x3 conv", 1568, 192, 1728, A_CONV3, 14, 192, false, false},
    {"b8 s3 in_proj", 1568, 768, 192, A_DENSE, 0, 0, false, false},
};

}  // namespace

int main(int argc, char** argv) {
    bool once = argc > 1 && std::strcmp(argv[1], "once") == 0;
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    double peak = prop.multiProcessorCount * 128.0 * 2 * CLOCK_HZ;
    std::printf("%s, %d SMs, float32 FMA rate %.1f TFLOP/s at %.2f GHz\n", prop.name, prop.multiProcessorCount,
                peak / 1e12, CLOCK_HZ / 1e9);
    size_t aMax = 0, wMax = 0, cMax = 0;
    for (const Product& p : PRODUCTS) {
        int cols = p.mode == A_CONV3 ? p.cin : p.k;
        aMax = std::max(aMax, (size_t) p.m * cols);
        wMax = std::max(wMax, (size_t) p.n * p.k);
        cMax = std::max(cMax, (size_t) p.m * p.n);
    }
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> unit(-1.f, 1.f);
    std::vector<float> hostA(aMax), hostW(wMax), hostBias(4096), hostScale(4096), hostShift(4096);
    for (auto& v : hostA) v = unit(rng);
    for (auto& v : hostW) v = 0.1f * unit(rng);
    for (auto& v : hostBias) v = unit(rng);
    for (auto& v : hostScale) v = 1.f + 0.5f * unit(rng);
    for (auto& v : hostShift) v = 0.5f * unit(rng);
    float *a, *wt, *bias, *scale, *shift, *c;
    auto up = [](float** p, const std::vector<float>& v) {
        CHECK(cudaMalloc(p, v.size() * sizeof(float)));
        CHECK(cudaMemcpy(*p, v.data(), v.size() * sizeof(float), cudaMemcpyHostToDevice));
    };
    up(&a, hostA);
    up(&wt, hostW);
    up(&bias, hostBias);
    up(&scale, hostScale);
    up(&shift, hostShift);
    CHECK(cudaMalloc(&c, cMax * sizeof(float)));
    std::vector<float> want(cMax), got(cMax);
    cudaEvent_t ev[2];
    for (auto& e : ev) CHECK(cudaEventCreate(&e));
    for (const Product& p : PRODUCTS) {
        if (once && !p.profiled) continue;
        double flop = 2.0 * p.m * p.n * p.k;
        int lda = p.mode == A_CONV3 ? p.cin : p.k;
        int h = p.mode == A_CONV3 ? p.hw : 0;
        std::printf("%-24s [%d, %d, %d]\n", p.label, p.m, p.n, p.k);
        bool first = true;
        for (const Variant& v : VARIANTS) {
            dim3 grid((p.n + v.bn - 1) / v.bn, (p.m + v.bm - 1) / v.bm, 1);
            auto launch = [&]() {
                v.kernel<<<grid, v.threads>>>(p.m, p.n, p.k, a, lda, p.mode, h, h, p.cin, 0, 0, 0,
                                              p.inNorm ? scale : nullptr, p.inNorm ? shift : nullptr, wt, bias,
                                              ACT_RELU, c, p.n, 0, 1, nullptr, nullptr, p.k);
            };
            CHECK(cudaMemset(c, 0xff, (size_t) p.m * p.n * sizeof(float)));
            std::vector<float> times;
            for (int r = 0; r < (once ? 1 : 23); r++) {
                CHECK(cudaEventRecord(ev[0]));
                launch();
                CHECK(cudaEventRecord(ev[1]));
                CHECK(cudaEventSynchronize(ev[1]));
                CHECK(cudaGetLastError());
                float ms;
                CHECK(cudaEventElapsedTime(&ms, ev[0], ev[1]));
                if (r >= 3 || once) times.push_back(ms);
            }
            CHECK(cudaMemcpy((first ? want : got).data(), c, (size_t) p.m * p.n * sizeof(float),
                             cudaMemcpyDeviceToHost));
            double us = median(times) * 1000;
            size_t differing = 0;
            double maxWant = 0, maxDiff = 0;
            if (!first) {
                for (size_t i = 0; i < (size_t) p.m * p.n; i++) {
                    if (v.tf32) {
                        maxWant = std::max(maxWant, (double) std::fabs(want[i]));
                        double d = std::fabs((double) got[i] - want[i]);
                        maxDiff = std::isnan(d) ? INFINITY : std::max(maxDiff, d);
                    } else if (std::memcmp(&want[i], &got[i], sizeof(float)) != 0) {
                        differing++;
                    }
                }
            }
            char verdict[96] = "";
            if (v.tf32) {
                std::snprintf(verdict, sizeof verdict, "  max|C - C_f32| %.2g of max|C_f32|", maxDiff / maxWant);
            } else if (!first) {
                std::snprintf(verdict, sizeof verdict, "%s", differing == 0 ? "  identical" : "  DIFFERS");
            }
            std::printf("  %-28s %5d blocks %9.1f us %6.1f TFLOP/s %5.1f %% of the FMA rate%s\n", v.name,
                        grid.x * grid.y, us, flop / us / 1e6, 100 * flop / us / 1e-6 / peak, verdict);
            if (differing) std::printf("    %zu outputs differ from gemm_nt's\n", differing);
            first = false;
        }
    }
    return 0;
}
