"""Procedural training data for RadMamba's demo models. No patient data: every image is drawn from a seed.

Two tasks:
- `lesion`: dermoscopy-like photographs (RGB, 256x256) of an irregular pigmented lesion on varied skin tones,
  with hairs, vignetting, a ruler, specular glints and blur; the label is the lesion mask (segmentation).
- `chest`: chest-radiograph-like phantoms (greyscale, 224x224) in three classes: normal, nodule, effusion.
  Lungs, mediastinum, ribs, diaphragm and branching vessels in every image; a nodule is a small round opacity
  that vessel crossings imitate; an effusion is a meniscus of fluid blunting one costophrenic angle.

Images are uint8 arrays; sample i of a split is a pure function of (task, split, i), so data regenerate exactly.
"""
import numpy as np

SPLIT_SEEDS = {"train": 1_000_003, "val": 2_000_003, "test": 3_000_017}
CHEST_CLASSES = ["normal", "nodule", "effusion"]


def rng_for(task, split, index):
    return np.random.default_rng([SPLIT_SEEDS[split], index, 7 if task == "lesion" else 11])


def _smooth_noise(rng, size, scale, octaves=3):
    """Sum of bilinearly upsampled random grids: cheap value noise in [-1, 1]."""
    out = np.zeros((size, size), np.float32)
    amp, total = 1.0, 0.0
    for o in range(octaves):
        cells = max(2, int(size / scale * (2 ** o)))
        grid = rng.standard_normal((cells + 1, cells + 1)).astype(np.float32)
        ys = np.linspace(0, cells, size, dtype=np.float32)
        y0 = np.minimum(ys.astype(int), cells - 1)
        fy = (ys - y0)[:, None]
        fx = (ys - y0)[None, :]
        g00 = grid[y0][:, y0]
        g01 = grid[y0][:, y0 + 1]
        g10 = grid[y0 + 1][:, y0]
        g11 = grid[y0 + 1][:, y0 + 1]
        out += amp * ((1 - fy) * ((1 - fx) * g00 + fx * g01) + fy * ((1 - fx) * g10 + fx * g11))
        total += amp
        amp *= 0.5
    return np.clip(out / total, -1.0, 1.0)


def _blur(img, passes=1):
    """Separable [1,2,1]/4 blur, `passes` times (edge-clamped)."""
    for _ in range(passes):
        p = np.pad(img, [(1, 1), (1, 1)] + [(0, 0)] * (img.ndim - 2), mode="edge")
        img = (p[:-2] + 2 * p[1:-1] + p[2:]) / 4
        img = (img[:, :-2] + 2 * img[:, 1:-1] + img[:, 2:]) / 4
    return img


def _draw_curve(canvas, rng, points, width, value, alpha):
    """Anti-aliased thick polyline on a float canvas (H, W) or (H, W, C)."""
    size = canvas.shape[0]
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    for (y0, x0), (y1, x1) in zip(points[:-1], points[1:]):
        lo_y, hi_y = int(max(0, min(y0, y1) - width - 2)), int(min(size, max(y0, y1) + width + 3))
        lo_x, hi_x = int(max(0, min(x0, x1) - width - 2)), int(min(size, max(x0, x1) + width + 3))
        if lo_y >= hi_y or lo_x >= hi_x:
            continue
        py, px = yy[lo_y:hi_y, lo_x:hi_x], xx[lo_y:hi_y, lo_x:hi_x]
        dy, dx = y1 - y0, x1 - x0
        t = np.clip(((py - y0) * dy + (px - x0) * dx) / max(dy * dy + dx * dx, 1e-6), 0, 1)
        dist = np.hypot(py - (y0 + t * dy), px - (x0 + t * dx))
        cover = np.clip(width / 2 + 0.5 - dist, 0, 1) * alpha
        region = canvas[lo_y:hi_y, lo_x:hi_x]
        if canvas.ndim == 3:
            cover = cover[..., None]
        region[...] = region * (1 - cover) + value * cover


def lesion_sample(rng, size=256):
    """One dermoscopy-like photograph (H, W, 3) uint8 and its lesion mask (H, W) uint8 in {0, 1}."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    # Skin: a tone from light to dark, with mottling and an illumination gradient.
    tone = rng.uniform(0, 1)
    skin = np.array([235 - 150 * tone, 190 - 120 * tone, 165 - 110 * tone], np.float32)
    skin *= rng.uniform(0.92, 1.08, 3)
    img = np.ones((size, size, 3), np.float32) * skin
    img *= (1 + 0.06 * _smooth_noise(rng, size, 40))[..., None]
    gy, gx = rng.uniform(-0.15, 0.15, 2)
    img *= (1 + gy * (yy / size - 0.5) + gx * (xx / size - 0.5))[..., None]

    # Lesion: an irregular radial blob with a fuzzy border.
    cy, cx = rng.uniform(0.35, 0.65, 2) * size
    r0 = rng.uniform(0.12, 0.3) * size
    theta = np.arctan2(yy - cy, xx - cx)
    radius = np.full_like(theta, r0)
    for k in range(2, 7):
        radius += r0 * rng.uniform(0, 0.18 / k * 2) * np.sin(k * theta + rng.uniform(0, 2 * np.pi))
    radius *= 1 + 0.12 * _smooth_noise(rng, size, 30)
    aspect = rng.uniform(0.7, 1.3)
    dist = np.hypot((yy - cy) * aspect, (xx - cx) / aspect)
    mask = dist < radius
    softness = rng.uniform(1.5, 6)
    inside = np.clip((radius - dist) / softness + 0.5, 0, 1)

    # Pigment: brown to dark brown, a reticular network, globules; contrast varies (some lesions are faint).
    contrast = rng.uniform(0.25, 0.9)
    pigment = np.array([95, 55, 35], np.float32) * rng.uniform(0.6, 1.3) + rng.uniform(-15, 15, 3)
    network = 0.5 + 0.5 * np.sin(xx * rng.uniform(0.3, 0.6)) * np.sin(yy * rng.uniform(0.3, 0.6))
    texture = 0.75 + 0.25 * _smooth_noise(rng, size, 12) + 0.15 * network
    lesion_rgb = pigment[None, None, :] * texture[..., None]
    alpha = (inside * contrast)[..., None]
    img = img * (1 - alpha) + lesion_rgb * alpha
    for _ in range(rng.integers(0, 12)):  # globules
        a = rng.uniform(0, 2 * np.pi)
        rr = rng.uniform(0, 0.8) * r0
        gyc, gxc = cy + rr * np.sin(a), cx + rr * np.cos(a)
        g = np.exp(-((yy - gyc) ** 2 + (xx - gxc) ** 2) / (2 * rng.uniform(1.5, 4) ** 2))
        img *= (1 - 0.5 * contrast * g * inside)[..., None]

    # Hairs over everything (not part of the mask), a ruler at one edge, vignetting, glints.
    for _ in range(rng.integers(0, 14)):
        p0 = rng.uniform(-0.1, 1.1, 2) * size
        direction = rng.uniform(0, 2 * np.pi)
        length = rng.uniform(0.3, 1.0) * size
        bend = rng.uniform(-0.5, 0.5)
        pts = []
        for s in np.linspace(0, 1, 12):
            ang = direction + bend * s
            pts.append((p0[0] + np.sin(ang) * length * s, p0[1] + np.cos(ang) * length * s))
        _draw_curve(img, rng, pts, rng.uniform(1.0, 2.2), np.array([40, 28, 20], np.float32), rng.uniform(0.6, 0.95))
    if rng.uniform() < 0.5:
        edge = rng.uniform(0.86, 0.94) * size
        for tick in np.arange(rng.uniform(0, 8), size, rng.uniform(7, 10)):
            tall = 10 if int(tick) % 5 == 0 else 5
            _draw_curve(img, rng, [(edge, tick), (edge + tall, tick)], 1.2, np.array([20, 20, 20], np.float32), 0.9)
    r = np.hypot(yy - size / 2, xx - size / 2) / (size / 2)
    img *= np.clip(1.15 - rng.uniform(0.2, 0.6) * r ** 3, 0.15, 1)[..., None]
    for _ in range(rng.integers(0, 4)):
        gyc, gxc = rng.uniform(0, size, 2)
        img += 120 * np.exp(-((yy - gyc) ** 2 + (xx - gxc) ** 2) / (2 * rng.uniform(1, 3) ** 2))[..., None]

    img = _blur(img, int(rng.integers(0, 2)))
    img += rng.normal(0, rng.uniform(2, 7), img.shape)
    return np.clip(img, 0, 255).astype(np.uint8), mask.astype(np.uint8)


def chest_sample(rng, label, size=224):
    """One chest-radiograph-like phantom (H, W) uint8 of class `label` (index into CHEST_CLASSES)."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    sx, sy = rng.uniform(0.9, 1.1, 2)
    ox, oy = rng.uniform(-0.04, 0.04, 2)
    u, v = (xx - 0.5 - ox) / sx, (yy - 0.5 - oy) / sy
    body = np.clip(1 - ((u / 0.46) ** 2 + (v / 0.52) ** 4), 0, 1) ** 0.3
    img = 0.15 + 0.55 * body

    lungs = np.zeros_like(img)
    lung_fields = []  # (right, left) as seen on the image
    for side in (-1, 1):
        lu, lv = (u - side * 0.2) / 0.15, (v + 0.02) / 0.33
        lung = np.clip(1 - (lu ** 2 + lv ** 2), 0, 1)
        lung_fields.append(lung)
        lungs = np.maximum(lungs, lung ** 0.5)
    img -= 0.38 * lungs * rng.uniform(0.8, 1.2)

    mediastinum = np.exp(-((u + 0.02) / 0.07) ** 2) * (v > -0.3)
    img += 0.2 * mediastinum
    heart = np.clip(1 - (((u + 0.05) / 0.14) ** 2 + ((v - 0.15) / 0.13) ** 2), 0, 1) ** 0.5
    img += 0.22 * heart
    diaphragm = 1 / (1 + np.exp(-(v - 0.3 - 0.08 * np.abs(u) ** 0.5 * rng.uniform(0.5, 1.5)) * 60))
    img += 0.3 * diaphragm * body

    # Ribs: curved bright bands on both sides; vessels: branching lines from each hilum.
    for side in (-1, 1):
        for k in range(9):
            v0 = -0.32 + k * 0.072 + rng.uniform(-0.01, 0.01)
            rib_v = v0 + 0.25 * (u * side - 0.05) ** 2
            band = np.exp(-((v - rib_v) / 0.011) ** 2) * (u * side > 0.03) * (u * side < 0.4)
            img += 0.07 * band
    vessels = np.zeros_like(img)
    for side in (-1, 1):
        for _ in range(rng.integers(5, 9)):
            y0, x0 = (0.5 + oy + rng.uniform(-0.05, 0.05)) * size, (0.5 + ox + side * 0.1) * size
            ang = rng.uniform(-1.2, 1.2) + (0 if side > 0 else np.pi)
            pts = [(y0, x0)]
            for _ in range(6):
                ang += rng.uniform(-0.4, 0.4)
                step = rng.uniform(0.02, 0.05) * size
                pts.append((pts[-1][0] + np.sin(ang) * step, pts[-1][1] + np.cos(ang) * step))
            _draw_curve(vessels, rng, pts, rng.uniform(0.8, 2.2), 1.0, 1.0)
    img += 0.08 * _blur(vessels, 1) * lungs

    if CHEST_CLASSES[label] == "nodule":
        side = rng.choice([0, 1])
        ys, xs = np.nonzero((lung_fields[side] > 0.3) & (lungs > 0.5))
        i = rng.integers(len(ys))
        r = rng.uniform(0.035, 0.07)
        d = np.hypot(yy - ys[i] / size, xx - xs[i] / size) / r
        img += rng.uniform(0.18, 0.32) * np.clip(1 - d ** 2, 0, 1) ** 0.6
    elif CHEST_CLASSES[label] == "effusion":
        side = rng.choice([0, 1])
        level = rng.uniform(0.0, 0.22)
        lateral = np.clip(np.abs((u - (side * 2 - 1) * 0.2) / 0.15), 0, 1)
        surface = level - 0.12 * lateral ** 2  # the meniscus climbs the lateral wall
        fluid = 1 / (1 + np.exp(np.clip(-(v - surface) * 60, -60, 60)))
        img += rng.uniform(0.2, 0.35) * fluid * np.clip(lung_fields[side] * 4, 0, 1)

    img = _blur(img, 1)
    img = (img - img.min()) / (img.max() - img.min() + 1e-6)
    gamma = rng.uniform(0.8, 1.25)
    img = img ** gamma * rng.uniform(0.85, 1.0) + rng.uniform(0, 0.08)
    img += rng.normal(0, rng.uniform(0.01, 0.035), img.shape)
    return (np.clip(img, 0, 1) * 255).astype(np.uint8)


def make_split(task, split, count):
    """(images, labels): lesion → (N,256,256,3), (N,256,256); chest → (N,224,224), (N,) balanced classes."""
    images, labels = [], []
    for i in range(count):
        rng = rng_for(task, split, i)
        if task == "lesion":
            img, mask = lesion_sample(rng)
            images.append(img)
            labels.append(mask)
        else:
            label = i % len(CHEST_CLASSES)
            images.append(chest_sample(rng, label))
            labels.append(label)
    return np.stack(images), np.array(labels) if task == "chest" else np.stack(labels)
