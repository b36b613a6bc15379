// scan_lanes.cuh on the CPU (cuda_on_cpu.h, warp shuffles emulated through the block barrier, which every thread
// of these kernels reaches together) against scan_on_cpu.cpp's float64 scan, on its shapes.
//
//   g++ -std=c++20 -O1 -pthread scan_lanes_on_cpu.cpp -o scan_lanes_on_cpu && ./scan_lanes_on_cpu
#include "cuda_on_cpu.h"
struct float2 { float x, y; };
inline float2 make_float2(float x, float y) { return {x, y}; }
inline float shflXorEmulated(float v, int m) {
    static float table[1024];
    unsigned tid = threadIdx.x;
    table[tid] = v;
    __syncthreads();
    float r = table[tid ^ m];
    __syncthreads();
    return r;
}
#define LS_SHFL_XOR(v, m) shflXorEmulated((v), (m))
#define LS_SYNCWARP() __syncthreads()
#include "../../main/cuda/network.cu"
#include "scan_lanes.cuh"
#include <random>
namespace {

struct Shape {
    int batch, h, w, dInner, rank, chunkLen;
};

struct Operands {
    std::vector<float> u, xdbl, dtW, dtBias, aNeg, ds;
};

Operands draw(const Shape& s, unsigned seed) {
    int L = s.h * s.w;
    int width = s.rank + 2 * CS_N;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> unit(-1.f, 1.f);
    Operands o;
    o.u.resize((size_t) s.batch * L * s.dInner);
    o.xdbl.resize((size_t) s.batch * L * 4 * width);
    o.dtW.resize((size_t) 4 * s.dInner * s.rank);
    o.dtBias.resize((size_t) 4 * s.dInner);
    o.aNeg.resize((size_t) 4 * s.dInner * CS_N);
    o.ds.resize((size_t) 4 * s.dInner);
    for (auto& v : o.u) v = unit(rng);
    for (auto& v : o.xdbl) v = unit(rng);
    for (auto& v : o.dtW) v = 0.5f * unit(rng);
    for (auto& v : o.dtBias) v = unit(rng) - 2.f;  // softplus of -3..-1: deltas of 0.05..0.3, as trained models have
    for (auto& v : o.aNeg) v = -(1.f + 7.f * (unit(rng) + 1.f));
    for (auto& v : o.ds) v = unit(rng);
    return o;
}

// ys[k][b][p][c] in float64, step by step in each direction's order.
std::vector<double> reference(const Shape& s, const Operands& o) {
    int L = s.h * s.w;
    int width = s.rank + 2 * CS_N;
    std::vector<double> ys((size_t) 4 * s.batch * L * s.dInner);
    for (int b = 0; b < s.batch; b++) {
        for (int k = 0; k < 4; k++) {
            for (int c = 0; c < s.dInner; c++) {
                int kc = k * s.dInner + c;
                double hs[CS_N] = {};
                for (int t = 0; t < L; t++) {
                    int p = scanPos(k, t, L, s.h, s.w);
                    const float* row = &o.xdbl[((size_t) b * L + p) * 4 * width + (size_t) k * width];
                    double dt = o.dtBias[kc];
                    for (int r = 0; r < s.rank; r++) dt += (double) o.dtW[(size_t) kc * s.rank + r] * row[r];
                    dt = dt > 20 ? dt : std::log1p(std::exp(dt));
                    double uv = o.u[((size_t) b * L + p) * s.dInner + c];
                    double y = o.ds[kc] * uv;
                    for (int n = 0; n < CS_N; n++) {
                        hs[n] = std::exp(dt * o.aNeg[(size_t) kc * CS_N + n]) * hs[n] + dt * uv * row[s.rank + n];
                        y += hs[n] * row[s.rank + CS_N + n];
                    }
                    ys[(((size_t) k * s.batch + b) * L + p) * s.dInner + c] = y;
                }
            }
        }
    }
    return ys;
}

template <int R>
void chunked(const Shape& s, Operands& o, std::vector<float>& ys) {
    int L = s.h * s.w;
    int chunks = (L + s.chunkLen - 1) / s.chunkLen;
    unsigned threads = std::max(64, std::min(128, (s.dInner + 31) / 32 * 32));  // ScanChunking.blockThreads
    unsigned gridX = (s.dInner + threads - 1) / threads;
    std::vector<float> carry((size_t) 4 * s.batch * chunks * (CS_N + 1) * s.dInner + 1, NAN);
    auto run = [&](bool out, unsigned gridY) {
        launch({gridX, gridY, (unsigned) (4 * s.batch)}, threads, [&] {
            auto f = out ? scanChunk<R, true> : scanChunk<R, false>;
            f(s.batch, s.h, s.w, s.dInner, s.rank, s.chunkLen, chunks, o.u.data(), o.xdbl.data(), o.dtW.data(),
              o.dtBias.data(), o.aNeg.data(), o.ds.data(), ys.data(), carry.data());
        });
    };
    if (chunks > 1) {
        run(false, chunks - 1);
        unsigned total = 4 * s.batch * CS_N * s.dInner;
        launch({(total + 127) / 128, 1, 1}, 128, [&] {
            scan_chunk_carry(s.batch, s.dInner, chunks, o.aNeg.data(), carry.data());
        });
    }
    run(true, chunks);
}

void runLanes(const Shape& s, Operands& o, std::vector<float>& ys) {
    constexpr int WARPS = 2, T = 16; constexpr bool ASYNC = true;
    unsigned gridX = (s.dInner + 4 * WARPS - 1) / (4 * WARPS);
    launch({gridX, 1, (unsigned) (4 * s.batch)}, 32 * WARPS, [&] {
        if (s.rank <= 4) scanLanes<4, WARPS, T, ASYNC>(s.batch, s.h, s.w, s.dInner, s.rank, o.u.data(), o.xdbl.data(), o.dtW.data(), o.dtBias.data(), o.aNeg.data(), o.ds.data(), ys.data());
        else if (s.rank <= 8) scanLanes<8, WARPS, T, ASYNC>(s.batch, s.h, s.w, s.dInner, s.rank, o.u.data(), o.xdbl.data(), o.dtW.data(), o.dtBias.data(), o.aNeg.data(), o.ds.data(), ys.data());
        else scanLanes<64, WARPS, T, ASYNC>(s.batch, s.h, s.w, s.dInner, s.rank, o.u.data(), o.xdbl.data(), o.dtW.data(), o.dtBias.data(), o.aNeg.data(), o.ds.data(), ys.data());
    });
}

bool check(const Shape& s) {
    Operands o = draw(s, 17u * s.dInner + s.rank);
    std::vector<double> want = reference(s, o);
    std::vector<float> ys(want.size(), NAN);
    runLanes(s, o, ys);
    double scale = 0, diff = 0;
    size_t unwritten = 0;
    for (size_t i = 0; i < want.size(); i++) {
        scale = std::max(scale, std::fabs(want[i]));
        if (std::isnan(ys[i])) unwritten++;
        else diff = std::max(diff, std::fabs(ys[i] - want[i]));
    }
    bool ok = unwritten == 0 && diff <= 1e-5 * scale;
    std::printf("%s batch %d, %dx%d, %d channels, dt_rank %d, chunks of %d steps: max|y - y64| %.3g (limit %.3g)"
                ", %zu outputs not written\n", ok ? "PASS" : "FAIL", s.batch, s.h, s.w, s.dInner, s.rank, s.chunkLen,
                diff, 1e-5 * scale, unwritten);
    return ok;
}

}  // namespace

int main() {
    const Shape shapes[] = {
        {2, 5, 7, 40, 3, 8},     // five chunks (the last of three steps); a block of 64 threads for 40 channels
        {1, 6, 6, 130, 12, 36},  // one chunk (out alone); a second block of two channels and three idle warps
        {1, 7, 5, 96, 40, 13},   // the 64-wide dt variant; 13-step chunks, not a multiple of any tile
        {1, 9, 4, 64, 6, 5},     // h != w, chunks shorter than a tile
        {1, 3, 3, 16, 1, 3},     // the tiny models' 16 channels
        {1, 8, 8, 32, 2, 3},     // 22 chunks: the carry walk crosses its batches of reads (CARRY_BATCH) twice
        {1, 6, 7, 24, 3, 40},    // dt_rank <= 4 walks 16-step tiles: 40 steps are two whole tiles and part of one
    };
    bool ok = true;
    for (const Shape& s : shapes) ok = check(s) && ok;
    return ok ? 0 : 1;
}
