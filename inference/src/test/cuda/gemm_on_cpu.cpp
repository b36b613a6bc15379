// network.cu's GEMM (gemm_nt, its split K with splitk_epilogue, and the other tile shapes gemmTile takes) and
// gemm_tf32.cu's tensor-core GEMM (gemm_nt_tf32, its mma.sync emulated from the PTX ISA's fragment layout) run on the
// CPU through cuda_on_cpu.h and compared with a float64 product: the tiles' indexing (edge tiles, the float4 and the
// scalar loaders, the 3x3 convolution's implicit im2col with its input BatchNorm, the patch embedding's gather, the
// strided epilogue onto a residual) checked on machines without a GPU. Every float32 tile shape sums k in order, so
// their outputs must also agree bit for bit with gemm_nt's; gemm_nt_tf32 must match the float64 product of the
// operands rounded to TF32 (and so differ from the float32 product by TF32's rounding, not by a misplaced fragment).
// The tiles staged by cp.async (gemm_async.cuh; cp.async emulated as a plain copy) are held to the same: the float32
// ones bit for bit with gemm_nt, the TF32 one against the rounded operands (where a product does not load float4s,
// the rows forms fall back to the register-staged tile of the same shape, as a launch would).
// NetworkKernelsOnCpuTest runs it.
//
//   g++ -std=c++20 -O1 -pthread gemm_on_cpu.cpp -o gemm_on_cpu && ./gemm_on_cpu
#include "cuda_on_cpu.h"
#include "../../main/cuda/network.cu"
#include "../../main/cuda/gemm_tf32.cu"
#include "gemm_async.cuh"

#include <cstring>
#include <random>
#include <string>

namespace {

struct Case {
    const char* what;
    int mode;
    int m, n, k;
    int h, w, cin, p, oh, ow;  // A_CONV3: h x w positions of cin channels; A_PATCHIFY: the input's h x w, p, output grid
    bool inNorm, relu, residual;
    int cOff, cStride;
};

struct Operands {
    std::vector<float> a, wt, bias, scale, shift, res;
    int lda, ldc;
};

Operands draw(const Case& c, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> unit(-1.f, 1.f);
    Operands o;
    size_t aSize;
    if (c.mode == A_CONV3) {
        o.lda = c.cin;
        aSize = (size_t) c.m * c.cin;
    } else if (c.mode == A_PATCHIFY) {
        o.lda = 0;
        aSize = (size_t) (c.m / (c.oh * c.ow)) * c.cin * c.h * c.w;
    } else {
        o.lda = c.k + 4;  // a window of a wider matrix, as ln_1's right half
        aSize = (size_t) c.m * o.lda;
    }
    o.ldc = c.cOff + (c.n - 1) * c.cStride + 1 + 3;
    o.a.resize(aSize);
    o.wt.resize((size_t) c.n * c.k);
    o.bias.resize(c.n);
    o.scale.resize(std::max(c.cin, 1));
    o.shift.resize(std::max(c.cin, 1));
    o.res.resize((size_t) c.m * o.ldc);
    for (auto* v : {&o.a, &o.wt, &o.bias, &o.scale, &o.shift, &o.res}) {
        for (auto& x : *v) x = unit(rng);
    }
    return o;
}

// A[m, k] as the kernels define it, in float64 (zero padding after the input BatchNorm, as nn.Conv2d pads); tf32:
// as gemm_nt_tf32 stages it, the BatchNorm applied in float32 and the result rounded to TF32
double elementA(const Case& c, const Operands& o, int m, int k, bool tf32) {
    if (c.mode == A_DENSE) return tf32 ? tf32RoundEmulated(o.a[(size_t) m * o.lda + k]) : o.a[(size_t) m * o.lda + k];
    if (c.mode == A_CONV3) {
        int b = m / (c.h * c.w), y = m / c.w % c.h, x = m % c.w;
        int tap = k / c.cin, ci = k % c.cin;
        int yy = y + tap / 3 - 1, xx = x + tap % 3 - 1;
        if (yy < 0 || yy >= c.h || xx < 0 || xx >= c.w) return 0;
        float v = o.a[(((size_t) b * c.h + yy) * c.w + xx) * c.cin + ci];
        if (tf32) return tf32RoundEmulated(c.inNorm ? v * o.scale[ci] + o.shift[ci] : v);
        return c.inNorm ? (double) v * o.scale[ci] + o.shift[ci] : v;
    }
    int b = m / (c.oh * c.ow), py = m / c.ow % c.oh, px = m % c.ow;
    int ci = k / (c.p * c.p), ky = k / c.p % c.p, kx = k % c.p;
    float v = o.a[(((size_t) b * c.cin + ci) * c.h + py * c.p + ky) * c.w + px * c.p + kx];
    return tf32 ? tf32RoundEmulated(v) : v;
}

// The product's outputs in float64, NaN where the product writes nothing (the padding of each output row, the
// columns the channel shuffle leaves to another product); tf32: of the operands rounded to TF32
std::vector<double> reference(const Case& c, const Operands& o, bool tf32) {
    std::vector<double> out(o.res.size(), NAN);
    for (int m = 0; m < c.m; m++) {
        for (int n = 0; n < c.n; n++) {
            double s = o.bias[n];
            for (int k = 0; k < c.k; k++) {
                float wv = o.wt[(size_t) n * c.k + k];
                s += elementA(c, o, m, k, tf32) * (tf32 ? tf32RoundEmulated(wv) : wv);
            }
            if (c.relu) s = std::max(s, 0.0);
            size_t idx = (size_t) m * o.ldc + c.cOff + (size_t) n * c.cStride;
            out[idx] = (c.residual ? o.res[idx] : 0.0) + s;
        }
    }
    return out;
}

using Kernel = void (*)(GEMM_PARAMS);

struct Tiling {
    const char* name;
    Kernel kernel;
    unsigned bm, bn, threads;
};

template <int BM, int BN, int BK, int RM, int RN, int TH>
void tile(GEMM_PARAMS) {
    gemmTile<BM, BN, BK, RM, RN, TH>(GEMM_ARGS);
}

template <int BM, int BN, int BK, int RM, int RN, int TH, int S>
void tileAsync(GEMM_PARAMS) {
    gemmTileAsync<BM, BN, BK, RM, RN, TH, S>(GEMM_ARGS);
}

template <int BM, int BN, int BK, int RM, int RN, int TH, int S>
void tileRows(GEMM_PARAMS) {
    if (gemmVectorLoads(a, wt, K, lda, mode, cin) && mode != A_PATCHIFY) {
        gemmTileAsyncRows<BM, BN, BK, RM, RN, TH, S>(GEMM_ARGS);
    } else {
        gemmTile<BM, BN, BK, RM, RN, TH>(GEMM_ARGS);
    }
}

const Tiling TILINGS[] = {
    {"gemm_nt", gemm_nt, 64, 64, 256},
    {"128x128x8/256", tile<128, 128, 8, 2, 2, 256>, 128, 128, 256},
    {"128x128x16/256", tile<128, 128, 16, 2, 2, 256>, 128, 128, 256},
    {"128x64x8/128", tile<128, 64, 8, 2, 2, 128>, 128, 64, 128},
    {"64x128x16/128", tile<64, 128, 16, 2, 2, 128>, 64, 128, 128},
    {"64x64x8/64", tile<64, 64, 8, 2, 2, 64>, 64, 64, 64},
    {"async 64x64x16/256 s3", tileAsync<64, 64, 16, 1, 1, 256, 3>, 64, 64, 256},
    {"rows 64x64x16/256 s3", tileRows<64, 64, 16, 1, 1, 256, 3>, 64, 64, 256},
};
template <int BM, int BN, int BK, int WARPS_M, int WARPS_N>
void tileTf32(GEMM_PARAMS) {
    gemmTf32Tile<BM, BN, BK, WARPS_M, WARPS_N>(GEMM_ARGS);
}

template <int BM, int BN, int BK, int WARPS_M, int WARPS_N, int S>
void tileTf32Async(GEMM_PARAMS) {
    if (gemmVectorLoads(a, wt, K, lda, mode, cin) && mode != A_PATCHIFY) {
        gemmTf32TileAsync<BM, BN, BK, WARPS_M, WARPS_N, S>(GEMM_ARGS);
    } else {
        gemmTf32Tile<BM, BN, BK, WARPS_M, WARPS_N>(GEMM_ARGS);
    }
}

const Tiling TF32 = {"gemm_nt_tf32", gemm_nt_tf32, 64, 64, 256};
// other shapes gemmTf32Tile takes (gemm_bench times them): 4 warps of 32x32; 8 warps of 64x32, 16 deep
const Tiling TF32_OTHERS[] = {
    {"tf32 64x64x32/128", tileTf32<64, 64, 32, 2, 2>, 64, 64, 128},
    {"tf32 128x128x16/256", tileTf32<128, 128, 16, 2, 4>, 128, 128, 256},
    {"tf32 async 64x64x16/256 s3", tileTf32Async<64, 64, 16, 2, 4, 3>, 64, 64, 256},
};

// One product on one tiling; splits > 1: gemm_nt's split K (partial sums, then splitk_epilogue in order).
std::vector<float> run(const Case& c, const Operands& o, const Tiling& t, int splits) {
    std::vector<float> out(o.res);  // also the residual: the epilogue reads and writes the same element
    int kChunk = splits > 1 ? (c.k + splits - 1) / splits / 16 * 16 + 16 : c.k;
    int used = splits > 1 ? (c.k + kChunk - 1) / kChunk : 1;
    std::vector<float> partial(splits > 1 ? (size_t) used * c.m * c.n : 0, NAN);
    const float* res = c.residual ? o.res.data() : nullptr;
    const float* scale = c.inNorm ? o.scale.data() : nullptr;
    const float* shift = c.inNorm ? o.shift.data() : nullptr;
    launch({(c.n + t.bn - 1) / t.bn, (c.m + t.bm - 1) / t.bm, (unsigned) used}, t.threads, [&] {
        t.kernel(c.m, c.n, c.k, o.a.data(), o.lda, c.mode, c.h, c.w, c.cin, c.p, c.oh, c.ow, scale, shift,
                 o.wt.data(), o.bias.data(), c.relu ? ACT_RELU : ACT_NONE, out.data(), o.ldc, c.cOff, c.cStride, res,
                 splits > 1 ? partial.data() : nullptr, kChunk);
    });
    if (splits > 1) {
        unsigned total = c.m * c.n;
        launch({(total + 127) / 128, 1, 1}, 128, [&] {
            splitk_epilogue(c.m, c.n, used, partial.data(), o.bias.data(), c.relu ? ACT_RELU : ACT_NONE, out.data(),
                            o.ldc, c.cOff, c.cStride, res);
        });
    }
    return out;
}

bool check(const Case& c) {
    Operands o = draw(c, 31u * c.m + c.n);
    std::vector<double> reference32 = reference(c, o, false);
    std::vector<double> wantTf32 = reference(c, o, true);
    double scale = 0;
    for (double v : reference32) scale = std::isnan(v) ? scale : std::max(scale, std::fabs(v));
    std::vector<float> first;
    bool ok = true;
    auto judge = [&](const std::string& name, const std::vector<float>& got, bool exact, bool tf32 = false) {
        const std::vector<double>& want = tf32 ? wantTf32 : reference32;
        double diff = 0;
        size_t wrong = 0;
        for (size_t i = 0; i < want.size(); i++) {
            if (std::isnan(want[i])) {
                wrong += std::memcmp(&got[i], &o.res[i], sizeof(float)) != 0;  // not the product's: untouched
                continue;
            }
            double e = std::fabs(got[i] - want[i]);
            if (std::isnan(e)) wrong++;
            else diff = std::max(diff, e);
        }
        bool same = !exact || std::memcmp(got.data(), first.data(), got.size() * sizeof(float)) == 0;
        bool pass = wrong == 0 && diff <= 1e-5 * scale && same;
        std::printf("%s %s, %s: max|C - C64| %.3g (limit %.3g), %zu elements wrong, unwritten or written outside the product%s\n",
                    pass ? "PASS" : "FAIL", c.what, name.c_str(), diff, 1e-5 * scale, wrong,
                    exact ? (same ? ", bit-identical to gemm_nt" : ", NOT bit-identical to gemm_nt") : "");
        ok = ok && pass;
    };
    for (const Tiling& t : TILINGS) {
        std::vector<float> got = run(c, o, t, 1);
        if (first.empty()) {
            first = got;
            judge(t.name, got, false);
        } else {
            judge(t.name, got, true);
        }
    }
    judge("gemm_nt, K split in 3", run(c, o, TILINGS[0], 3), false);
    for (const Tiling& t : TILINGS) {
        if (std::strcmp(t.name, "rows 64x64x16/256 s3") == 0) {
            judge(std::string(t.name) + ", K split in 3", run(c, o, t, 3), false);
        }
    }
    std::vector<float> tf32 = run(c, o, TF32, 1);
    judge("gemm_nt_tf32 against the TF32-rounded operands", tf32, false, true);
    judge("gemm_nt_tf32, K split in 3, against the TF32-rounded operands", run(c, o, TF32, 3), false, true);
    for (const Tiling& t : TF32_OTHERS) {
        judge(std::string(t.name) + " against the TF32-rounded operands", run(c, o, t, 1), false, true);
    }
    // and the rounding happened: the float32 tiles come within 1e-6 of the float64 product, TF32 lies well beyond
    double off = 0;
    for (size_t i = 0; i < reference32.size(); i++) {
        if (!std::isnan(reference32[i])) off = std::max(off, std::fabs(tf32[i] - reference32[i]));
    }
    bool rounded = off > 1e-5 * scale;
    std::printf("%s %s, gemm_nt_tf32 against the float32 operands: max|C - C64| %.3g (TF32 rounding: above %.3g)\n",
                rounded ? "PASS" : "FAIL", c.what, off, 1e-5 * scale);
    return ok && rounded;
}

}  // namespace

int main() {
    const Case cases[] = {
        // edge tiles along M and N; K a multiple of four (float4 loads) but of no tile depth; ReLU
        {"dense 130x70, K 36", A_DENSE, 130, 70, 36, 0, 0, 0, 0, 0, 0, false, true, false, 0, 1},
        // K not a multiple of four: the scalar loader; the channel-shuffle epilogue (stride 2, offset 1) onto a
        // residual
        {"dense 67x9, K 30, strided onto a residual", A_DENSE, 67, 9, 30, 0, 0, 0, 0, 0, 0, false, false, true, 1, 2},
        // 3x3 convolution of 2 images of 9x7 positions, 8 channels, with its input BatchNorm (zero padding after it)
        {"3x3 conv 2x9x7, 8 -> 12, input BN", A_CONV3, 126, 12, 72, 9, 7, 8, 0, 0, 0, true, true, false, 0, 1},
        // cin 12: a 16-deep tile straddles taps at other offsets; 70 rows of 64 and 128 wide tiles
        {"3x3 conv 1x10x7, 12 -> 20, input BN", A_CONV3, 70, 20, 108, 10, 7, 12, 0, 0, 0, true, false, false, 0, 1},
        // the patch embedding: 2 images of 3x12x8, 4x4 patches
        {"patchify 2x3x12x8, p 4 -> 10", A_PATCHIFY, 12, 10, 48, 12, 8, 3, 4, 3, 2, false, false, false, 0, 1},
    };
    bool ok = true;
    for (const Case& c : cases) ok = check(c) && ok;
    return ok ? 0 : 1;
}
