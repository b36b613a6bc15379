#!/usr/bin/env bash
# Builds scan_bench.cu (the kernel with its default macros, then each variant given as an argument, e.g.
# "-DTILE=128" or "-DCHANNELS=4 -DTILE=32"), runs each on the GPU, and writes the reports, the compiler's resource
# report and the default build's SASS into the folder $OUT (default: the current one). Needs nvcc and a GPU.
#   inference/src/test/gpu/scan-bench.sh "" "-DTILE=128" "-DACCURATE_SOFTPLUS"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-.}"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv,noheader || true
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=("")
status=0
for i in "${!variants[@]}"; do
  flags="${variants[$i]}"
  # shellcheck disable=SC2086
  nvcc -O3 -std=c++17 -arch=sm_90 -Xptxas -v $flags -o "/tmp/scan_bench_$i" "$here/scan_bench.cu" \
    > "$out/ptxas-$i.txt" 2>&1 &
done
wait
for i in "${!variants[@]}"; do
  echo "== variant $i: ${variants[$i]:-defaults} ($(grep -o 'Used [0-9]* registers' "$out/ptxas-$i.txt" | head -1))"
  "/tmp/scan_bench_$i" | tee "$out/scan-bench-$i.txt" || status=1
done
cuobjdump --dump-sass /tmp/scan_bench_0 > "$out/sass-0.txt" 2>&1 || true
exit $status
