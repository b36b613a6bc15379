#!/usr/bin/env python3
"""Makes the single-code-block HTJ2K code streams of HtBlockDecoderTest and their reference decodings.

Each stream is made by OpenJPH 0.9's ojph_compress with -num_decomps 0 and a 64x64 code-block, from an image no
larger than the block, so that it holds one tile, one component, one precinct and one code-block. For each:
  NAME.pgm      the source image (8-bit: P5 maxval 255; deeper: 16-bit big-endian P5 with maxval 2^bits-1)
  NAME.j2c      the HTJ2K code stream
  NAME.opj.pgm  opj_decompress (OpenJPEG 2.5) output, irreversible streams only
  NAME.ojph.pgm ojph_expand output, irreversible streams only
Reversible streams decode to the source exactly; the script checks that both decoders agree with it.
Run from this directory: python3 make_fixtures.py
"""
import os
import random
import subprocess

# name, width, height, bits, reversible, qstep
CASES = [
    ("r8_64x64", 64, 64, 8, True, None),
    ("r8_37x29", 37, 29, 8, True, None),
    ("r8_1x17", 1, 17, 8, True, None),
    ("r8_17x1", 17, 1, 8, True, None),
    ("r8_5x3", 5, 3, 8, True, None),
    ("r12_64x64", 64, 64, 12, True, None),
    ("r12_33x62", 33, 62, 12, True, None),
    ("r16_48x40", 48, 40, 16, True, None),
    ("r16_64x64_flat", 64, 64, 16, True, None),
    ("i8_64x64", 64, 64, 8, False, 0.01),
    ("i8_37x29", 37, 29, 8, False, 0.03),
    ("i12_64x64", 64, 64, 12, False, 0.0005),
    ("i16_41x64", 41, 64, 16, False, 0.0001),
]


def image(name, w, h, bits):
    rnd = random.Random(name)
    top = (1 << bits) - 1
    pixels = []
    for y in range(h):
        for x in range(w):
            if name.endswith("_flat"):
                v = top // 3
            else:
                # a gradient with an edge, a noisy patch and some extremes: every magnitude range of the
                # cleanup pass gets used
                v = (x * top // max(w - 1, 1) + y * top // max(h - 1, 1)) // 2
                if x > w // 2:
                    v = top - v
                if (x // 8 + y // 8) % 3 == 0:
                    v += rnd.randint(-top // 4, top // 4)
                if rnd.random() < 0.02:
                    v = rnd.choice((0, top))
            pixels.append(min(max(v, 0), top))
    return pixels


def write_pgm(path, w, h, bits, pixels):
    top = (1 << bits) - 1
    with open(path, "wb") as f:
        f.write(b"P5\n%d %d\n%d\n" % (w, h, top))
        if bits <= 8:
            f.write(bytes(pixels))
        else:
            f.write(b"".join(p.to_bytes(2, "big") for p in pixels))


def read_pgm(path):
    data = open(path, "rb").read()
    fields = []
    i = 0
    while len(fields) < 4:
        while data[i:i + 1].isspace():
            i += 1
        if data[i:i + 1] == b"#":  # a comment runs to the end of its line
            i = data.index(b"\n", i)
            continue
        j = i
        while not data[j:j + 1].isspace():
            j += 1
        fields.append(data[i:j])
        i = j
    i += 1
    w, h, top = int(fields[1]), int(fields[2]), int(fields[3])
    body = data[i:]
    if top < 256:
        return list(body[:w * h])
    return [int.from_bytes(body[2 * k:2 * k + 2], "big") for k in range(w * h)]


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


for name, w, h, bits, reversible, qstep in CASES:
    src = name + ".pgm"
    pixels = image(name, w, h, bits)
    write_pgm(src, w, h, bits, pixels)
    cmd = ["ojph_compress", "-i", src, "-o", name + ".j2c", "-num_decomps", "0", "-block_size", "{64,64}"]
    if reversible:
        cmd += ["-reversible", "true"]
    else:
        cmd += ["-qstep", str(qstep)]
    run(*cmd)
    run("ojph_expand", "-i", name + ".j2c", "-o", name + ".ojph.pgm")
    run("opj_decompress", "-quiet", "-i", name + ".j2c", "-o", name + ".opj.pgm")
    if reversible:
        for ref in (name + ".ojph.pgm", name + ".opj.pgm"):
            assert read_pgm(ref) == pixels, ref + " is not lossless"
            os.remove(ref)
    print(name, os.path.getsize(name + ".j2c"), "bytes")
