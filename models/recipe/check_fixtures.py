"""Check that nets.py is the official architecture: load the golden fixtures (made with the official code) and
reproduce their outputs. Usage: python3 check_fixtures.py FIXTURE_DIR  (e.g. ../shared/fixtures)."""
import json
import sys
from pathlib import Path

import numpy as np
import torch

from nets import MedMamba, VMUNet


def main(folder):
    folder = Path(folder)
    ok = True
    for name in ["medmamba_tiny", "medmamba_t", "vmunet_tiny_binary", "vmunet_tiny_multiclass"]:
        if not (folder / f"{name}.pth").exists():
            continue
        cfg = json.loads((folder / f"{name}.json").read_text())
        sd = torch.load(folder / f"{name}.pth", map_location="cpu")
        if name.startswith("medmamba"):
            net = MedMamba(cfg["num_classes"], cfg["depths"], cfg["dims"])
        else:
            net = VMUNet(cfg["num_classes"], cfg["depths"], cfg["depths_decoder"], cfg["dims"])
        missing, unexpected = net.load_state_dict(sd, strict=True), None
        net.eval()
        x = torch.from_numpy(np.load(folder / f"{name}.input.npy"))
        want = np.load(folder / f"{name}.output.npy")
        with torch.no_grad():
            got = net(x).numpy()
        err = np.abs(got - want).max() / np.abs(want).max()
        print(f"{name}: keys {len(sd)} match, relative max error {err:.2e}")
        ok &= err <= 1e-4
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
