#!/bin/sh
# Regenerates the compressed-pixel-data fixtures of the codec tests (org.radmamba.viewer.dicom.codec).
# Needs: python3 with numpy, dcmtk (dcmcrle, dcmcjpeg, dcmcjpls, img2dcm), libjpeg-turbo's cjpeg, gdcm (gdcmconv)
# and OpenJPEG (opj_compress):
#   apt-get install -y python3-numpy dcmtk libjpeg-turbo-progs libgdcm-tools libopenjp2-tools
# Sources (src_*.dcm) are uncompressed explicit-VR-little-endian twins: the expected stored values of every
# lossless fixture and the reference of every lossy one. ijg_*.dcm are dcmdjpeg decodes of the lossy JPEGs (an
# independent decoder, libjpeg's). rle32_*.dcm are written here directly: no tool encodes 32-bit RLE.
set -eu
cd "$(dirname "$0")"
rm -f ./*.dcm

python3 - <<'PY'
import numpy as np, struct, zlib

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

def write(path, pixels, bits_stored, signed, photometric, transfer_syntax='1.2.840.10008.1.2.1', encapsulated=None):
    frames, rows, cols, spp = pixels.shape
    uid = '1.2.826.0.1.3680043.10.1234.' + str(zlib.crc32(path.encode()))
    meta = (element(2, 1, 'OB', b'\0\1') + element(2, 2, 'UI', '1.2.840.10008.5.1.4.1.1.7')
            + element(2, 3, 'UI', uid) + element(2, 0x10, 'UI', transfer_syntax)
            + element(2, 0x12, 'UI', '1.2.826.0.1.3680043.10.1234.1'))
    meta = element(2, 0, 'UL', struct.pack('<I', len(meta))) + meta
    ds = (element(8, 0x16, 'UI', '1.2.840.10008.5.1.4.1.1.7') + element(8, 0x18, 'UI', uid)
          + element(8, 0x60, 'CS', 'OT') + element(8, 0x64, 'CS', 'WSD')
          + element(0x10, 0x10, 'PN', 'Codec^Fixture') + element(0x10, 0x20, 'LO', 'CODEC')
          + element(0x20, 0xD, 'UI', uid + '.1') + element(0x20, 0xE, 'UI', uid + '.2')
          + us(0x28, 2, spp) + element(0x28, 4, 'CS', photometric))
    if spp == 3:
        ds += us(0x28, 6, 0)
    ds += element(0x28, 8, 'IS', str(frames)) + us(0x28, 0x10, rows) + us(0x28, 0x11, cols)
    bits_allocated = pixels.dtype.itemsize * 8
    ds += us(0x28, 0x100, bits_allocated) + us(0x28, 0x101, bits_stored) + us(0x28, 0x102, bits_stored - 1)
    ds += us(0x28, 0x103, 1 if signed else 0)
    if encapsulated is None:
        raw = pixels.astype(pixels.dtype.newbyteorder('<')).tobytes()
        ds += element(0x7FE0, 0x10, 'OB' if bits_allocated == 8 else 'OW', raw + (b'\0' if len(raw) % 2 else b''))
    else:
        items, offsets, at = b'', b'', 0
        for fragment in encapsulated:
            fragment += b'\0' if len(fragment) % 2 else b''
            offsets += struct.pack('<I', at)
            items += struct.pack('<HHI', 0xFFFE, 0xE000, len(fragment)) + fragment
            at += 8 + len(fragment)
        ds += struct.pack('<HH2sHI', 0x7FE0, 0x10, b'OB', 0, 0xFFFFFFFF)
        ds += struct.pack('<HHI', 0xFFFE, 0xE000, len(offsets)) + offsets + items
        ds += struct.pack('<HHI', 0xFFFE, 0xE0DD, 0)
    with open(path, 'wb') as f:
        f.write(b'\0' * 128 + b'DICM' + meta + ds)

def content(frames, rows, cols, spp, bits, signed, seed):
    """Gradients, a disc and a box with sharp edges, a sinusoid, noise, and the extreme values."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float64)
    out = np.empty((frames, rows, cols, spp))
    for f in range(frames):
        for s in range(spp):
            phase = f * 1.3 + s * 2.1
            v = 0.45 * (x / cols) + 0.25 * (y / rows) + 0.08 * np.sin(x / 3.0 + phase) * np.cos(y / 5.0)
            v += 0.2 * (((x - cols * (0.3 + 0.1 * f)) ** 2 + (y - rows * 0.5) ** 2) < (rows * 0.22) ** 2)
            v -= 0.15 * ((x > cols * 0.6) & (x < cols * 0.85) & (y > rows * 0.15) & (y < rows * 0.4))
            v += rng.normal(0, 0.015, v.shape)
            out[f, :, :, s] = v
    out = (out - out.min()) / (out.max() - out.min())
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    out = np.round(lo + out * (hi - lo))
    out[:, 0, 0, :], out[:, -1, -1, :] = lo, hi
    out[:, 1, 1, :], out[:, -2, -2, :] = hi, lo
    return out

def save(name, frames, rows, cols, spp, bits, signed, dtype, photometric, seed):
    px = content(frames, rows, cols, spp, bits, signed, seed).astype(dtype)
    write('src_' + name + '.dcm', px, bits, signed, photometric)
    return px

mono8 = save('mono8', 2, 64, 64, 1, 8, False, np.uint8, 'MONOCHROME2', 1)
save('mono12', 2, 37, 45, 1, 12, False, np.uint16, 'MONOCHROME2', 2)
save('mono16', 1, 48, 64, 1, 16, False, np.uint16, 'MONOCHROME2', 3)
save('mono16s', 1, 30, 40, 1, 16, True, np.int16, 'MONOCHROME2', 4)
rgb8 = save('rgb8', 2, 34, 50, 3, 8, False, np.uint8, 'RGB', 5)
save('mono6', 1, 40, 48, 1, 6, False, np.uint8, 'MONOCHROME2', 7)
save('mono7_strip', 1, 3, 99, 1, 7, False, np.uint8, 'MONOCHROME2', 10)
save('mono7_ambiguous', 1, 5, 64, 1, 7, False, np.uint8, 'MONOCHROME2', 16)
save('mono16_jai', 1, 40, 48, 1, 16, False, np.uint16, 'MONOCHROME2', 21)
save('rgb8_narrow', 1, 16, 3, 3, 8, False, np.uint8, 'RGB', 22)
# Netpbm copies of first frames, for cjpeg (restart intervals, 4:2:0), removed below
with open('tmp_mono8.pgm', 'wb') as f:
    f.write(b'P5 64 64 255\n' + mono8[0].tobytes())
with open('tmp_rgb8.ppm', 'wb') as f:
    f.write(b'P6 50 34 255\n' + rgb8[0].tobytes())

# JPEG 2000 with the component transforms (gdcmconv leaves RGB untransformed): OpenJPEG's opj_compress
import subprocess
def j2k_frames(options):
    streams = []
    for i, frame in enumerate(rgb8):
        with open('tmp_%d.ppm' % i, 'wb') as f:
            f.write(b'P6\n50 34\n255\n' + frame.tobytes())
        subprocess.run(['opj_compress', '-i', 'tmp_%d.ppm' % i, '-o', 'tmp_%d.j2k' % i, '-mct', '1'] + options,
                       check=True, stdout=subprocess.DEVNULL)
        streams.append(open('tmp_%d.j2k' % i, 'rb').read())
    return streams
write('j2k_rct_rgb8.dcm', rgb8, 8, False, 'YBR_RCT', '1.2.840.10008.1.2.4.90', j2k_frames([]))
write('j2k_ict_rgb8.dcm', rgb8, 8, False, 'YBR_ICT', '1.2.840.10008.1.2.4.91', j2k_frames(['-I', '-q', '40']))

def packbits(plane):
    """PackBits as DICOM RLE uses it: replicate runs of 3 to 128, literal runs of up to 128."""
    out, i, n = bytearray(), 0, len(plane)
    while i < n:
        run = 1
        while i + run < n and run < 128 and plane[i + run] == plane[i]:
            run += 1
        if run >= 3:
            out += bytes([(257 - run) & 0xFF, plane[i]])
            i += run
            continue
        j = i
        while j < n and j - i < 128 and not (j + 2 < n and plane[j] == plane[j + 1] == plane[j + 2]):
            j += 1
        out += bytes([j - i - 1]) + bytes(plane[i:j])
        i = j
    return bytes(out)

def rle_frame(frame):
    rows, cols, spp = frame.shape
    width = frame.dtype.itemsize
    segments = []
    for s in range(spp):
        bits = frame[:, :, s].astype('>u%d' % width).view(np.uint8).reshape(rows * cols, width)
        for b in range(width):
            segments.append(packbits(bits[:, b].tobytes()))
    header, at = struct.pack('<I', len(segments)), 64
    for seg in segments:
        header += struct.pack('<I', at)
        at += len(seg)
    header += b'\0' * (64 - len(header))
    return header + b''.join(segments)

for name, spp, photometric in (('mono32', 1, 'MONOCHROME2'), ('rgb32', 3, 'RGB')):
    px = content(2, 24, 20, spp, 32, False, 6 + spp).astype(np.uint32)
    write('src_' + name + '.dcm', px, 32, False, photometric)
    write('rle32_' + name + '.dcm', px, 32, False, photometric, '1.2.840.10008.1.2.5', [rle_frame(f) for f in px])
PY

q() { "$@" >/dev/null; }
# RLE Lossless
for s in mono8 mono16 mono16s rgb8; do q dcmcrle src_$s.dcm rle_$s.dcm; done
# The same RLE RGB stating Planar Configuration 1 (dcmcrle writes 0; other writers 1): RLE segments are always one
# per colour plane (PS3.5 G.2), so the value must not change the decoded pixels
python3 - <<'PY'
import struct
data = bytearray(open('rle_rgb8.dcm', 'rb').read())
zero, one = (struct.pack('<HH2sHH', 0x28, 6, b'US', 2, v) for v in (0, 1))
assert data.count(zero) == 1
at = data.index(zero)
data[at:at + len(zero)] = one
open('rle_rgb8_planar1.dcm', 'wb').write(bytes(data))
PY
# JPEG baseline (lossy, 8-bit): greyscale, YCbCr 4:2:2 (YBR_FULL_422), RGB-coded
q dcmcjpeg +eb +q 90 src_mono8.dcm jpeg_baseline_mono8.dcm
q dcmcjpeg +eb +q 90 src_rgb8.dcm jpeg_baseline_ybr422.dcm
q dcmcjpeg +eb +q 90 +cr src_rgb8.dcm jpeg_baseline_rgb.dcm
# ... 3 pixels wide: its 4:2:2 chroma is 2 samples wide, which libjpeg replicates rather than interpolates
q dcmcjpeg +eb +q 90 src_rgb8_narrow.dcm jpeg_baseline_ybr422_narrow.dcm
# JPEG baseline with restart markers every few MCUs (mid-row), and 4:2:0 colour, by libjpeg-turbo's cjpeg
cjpeg -quality 90 -restart 5B tmp_mono8.pgm > tmp_mono8.jpg
cjpeg -quality 90 -restart 2B -sample 2x2 tmp_rgb8.ppm > tmp_rgb8.jpg
q img2dcm tmp_mono8.jpg jpeg_baseline_restart_mono8.dcm
q img2dcm tmp_rgb8.jpg jpeg_baseline_restart_ybr420.dcm
rm -f tmp_*
# JPEG extended (lossy, 12-bit)
q dcmcjpeg +ee +q 90 src_mono12.dcm jpeg_extended_mono12.dcm
# JPEG lossless process 14: every predictor on 8-bit, several on 12/16-bit, SV1, a point transform, colour
for sv in 1 2 3 4 5 6 7; do q dcmcjpeg +el +sv $sv src_mono8.dcm jpeg_lossless_mono8_sv$sv.dcm; done
q dcmcjpeg +el +sv 7 src_mono12.dcm jpeg_lossless_mono12_sv7.dcm
q dcmcjpeg +el +sv 4 src_mono16.dcm jpeg_lossless_mono16_sv4.dcm
q dcmcjpeg +el +sv 6 src_mono16.dcm jpeg_lossless_mono16_sv6.dcm
q dcmcjpeg +e1 src_mono16.dcm jpeg_lossless_sv1_mono16.dcm
q dcmcjpeg +e1 src_mono16s.dcm jpeg_lossless_sv1_mono16s.dcm
q dcmcjpeg +el +sv 5 +pt 2 src_mono12.dcm jpeg_lossless_mono12_sv5_pt2.dcm
q dcmcjpeg +e1 src_rgb8.dcm jpeg_lossless_sv1_rgb8.dcm
# JPEG-LS lossless and near-lossless (NEAR in the name), all interleave modes for colour
for s in mono8 mono12 mono16 mono16s; do q dcmcjpls +el src_$s.dcm jpegls_$s.dcm; done
q dcmcjpls +en +md 2 src_mono8.dcm jpegls_near2_mono8.dcm
q dcmcjpls +en +md 3 src_mono16.dcm jpegls_near3_mono16.dcm
for il in line sample none; do q dcmcjpls +el --interleave-$il src_rgb8.dcm jpegls_rgb8_$il.dcm; done
q dcmcjpls +en +md 2 --interleave-sample src_rgb8.dcm jpegls_near2_rgb8_sample.dcm
q dcmcjpls +en +md 2 --interleave-line src_rgb8.dcm jpegls_near2_rgb8_line.dcm
# ... and below 8 bits (MAXVAL < 128), where dcmcjpls (CharLS 1.x) codes with thresholds other than T.87's defaults
# without an LSE segment; charls1_* are dcmdjpls's decodes of them
q dcmcjpls +en +md 2 src_mono6.dcm jpegls_near2_mono6.dcm
q dcmcjpls +en +md 6 src_mono7_strip.dcm jpegls_near6_mono7_strip.dcm
for s in jpegls_near2_mono6 jpegls_near6_mono7_strip; do q dcmdjpls $s.dcm charls1_$s.dcm; done
# ... one that ends cleanly with both sets of thresholds, to different images: refused
q dcmcjpls +en +md 6 src_mono7_ambiguous.dcm jpegls_near6_mono7_ambiguous.dcm
# JAI Image I/O's JPEG-LS above 12 bits (dcm4che2 / dcm4chee 2 archives): coded with its default thresholds (T.87's
# formula without the clamp of MAXVAL to 4095: 258, 1027, 4356 at 16 bits) and no LSE segment. Made by dcmcjpls with
# those thresholds, the LSE segment it writes for them cut out (the fragment keeps its even length with a pad byte)
q dcmcjpls +el +t1 258 +t2 1027 +t3 4356 src_mono16_jai.dcm tmp_jai.dcm
python3 - <<'PY'
import struct
data = bytearray(open('tmp_jai.dcm', 'rb').read())
lse = data.index(b'\xff\xf8\x00\x0d')
item = data.rindex(b'\xfe\xff\x00\xe0', 0, lse)
length = struct.unpack_from('<I', data, item + 4)[0]
end = item + 8 + length
data[end:end] = b'\0'
del data[lse:lse + 15]
struct.pack_into('<I', data, item + 4, length - 14)
open('jpegls_jai_mono16.dcm', 'wb').write(bytes(data))
PY
rm -f tmp_jai.dcm
# JPEG 2000 lossless (reversible, RCT for colour) and lossy (irreversible, ICT for colour)
for s in mono8 mono12 mono16 mono16s rgb8; do q gdcmconv --j2k src_$s.dcm j2k_$s.dcm; done
for s in mono8 mono16 rgb8; do q gdcmconv --j2k --lossy --irreversible -q 40 src_$s.dcm j2k_lossy_$s.dcm 2>/dev/null; done
# Independent decodes (dcmtk's IJG libjpeg, integer IDCT) of the lossy greyscale DCT fixtures
for s in jpeg_baseline_mono8 jpeg_extended_mono12 jpeg_baseline_restart_mono8 jpeg_baseline_restart_ybr420; do
  q dcmdjpeg $s.dcm ijg_$s.dcm
done
# ... and of the subsampled colour ones left in YCbCr (libjpeg's triangle chroma upsampling, no conversion)
for s in jpeg_baseline_ybr422 jpeg_baseline_restart_ybr420 jpeg_baseline_ybr422_narrow; do
  q dcmdjpeg +cn $s.dcm ijg_ybr_$s.dcm
done
ls -l ./*.dcm | awk '{ total += $5 } END { print NR " files, " total " bytes" }'
