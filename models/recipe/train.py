"""RadMamba demo models: generate the synthetic data, train, evaluate, write weights, cards and a report.

    python3 models/recipe/train.py all --out models/demo --work /tmp/radmamba-train

Stages (`data`, `classifier`, `segmenter`, `all`) can run separately; training resumes from the newest
checkpoint in --work. Seeds are fixed: the data are a pure function of their index (synthetic.py) and training
is seeded, so a rerun on the same hardware and library versions reproduces the weights (GPU kernels are not
bit-deterministic across hardware; the metrics reproduce to within noise).
"""
import argparse
import hashlib
import json
import math
import os
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

import report
import synthetic
from nets import MedMamba, VMUNet

CLASSIFIER = {
    "id": "medmamba-chest-phantom-demo",
    "file": "medmamba_chest_phantom_demo.pth",
    "depths": [2, 2, 4, 2], "dims": [24, 48, 96, 192],
    "input": 128, "batch": 48, "steps": 1100, "lr": 1.5e-3,
    "counts": {"train": 6000, "val": 300, "test": 900},
}
SEGMENTER = {
    "id": "vmunet-lesion-demo",
    "file": "vmunet_lesion_demo.pth",
    "depths": [2, 2, 2, 2], "depths_decoder": [2, 2, 2, 1], "dims": [32, 64, 128, 256],
    "input": 128, "batch": 24, "steps": 400, "lr": 1e-3,
    "counts": {"train": 3000, "val": 150, "test": 450},
}
SHIPPED_SAMPLES = {"chest": 24, "lesion": 12}  # held-out images committed for the Java engine's tests
PARITY_SAMPLES = 3  # of those, how many get the network's exact input and output tensors as .npy


def _gen(args):
    task, split, i = args
    rng = synthetic.rng_for(task, split, i)
    if task == "lesion":
        return synthetic.lesion_sample(rng)
    label = i % len(synthetic.CHEST_CLASSES)
    return synthetic.chest_sample(rng, label), label


def dataset(task, split, count, work):
    path = Path(work) / f"{task}-{split}-{count}.npz"
    if path.exists():
        z = np.load(path)
        return z["x"], z["y"]
    t0 = time.time()
    with Pool(os.cpu_count()) as pool:
        items = pool.map(_gen, [(task, split, i) for i in range(count)], chunksize=16)
    x = np.stack([a for a, _ in items])
    y = np.stack([b for _, b in items]) if task == "lesion" else np.array([b for _, b in items])
    np.savez(path, x=x, y=y)
    print(f"data {task}/{split}: {count} in {time.time() - t0:.1f}s", flush=True)
    return x, y


# Preprocessing, mirrored by the model cards (and by RadMamba's Java preprocessing). The images are generated
# at their native size (chest 224, lesion 256) and resized to the card's input size as the app does.
def _resize(x, size):
    """Bilinear with antialiasing, as torchvision's Resize on a PIL image."""
    if x.shape[-1] == size and x.shape[-2] == size:
        return x
    return F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)


def classifier_input(gray_u8, size=None):
    """MedMamba's evaluation transform: resize, [0,1], mean 0.5 / std 0.5, grey replicated to 3 channels."""
    x = torch.as_tensor(gray_u8, dtype=torch.float32)[:, None]
    x = _resize(x, size or CLASSIFIER["input"]).round().clamp(0, 255) / 255.0
    x = (x - 0.5) / 0.5
    return x.repeat(1, 3, 1, 1)


def segmenter_input(rgb_u8, size=None):
    """VM-UNet's ISIC test transform (myNormalize, myToTensor, myResize): (x - mean) / std, each image rescaled
    to [0, 255] by its own min and max (no division by 255), then resized. With a per-image min-max the
    mean/std cancel; the card keeps them for fidelity to the official transform."""
    x = torch.as_tensor(rgb_u8, dtype=torch.float32).permute(0, 3, 1, 2)
    lo = x.amin(dim=(1, 2, 3), keepdim=True)
    hi = x.amax(dim=(1, 2, 3), keepdim=True)
    return _resize((x - lo) / (hi - lo).clamp(min=1e-6) * 255.0, size or SEGMENTER["input"])


def segmenter_target(masks_u8, size=None):
    m = torch.as_tensor(masks_u8, dtype=torch.float32)[:, None]
    return (_resize(m, size or SEGMENTER["input"]) > 0.5).float()


def lr_at(step, total, base):
    warm = max(1, total // 20)
    if step < warm:
        return base * (step + 1) / warm
    return base * 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))


def train(kind, spec, work, device, log, checkpoint_dir=None):
    torch.manual_seed(1234)
    np.random.seed(1234)
    task = "chest" if kind == "classifier" else "lesion"
    x_train, y_train = dataset(task, "train", spec["counts"]["train"], work)
    x_val, y_val = dataset(task, "val", spec["counts"]["val"], work)
    if kind == "classifier":
        net = MedMamba(len(synthetic.CHEST_CLASSES), spec["depths"], spec["dims"])
    else:
        net = VMUNet(1, spec["depths"], spec["depths_decoder"], spec["dims"])
    net.to(device)
    opt = torch.optim.AdamW(net.parameters(), lr=spec["lr"], weight_decay=0.05)
    ckpt = Path(checkpoint_dir or work) / f"{kind}-resume.pt"
    step, history = 0, []
    if ckpt.exists():
        state = torch.load(ckpt, map_location=device)
        net.load_state_dict(state["net"])
        opt.load_state_dict(state["opt"])
        step, history = state["step"], state["history"]
        torch.set_rng_state(state["rng"])
        print(f"{kind}: resumed at step {step}", flush=True)
    gen = torch.Generator().manual_seed(99 + step)
    t0 = time.time()
    while step < spec["steps"]:
        net.train()
        idx = torch.randint(0, len(x_train), (spec["batch"],), generator=gen).numpy()
        for g in opt.param_groups:
            g["lr"] = lr_at(step, spec["steps"], spec["lr"])
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            if kind == "classifier":
                xb = classifier_input(x_train[idx]).to(device)
                flip = torch.rand(len(idx), generator=gen) < 0.5
                xb[flip] = xb[flip].flip(-1)
                xb = xb * (1 + 0.1 * torch.randn(len(idx), 1, 1, 1, generator=gen)).to(device)
                yb = torch.as_tensor(y_train[idx]).to(device)
                loss = F.cross_entropy(net(xb).float(), yb, label_smoothing=0.05)
            else:
                xb = segmenter_input(x_train[idx])
                mb = segmenter_target(y_train[idx])
                k = int(torch.randint(0, 4, (1,), generator=gen))
                xb, mb = torch.rot90(xb, k, (2, 3)), torch.rot90(mb, k, (2, 3))
                if torch.rand(1, generator=gen) < 0.5:
                    xb, mb = xb.flip(-1), mb.flip(-1)
                xb, mb = xb.to(device), mb.to(device)
                logits = net(xb, logits=True).float()
                prob = torch.sigmoid(logits)
                dice = 1 - (2 * (prob * mb).sum((1, 2, 3)) + 1) / (prob.sum((1, 2, 3)) + mb.sum((1, 2, 3)) + 1)
                loss = F.binary_cross_entropy_with_logits(logits, mb) + dice.mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        step += 1
        entry = {"step": step, "loss": float(loss.detach())}
        if step % 100 == 0 or step == spec["steps"]:
            entry["val"] = evaluate(kind, net, x_val, y_val, device)["primary"]
            print(f"{kind} step {step} loss {entry['loss']:.4f} val {entry['val']:.4f} "
                  f"({(time.time() - t0) / 60:.1f} min)", flush=True)
            torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "step": step, "history": history + [entry],
                        "rng": torch.get_rng_state()}, ckpt)
        history.append(entry)
    seconds_per_step = (time.time() - t0) / max(1, len(history))
    print(f"{kind}: {spec['steps']} steps, {seconds_per_step:.3f} s/step this run", flush=True)
    log[kind + "/seconds_per_step"] = round(seconds_per_step, 3)
    log[kind] = history
    return net


@torch.no_grad()
def predict(kind, net, x, device, batch=32):
    net.eval()
    outs = []
    for i in range(0, len(x), batch):
        if kind == "classifier":
            outs.append(net(classifier_input(x[i:i + batch]).to(device)).float().cpu())
        else:
            outs.append(net(segmenter_input(x[i:i + batch]).to(device)).float().cpu())
    return torch.cat(outs).numpy()


def auc_one_vs_rest(scores, positives):
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    n_pos = positives.sum()
    n_neg = len(scores) - n_pos
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def metrics(kind, out, y):
    if kind == "classifier":
        prob = torch.softmax(torch.as_tensor(out), 1).numpy()
        acc = float((prob.argmax(1) == y).mean())
        aucs = {c: auc_one_vs_rest(prob[:, k], y == k) for k, c in enumerate(synthetic.CHEST_CLASSES)}
        confusion = np.zeros((3, 3), int)
        for t, p in zip(y, prob.argmax(1)):
            confusion[t, p] += 1
        return {"primary": acc, "accuracy": acc, "auc": aucs, "macro_auc": float(np.mean(list(aucs.values()))),
                "confusion": confusion.tolist()}
    pred = out[:, 0] > 0.5
    truth = segmenter_target(y).numpy()[:, 0] > 0  # scored at the network's resolution
    inter = (pred & truth).sum((1, 2))
    dice = (2 * inter + 1e-6) / (pred.sum((1, 2)) + truth.sum((1, 2)) + 1e-6)
    iou = (inter + 1e-6) / ((pred | truth).sum((1, 2)) + 1e-6)
    return {"primary": float(dice.mean()), "dice": float(dice.mean()), "iou": float(iou.mean())}


def evaluate(kind, net, x, y, device):
    return metrics(kind, predict(kind, net, x, device), y)


def write_outputs(kind, spec, net, work, out_dir, device, log):
    from PIL import Image
    task = "chest" if kind == "classifier" else "lesion"
    x_test, y_test = dataset(task, "test", spec["counts"]["test"], work)
    out = predict(kind, net, x_test, device)
    result = metrics(kind, out, y_test)
    n = SHIPPED_SAMPLES[task]
    shipped = metrics(kind, out[:n], y_test[:n])
    if kind == "segmenter":
        # As the app scores it: probabilities resized (bilinear) to the photograph, then thresholded.
        prob = F.interpolate(torch.as_tensor(out[:n]), size=y_test.shape[1:], mode="bilinear", align_corners=False)
        pred, truth = prob[:, 0].numpy() > 0.5, y_test[:n] > 0
        inter = (pred & truth).sum((1, 2))
        shipped["dice_at_source_resolution"] = float(((2 * inter + 1e-6) / (pred.sum((1, 2)) + truth.sum((1, 2)) + 1e-6)).mean())

    folder = Path(out_dir) / spec["id"]
    (folder / "heldout").mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}
    torch.save(state, folder / spec["file"])
    digest = hashlib.sha256((folder / spec["file"]).read_bytes()).hexdigest()
    labels = []
    for i in range(n):
        Image.fromarray(x_test[i]).save(folder / "heldout" / f"{i:03d}.png")
        if kind == "classifier":
            labels.append({"image": f"{i:03d}.png", "label": synthetic.CHEST_CLASSES[int(y_test[i])]})
        else:
            Image.fromarray((y_test[i] * 255).astype(np.uint8)).save(folder / "heldout" / f"{i:03d}.mask.png")
            labels.append({"image": f"{i:03d}.png", "mask": f"{i:03d}.mask.png"})
    # Exact network inputs and outputs for parity with the Java engine (preprocessing excluded).
    xs = classifier_input(x_test[:PARITY_SAMPLES]) if kind == "classifier" else segmenter_input(x_test[:PARITY_SAMPLES])
    with torch.no_grad():
        net.eval()
        ys = net(xs.to(device)).float().cpu()
    np.save(folder / "heldout" / "parity.input.npy", xs.numpy().astype(np.float32))
    np.save(folder / "heldout" / "parity.output.npy", ys.numpy().astype(np.float32))
    (folder / "heldout" / "labels.json").write_text(json.dumps(labels, indent=1) + "\n")

    params = sum(v.numel() for k, v in state.items() if "running_" not in k and "num_batches" not in k)
    card = {
        "id": spec["id"],
        "name": "MedMamba chest-phantom classifier (demo)" if kind == "classifier" else "VM-UNet skin-lesion segmenter (demo)",
        "task": "classification" if kind == "classifier" else "segmentation",
        "architecture": "medmamba" if kind == "classifier" else "vmunet",
        "checkpoint": spec["file"],
        "sha256": digest,
        "size_bytes": (folder / spec["file"]).stat().st_size,
        "parameters": params,
        "config": {k: spec[k] for k in ("depths", "depths_decoder", "dims") if k in spec},
        "input_size": [spec["input"], spec["input"]],
        "preprocessing": ({"resize": "bilinear", "scale": 1 / 255, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5],
                           "greyscale": "replicate to 3 channels",
                           "dicom": "modality LUT, then the file's first VOI window (full range if none), to 8-bit"}
                          if kind == "classifier" else
                          {"resize": "bilinear", "normalize": "vmunet-isic", "mean": float(x_test.mean()),
                           "std": float(x_test.std()), "then": "per-image min-max to [0, 255], no division by 255",
                           "greyscale": "replicate to 3 channels",
                           "dicom": "modality LUT, then the file's first VOI window (full range if none), to 8-bit"}),
        "labels": synthetic.CHEST_CLASSES if kind == "classifier" else ["lesion"],
        "output": "logits (softmax for probabilities)" if kind == "classifier" else "sigmoid probability per pixel",
        "threshold": None if kind == "classifier" else 0.5,
        "demo": True,
        "intended_use": "Demonstration of RadMamba only. Trained on synthetic data generated by RadMamba; "
                        "not for diagnosis.",
        "training_data": ("synthetic chest-radiograph-like phantoms (normal / nodule / effusion)" if kind == "classifier"
                          else "synthetic dermoscopy-like photographs with lesion masks")
                         + f", {spec['counts']['train']} training images; generator: models/recipe/synthetic.py",
        "metrics": {"held_out_synthetic_test": {k: v for k, v in result.items() if k != "primary"},
                    "test_images": spec["counts"]["test"],
                    "shipped_heldout_subset": {k: v for k, v in shipped.items() if k != "primary"}},
        "regenerate": "python3 models/recipe/train.py all --out models/demo --work /tmp/radmamba-train",
        "source": "RadMamba demo-model recipe (models/recipe); architecture of " + (
            "YubiaoYue/MedMamba MedMamba.py (VSSM)" if kind == "classifier" else "JCruan519/VM-UNet models/vmunet"),
        "citation": ("Yue & Li, MedMamba: Vision Mamba for Medical Image Classification, arXiv:2403.03849"
                     if kind == "classifier" else
                     "Ruan & Xiang, VM-UNet: Vision Mamba UNet for Medical Image Segmentation, arXiv:2402.02491"),
        "training": {"steps": spec["steps"], "batch": spec["batch"], "lr": spec["lr"], "optimizer": "AdamW wd 0.05",
                     "precision": "bf16 autocast, fp32 scan", "torch": torch.__version__,
                     "seconds_per_step": log.get(kind + "/seconds_per_step"),
                     "device": torch.cuda.get_device_name() if device.type == "cuda" else "cpu"},
    }
    (folder / "card.json").write_text(json.dumps(card, indent=2) + "\n")
    (folder / "history.json").write_text(json.dumps(log.get(kind, [])) + "\n")
    print(f"{kind}: wrote {folder} ({card['size_bytes'] / 1e6:.1f} MB), test {result}", flush=True)
    return card


def plot(out_dir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, (kind, spec, metric) in zip(axes, [("classifier", CLASSIFIER, "val accuracy"),
                                               ("segmenter", SEGMENTER, "val Dice")]):
        path = Path(out_dir) / spec["id"] / "history.json"
        if not path.exists():
            continue
        hist = json.loads(path.read_text())
        steps = np.array([h["step"] for h in hist])
        loss = np.array([h["loss"] for h in hist])
        k = 25
        smooth = np.convolve(loss, np.ones(k) / k, mode="valid")
        ax.plot(steps, loss, alpha=0.25, label="train loss")
        ax.plot(steps[k - 1:], smooth, label=f"train loss ({k}-step mean)")
        ax.set_xlabel("step")
        ax.set_title(spec["id"])
        ax2 = ax.twinx()
        vs = [(h["step"], h["val"]) for h in hist if "val" in h]
        ax2.plot([s for s, _ in vs], [v for _, v in vs], "o-", color="tab:green", label=metric)
        ax2.set_ylim(0, 1)
        ax.legend(loc="upper left")
        ax2.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(Path(out_dir) / "training-curves.png", dpi=80)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stage", choices=["data", "classifier", "segmenter", "all", "report"])
    ap.add_argument("--out", default="models/demo")
    ap.add_argument("--work", default="/tmp/radmamba-train")
    ap.add_argument("--steps", type=int, help="override the step count (smoke tests)")
    ap.add_argument("--checkpoint-dir", help="where resume checkpoints go (default: --work)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()
    Path(args.work).mkdir(parents=True, exist_ok=True)
    device = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = False  # keep float32 training numerics honest
    log = {}
    if args.stage == "data":
        for task, spec in (("chest", CLASSIFIER), ("lesion", SEGMENTER)):
            for split, count in spec["counts"].items():
                dataset(task, split, count, args.work)
        return
    if args.stage == "report":
        plot(args.out)
        report.write(args.out)
        return
    for kind, spec in (("classifier", CLASSIFIER), ("segmenter", SEGMENTER)):
        if args.stage in (kind, "all"):
            if args.steps:
                spec["steps"] = args.steps
            net = train(kind, spec, args.work, device, log, args.checkpoint_dir)
            write_outputs(kind, spec, net, args.work, args.out, device, log)
    plot(args.out)
    report.write(args.out)


if __name__ == "__main__":
    main()
