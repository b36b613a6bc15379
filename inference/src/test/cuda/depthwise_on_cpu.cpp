// network.cu's depthwise_silu run on the CPU through cuda_on_cpu.h and compared with a float64 convolution: its
// index split (a thread per pixel and four channels), the 16-byte path and the one-by-one path (channels, row stride
// or pointers not multiples of four), the image borders and a kernel wider than the image.
// NetworkKernelsOnCpuTest compiles and runs it; exit status 0 when every shape agrees.
//
//   g++ -std=c++20 -O1 -pthread depthwise_on_cpu.cpp -o depthwise_on_cpu && ./depthwise_on_cpu
#include "cuda_on_cpu.h"
#include "../../main/cuda/network.cu"

#include <random>

namespace {

struct Shape {
    int batch, h, w, channels, k, ldx, shift;  // shift: floats xz starts past a 16-byte boundary
    const char* what;
};

bool check(const Shape& s) {
    std::mt19937 rng(31u * s.channels + s.k);
    std::uniform_real_distribution<float> unit(-1.f, 1.f);
    size_t pixels = (size_t) s.batch * s.h * s.w;
    std::vector<float4> xzStore((pixels * s.ldx + s.shift + 3) / 4 + 1);
    float* xz = reinterpret_cast<float*>(xzStore.data()) + s.shift;
    std::vector<float4> wtStore((s.k * s.k * s.channels + 3) / 4 + 1), biasStore((s.channels + 3) / 4 + 1),
        uStore((pixels * s.channels + 3) / 4 + 1);
    float* wt = reinterpret_cast<float*>(wtStore.data());
    float* bias = reinterpret_cast<float*>(biasStore.data());
    float* u = reinterpret_cast<float*>(uStore.data());
    for (size_t i = 0; i < pixels * s.ldx; i++) xz[i] = unit(rng);
    for (int i = 0; i < s.k * s.k * s.channels; i++) wt[i] = unit(rng);
    for (int i = 0; i < s.channels; i++) bias[i] = unit(rng);
    for (size_t i = 0; i < pixels * s.channels; i++) u[i] = NAN;
    unsigned threads = 64;
    long long total = (long long) pixels * ((s.channels + 3) / 4);
    launch({(unsigned) ((total + threads - 1) / threads), 1, 1}, threads,
           [&] { depthwise_silu(s.batch, s.h, s.w, s.channels, s.k, xz, s.ldx, wt, bias, u); });
    int pad = (s.k - 1) / 2;
    double diff = 0, scale = 0;
    size_t unwritten = 0;
    for (size_t p = 0; p < pixels; p++) {
        int x = (int) (p % s.w), y = (int) (p / s.w % s.h);
        size_t image = p / ((size_t) s.w * s.h);
        for (int c = 0; c < s.channels; c++) {
            double acc = bias[c];
            for (int ky = 0; ky < s.k; ky++) {
                for (int kx = 0; kx < s.k; kx++) {
                    int iy = y + ky - pad, ix = x + kx - pad;
                    if (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w) {
                        acc += (double) wt[(ky * s.k + kx) * s.channels + c]
                               * xz[((image * s.h + iy) * s.w + ix) * s.ldx + c];
                    }
                }
            }
            double want = acc / (1 + std::exp(-acc));
            float got = u[p * s.channels + c];
            scale = std::max(scale, std::fabs(want));
            if (std::isnan(got)) unwritten++;
            else diff = std::max(diff, std::fabs(got - want));
        }
    }
    bool ok = unwritten == 0 && diff <= 1e-5 * scale;
    std::printf("%s %s: batch %d, %dx%d, %d channels, k %d, row stride %d: max|u - u64| %.3g (limit %.3g), %zu not "
                "written\n", ok ? "PASS" : "FAIL", s.what, s.batch, s.h, s.w, s.channels, s.k, s.ldx, diff,
                1e-5 * scale, unwritten);
    return ok;
}

}  // namespace

int main() {
    const Shape shapes[] = {
        {2, 5, 7, 16, 3, 32, 0, "16-byte loads (in_proj's x half of a 2 x 16 wide row)"},
        {1, 4, 6, 10, 3, 20, 0, "10 channels: the last group of four holds two"},
        {1, 5, 5, 12, 3, 13, 0, "a row stride not a multiple of four"},
        {1, 6, 5, 8, 3, 16, 1, "xz 4 bytes past a 16-byte boundary"},
        {2, 3, 2, 8, 5, 8, 0, "a 5x5 kernel wider than the 3x2 image"},
    };
    bool ok = true;
    for (const Shape& s : shapes) ok = check(s) && ok;
    return ok ? 0 : 1;
}
