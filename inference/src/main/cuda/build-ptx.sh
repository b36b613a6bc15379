#!/usr/bin/env bash
# Regenerates the committed PTX of the CUDA kernels (run from anywhere; needs nvcc, not needed by Maven):
# selective_scan.cu (the scan behind CudaScan) and network.cu (the device-resident network, CudaMedMamba).
#
# CUDA 13's nvcc no longer accepts compute_70 (Volta); its oldest virtual architecture is compute_75. The kernels
# use only instructions that sm_70 has (ld/st.global, fma, ex2/lg2.approx, shfl.sync, atom.global.add.f32), so the
# header is rewritten to `.target sm_70` and PTX ISA 7.0, which every driver since CUDA 11.0 (R450) JITs on any GPU
# from Volta on; ptxas then checks that the rewritten file still assembles.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
res="$here/../resources/org/radmamba/inference/cuda"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for name in selective_scan network; do
  out="$res/$name.ptx"
  nvcc -ptx -arch=compute_75 -O3 -o "$tmp/$name.ptx" "$here/$name.cu"
  sed -e 's/^\.version [0-9.]*$/.version 7.0/' -e 's/^\.target sm_75$/.target sm_70/' "$tmp/$name.ptx" > "$out"
  grep -q '^\.version 7\.0$' "$out" && grep -q '^\.target sm_70$' "$out"
  ptxas -arch=sm_75 -v -o "$tmp/$name.cubin" "$out"
  echo "wrote $out"
done
