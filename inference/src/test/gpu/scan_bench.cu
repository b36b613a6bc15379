// Kernel development harness for src/main/cuda/selective_scan.cu (run by scan-bench.sh on a machine with an NVIDIA
// GPU and nvcc; CI has neither). Checks the kernel against a float64 reference on random plain and cross scans of
// several shapes (N = 16, 5, 4, 1; square and non-square maps; every softplus branch), then times it with CUDA
// events at MedMamba-T's four stage sizes, against the device-to-device copy bandwidth and the exp floor.
// The kernel's macros (CHANNELS, TILE, ACCURATE_SOFTPLUS) may be set on the nvcc command line to compare variants;
// the Java side (CudaScan) launches the defaults.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "../../main/cuda/selective_scan.cu"

#define CHECK(call)                                                                                  \
    do {                                                                                             \
        cudaError_t status_ = (call);                                                                \
        if (status_ != cudaSuccess) {                                                                \
            std::fprintf(stderr, "%s failed: %s (%s:%d)\n", #call, cudaGetErrorString(status_),      \
                         __FILE__, __LINE__);                                                        \
            std::exit(2);                                                                            \
        }                                                                                            \
    } while (0)

namespace {

struct Shape {
    int batch, K, D, N, H, W;
    bool cross;
    long long L() const { return (long long) H * W; }
    long long uFloats() const { return (long long) batch * (cross ? D : K * D) * L(); }
    long long deltaFloats() const { return (long long) batch * K * D * L(); }
    long long projectionFloats() const { return (long long) batch * K * N * L(); }
    long long yFloats() const { return uFloats(); }
    // The fewest bytes a scan must move: every input read once, y written once.
    double floorBytes() const {
        return 4.0 * (uFloats() + deltaFloats() + 2 * projectionFloats() + yFloats() + (long long) K * D * (N + 2));
    }
};

struct Inputs {
    std::vector<float> u, delta, A, B, C, Dskip, bias;
};

Inputs randomInputs(const Shape& s, std::mt19937& rng) {
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    Inputs in;
    in.u.resize(s.uFloats());
    in.delta.resize(s.deltaFloats());
    in.A.resize((size_t) s.K * s.D * s.N);
    in.B.resize(s.projectionFloats());
    in.C.resize(s.projectionFloats());
    in.Dskip.resize((size_t) s.K * s.D);
    in.bias.resize((size_t) s.K * s.D);
    for (auto& v : in.u) v = normal(rng);
    // delta + bias spans softplus's three branches: the series (x < -2.77), lg2, and x > 20 (a few).
    for (auto& v : in.delta) v = uniform(rng) < 0.002f ? 25.0f : normal(rng);
    for (size_t i = 0; i < in.A.size(); i++) {
        in.A[i] = -std::exp(std::log((float) (i % s.N) + 1.0f) + 0.5f * normal(rng));  // S4D-real, trained apart
    }
    for (auto& v : in.B) v = normal(rng);
    for (auto& v : in.C) v = normal(rng);
    for (auto& v : in.Dskip) v = 1.0f + 0.1f * normal(rng);
    for (auto& v : in.bias) v = -7.0f + 9.0f * uniform(rng);
    return in;
}

int positionOf(const Shape& s, int k, long long t) {
    long long L = s.L();
    if (!s.cross) return (int) t;
    switch (k) {
        case 0: return (int) t;
        case 2: return (int) (L - 1 - t);
        case 1: return (int) ((t % s.H) * s.W + t / s.H);
        default: { long long r = L - 1 - t; return (int) ((r % s.H) * s.W + r / s.H); }
    }
}

std::vector<double> reference(const Shape& s, const Inputs& in) {
    const long long L = s.L();
    std::vector<double> y(s.yFloats(), 0.0);
    std::vector<double> h(s.N);
    for (int b = 0; b < s.batch; b++)
        for (int k = 0; k < s.K; k++)
            for (int d = 0; d < s.D; d++) {
                const int ch = k * s.D + d;
                std::fill(h.begin(), h.end(), 0.0);
                const long long uRow = s.cross ? ((long long) b * s.D + d) * L : ((long long) b * s.K * s.D + ch) * L;
                const long long dRow = ((long long) b * s.K * s.D + ch) * L;
                const long long pRow = ((long long) b * s.K + k) * s.N * L;
                for (long long t = 0; t < L; t++) {
                    const int p = positionOf(s, k, t);
                    const double x = (double) in.delta[dRow + p] + in.bias[ch];
                    const double dt = x > 20.0 ? x : std::log1p(std::exp(x));
                    const double uu = in.u[uRow + p];
                    double out = (double) in.Dskip[ch] * uu;
                    for (int n = 0; n < s.N; n++) {
                        h[n] = std::exp(dt * in.A[(size_t) ch * s.N + n]) * h[n]
                               + dt * in.B[pRow + (long long) n * L + p] * uu;
                        out += h[n] * in.C[pRow + (long long) n * L + p];
                    }
                    y[uRow + p] += out;
                }
            }
    return y;
}

struct DeviceInputs {
    float *u, *delta, *A, *B, *C, *Dskip, *bias, *y;
    float *uT, *deltaT, *BT, *CT, *yT;  // the cross scan's column-major copies
};

template <typename T>
T* upload(const std::vector<T>& host) {
    T* device;
    CHECK(cudaMalloc(&device, host.size() * sizeof(T)));
    CHECK(cudaMemcpy(device, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
    return device;
}

DeviceInputs uploadAll(const Shape& s, const Inputs& in) {
    DeviceInputs dev{upload(in.u), upload(in.delta), upload(in.A), upload(in.B), upload(in.C), upload(in.Dskip),
                     upload(in.bias), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
    CHECK(cudaMalloc(&dev.y, s.yFloats() * sizeof(float)));
    if (s.cross) {
        CHECK(cudaMalloc(&dev.uT, s.uFloats() * sizeof(float)));
        CHECK(cudaMalloc(&dev.deltaT, s.deltaFloats() / 2 * sizeof(float)));
        CHECK(cudaMalloc(&dev.BT, s.projectionFloats() / 2 * sizeof(float)));
        CHECK(cudaMalloc(&dev.CT, s.projectionFloats() / 2 * sizeof(float)));
        CHECK(cudaMalloc(&dev.yT, s.yFloats() * sizeof(float)));
    }
    return dev;
}

void freeAll(DeviceInputs& dev) {
    for (float* p : {dev.u, dev.delta, dev.A, dev.B, dev.C, dev.Dskip, dev.bias, dev.y, dev.uT, dev.deltaT, dev.BT,
                     dev.CT, dev.yT}) {
        if (p != nullptr) CHECK(cudaFree(p));
    }
}

const size_t kSharedBytes = SHARED_FLOATS * sizeof(float);

void launch(const Shape& s, const DeviceInputs& dev, cudaStream_t stream) {
    const int L = (int) s.L();
    if (s.cross) {
        CHECK(cudaMemsetAsync(dev.y, 0, s.yFloats() * sizeof(float), stream));
        CHECK(cudaMemsetAsync(dev.yT, 0, s.yFloats() * sizeof(float), stream));
        const int tiles = ((s.H + 31) / 32) * ((s.W + 31) / 32);
        const int planes = s.batch * (3 * s.D + 4 * s.N);
        cross_layout<<<dim3(tiles, std::min(planes, 65535)), TRANSPOSE_THREADS, 0, stream>>>(
            dev.u, dev.delta, dev.B, dev.C, dev.uT, dev.deltaT, dev.BT, dev.CT, s.batch, s.K, s.D, s.N, s.H, s.W);
        CHECK(cudaGetLastError());
    }
    dim3 grid((s.D + CHANNELS - 1) / CHANNELS, s.K, s.batch);
    selective_scan<<<grid, THREADS, kSharedBytes, stream>>>(dev.u, dev.delta, dev.A, dev.B, dev.C, dev.Dskip, dev.bias,
                                                           dev.y, dev.uT, dev.deltaT, dev.BT, dev.CT, dev.yT, s.K,
                                                           s.D, s.N, L, s.cross);
    CHECK(cudaGetLastError());
    if (s.cross) {
        const int tiles = ((s.H + 31) / 32) * ((s.W + 31) / 32);
        cross_combine<<<dim3(tiles, std::min(s.batch * s.D, 65535)), TRANSPOSE_THREADS, 0, stream>>>(
            dev.yT, dev.y, s.batch * s.D, s.H, s.W);
        CHECK(cudaGetLastError());
    }
}

int failures = 0;

void parity(const Shape& s, std::mt19937& rng) {
    Inputs in = randomInputs(s, rng);
    std::vector<double> ref = reference(s, in);
    DeviceInputs dev = uploadAll(s, in);
    // Poison y: a plain scan must write every element (a cross scan zeroes it first by contract).
    std::vector<float> nan(s.yFloats(), std::nanf(""));
    CHECK(cudaMemcpy(dev.y, nan.data(), nan.size() * sizeof(float), cudaMemcpyHostToDevice));
    launch(s, dev, 0);
    CHECK(cudaDeviceSynchronize());
    std::vector<float> y(s.yFloats());
    CHECK(cudaMemcpy(y.data(), dev.y, y.size() * sizeof(float), cudaMemcpyDeviceToHost));
    double scale = 0.0, error = 0.0;
    for (size_t i = 0; i < y.size(); i++) {
        scale = std::max(scale, std::fabs(ref[i]));
        double e = std::fabs((double) y[i] - ref[i]);
        error = std::isnan(e) ? INFINITY : std::max(error, e);
    }
    const bool ok = error <= 1e-5 * scale;
    failures += ok ? 0 : 1;
    std::printf("parity %-5s b=%d K=%d D=%3d N=%2d %3dx%-4d max|y_ref|=%9.3f max|err|=%.3g ratio=%.2e %s\n",
                s.cross ? "cross" : "plain", s.batch, s.K, s.D, s.N, s.H, s.W, scale, error, error / scale,
                ok ? "ok" : "FAILED");
    freeAll(dev);
}

double copyBandwidth() {
    const size_t bytes = 1ull << 30;
    void *a, *b;
    CHECK(cudaMalloc(&a, bytes));
    CHECK(cudaMalloc(&b, bytes));
    CHECK(cudaMemset(a, 1, bytes));
    cudaEvent_t start, stop;
    CHECK(cudaEventCreate(&start));
    CHECK(cudaEventCreate(&stop));
    for (int i = 0; i < 3; i++) CHECK(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice));
    std::vector<float> ms;
    for (int i = 0; i < 10; i++) {
        CHECK(cudaEventRecord(start));
        CHECK(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice));
        CHECK(cudaEventRecord(stop));
        CHECK(cudaEventSynchronize(stop));
        float t;
        CHECK(cudaEventElapsedTime(&t, start, stop));
        ms.push_back(t);
    }
    std::sort(ms.begin(), ms.end());
    CHECK(cudaFree(a));
    CHECK(cudaFree(b));
    return 2.0 * bytes / (ms[ms.size() / 2] * 1e-3) / 1e9;  // bytes read + written
}

// Median over 15 samples of the mean time of 10 back-to-back calls (y zeroing included for cross scans),
// rotating over enough input sets that they do not all fit in the L2 cache.
double timeKernel(const Shape& s, std::mt19937& rng, size_t l2Bytes) {
    const int sets = (int) std::min<double>(16.0, std::max(1.0, std::ceil(3.0 * l2Bytes / s.floorBytes())));
    Inputs in = randomInputs(s, rng);
    std::vector<DeviceInputs> devs;
    for (int i = 0; i < sets; i++) devs.push_back(uploadAll(s, in));
    cudaEvent_t start, stop;
    CHECK(cudaEventCreate(&start));
    CHECK(cudaEventCreate(&stop));
    for (int i = 0; i < 5; i++) launch(s, devs[i % sets], 0);
    std::vector<float> samples;
    for (int sample = 0; sample < 15; sample++) {
        CHECK(cudaEventRecord(start));
        for (int i = 0; i < 10; i++) launch(s, devs[(sample * 10 + i) % sets], 0);
        CHECK(cudaEventRecord(stop));
        CHECK(cudaEventSynchronize(stop));
        float t;
        CHECK(cudaEventElapsedTime(&t, start, stop));
        samples.push_back(t / 10);
    }
    for (auto& dev : devs) freeAll(dev);
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2] * 1e3;  // µs
}

}  // namespace

int main(int argc, char** argv) {
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    int clockKHz = 0;
    CHECK(cudaDeviceGetAttribute(&clockKHz, cudaDevAttrClockRate, 0));
    CHECK(cudaFuncSetAttribute(selective_scan, cudaFuncAttributeMaxDynamicSharedMemorySize, (int) kSharedBytes));
    cudaFuncAttributes attributes;
    CHECK(cudaFuncGetAttributes(&attributes, selective_scan));
    int blocksPerSm = 0;
    CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocksPerSm, selective_scan, THREADS, kSharedBytes));
    std::printf("device %s, %d SMs, clock %.2f GHz, L2 %d MB\n", prop.name, prop.multiProcessorCount,
                clockKHz / 1e6, prop.l2CacheSize >> 20);
#ifdef ACCURATE_SOFTPLUS
    const char* softplusKind = "accurate";
#else
    const char* softplusKind = "fast";
#endif
    std::printf("variant CHANNELS=%d TILE=%d softplus=%s: %d threads, %zu B shared, %d registers, %zu B local, "
                "%d blocks per SM\n", CHANNELS, TILE, softplusKind, THREADS, kSharedBytes, attributes.numRegs,
                (size_t) attributes.localSizeBytes, blocksPerSm);

    std::mt19937 rng(20261130);
    if (argc > 1 && std::string(argv[1]) == "profile") {
        // For ncu: one plain and one cross scan at stage 1, batch 8, after a warm-up of each.
        for (bool cross : {false, true}) {
            Shape s = cross ? Shape{8, 4, 96, 16, 56, 56, true} : Shape{8, 4, 96, 16, 1, 3136, false};
            Inputs in = randomInputs(s, rng);
            DeviceInputs dev = uploadAll(s, in);
            launch(s, dev, 0);
            launch(s, dev, 0);
            CHECK(cudaDeviceSynchronize());
            freeAll(dev);
        }
        return 0;
    }
    for (Shape s : {Shape{2, 4, 96, 16, 56, 56, true}, Shape{1, 4, 20, 16, 7, 13, true},
                    Shape{1, 4, 20, 16, 13, 7, true}, Shape{2, 4, 12, 4, 33, 70, true},
                    Shape{1, 4, 9, 5, 1, 50, true}, Shape{1, 4, 9, 5, 45, 1, true},
                    Shape{2, 4, 40, 1, 17, 19, true}, Shape{2, 4, 96, 16, 1, 4099, false},
                    Shape{1, 2, 33, 5, 1, 200, false}, Shape{3, 1, 7, 16, 1, 61, false},
                    // MedMamba-T's stages 2-4 and VM-UNet's first stage (64 x 64 at 256 x 256 input)
                    Shape{2, 4, 192, 16, 28, 28, true}, Shape{3, 4, 384, 16, 14, 14, true},
                    Shape{2, 4, 768, 16, 7, 7, true}, Shape{1, 4, 64, 16, 64, 64, true}}) {
        parity(s, rng);
    }

    const double copy = copyBandwidth();
    const double exps = 16.0 * prop.multiProcessorCount * clockKHz * 1e3;  // special-function unit: 16/clock/SM
    std::printf("device-to-device copy: %.0f GB/s (read + written); exp rate %.2f T/s\n", copy, exps / 1e12);
    std::printf("%-22s %5s %9s %10s %10s %9s %9s %8s %8s\n", "shape", "batch", "floor MB", "floor us", "exp us",
                "kernel us", "GB/s", "of copy", "of exp");
    struct Stage { int D, side; };
    for (Stage stage : {Stage{96, 56}, Stage{192, 28}, Stage{384, 14}, Stage{768, 7}}) {
        for (int batch : {1, 8, 32}) {
            Shape s{batch, 4, stage.D, 16, stage.side, stage.side, true};
            const double us = timeKernel(s, rng, prop.l2CacheSize);
            const double floorUs = s.floorBytes() / copy / 1e3;
            const double expUs = (double) s.batch * s.K * s.D * s.L() * s.N / exps * 1e6;
            std::printf("cross D=%3d %2dx%-2d N=16 %5d %9.2f %10.1f %10.1f %9.1f %9.0f %7.0f%% %7.0f%%\n", stage.D,
                        stage.side, stage.side, batch, s.floorBytes() / 1e6, floorUs, expUs, us,
                        s.floorBytes() / us / 1e3, 100.0 * floorUs / us, 100.0 * expUs / us);
        }
    }
    std::printf(failures == 0 ? "ALL PARITY CHECKS PASSED\n" : "%d PARITY CHECKS FAILED\n", failures);
    return failures == 0 ? 0 : 1;
}
