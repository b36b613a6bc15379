#!/usr/bin/env bash
# Runs the CUDA scan's checks and timings on a machine with an NVIDIA GPU (prepare .device with
# prepare-device.sh first). Writes gpu-checks.txt into the folder given as $1 (default: the current one).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../../.." && pwd)"
out="${1:-.}"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv,noheader || true
java_home=/tmp/radmamba-jre
[ -x "$java_home/jre/bin/java" ] || { mkdir -p "$java_home" && xz -dc "$repo/.device/jre.tar.xz" | tar -C "$java_home" -xf -; }
"$java_home/jre/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m \
  -cp "$repo/.device/classes:$repo/inference/src/test/resources:$repo/.device/lib/*" org.radmamba.inference.scan.CudaScanGpuCheck "$out" "${@:2}"
