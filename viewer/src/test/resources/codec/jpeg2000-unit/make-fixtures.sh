#!/bin/sh
# Regenerates the JPEG 2000 unit fixtures of org.radmamba.viewer.dicom.codec.jpeg2000 (Jpeg2000ReaderTest).
# Each NAME.j2k/.jp2 is made by OpenJPEG's opj_compress (or OpenJPH's ojph_compress for HTJ2K, or edited
# here byte by byte from another fixture), and NAME_<c>.pgx is what OpenJPEG's opj_decompress 2.5 writes for it
# (component c): the exact samples the decoder must produce. PGX, not raw, because opj_decompress's raw writer
# mangles signed samples. Needs python3 with numpy, libopenjp2-tools and openjph-tools.
set -eu
cd "$(dirname "$0")"
rm -f ./*.j2k ./*.jp2 ./*.pgx ./*.rawl ./*.pgm ./*.ppm

python3 - <<'PY'
import numpy as np
def img(w, h, nc, bits, signed, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    planes = []
    for c in range(nc):
        smooth = np.sin(x / 7.0 + c) * 0.4 + np.cos(y / 11.0) * 0.3 + 0.5
        v = np.clip((smooth * 0.8 + rng.random((h, w)) * 0.2) * (2 ** bits - 1), 0, 2 ** bits - 1).astype(np.int64)
        planes.append(v - 2 ** (bits - 1) if signed else v)
    return np.array(planes)
def raw(name, w, h, nc, bits, signed, seed=1):
    a = img(w, h, nc, bits, signed, seed)
    dt = (np.int8 if signed else np.uint8) if bits <= 8 else ('<i2' if signed else '<u2')
    a.astype(dt).tofile(name + '.rawl')
raw('m8', 64, 64, 1, 8, False)
raw('m12', 67, 45, 1, 12, False)
raw('m16', 48, 40, 1, 16, False)
raw('s16', 37, 29, 1, 16, True)
raw('s12', 33, 21, 1, 12, True)
raw('c8', 48, 40, 3, 8, False)
raw('c12', 61, 53, 3, 12, False)
raw('m16b', 90, 70, 1, 16, False)
# a second component subsampled 2x2 (-F ...@1x1:2x2): planes of 32x32 and 16x16. Two components, not three:
# opj_decompress takes three 4:2:0 components for sYCC and writes them converted to RGB, not as decoded.
a = img(32, 32, 1, 8, False, 3)
b = img(16, 16, 1, 8, False, 4)
np.concatenate([a.reshape(-1), b.reshape(-1)]).astype(np.uint8).tofile('sub.rawl')
# an 8-bit PGM for OpenJPH
g = img(64, 48, 1, 8, False, 5)[0].astype(np.uint8)
open('ht8.pgm', 'wb').write(b'P5 64 48 255\n' + g.tobytes())
PY

enc() { # name input-base F-spec options...
    name=$1; in=$2; f=$3; shift 3
    opj_compress -i "$in.rawl" -o "$name" -F "$f" "$@" >/dev/null
}
enc m8_lossless.j2k m8 64,64,1,8,u
enc m12_odd_3levels.j2k m12 67,45,1,12,u -n 3
enc m16_lossless.j2k m16 48,40,1,16,u
enc s16_signed.j2k s16 37,29,1,16,s -n 4
enc s12_signed_lossy.j2k s12 33,21,1,12,s -I -r 6 -n 4
enc c8_rct.j2k c8 48,40,3,8,u
enc c8_no_mct.j2k c8 48,40,3,8,u -mct 0
enc c8_ict_lossy.j2k c8 48,40,3,8,u -I -r 10
enc m12_lossy_97.j2k m12 67,45,1,12,u -I -q 40
enc m8_layers.j2k m8 64,64,1,8,u -r 20,10,1
for p in LRCP RLCP RPCL PCRL CPRL; do
    enc "c12_$p.j2k" c12 61,53,3,12,u -p $p -c '[32,32],[16,16]' -r 20,5,1 -b 16,16
done
enc m16_tiles_offsets.j2k m16b 90,70,1,16,u -t 32,24 -d 3,5 -T 1,2 -n 3
enc c12_tiles_rpcl.j2k c12 61,53,3,12,u -t 32,20 -p RPCL -n 3
enc m8_cblk_4x8.j2k m8 64,64,1,8,u -b 4,8
for m in 1 2 4 8 16 32 63; do
    enc "m16_mode$m.j2k" m16b 90,70,1,16,u -M $m -r 30,10,1 -b 16,16
done
enc m16_mode63_lossy.j2k m16b 90,70,1,16,u -M 63 -I -r 30,10,3
enc m8_roi.j2k m8 64,64,1,8,u -ROI c=0,U=5 -r 20,1
enc m8_sop_eph.j2k m8 64,64,1,8,u -SOP -EPH -r 10,1
enc c8_tileparts.j2k c8 48,40,3,8,u -TP R -r 10,1 -t 24,24 -n 2
enc m8_tlm_plt.j2k m8 64,64,1,8,u -TLM -PLT -t 32,32
enc c8_poc.j2k c8 48,40,3,8,u -POC T1=0,0,1,3,2,CPRL/T1=0,0,3,6,3,RPCL -n 6 -r 10,1
enc c8_jp2.jp2 c8 48,40,3,8,u
enc m8_one_resolution.j2k m8 64,64,1,8,u -n 1
enc m8_subsampled.j2k sub 32,32,2,8,u@1x1:2x2 -n 2
ojph_compress -i ht8.pgm -o ht8_lossless.j2k -num_decomps 3 >/dev/null

python3 - <<'PY'
import struct
def markers(d):
    """Yields (offset, marker) of the main and tile-part headers and the SOT of each tile-part."""
    i = 2
    while i + 4 <= len(d):
        m = struct.unpack('>H', d[i:i + 2])[0]
        if m == 0xFF90:
            psot = struct.unpack('>I', d[i + 6:i + 10])[0]
            yield i, m
            if psot == 0:
                return
            i += psot
            continue
        if m == 0xFFD9:
            return
        yield i, m
        i += 2 + struct.unpack('>H', d[i + 2:i + 4])[0]
src = open('c8_tileparts.j2k', 'rb').read()
sots = [o for o, m in markers(src) if m == 0xFF90]
# Psot = 0 on the last tile-part: it runs to EOC.
d = bytearray(src); d[sots[-1] + 6:sots[-1] + 10] = b'\0\0\0\0'
open('c8_psot_zero.j2k', 'wb').write(d)
# TNsot = 1 on every tile-part although tiles have several (the Kakadu-style inconsistency).
d = bytearray(src)
for o in sots:
    d[o + 11] = 1
open('c8_tnsot_wrong.j2k', 'wb').write(d)
# Packet headers moved into PPT (tile-part header) and PPM (main header). With SOP and EPH every packet is
# SOP(6) + header + EPH(2) + body, and neither marker can occur inside headers or bodies, so the split is exact:
# the headers (with their EPH) go to the marker, SOP and bodies stay in the tile-part.
src = open('m8_sop_eph.j2k', 'rb').read()
sot = [o for o, m in markers(src) if m == 0xFF90][0]
sod = src.index(b'\xff\x93', sot)
data_end = src.rindex(b'\xff\xd9')
data = src[sod + 2:data_end]
headers, bodies = b'', b''
for packet in data.split(b'\xff\x91')[1:]:
    packet = b'\xff\x91' + packet
    eph = packet.index(b'\xff\x92', 6)
    headers += packet[6:eph + 2]
    bodies += packet[:6] + packet[eph + 2:]
def tile_part(extra_header):
    body = extra_header + b'\xff\x93' + bodies
    psot = 12 + len(body)
    return src[sot:sot + 6] + struct.pack('>I', psot) + src[sot + 10:sot + 12] + body
ppt = b'\xff\x61' + struct.pack('>H', 3 + len(headers)) + b'\x00' + headers
open('m8_ppt.j2k', 'wb').write(src[:sot] + tile_part(ppt) + b'\xff\xd9')
ppm = b'\xff\x60' + struct.pack('>H', 7 + len(headers)) + b'\x00' + struct.pack('>I', len(headers)) + headers
open('m8_ppm.j2k', 'wb').write(src[:sot] + ppm + tile_part(b'') + b'\xff\xd9')
# No EOC marker.
open('m16_no_eoc.j2k', 'wb').write(open('m16_lossless.j2k', 'rb').read()[:-2])
# Truncated inside the packet data of a multi-layer, multi-progression stream.
full = open('c12_RPCL.j2k', 'rb').read()
open('c12_truncated.j2k', 'wb').write(full[:len(full) * 6 // 10])
PY

for f in ./*.j2k ./*.jp2; do
    # opj_decompress writes NAME_<c>.pgx; it refuses c8_tnsot_wrong (its TNsot check gives up), see below.
    opj_decompress -i "$f" -o "${f%.*}.pgx" -allow-partial >/dev/null 2>&1 || true
done
# The wrong TNsot changes nothing of the image: the decoder must give what the intact stream gives.
for c in 0 1 2; do cp "c8_tileparts_$c.pgx" "c8_tnsot_wrong_$c.pgx"; done
rm -f ./*.rawl ./*.pgm
