#!/usr/bin/env python3
"""Writes the small checkpoints PthReaderTest reads (PyTorch 1.13, Debian's python3-torch).

Every tensor is arange-based, so the Java test knows its values exactly. Run from this folder:
    python3 make-checkpoints.py
Hostile checkpoints are not made here: the Java tests write their pickles opcode by opcode.
"""
import collections
import os
import zipfile

import torch


def arange(*shape, dtype=torch.float32):
    n = 1
    for d in shape:
        n *= d
    return torch.arange(n, dtype=torch.float64).reshape(*shape).to(dtype)


def plain_state_dict():
    sd = collections.OrderedDict()
    sd["conv.weight"] = arange(2, 3, 2, 2) / 8        # 0, 0.125, ..., 2.875
    sd["conv.bias"] = arange(2) - 1                    # -1, 0
    return sd


# dtypes: float16 / bfloat16 / float64 are converted to float32 on load
for name, dtype in [("float16", torch.float16), ("bfloat16", torch.bfloat16), ("float64", torch.float64)]:
    sd = collections.OrderedDict((k, v.to(dtype)) for k, v in plain_state_dict().items())
    torch.save(sd, f"dtype_{name}.pth")

# a BatchNorm module: running stats and the int64 num_batches_tracked counter, plus other integer and bool buffers
bn = torch.nn.BatchNorm2d(3)
with torch.no_grad():
    bn.weight.copy_(arange(3) + 1)
    bn.bias.copy_(arange(3) / 2)
    bn.running_mean.copy_(arange(3) - 1)
    bn.running_var.copy_(arange(3) + 2)
    bn.num_batches_tracked.fill_(7)
sd = bn.state_dict()
sd["int32_buffer"] = arange(4, dtype=torch.int32) - 2
sd["uint8_buffer"] = arange(4, dtype=torch.uint8) + 250
sd["bool_buffer"] = torch.tensor([True, False, True])
sd["scalar"] = torch.tensor(3.5)
torch.save(sd, "buffers.pth")
torch.save(sd, "legacy_buffers.pth", _use_new_zipfile_serialization=False)

# strided views: the file holds the whole storage and the view's offset, size and stride
base = arange(4, 6)
shared = arange(3, 4)
strided = collections.OrderedDict([
    ("transposed", base.t()),                      # (6, 4), stride (1, 6)
    ("sliced", base[1:3, ::2]),                    # (2, 3), offset 6, stride (6, 2)
    ("expanded", arange(3).expand(4, 3)),          # stride (0, 1)
    ("shared_whole", shared),                      # two keys, one storage
    ("shared_row", shared[2]),                     # (4,), offset 8
])
torch.save(strided, "strided.pth")
torch.save(strided, "legacy_strided.pth", _use_new_zipfile_serialization=False)

# wrappers the training scripts of other projects use
torch.save({"model": plain_state_dict(), "epoch": 12}, "wrapped_model.pth")
torch.save({"state_dict": plain_state_dict(), "best_acc": 0.5, "arch": "tiny"}, "wrapped_state_dict.pth")
net = torch.nn.Conv2d(3, 2, 2)
net.load_state_dict(plain_state_dict_conv := collections.OrderedDict(
    (k.split(".", 1)[1], v) for k, v in plain_state_dict().items()))
optimizer = torch.optim.Adam(net.parameters())
net(torch.ones(1, 3, 2, 2)).sum().backward()
optimizer.step()
with torch.no_grad():
    net.weight.copy_(plain_state_dict_conv["weight"])
    net.bias.copy_(plain_state_dict_conv["bias"])
torch.save({"model_state_dict": collections.OrderedDict(("conv." + k, v) for k, v in net.state_dict().items()),
            "optimizer_state_dict": optimizer.state_dict(), "epoch": 1}, "wrapped_model_state_dict.pth")

# DataParallel prefixes every key with module.
holder = torch.nn.Module()
holder.conv = torch.nn.Conv2d(3, 2, 2)
holder.conv.load_state_dict(plain_state_dict_conv)
torch.save(torch.nn.DataParallel(holder).state_dict(), "dataparallel.pth")

# the pre-1.6 format: pickles in a row, then raw storages
torch.save(plain_state_dict(), "legacy.pth", _use_new_zipfile_serialization=False)


def rewrite(source, target, rename=lambda n: n, transform=lambda n, b: b, extra=()):
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(rename(info.filename), transform(info.filename, zin.read(info.filename)))
        for name, data in extra:
            zout.writestr(name, data)


# the top folder's name is arbitrary: torch.save uses the file stem, others use "archive"
torch.save(plain_state_dict(), "plain.pth")
rewrite("plain.pth", "archive_folder.pth", rename=lambda n: "archive/" + n.split("/", 1)[1])


# a big-endian file, as a big-endian machine writes it: byteorder says "big" and every element is swapped
def swap_float32(name, data):
    if "/data/" not in name:
        return data
    return b"".join(data[i:i + 4][::-1] for i in range(0, len(data), 4))


rewrite("plain.pth", "big_endian.pth", transform=swap_float32,
        rename=lambda n: n.replace("plain/", "big_endian/"),
        extra=[("big_endian/byteorder", "big")])
os.remove("plain.pth")
