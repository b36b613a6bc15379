"""MedMamba and VM-UNet written for RadMamba's demo-model recipe.

Our own PyTorch definitions whose state_dict keys, shapes and forward pass are those of the official code
(YubiaoYue/MedMamba `MedMamba.py`, class VSSM; JCruan519/VM-UNet `models/vmunet/vmunet.py` + `vmamba.py`), so
the checkpoints this recipe writes load in the official code and in RadMamba's Java engine without conversion.
`check_fixtures.py` proves it against the golden fixtures made with the official code.

The one deliberate difference: mamba_ssm's CUDA selective scan is replaced by `selective_scan`, a chunked scan
in plain PyTorch (no mamba_ssm on the training machine), exact up to float rounding.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def selective_scan(u, delta, A, B, C, D, delta_bias, chunk=None):
    """mamba_ssm's selective_scan_fn(u, delta, A, B, C, D, z=None, delta_bias, delta_softplus=True).

    u, delta: (b, G*d, L); A: (G*d, N); B, C: (b, G, N, L); D, delta_bias: (G*d).
    Chunked: L is cut into chunks of T steps; the recurrence runs T steps over all chunks at once (time is the
    leading, contiguous axis, so each step reads whole contiguous slabs), then the chunk-initial states are
    carried across chunks (L/T small steps) and added back with their decay. About 2*sqrt(L) sequential steps
    instead of L, memory linear in L, exact up to float rounding.
    """
    b, gd, L = u.shape
    G, N = B.shape[1], A.shape[1]
    d = gd // G
    dt = F.softplus(delta.float() + delta_bias.float()[None, :, None])  # (b, gd, L)
    T = chunk or max(1, int(math.ceil(math.sqrt(L))))
    nc = (L + T - 1) // T
    pad = nc * T - L

    def time_major(t):  # (..., L) -> (T, ..., nc) with step t of every chunk contiguous
        t = F.pad(t, (0, pad)) if pad else t
        t = t.reshape(*t.shape[:-1], nc, T)
        return t.movedim(-1, 0).contiguous()

    dA = time_major(dt.view(b, G, d, 1, L) * A.float().view(1, G, d, N, 1))  # log decay (T, b, G, d, N, nc)
    X = time_major((dt * u.float()).view(b, G, d, 1, L) * B.float().view(b, G, 1, N, L))
    decay = torch.exp(dA)

    h = torch.zeros_like(X[0])
    local = []
    for t in range(T):  # pass 1: within every chunk at once, from a zero state
        h = decay[t] * h + X[t]
        local.append(h)
    local = torch.stack(local)  # (T, b, G, d, N, nc)
    cum = torch.cumsum(dA, dim=0)  # log decay from the chunk start through step t

    chunk_decay = torch.exp(cum[-1])  # (b, G, d, N, nc)
    state = torch.zeros_like(local[0, ..., 0])
    carried = []
    for c in range(nc):  # pass 2: the state entering each chunk
        carried.append(state)
        state = chunk_decay[..., c] * state + local[-1, ..., c]
    carried = torch.stack(carried, dim=-1)  # (b, G, d, N, nc)
    hs = local + torch.exp(cum) * carried  # (T, b, G, d, N, nc)

    y = (hs * time_major(C.float().view(b, G, 1, N, L))).sum(dim=4)  # (T, b, G, d, nc)
    y = y.movedim(0, -1).reshape(b, gd, nc * T)[..., :L]
    return y + D.float()[None, :, None] * u.float()


class PatchEmbed2D(nn.Module):
    def __init__(self, in_chans, embed_dim, patch_size=4):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)
        self.norm = nn.LayerNorm(embed_dim)

    def forward(self, x):
        return self.norm(self.proj(x).permute(0, 2, 3, 1))


class PatchMerging2D(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = nn.LayerNorm(4 * dim)

    def forward(self, x):
        # Gather order of the official code: (0,0), (1,0), (0,1), (1,1).
        x = torch.cat([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]], dim=-1)
        return self.reduction(self.norm(x))


class PatchExpand2D(nn.Module):
    """Decoder upsampling: `dim` is the output width; input width 2*dim, x2 in each direction."""

    def __init__(self, dim, scale=2):
        super().__init__()
        self.scale = scale
        self.expand = nn.Linear(2 * dim, scale * 2 * dim, bias=False)
        self.norm = nn.LayerNorm(2 * dim // scale)

    def forward(self, x):
        return self.norm(_pixel_unshuffle_channels_last(self.expand(x), self.scale))


class FinalPatchExpand2D(nn.Module):
    def __init__(self, dim, scale=4):
        super().__init__()
        self.scale = scale
        self.expand = nn.Linear(dim, scale * dim, bias=False)
        self.norm = nn.LayerNorm(dim // scale)

    def forward(self, x):
        return self.norm(_pixel_unshuffle_channels_last(self.expand(x), self.scale))


def _pixel_unshuffle_channels_last(x, p):
    """rearrange 'b h w (p1 p2 c) -> b (h p1) (w p2) c'."""
    b, h, w, c = x.shape
    c_out = c // (p * p)
    x = x.view(b, h, w, p, p, c_out).permute(0, 1, 3, 2, 4, 5)
    return x.reshape(b, h * p, w * p, c_out)


class SS2D(nn.Module):
    def __init__(self, d_model, d_state=16, expand=2):
        super().__init__()
        self.d_state = d_state
        self.d_inner = int(expand * d_model)
        self.dt_rank = math.ceil(d_model / 16)
        di, r, n = self.d_inner, self.dt_rank, d_state
        self.in_proj = nn.Linear(d_model, 2 * di, bias=False)
        self.conv2d = nn.Conv2d(di, di, kernel_size=3, padding=1, groups=di, bias=True)
        self.x_proj_weight = nn.Parameter(torch.empty(4, r + 2 * n, di))
        self.dt_projs_weight = nn.Parameter(torch.empty(4, di, r))
        self.dt_projs_bias = nn.Parameter(torch.empty(4, di))
        self.A_logs = nn.Parameter(torch.log(torch.arange(1, n + 1, dtype=torch.float32)).repeat(4 * di, 1))
        self.Ds = nn.Parameter(torch.ones(4 * di))
        self.out_norm = nn.LayerNorm(di)
        self.out_proj = nn.Linear(di, d_model, bias=False)
        self._init_projections()

    def _init_projections(self):
        # As the official dt_init / x_proj init: dt so that softplus(bias) lies in [1e-3, 0.1].
        di, r = self.d_inner, self.dt_rank
        nn.init.uniform_(self.x_proj_weight, -di ** -0.5, di ** -0.5)
        nn.init.uniform_(self.dt_projs_weight, -r ** -0.5, r ** -0.5)
        dt = torch.exp(torch.rand(4, di) * (math.log(0.1) - math.log(1e-3)) + math.log(1e-3)).clamp(min=1e-4)
        with torch.no_grad():
            self.dt_projs_bias.copy_(dt + torch.log(-torch.expm1(-dt)))

    def forward(self, x):
        b, h, w, _ = x.shape
        L, K, di, n, r = h * w, 4, self.d_inner, self.d_state, self.dt_rank
        xs, z = self.in_proj(x).chunk(2, dim=-1)
        xs = F.silu(self.conv2d(xs.permute(0, 3, 1, 2).contiguous()))  # (b, di, h, w)

        rows = xs.reshape(b, di, L)
        cols = xs.transpose(2, 3).reshape(b, di, L)
        seqs = torch.stack([rows, cols, rows.flip(-1), cols.flip(-1)], dim=1)  # (b, K, di, L)
        proj = torch.einsum("bkdl,kcd->bkcl", seqs, self.x_proj_weight)
        dts, Bs, Cs = torch.split(proj, [r, n, n], dim=2)
        dts = torch.einsum("bkrl,kdr->bkdl", dts, self.dt_projs_weight)
        A = -torch.exp(self.A_logs.float())
        out = selective_scan(seqs.reshape(b, K * di, L), dts.reshape(b, K * di, L), A, Bs, Cs,
                             self.Ds, self.dt_projs_bias.reshape(-1)).view(b, K, di, L)

        def unflip_cols(t):  # column-major sequence back to row-major positions
            return t.view(b, di, w, h).transpose(2, 3).reshape(b, di, L)

        y = out[:, 0] + out[:, 2].flip(-1) + unflip_cols(out[:, 1]) + unflip_cols(out[:, 3].flip(-1))
        y = self.out_norm(y.transpose(1, 2).reshape(b, h, w, di))
        return self.out_proj(y * F.silu(z))


class SSConvSSM(nn.Module):
    """MedMamba's SS_Conv_SSM block: half the channels through convolutions, half through SS2D."""

    def __init__(self, dim, d_state=16):
        super().__init__()
        half = dim // 2
        self.ln_1 = nn.LayerNorm(half)
        self.self_attention = SS2D(half, d_state)
        self.conv33conv33conv11 = nn.Sequential(
            nn.BatchNorm2d(half), nn.Conv2d(half, half, 3, padding=1), nn.BatchNorm2d(half), nn.ReLU(),
            nn.Conv2d(half, half, 3, padding=1), nn.BatchNorm2d(half), nn.ReLU(),
            nn.Conv2d(half, half, 1), nn.ReLU())

    def forward(self, x):
        left, right = x.chunk(2, dim=-1)
        right = self.self_attention(self.ln_1(right))
        left = self.conv33conv33conv11(left.permute(0, 3, 1, 2).contiguous()).permute(0, 2, 3, 1)
        out = torch.cat([left, right], dim=-1)
        b, h, w, c = out.shape
        out = out.view(b, h, w, 2, c // 2).transpose(3, 4).reshape(b, h, w, c)  # channel shuffle, 2 groups
        return out + x


class VSSBlock(nn.Module):
    def __init__(self, dim, d_state=16):
        super().__init__()
        self.ln_1 = nn.LayerNorm(dim)
        self.self_attention = SS2D(dim, d_state)

    def forward(self, x):
        return x + self.self_attention(self.ln_1(x))


class _Stage(nn.Module):
    def __init__(self, blocks, downsample=None, upsample=None):
        super().__init__()
        self.blocks = nn.ModuleList(blocks)
        if downsample is not None:
            self.downsample = downsample
        if upsample is not None:
            self.upsample = upsample

    def forward(self, x):
        if hasattr(self, "upsample"):
            x = self.upsample(x)
        for blk in self.blocks:
            x = blk(x)
        if hasattr(self, "downsample"):
            x = self.downsample(x)
        return x


class MedMamba(nn.Module):
    """Keys as MedMamba.py's VSSM: patch_embed, layers.i.blocks.j, layers.i.downsample, head."""

    def __init__(self, num_classes, depths=(2, 2, 4, 2), dims=(96, 192, 384, 768), d_state=16):
        super().__init__()
        self.patch_embed = PatchEmbed2D(3, dims[0])
        self.layers = nn.ModuleList([
            _Stage([SSConvSSM(dims[i], d_state) for _ in range(depths[i])],
                   downsample=PatchMerging2D(dims[i]) if i < len(dims) - 1 else None)
            for i in range(len(dims))])
        self.head = nn.Linear(dims[-1], num_classes)

    def forward(self, x):
        x = self.patch_embed(x)
        for layer in self.layers:
            x = layer(x)
        return self.head(x.mean(dim=(1, 2)))


class _VMUNetCore(nn.Module):
    def __init__(self, num_classes, depths, depths_decoder, dims, d_state):
        super().__init__()
        dec = list(reversed(dims))
        self.patch_embed = PatchEmbed2D(3, dims[0])
        self.layers = nn.ModuleList([
            _Stage([VSSBlock(dims[i], d_state) for _ in range(depths[i])],
                   downsample=PatchMerging2D(dims[i]) if i < len(dims) - 1 else None)
            for i in range(len(dims))])
        self.layers_up = nn.ModuleList([
            _Stage([VSSBlock(dec[i], d_state) for _ in range(depths_decoder[i])],
                   upsample=PatchExpand2D(dec[i]) if i > 0 else None)
            for i in range(len(dims))])
        self.final_up = FinalPatchExpand2D(dec[-1], 4)
        self.final_conv = nn.Conv2d(dec[-1] // 4, num_classes, 1)

    def forward(self, x):
        x = self.patch_embed(x)
        skips = []
        for layer in self.layers:
            skips.append(x)
            x = layer(x)
        for i, layer in enumerate(self.layers_up):
            x = layer(x if i == 0 else x + skips[-i])
        return self.final_conv(self.final_up(x).permute(0, 3, 1, 2))


class VMUNet(nn.Module):
    """Keys as vmunet.py's VMUNet: everything under `vmunet.`. Sigmoid out for one class, logits otherwise."""

    def __init__(self, num_classes=1, depths=(2, 2, 2, 2), depths_decoder=(2, 2, 2, 1), dims=(96, 192, 384, 768),
                 d_state=16):
        super().__init__()
        self.num_classes = num_classes
        self.vmunet = _VMUNetCore(num_classes, depths, depths_decoder, dims, d_state)

    def forward(self, x, logits=False):
        if x.shape[1] == 1:
            x = x.repeat(1, 3, 1, 1)
        out = self.vmunet(x)
        return torch.sigmoid(out) if self.num_classes == 1 and not logits else out
