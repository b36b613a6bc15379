"""mamba_ssm's selective-scan kernel alone on SS2D's shapes: the peer our cross scan is measured against.

Run on the GPU machine from the assembled peer folder (../shared/gpu-peer/assemble.sh; the kernel is built there by
its shim on import): `cd PEER && python3 scan_peer.py`. For each MedMamba-T 224 stage (K = 4 directions x D
channels, N = 16 states, L positions) and batch 1, 8, 64: the median of 20 CUDA-event timings of one
selective_scan_fn call (delta_softplus, delta_bias, D), operands already on the device, float32.
"""
import os
import sys

import torch

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "shim"))
os.environ.setdefault("SS_SRC", os.path.join(here, "ss"))
import mamba_ssm.ops.selective_scan_interface as ssi  # noqa: E402  (builds the kernel on first import)

dev = torch.device("cuda")
torch.manual_seed(0)
# MedMamba-T: SS2D on half of each stage's channels, d_inner = 2 x that, dt_rank = ceil(d_model / 16)
STAGES = [("stage1", 96, 56 * 56), ("stage2", 192, 28 * 28), ("stage3", 384, 14 * 14)]
for name, d, length in STAGES:
    for batch in (1, 8, 64):
        kd = 4 * d
        u = torch.randn(batch, kd, length, device=dev)
        delta = torch.randn(batch, kd, length, device=dev) * 0.5
        a = -torch.rand(kd, 16, device=dev) * 4 - 0.1
        b = torch.randn(batch, 4, 16, length, device=dev)
        c = torch.randn(batch, 4, 16, length, device=dev)
        dskip = torch.randn(kd, device=dev)
        bias = torch.randn(kd, device=dev) * 0.1
        for _ in range(3):
            ssi.selective_scan_fn(u, delta, a, b, c, dskip, None, bias, True)
        torch.cuda.synchronize()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        times = []
        for _ in range(20):
            start.record()
            ssi.selective_scan_fn(u, delta, a, b, c, dskip, None, bias, True)
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end) * 1000)
        times.sort()
        print(f"peer=mamba_ssm scan={name} batch={batch} K={4} D={d} N=16 L={length} median_us={times[10]:.1f}",
              flush=True)
