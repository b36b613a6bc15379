#!/usr/bin/env python3
"""Makes the full HTJ2K code streams of Jpeg2000HtDecodingTest and their reference decodings.

Streams come from OpenJPH 0.9's ojph_compress (the options of each are in CASES), references from opj_decompress
(OpenJPEG 2.5, which Jpeg2000Decoder follows exactly) and ojph_expand. For each NAME:
  NAME.j2c       the code stream
  NAME.pnm       the source image (P5 grey or P6 RGB; 16-bit big-endian above 8 bits), reversible streams only
  NAME.opj.pnm   opj_decompress output, irreversible streams only
  NAME.ojph.pnm  ojph_expand output, irreversible streams only
Reversible streams must decode to the source; the script checks that both decoders agree with it. It prints the
largest difference between the two decoders of each irreversible stream (the test bounds ours against ojph's).
Also copies small T.803 conformance streams OpenJPEG 2.5 decodes (ds0_ht_*; from OpenHTJ2K's conformance_data,
osamu620/OpenHTJ2K 19a544b3dc16a92ea655743a478f6721692b7e8d) when their directory is given as the first argument,
with opj_decompress's output as NAME.opj.pnm.
Run from this directory: python3 make_fixtures.py [OPENHTJ2K_CONFORMANCE_DIR]
"""
import os
import random
import shutil
import subprocess
import sys

# name, width, height, bits, components, reversible, extra ojph_compress options
CASES = [
    ("gray8_rev_5dec", 128, 96, 8, 1, True, []),
    ("gray8_irv_5dec", 128, 96, 8, 1, False, ["-qstep", "0.01"]),
    ("gray12_rev_blocks32", 100, 75, 12, 1, True, ["-num_decomps", "3", "-block_size", "{32,32}"]),
    ("gray12_irv_blocks32", 100, 75, 12, 1, False, ["-num_decomps", "3", "-block_size", "{32,32}",
                                                    "-qstep", "0.001"]),
    ("gray16_rev", 96, 80, 16, 1, True, ["-num_decomps", "4"]),
    ("gray16_irv", 96, 80, 16, 1, False, ["-num_decomps", "4", "-qstep", "0.0001"]),
    ("gray8_rev_odd", 77, 53, 8, 1, True, ["-num_decomps", "5", "-block_size", "{16,16}"]),
    ("gray12_rev_tiles", 100, 75, 12, 1, True, ["-num_decomps", "2", "-tile_size", "{48,40}",
                                                "-block_size", "{16,16}"]),
    ("gray8_irv_tiles", 100, 75, 8, 1, False, ["-num_decomps", "2", "-tile_size", "{64,32}",
                                               "-qstep", "0.005"]),
    ("gray8_rev_precincts", 128, 96, 8, 1, True, ["-num_decomps", "3", "-precincts", "{32,32},{16,16}",
                                                  "-block_size", "{16,16}"]),
    ("gray8_rev_lrcp", 90, 70, 8, 1, True, ["-num_decomps", "3", "-prog_order", "LRCP", "-block_size", "{32,32}"]),
    ("gray8_rev_rlcp", 90, 70, 8, 1, True, ["-num_decomps", "3", "-prog_order", "RLCP", "-block_size", "{32,32}"]),
    ("gray8_rev_pcrl", 90, 70, 8, 1, True, ["-num_decomps", "3", "-prog_order", "PCRL", "-block_size", "{32,32}",
                                            "-precincts", "{64,64}"]),
    ("rgb8_rev_rct", 96, 64, 8, 3, True, ["-colour_trans", "true"]),
    ("rgb8_rev_nomct", 96, 64, 8, 3, True, ["-colour_trans", "false", "-num_decomps", "3"]),
    ("rgb8_irv_ict", 96, 64, 8, 3, False, ["-colour_trans", "true", "-qstep", "0.005"]),
    ("rgb8_rev_cprl_tiles", 96, 64, 8, 3, True, ["-colour_trans", "true", "-prog_order", "CPRL", "-num_decomps",
                                                 "3", "-tile_size", "{64,48}", "-block_size", "{32,32}"]),
    ("rgb12_rev_rct", 64, 48, 12, 3, True, ["-colour_trans", "true", "-num_decomps", "3"]),
]

CONFORMANCE = ["ds0_ht_01_b11", "ds0_ht_09_b11", "ds0_ht_11_b10", "ds0_ht_12_b11", "ds0_ht_14_b11", "ds1_ht_06_b11",
               "ds1_ht_07_b11"]


def image(name, w, h, bits, comps):
    rnd = random.Random(name)
    top = (1 << bits) - 1
    out = []
    for y in range(h):
        for x in range(w):
            for c in range(comps):
                # smooth ramps (different per component), a sharp diagonal edge, noisy blocks and rare extremes
                v = ((x + 7 * c) * top // max(w - 1, 1) + (y * (c + 1)) * top // max(h - 1, 1)) // (2 + c)
                if x + y > (w + h) // 2:
                    v = top - v
                if (x // 8 + y // 8 + c) % 4 == 0:
                    v += rnd.randint(-top // 6, top // 6)
                if rnd.random() < 0.01:
                    v = rnd.choice((0, top))
                out.append(min(max(v, 0), top))
    return out


def write_pnm(path, w, h, bits, comps, samples):
    top = (1 << bits) - 1
    with open(path, "wb") as f:
        f.write(b"%s\n%d %d\n%d\n" % (b"P5" if comps == 1 else b"P6", w, h, top))
        if bits <= 8:
            f.write(bytes(samples))
        else:
            f.write(b"".join(s.to_bytes(2, "big") for s in samples))


def read_pnm(path):
    data = open(path, "rb").read()
    fields = []
    i = 0
    while len(fields) < 4:
        while data[i:i + 1].isspace():
            i += 1
        if data[i:i + 1] == b"#":
            i = data.index(b"\n", i)
            continue
        j = i
        while not data[j:j + 1].isspace():
            j += 1
        fields.append(data[i:j])
        i = j
    i += 1
    comps = 1 if fields[0] == b"P5" else 3
    w, h, top = int(fields[1]), int(fields[2]), int(fields[3])
    n = w * h * comps
    body = data[i:]
    if top < 256:
        return list(body[:n])
    return [int.from_bytes(body[2 * k:2 * k + 2], "big") for k in range(n)]


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


for name, w, h, bits, comps, reversible, options in CASES:
    ext = ".pgm" if comps == 1 else ".ppm"
    src = name + ext
    samples = image(name, w, h, bits, comps)
    write_pnm(src, w, h, bits, comps, samples)
    cmd = ["ojph_compress", "-i", src, "-o", name + ".j2c"] + options
    if reversible:
        cmd += ["-reversible", "true"]
    run(*cmd)
    run("ojph_expand", "-i", name + ".j2c", "-o", name + ".ojph" + ext)
    run("opj_decompress", "-quiet", "-i", name + ".j2c", "-o", name + ".opj" + ext)
    if reversible:
        os.rename(src, name + ".pnm")
    else:
        os.remove(src)
    opj = read_pnm(name + ".opj" + ext)
    ojph = read_pnm(name + ".ojph" + ext)
    if reversible:
        assert opj == samples, name + ": opj_decompress is not lossless"
        assert ojph == samples, name + ": ojph_expand is not lossless"
        os.remove(name + ".opj" + ext)
        os.remove(name + ".ojph" + ext)
        print(name, os.path.getsize(name + ".j2c"), "bytes")
    else:
        os.rename(name + ".opj" + ext, name + ".opj.pnm")
        os.rename(name + ".ojph" + ext, name + ".ojph.pnm")
        diff = max(abs(a - b) for a, b in zip(opj, ojph))
        print(name, os.path.getsize(name + ".j2c"), "bytes; opj and ojph differ by up to", diff)

if len(sys.argv) > 1:
    for name in CONFORMANCE:
        shutil.copy(os.path.join(sys.argv[1], name + ".j2k"), name + ".j2k")
        # PGX per component keeps signedness and odd depths; the test reads NAME.opj_C.pgx
        run("opj_decompress", "-quiet", "-i", name + ".j2k", "-o", name + ".opj.pgx")
        print(name, os.path.getsize(name + ".j2k"), "bytes")
