// What the GPU benchmarks of this folder share: a CUDA runtime call checked (the error named, exit 1) and the median
// of timed samples.
#pragma once
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define CHECK(x)                                                                                                     \
    do {                                                                                                             \
        cudaError_t e_ = (x);                                                                                        \
        if (e_ != cudaSuccess) {                                                                                     \
            std::fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e_));                                            \
            std::exit(1);                                                                                            \
        }                                                                                                            \
    } while (0)

inline float median(std::vector<float> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
