#!/usr/bin/env bash
# Regenerates the committed PTX of the CUDA kernels (run from anywhere; needs nvcc, not needed by Maven):
# selective_scan.cu (the scan behind CudaScan), network.cu (the device-resident network, CudaNetwork) and
# gemm_tf32.cu (its GEMM on tensor cores, the TF32 option), and for network.cu and gemm_tf32.cu also their cubins
# for sm_80 and sm_90 (loaded instead of the PTX where the device matches: no JIT).
#
#   build-ptx.sh [NAME...]      NAME: selective_scan, network, gemm_tf32 (default all three)
#   PTX_OUT=DIR NVCC_FLAGS="-DCS_T=64" build-ptx.sh network     a variant, written to DIR instead (kernel experiments:
#                                                               CudaNetwork loads it with -Dradmamba.cuda.networkPtx)
#
# CUDA 13's nvcc no longer accepts compute_70 (Volta); its oldest virtual architecture is compute_75. The kernels
# use only instructions that sm_70 has (ld/st.global, fma, ex2/lg2.approx, shfl.sync, atom.global.add.f32), so the
# header is rewritten to `.target sm_70` and PTX ISA 7.0, which every driver since CUDA 11.0 (R450) JITs on any GPU
# from Volta on; ptxas then checks that the rewritten file still assembles. gemm_tf32.cu's mma.sync on TF32 needs
# sm_80 (Ampere), which PTX ISA 7.0 has: it is built for compute_80 and gets `.target sm_80`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
res="${PTX_OUT:-$here/../resources/org/radmamba/inference/cuda}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
read -r -a flags <<< "${NVCC_FLAGS:-}"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(selective_scan network gemm_tf32)
mkdir -p "$res"
for name in "${names[@]}"; do
  out="$res/$name.ptx"
  if [ "$name" = gemm_tf32 ]; then virtual=compute_80 built=sm_80 target=sm_80; else virtual=compute_75 built=sm_75 target=sm_70; fi
  nvcc -ptx -arch="$virtual" -O3 "${flags[@]}" -o "$tmp/$name.ptx" "$here/$name.cu"
  sed -e 's/^\.version [0-9.]*$/.version 7.0/' -e "s/^\.target $built\$/.target $target/" "$tmp/$name.ptx" > "$out"
  grep -q '^\.version 7\.0$' "$out" && grep -q "^\.target $target\$" "$out"
  # registers and spills of the scan's kernels, the ones most likely to spill, and of the TF32 GEMM
  ptxas -arch="$built" -v -o "$tmp/$name.cubin" "$out" > "$tmp/ptxas.log" 2>&1 || { cat "$tmp/ptxas.log" >&2; exit 1; }
  grep -A2 -E "Compiling entry function '(scan_chunk_(out|state)_r(8|64)|gemm_nt_tf32)'" "$tmp/ptxas.log" | grep -v '^--$' || true
  echo "wrote $out"
  if [ "$name" != selective_scan ]; then
    # machine code for the architectures most GPU workstations and servers have, so that their driver compiles
    # nothing at load (NetworkKernels), and the digest of the PTX it came from (NetworkKernelsTest compares)
    for arch in sm_80 sm_90; do
      ptxas -arch="$arch" -O3 -o "$res/$name.$arch.cubin" "$out"
      echo "wrote $res/$name.$arch.cubin"
    done
    sha256sum "$out" | cut -d' ' -f1 > "$res/$name.cubin-source.sha256"
  fi
done
