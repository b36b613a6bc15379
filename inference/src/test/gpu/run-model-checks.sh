#!/usr/bin/env bash
# On the GPU machine, after device-payload.sh assemble: whole-model parity with the CUDA scan
# (ModelParityGpuCheck) and end-to-end timings, CUDA scan against CPU SIMD scan (bench model --device cuda|cpu).
#
#   run-model-checks.sh parity [FIXTURES_DIR]   medmamba_tiny, vmunet_tiny_* (test resources) and, with
#                                               FIXTURES_DIR, medmamba_t
#   run-model-checks.sh bench                   MedMamba-T 224x224 batch 1 and 8, VM-UNet ISIC 256x256 batch 1
#
# Run from the repository root (the model fixtures are read from test-fixtures/).
set -euo pipefail
rt="${RT:-/tmp/radmamba-rt}"
java="$rt/jre/bin/java"
cp="$rt/app/classes:$rt/app/lib/*:$rt/njars/nd4j-native-linux-x86_64.jar:$rt/njars/openblas-linux-x86_64.jar"
opts=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
# EXTRA_JAVA_OPTS, e.g. "-Dradmamba.cuda.ptx=FILE", runs the checks with a PTX other than the bundled one.
read -r -a extra <<< "${EXTRA_JAVA_OPTS:-}"
opts+=("${extra[@]}")
threads="${THREADS:-$(nproc)}"
case "${1:-}" in
  parity)
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
    "$java" "${opts[@]}" -cp "$cp" org.radmamba.inference.ModelParityGpuCheck test-fixtures ${2:+"$2"} \
      2>&1 | grep -v '^\[main\] INFO org.nd4j\|^[A-Z_]*$\|^ *\(GCC\|STD version\|DEFAULT_ENGINE\|HAVE_\)' || true
    ;;
  bench)
    lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Flags)' | cut -c1-160 || true
    bench=("$java" "${opts[@]}" -cp "$cp" org.radmamba.app.bench.BenchModelCommand --threads "$threads"
      --warmup "${WARMUP:-3}" --runs "${RUNS:-10}" --profile)
    for device in cpu cuda; do
      "${bench[@]}" --model medmamba_t --batch 1,8 --device "$device"
      "${bench[@]}" --model vmunet_isic --batch 1 --device "$device"
    done
    ;;
  *)
    echo "usage: run-model-checks.sh parity [FIXTURES_DIR] | bench" >&2
    exit 2
    ;;
esac
