#!/bin/sh
# Regenerates the progressive and arithmetic-coded JPEG fixtures of JpegProgressiveDecodingTest and
# JpegArithmeticDecodingTest (org.radmamba.viewer.dicom.codec), with their references from libjpeg.
# Needs: python3 with numpy, libjpeg-turbo's cjpeg/djpeg/jpegtran (2.1), dcmtk (dcmcjpeg, dcmdjpeg):
#   apt-get install -y python3-numpy libjpeg-turbo-progs dcmtk
# Every JPEG is wrapped in a DICOM file (encapsulated, one fragment) named for what it holds; the references are
#   <name>.ref.dcm  dcmtk's dcmdjpeg (IJG libjpeg 6b, integer IDCT, triangle chroma upsampling) of the fixture,
#                   colour left in YCbCr (+cn). dcmdjpeg decodes no arithmetic coding: for those the reference
#                   is dcmdjpeg's decode of jpegtran's lossless transcode to Huffman coding (same coefficients).
#   <name>.pgm      libjpeg-turbo's djpeg -dct int -nosmooth of the greyscale fixtures (8-bit only).
# Arithmetic-coded lossless JPEG (SOF11, TS .58; lossless_arith_*) and a frame whose height comes in a DNL marker
# (dnl_*) are written only by the ISO reference software, Thomas Richter's libjpeg (github.com/thorfdbg/libjpeg,
# commit f7b3496, built with `./configure && make final`; that commit throws "DQT marker missing" on -p, fixed by
# returning 0, or 1 for chroma, from Tables::QuantizationTableIndexOf when no DQT exists). Point THORFDBG_JPEG at
# its `jpeg` program to regenerate them; without it they are kept. lossless_arith_*.ref.dcm are the uncompressed
# sources, which that program's own decoder reproduces exactly (checked below). It also writes the only 12-bit
# arithmetic-coded DCT here (arith12_*, SOF9 and SOF10); their references are dcmdjpeg's decodes of the same
# program's Huffman-coded twins (same quantized coefficients, since only the entropy coding differs).
set -eu
cd "$(dirname "$0")"
if [ -n "${THORFDBG_JPEG:-}" ]; then
  rm -f ./*.dcm ./*.pgm
else
  find . -maxdepth 1 \( -name '*.dcm' -o -name '*.pgm' \) ! -name 'lossless_arith_*' ! -name 'dnl_*' ! -name 'arith12_*' \
    -delete
fi

python3 - <<'PY'
import numpy as np

def content(rows, cols, spp, bits, seed):
    """Gradients, a disc and a box with sharp edges, a sinusoid, noise, and the extreme values."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float64)
    out = np.empty((rows, cols, spp))
    for s in range(spp):
        v = 0.45 * (x / cols) + 0.25 * (y / rows) + 0.08 * np.sin(x / 3.0 + 2.1 * s) * np.cos(y / 5.0)
        v += 0.2 * (((x - cols * (0.3 + 0.1 * s)) ** 2 + (y - rows * 0.5) ** 2) < (rows * 0.22) ** 2)
        v -= 0.15 * ((x > cols * 0.6) & (x < cols * 0.85) & (y > rows * 0.15) & (y < rows * 0.4))
        v += rng.normal(0, 0.015, v.shape)
        out[:, :, s] = v
    out = (out - out.min()) / (out.max() - out.min())
    out = np.round(out * ((1 << bits) - 1))
    out[0, 0, :], out[-1, -1, :] = 0, (1 << bits) - 1
    return out

g = content(75, 97, 1, 8, 1).astype(np.uint8)
with open('tmp_grey.pgm', 'wb') as f:
    f.write(b'P5\n97 75\n255\n' + g.tobytes())
c = content(67, 131, 3, 8, 2).astype(np.uint8)
with open('tmp_colour.ppm', 'wb') as f:
    f.write(b'P6\n131 67\n255\n' + c.tobytes())
g12 = content(71, 83, 1, 12, 3).astype(np.uint16)
np.save('tmp_grey12.npy', g12)
with open('tmp_grey12.pgm', 'wb') as f:
    f.write(b'P5\n83 71\n4095\n' + g12.astype('>u2').tobytes())
np.save('tmp_colour8.npy', c)
PY

# A successive-approximation script for greyscale: DC in three steps, AC in two bands, each refined twice.
cat > tmp_grey.scans <<'S'
0: 0-0, 0, 2;
0: 1-5, 0, 3;
0: 6-63, 0, 2;
0: 1-5, 3, 2;
0: 0-0, 2, 1;
0: 1-63, 2, 1;
0: 0-0, 1, 0;
0: 1-63, 1, 0;
S
# ... and for colour: luma DC alone, chroma DC interleaved, chroma DC refined in separate scans, luma DC refined
# with chroma in one interleaved scan.
cat > tmp_colour.scans <<'S'
0: 0-0, 0, 1;
1,2: 0-0, 0, 1;
0: 1-9, 0, 2;
2: 1-63, 0, 1;
1: 1-63, 0, 1;
0: 10-63, 0, 2;
0: 1-63, 2, 1;
0,1,2: 0-0, 1, 0;
1: 1-63, 1, 0;
2: 1-63, 1, 0;
0: 1-63, 1, 0;
S

# Progressive Huffman (SOF2) from cjpeg: default scripts for grey and 4:2:0/4:2:2/4:4:4 colour, restart intervals
# (in MCUs and in rows), custom successive-approximation scripts.
cjpeg -quality 85 -progressive tmp_grey.pgm > prog_grey.jpg
cjpeg -quality 85 -progressive -restart 7B tmp_grey.pgm > prog_restart_grey.jpg
cjpeg -quality 85 -progressive -scans tmp_grey.scans tmp_grey.pgm > prog_script_grey.jpg
cjpeg -quality 85 -progressive -sample 2x2 tmp_colour.ppm > prog_ycc420.jpg
cjpeg -quality 85 -progressive -sample 2x1 tmp_colour.ppm > prog_ycc422.jpg
cjpeg -quality 85 -progressive -sample 1x1 tmp_colour.ppm > prog_ycc444.jpg
cjpeg -quality 85 -progressive -sample 2x2 -restart 1 tmp_colour.ppm > prog_restart_ycc420.jpg
cjpeg -quality 85 -progressive -sample 2x2 -scans tmp_colour.scans -restart 5B tmp_colour.ppm > prog_script_ycc420.jpg
# jpegtran: a baseline file made progressive without touching its coefficients
cjpeg -quality 75 -sample 2x1 tmp_colour.ppm > tmp_baseline.jpg
jpegtran -progressive tmp_baseline.jpg > prog_jpegtran_ycc422.jpg

# Arithmetic coding: sequential (SOF9) and progressive (SOF10), restarts, a custom script, jpegtran transcodes
cjpeg -quality 85 -arithmetic tmp_grey.pgm > arith_grey.jpg
cjpeg -quality 85 -arithmetic -sample 2x2 tmp_colour.ppm > arith_ycc420.jpg
cjpeg -quality 85 -arithmetic -sample 2x1 -restart 3B tmp_colour.ppm > arith_restart_ycc422.jpg
cjpeg -quality 85 -arithmetic -progressive tmp_grey.pgm > arith_prog_grey.jpg
cjpeg -quality 85 -arithmetic -progressive -sample 2x2 tmp_colour.ppm > arith_prog_ycc420.jpg
cjpeg -quality 85 -arithmetic -progressive -sample 1x1 -restart 4B tmp_colour.ppm > arith_prog_restart_ycc444.jpg
cjpeg -quality 85 -arithmetic -progressive -scans tmp_grey.scans -restart 9B tmp_grey.pgm > arith_prog_script_grey.jpg
jpegtran -arithmetic tmp_baseline.jpg > arith_jpegtran_ycc422.jpg
jpegtran -arithmetic -progressive tmp_baseline.jpg > arith_prog_jpegtran_ycc422.jpg

# Arithmetic lossless (predictor 4 is what the reference software writes), 8 and 12-bit grey, RGB without a
# colour transform, a restart interval of two lines; and a baseline frame with a DNL marker.
if [ -n "${THORFDBG_JPEG:-}" ]; then
  "$THORFDBG_JPEG" -p -a tmp_grey.pgm lossless_arith_grey8.jpg > /dev/null
  "$THORFDBG_JPEG" -p -a tmp_grey12.pgm lossless_arith_grey12.jpg > /dev/null
  "$THORFDBG_JPEG" -p -a -c tmp_colour.ppm lossless_arith_rgb8.jpg > /dev/null
  "$THORFDBG_JPEG" -p -a -z 194 tmp_grey.pgm lossless_arith_restart_grey8.jpg > /dev/null
  "$THORFDBG_JPEG" -q 85 -n tmp_grey.pgm dnl_grey8.jpg > /dev/null
  "$THORFDBG_JPEG" -q 85 -a tmp_grey12.pgm arith12_grey.jpg > /dev/null
  "$THORFDBG_JPEG" -q 85 tmp_grey12.pgm tmp_twin_arith12_grey.jpg > /dev/null
  "$THORFDBG_JPEG" -q 85 -v -a tmp_grey12.pgm arith12_prog_grey.jpg > /dev/null
  "$THORFDBG_JPEG" -q 85 -v tmp_grey12.pgm tmp_twin_arith12_prog_grey.jpg > /dev/null
  for f in lossless_arith_grey8:tmp_grey.pgm lossless_arith_grey12:tmp_grey12.pgm lossless_arith_rgb8:tmp_colour.ppm \
           lossless_arith_restart_grey8:tmp_grey.pgm; do
    "$THORFDBG_JPEG" "${f%%:*}.jpg" tmp_check.pnm > /dev/null
    cmp tmp_check.pnm "${f#*:}"
  done
fi

python3 - <<'PY'
import glob, struct, zlib
import numpy as np

TS = {0xC0: '1.2.840.10008.1.2.4.50', 0xC1: '1.2.840.10008.1.2.4.51', 0xC2: '1.2.840.10008.1.2.4.55',
      0xC9: '1.2.840.10008.1.2.4.52', 0xCA: '1.2.840.10008.1.2.4.56', 0xCB: '1.2.840.10008.1.2.4.58'}

def element(group, elem, vr, value):
    if isinstance(value, str):
        value = value.encode('ascii')
        if len(value) % 2:
            value += b'\0' if vr == 'UI' else b' '
    if vr in ('OB', 'OW', 'SQ', 'UN', 'UT'):
        return struct.pack('<HH2sHI', group, elem, vr.encode(), 0, len(value)) + value
    return struct.pack('<HH2sH', group, elem, vr.encode(), len(value)) + value

def us(group, elem, v):
    return element(group, elem, 'US', struct.pack('<H', v))

def write(path, rows, cols, spp, bits, photometric, ts, pixels=None, fragment=None):
    uid = '1.2.826.0.1.3680043.10.1234.' + str(zlib.crc32(path.encode()))
    meta = (element(2, 1, 'OB', b'\0\1') + element(2, 2, 'UI', '1.2.840.10008.5.1.4.1.1.7')
            + element(2, 3, 'UI', uid) + element(2, 0x10, 'UI', ts)
            + element(2, 0x12, 'UI', '1.2.826.0.1.3680043.10.1234.1'))
    meta = element(2, 0, 'UL', struct.pack('<I', len(meta))) + meta
    ds = (element(8, 0x16, 'UI', '1.2.840.10008.5.1.4.1.1.7') + element(8, 0x18, 'UI', uid)
          + element(8, 0x60, 'CS', 'OT') + element(8, 0x64, 'CS', 'WSD')
          + element(0x10, 0x10, 'PN', 'Codec^Fixture') + element(0x10, 0x20, 'LO', 'CODEC')
          + element(0x20, 0xD, 'UI', uid + '.1') + element(0x20, 0xE, 'UI', uid + '.2')
          + us(0x28, 2, spp) + element(0x28, 4, 'CS', photometric))
    if spp == 3:
        ds += us(0x28, 6, 0)
    allocated = 8 if bits == 8 else 16
    ds += element(0x28, 8, 'IS', '1') + us(0x28, 0x10, rows) + us(0x28, 0x11, cols)
    ds += us(0x28, 0x100, allocated) + us(0x28, 0x101, bits) + us(0x28, 0x102, bits - 1) + us(0x28, 0x103, 0)
    if fragment is None:
        raw = pixels.astype('<u2' if allocated == 16 else 'u1').tobytes()
        ds += element(0x7FE0, 0x10, 'OB' if allocated == 8 else 'OW', raw + (b'\0' if len(raw) % 2 else b''))
    else:
        fragment += b'\0' if len(fragment) % 2 else b''
        ds += struct.pack('<HH2sHI', 0x7FE0, 0x10, b'OB', 0, 0xFFFFFFFF)
        ds += struct.pack('<HHI', 0xFFFE, 0xE000, 0)
        ds += struct.pack('<HHI', 0xFFFE, 0xE000, len(fragment)) + fragment
        ds += struct.pack('<HHI', 0xFFFE, 0xE0DD, 0)
    with open(path, 'wb') as f:
        f.write(b'\0' * 128 + b'DICM' + meta + ds)

def frame_header(jpeg):
    p = 2
    while True:
        marker = jpeg[p + 1]
        length = struct.unpack('>H', jpeg[p + 2:p + 4])[0]
        if marker in TS:
            precision, rows, cols, spp = struct.unpack('>BHHB', jpeg[p + 4:p + 10])
            sampling = {jpeg[p + 11 + 3 * i] for i in range(spp)}
            return marker, precision, rows, cols, spp, sampling
        p += 2 + length

for name in sorted(glob.glob('*.jpg')):
    jpeg = open(name, 'rb').read()
    marker, precision, rows, cols, spp, sampling = frame_header(jpeg)
    if rows == 0:  # the DNL marker gives it
        rows = struct.unpack('>H', jpeg[jpeg.index(b'\xff\xdc') + 4:][:2])[0]
    photometric = 'MONOCHROME2' if spp == 1 else ('YBR_FULL' if sampling == {0x11} else 'YBR_FULL_422')
    if marker == 0xCB:
        photometric = 'MONOCHROME2' if spp == 1 else 'RGB'
    write(name[:-4] + '.dcm', rows, cols, spp, precision, photometric, TS[marker], fragment=jpeg)

# Native sources for dcmcjpeg: 12-bit grey, 8-bit RGB
g12 = np.load('tmp_grey12.npy')
write('tmp_src_grey12.dcm', g12.shape[0], g12.shape[1], 1, 12, 'MONOCHROME2', '1.2.840.10008.1.2.1', pixels=g12)
c8 = np.load('tmp_colour8.npy')
write('tmp_src_rgb8.dcm', c8.shape[0], c8.shape[1], 3, 8, 'RGB', '1.2.840.10008.1.2.1', pixels=c8)
if glob.glob('lossless_arith_*.jpg'):
    g8 = np.fromfile('tmp_grey.pgm', dtype=np.uint8)[-75 * 97:].reshape(75, 97)
    for name in ('lossless_arith_grey8', 'lossless_arith_restart_grey8'):
        write(name + '.ref.dcm', 75, 97, 1, 8, 'MONOCHROME2', '1.2.840.10008.1.2.1', pixels=g8)
    write('lossless_arith_grey12.ref.dcm', g12.shape[0], g12.shape[1], 1, 12, 'MONOCHROME2', '1.2.840.10008.1.2.1',
          pixels=g12)
    write('lossless_arith_rgb8.ref.dcm', c8.shape[0], c8.shape[1], 3, 8, 'RGB', '1.2.840.10008.1.2.1', pixels=c8)
PY

# DCMTK's own progressive (+ep, TS .55) and spectral selection (+es, TS .53) encoders, 8 and 12-bit
dcmcjpeg +ep +q 85 tmp_src_grey12.dcm dcmtk_prog_grey12.dcm
dcmcjpeg +es +q 85 tmp_src_grey12.dcm dcmtk_spectral_grey12.dcm
dcmcjpeg +ep +q 85 tmp_src_rgb8.dcm dcmtk_prog_ycc422.dcm
dcmcjpeg +es +q 85 tmp_src_rgb8.dcm dcmtk_spectral_ycc422.dcm

# References
for f in prog_*.dcm dcmtk_*.dcm; do dcmdjpeg +cn "$f" "${f%.dcm}.ref.dcm"; done
for f in tmp_twin_*.dcm; do g="${f#tmp_twin_}"; dcmdjpeg +cn "$f" "${g%.dcm}.ref.dcm"; done
for f in arith_*.jpg; do
  jpegtran "$f" > tmp_huffman.jpg
  python3 - "$f" <<'PY'
import sys, struct
# Re-wrap the Huffman transcode in the fixture's own header (only the pixel data item changes).
name = sys.argv[1][:-4]
dcm = open(name + '.dcm', 'rb').read()
jpeg = open('tmp_huffman.jpg', 'rb').read()
jpeg += b'\0' if len(jpeg) % 2 else b''
at = dcm.index(struct.pack('<HH2sHI', 0x7FE0, 0x10, b'OB', 0, 0xFFFFFFFF))
head = dcm[:at].replace(b'1.2.840.10008.1.2.4.52', b'1.2.840.10008.1.2.4.51')
head = head.replace(b'1.2.840.10008.1.2.4.56', b'1.2.840.10008.1.2.4.55')
pixel = struct.pack('<HH2sHI', 0x7FE0, 0x10, b'OB', 0, 0xFFFFFFFF) + struct.pack('<HHI', 0xFFFE, 0xE000, 0)
pixel += struct.pack('<HHI', 0xFFFE, 0xE000, len(jpeg)) + jpeg + struct.pack('<HHI', 0xFFFE, 0xE0DD, 0)
open('tmp_huffman.dcm', 'wb').write(head + pixel)
PY
  dcmdjpeg +cn tmp_huffman.dcm "${f%.jpg}.ref.dcm"
done
for f in *grey.jpg; do
  case "$f" in arith12_*|tmp_*) continue ;; esac  # djpeg is built for 8-bit samples only
  djpeg -dct int -nosmooth -pnm "$f" > "${f%.jpg}.pgm"
done
rm -f tmp_* ./*.jpg
