#!/usr/bin/env bash
# On the GPU machine, from the repository root, with the folder prepare-network-payload.sh made (PAYLOAD, default
# .device/network): unpacks the runtime, rebuilds medmamba_t.pth with PyTorch when the payload carries golden/, and
# runs CudaNetworkGpuCheck parity and bench (profile: PROFILE_MODELS, medmamba_t and/or vmunet_isic, at each of
# PROFILE_BATCHES; bench and profile in PRECISION, float32 unless tf32); tf32: the TF32 option against float32 on the
# goldens and the demo models' held-out images; gemm-bench: the GEMM kernels alone (nvcc); with peer/ in the payload,
# the GPU peer's bench.py in the same session.
#
#   run-network-checks.sh [stash] [parity] [consistency] [bench] [profile] [tf32] [gemm-bench] [peer]
#
# The work tree and the payload must stay under the device tool's 64 MiB (counted in file-system blocks: the tree
# alone takes 54 MiB), so the payload may travel in parts, one a call, each call made while the machine is still
# warm: `stash` copies the parts of this call's PAYLOAD into STASH (default /tmp/radmamba-network-parts, which outlives
# a call on a warm machine), and every step reads the payload from there.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
stash="${STASH:-/tmp/radmamba-network-parts}"
rt="${RT:-/tmp/radmamba-network-rt}"
mkdir -p "$rt" "$stash"
if [ "${1:-}" = stash ]; then
  shift
  cp -r "$here"/. "$stash/"
  echo "stash: $(ls "$stash" | tr '\n' ' ')($(du -sh "$stash" | cut -f1)), boot $(cat /proc/sys/kernel/random/boot_id)"
fi
payload="$stash"
[ $# -eq 0 ] && exit 0
if [ ! -x "$rt/jre/bin/java" ]; then
  xz -dc "$payload/jre.tar.xz" | tar -C "$rt" -xf -
  xz -dc "$payload/jvm.tar.xz" | tar -C "$rt" -xf -
fi
java=("$rt/jre/bin/java" --enable-native-access=ALL-UNNAMED -cp "$payload/lib/*" ${EXTRA_JAVA_OPTS:-})
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm --format=csv,noheader || true
for step in "$@"; do
  case "$step" in
    parity)
      shared=()
      # medmamba_t.pth carried in parts (CHECKPOINT= at prepare time): joined and checked against the golden's digest
      if ls "$payload"/ck/medmamba_t.pth.part-* >/dev/null 2>&1 && [ ! -s "$rt/golden/medmamba_t.pth" ]; then
        mkdir -p "$rt/golden"
        cat "$payload"/ck/medmamba_t.pth.part-* > "$rt/golden/medmamba_t.pth"
        cp "$payload"/ck/medmamba_t.*.npy "$rt/golden/"
        if ! echo "7480a6908f17c00088f8df4f51e6a581720d9788499e1f1d393572e8880decc0  $rt/golden/medmamba_t.pth" \
            | sha256sum -c --quiet; then
          echo "medmamba_t.pth: the joined parts do not match the golden checkpoint's digest" >&2
          rm -f "$rt/golden/medmamba_t.pth"
        fi
      fi
      if [ -d "$payload/golden" ]; then
        if [ ! -s "$rt/golden/medmamba_t.pth" ]; then
          mkdir -p "$rt/golden"
          cp "$payload"/golden/medmamba_t.*.npy "$rt/golden/"
          (cd "$payload/golden" && python3 make_medmamba_t.py MedMamba.py "$rt/golden") 2>&1 | tail -2
        fi
        if [ ! -s "$rt/golden/medmamba_t.pth" ]; then
          # this PyTorch draws other tensors: the same recipe's checkpoint and the official code's output for it
          (cd "$payload/golden" && python3 make_medmamba_t_golden.py MedMamba.py . "$rt/golden") 2>&1 | tail -2
        fi
        # carried but neither rebuilt nor regenerated: the check reports medmamba_t as missing
        shared=("$rt/golden")
      fi
      "${java[@]}" org.radmamba.inference.cuda.CudaNetworkGpuCheck parity test-fixtures "${shared[@]}"
      ;;
    bench)
      "${java[@]}" org.radmamba.inference.cuda.CudaNetworkGpuCheck bench "${RUNS:-20}" "${PRECISION:-float32}"
      ;;
    tf32)
      mkdir -p "$rt/heldout"
      for f in "$payload"/heldout/*.npy.xz; do xz -dc "$f" > "$rt/heldout/$(basename "$f" .xz)"; done
      shared=()
      [ -s "$rt/golden/medmamba_t.pth" ] && shared=("$rt/golden")
      "${java[@]}" org.radmamba.inference.cuda.CudaNetworkGpuCheck tf32 test-fixtures "$rt/heldout" "${shared[@]}"
      ;;
    gemm-bench)
      nvcc -O3 -arch=sm_90 -o "$rt/gemm_bench" inference/src/test/cuda/gemm_bench.cu && "$rt/gemm_bench"
      ;;
    consistency)
      "${java[@]}" org.radmamba.inference.cuda.CudaNetworkGpuCheck consistency
      ;;
    profile)
      for model in ${PROFILE_MODELS:-medmamba_t}; do
        for batch in ${PROFILE_BATCHES:-1 64}; do
          "${java[@]}" org.radmamba.inference.cuda.CudaNetworkGpuCheck profile "$batch" "$model" "${PRECISION:-float32}"
        done
      done
      ;;
    peer)
      (cd "$payload/peer" && PYTHONUNBUFFERED=1 python3 bench.py)
      ;;
    *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done
