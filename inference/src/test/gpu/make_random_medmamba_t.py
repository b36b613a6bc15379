"""Writes a MedMamba-T checkpoint with PyTorch's own initial weights, as the official training script saves a state
dict, for the GPU series benchmark (its numbers do not matter there: only the shapes and the file format do, and the
58 MB golden checkpoint need not travel to the GPU machine for it).

usage: python3 make_random_medmamba_t.py MEDMAMBA_PY SHIM_DIR OUT.pth
MEDMAMBA_PY: the official MedMamba.py (YubiaoYue/MedMamba); SHIM_DIR: ../shared/fixtures/shim (stand-ins that let it
import without mamba_ssm, timm and einops).
"""
import os
import sys
import types

import torch

medmamba_py, shim, out = sys.argv[1:4]
sys.path.insert(0, shim)
src = open(medmamba_py).read().split("medmamba_t = VSSM(")[0]  # drop the file's CUDA demo lines
mod = types.ModuleType("MedMamba")
exec(compile(src, "MedMamba.py", "exec"), mod.__dict__)
torch.manual_seed(0)
torch.save(mod.VSSM(depths=[2, 2, 4, 2], dims=[96, 192, 384, 768], num_classes=6).state_dict(), out)
print("wrote", out, os.path.getsize(out), "bytes")
