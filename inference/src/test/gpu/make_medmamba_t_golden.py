"""On the GPU machine, where make_medmamba_t.py cannot rebuild medmamba_t.pth bit for bit (its PyTorch draws other
random tensors than Debian's 1.13 did): writes a MedMamba-T checkpoint by the same recipe and the official code's
output for the golden input, computed there with the fixtures' float64 sequential scan (shim/) as the golden itself
was, so that CudaNetworkGpuCheck parity still compares the full-size network with the official MedMamba.py.

usage: python3 make_medmamba_t_golden.py MedMamba.py GOLDEN_DIR OUT_DIR
GOLDEN_DIR holds shim/ and medmamba_t.input.npy; OUT_DIR gets medmamba_t.pth, .input.npy and .output.npy.
"""
import os
import shutil
import sys
import types

import numpy as np
import torch

medmamba_py, golden, out = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, os.path.join(golden, "shim"))  # stand-ins for mamba_ssm (the float64 scan), timm and einops
src = open(medmamba_py).read().split("medmamba_t = VSSM(")[0]  # drop the file's CUDA demo lines
mod = types.ModuleType("MedMamba")
exec(compile(src, "MedMamba.py", "exec"), mod.__dict__)

torch.manual_seed(3)
model = mod.VSSM(depths=[2, 2, 4, 2], dims=[96, 192, 384, 768], num_classes=6)
g = torch.Generator().manual_seed(31)
with torch.no_grad():  # every parameter and buffer moved off its init value, as make_medmamba_t.py does
    for name, t in list(model.named_parameters()) + list(model.named_buffers()):
        if not t.is_floating_point():
            continue
        noise = torch.randn(t.shape, generator=g) * 0.05
        if name.endswith("running_var"):
            t.copy_(1.0 + noise.abs() * 4)
        else:
            t.add_(noise)
model.eval()
x = np.load(os.path.join(golden, "medmamba_t.input.npy"))
with torch.no_grad():
    y = model(torch.from_numpy(x)).numpy()
os.makedirs(out, exist_ok=True)
torch.save(model.state_dict(), os.path.join(out, "medmamba_t.pth"))
shutil.copy(os.path.join(golden, "medmamba_t.input.npy"), os.path.join(out, "medmamba_t.input.npy"))
np.save(os.path.join(out, "medmamba_t.output.npy"), y.astype(np.float32))
print(f"regenerated the medmamba_t golden with PyTorch {torch.__version__}: output {y.ravel()[:6]}")
