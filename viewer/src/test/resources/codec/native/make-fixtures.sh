#!/bin/sh
# Regenerates the native / RLE / deflated-frame / multi-frame pixel-data fixtures of NativePixelDataTest
# (org.radmamba.viewer.dicom.pixeldata) and their references.
# Needs: python3 with numpy, a checkout of pydicom's main branch (3.1: PYDICOM_SRC, see below), dcmtk (dcmconv,
# dcmcrle, dcmcjpls, dcmdjpls) and OpenJPEG (opj_compress, opj_decompress):
#   apt-get install -y python3-numpy dcmtk libopenjp2-tools
# Every fixture X.dcm has a reference X.npy, shape (frames, rows, columns), pydicom's pixel_array of the fixture
# (or, for JPEG-LS, which pydicom decodes only through plugins, of dcmdjpls's decode), each checked against the
# array the fixture was made from:
#   be_ow_mono8      Explicit VR Big Endian, 8-bit samples in OW, 2 frames of 63x65 (odd length), written here: no
#                    tool writes that form. PS3.5 puts the first sample in the low byte of each big-endian word, so
#                    byte pairs are swapped across the whole value (frame 2 starts mid-word); pydicom 3 reads it so,
#                    and so does dcmtk (dcmconv +te's little-endian copy is checked too).
#   be_mono16        dcmconv +tb of a 16-bit 3-frame source.
#   be_ob_mono8      dcmconv +tb of an 8-bit source (dcmtk writes OB).
#   be_float32/64    dcmconv +tb of float32 and float64 (OF/OD, big endian).
#   bit1_native      1-bit, 3 frames of 61x67: 4087 bits a frame, so frames and rows start mid-byte.
#   bit1_rle         1-bit RLE Lossless: one segment per frame, one byte (0 or 1) per pixel, written here (neither
#                    dcmtk nor gdcm encodes or decodes it; pydicom 3 does).
#   float32, float64 Float Pixel Data (7FE0,0008) OF and Double Float Pixel Data (7FE0,0009) OD, with a window.
#   deflate_*        Deflated Image Frame Compression (1.2.840.10008.1.2.8.1): each frame raw-deflated (RFC 1951)
#                    here with zlib; with and without Basic Offset Table, two fragments a frame; 8, 16, 1-bit
#                    (bit-packed, each frame from a byte boundary), float32 and float64.
#   rle_multi_*      dcmcrle of the 3-frame 16-bit source: with and without Basic Offset Table, and in 1 KB
#                    fragments (several a frame).
#   jpegls_multi_*   dcmcjpls of the same source, with and without offset table, in 1 KB fragments without one.
#   j2k_e0dd*        JPEG 2000 whose codestream carries FE FF DD E0 00 00 00 00 (a sequence delimiter look-alike)
#                    in a COM marker segment: in the second of two fragments, and in a single fragment. Reference:
#                    opj_decompress of the codestream (equal to the source).
#   bad_*            datasets that contradict their pixel data; the test expects their one-line reasons.
set -eu
cd "$(dirname "$0")"
rm -f ./*.dcm ./*.npy
PY=python3
$PY -c 'import pydicom' 2>/dev/null || PY=/usr/bin/python3

$PY - <<'PY'
import numpy as np, struct, zlib, subprocess, os

LE, BE = '<', '>'

def element(group, elem, vr, value, order=LE):
    if isinstance(value, str):
        value = value.encode('ascii')
        if len(value) % 2:
            value += b'\0' if vr == 'UI' else b' '
    if vr in ('OB', 'OW', 'OF', 'OD', 'SQ', 'UN', 'UT'):
        return struct.pack(order + 'HH2sHI', group, elem, vr.encode(), 0, len(value)) + value
    return struct.pack(order + 'HH2sH', group, elem, vr.encode(), len(value)) + value

def write(path, frames, rows, cols, transfer_syntax='1.2.840.10008.1.2.1', order=LE, bits_allocated=8,
          bits_stored=None, signed=False, pixel_tag=0x10, pixel_vr='OB', native=None, encapsulated=None,
          offset_table=True, photometric='MONOCHROME2', extra=b''):
    """native: the Pixel Data value (padded here); encapsulated: a list per frame of its fragments."""
    uid = '1.2.826.0.1.3680043.10.1234.' + str(zlib.crc32(path.encode()))
    meta = (element(2, 1, 'OB', b'\0\1') + element(2, 2, 'UI', '1.2.840.10008.5.1.4.1.1.7')
            + element(2, 3, 'UI', uid) + element(2, 0x10, 'UI', transfer_syntax)
            + element(2, 0x12, 'UI', '1.2.826.0.1.3680043.10.1234.1'))
    meta = element(2, 0, 'UL', struct.pack('<I', len(meta))) + meta
    e = lambda g, el, vr, v: element(g, el, vr, v, order)
    us = lambda g, el, v: e(g, el, 'US', struct.pack(order + 'H', v))
    ds = (e(8, 0x16, 'UI', '1.2.840.10008.5.1.4.1.1.7') + e(8, 0x18, 'UI', uid)
          + e(8, 0x60, 'CS', 'OT') + e(8, 0x64, 'CS', 'WSD')
          + e(0x10, 0x10, 'PN', 'Native^Fixture') + e(0x10, 0x20, 'LO', 'NATIVE')
          + e(0x20, 0xD, 'UI', uid + '.1') + e(0x20, 0xE, 'UI', uid + '.2')
          + us(0x28, 2, 1) + e(0x28, 4, 'CS', photometric)
          + e(0x28, 8, 'IS', str(frames)) + us(0x28, 0x10, rows) + us(0x28, 0x11, cols)
          + us(0x28, 0x100, bits_allocated))
    if pixel_tag == 0x10:
        bits_stored = bits_stored or bits_allocated
        ds += us(0x28, 0x101, bits_stored) + us(0x28, 0x102, bits_stored - 1) + us(0x28, 0x103, 1 if signed else 0)
    ds += extra
    if encapsulated is None:
        ds += e(0x7FE0, pixel_tag, pixel_vr, native + (b'\0' if len(native) % 2 else b''))
    else:
        items, offsets, at = b'', b'', 0
        for frame in encapsulated:
            offsets += struct.pack('<I', at)
            for fragment in frame:
                fragment += b'\0' if len(fragment) % 2 else b''
                items += struct.pack('<HHI', 0xFFFE, 0xE000, len(fragment)) + fragment
                at += 8 + len(fragment)
        offsets = offsets if offset_table else b''
        ds += struct.pack('<HH2sHI', 0x7FE0, pixel_tag, b'OB', 0, 0xFFFFFFFF)
        ds += struct.pack('<HHI', 0xFFFE, 0xE000, len(offsets)) + offsets + items
        ds += struct.pack('<HHI', 0xFFFE, 0xE0DD, 0)
    with open(path, 'wb') as f:
        f.write(b'\0' * 128 + b'DICM' + meta + ds)

def content(frames, rows, cols, lo, hi, seed):
    """Gradients, a disc, a sinusoid, noise and the extreme values, scaled to lo..hi."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float64)
    out = np.empty((frames, rows, cols))
    for f in range(frames):
        v = 0.45 * (x / cols) + 0.25 * (y / rows) + 0.08 * np.sin(x / 3.0 + f) * np.cos(y / 5.0)
        v += 0.2 * (((x - cols * (0.3 + 0.1 * f)) ** 2 + (y - rows * 0.5) ** 2) < (rows * 0.22) ** 2)
        out[f] = v + rng.normal(0, 0.015, v.shape)
    out = lo + (out - out.min()) / (out.max() - out.min()) * (hi - lo)
    out[:, 0, 0], out[:, -1, -1] = lo, hi
    return out

def reference(name, array):
    np.save(name + '.npy', np.ascontiguousarray(array))

def pixel_array(path, frames):
    import pydicom
    a = pydicom.dcmread(path).pixel_array
    return a.reshape((frames,) + a.shape[-2:]) if frames == 1 or a.ndim == 2 else a

# Sources for the tools: little endian, 8 and 16 bits, odd sizes (odd frame lengths at 8 bits)
mono8 = np.round(content(2, 63, 65, 0, 255, 1)).astype(np.uint8)
write('src_mono8.dcm', 2, 63, 65, native=mono8.tobytes())
mono16 = np.round(content(3, 61, 67, 0, 65535, 2)).astype(np.uint16)
write('src_mono16.dcm', 3, 61, 67, bits_allocated=16, pixel_vr='OW', native=mono16.astype('<u2').tobytes())

# Big endian, 8-bit in OW: 16-bit words of the little-endian byte stream (with its pad byte), written big endian
stream = mono8.tobytes()
stream += b'\0' * (len(stream) % 2)
swapped = np.frombuffer(stream, '<u2').astype('>u2').tobytes()
write('be_ow_mono8.dcm', 2, 63, 65, '1.2.840.10008.1.2.2', BE, pixel_vr='OW', native=swapped)

# 1-bit native: 3 frames of 61x67 = 4087 bits each, so every frame after the first starts mid-byte
bits = (content(3, 61, 67, 0, 1, 3) > 0.5).astype(np.uint8)
bits[:, :, 5] = 1
write('bit1_native.dcm', 3, 61, 67, bits_allocated=1, native=np.packbits(bits.ravel(), bitorder='little').tobytes())

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

def rle(segments):
    header, at = struct.pack('<I', len(segments)), 64
    for seg in segments:
        header += struct.pack('<I', at)
        at += len(seg)
    return header + b'\0' * (64 - len(header)) + b''.join(segments)

# 1-bit RLE: one segment per frame, one byte (0 or 1) per pixel, as pydicom and PS3.5 G.2 read it
write('bit1_rle.dcm', 3, 61, 67, '1.2.840.10008.1.2.5', bits_allocated=1,
      encapsulated=[[rle([packbits(f.tobytes())])] for f in bits])
# A dataset whose 1-bit RLE frame holds two segments: which of them is the frame is not defined
write('bad_rle_bit1_segments.dcm', 1, 61, 67, '1.2.840.10008.1.2.5', bits_allocated=1,
      encapsulated=[[rle([packbits(bits[0].tobytes()), packbits(bits[0].tobytes())])]])
# Deflated 1-bit frames are bit-packed, each frame from a byte boundary
bit_frames = [np.packbits(f.ravel(), bitorder='little').tobytes() for f in bits]

# Float and double pixel data (Floating Point Image Pixel module: no Bits Stored), a window to show them
fl = content(2, 37, 41, -1000.5, 3000.25, 4).astype(np.float32)
fl[0, 1, 1], fl[1, 2, 2] = -0.0, 1e-30
window = element(0x28, 0x1050, 'DS', '1000') + element(0x28, 0x1051, 'DS', '4000')
write('float32.dcm', 2, 37, 41, bits_allocated=32, pixel_tag=0x08, pixel_vr='OF', native=fl.astype('<f4').tobytes(),
      extra=window)
np.save('tmp_float32.npy', fl)
db = content(2, 29, 33, -1e6, 1e6, 5)
db[0, 1, 1] = np.pi * 1e-200
write('float64.dcm', 2, 29, 33, bits_allocated=64, pixel_tag=0x09, pixel_vr='OD', native=db.astype('<f8').tobytes(),
      extra=window)
np.save('tmp_float64.npy', db)

# Deflated Image Frame Compression: each frame raw-deflated on its own
def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()
DEFLATE = '1.2.840.10008.1.2.8.1'
d16 = [deflate(f.astype('<u2').tobytes()) for f in mono16]
write('deflate_mono16.dcm', 3, 61, 67, DEFLATE, bits_allocated=16, encapsulated=[[d] for d in d16])
write('deflate_mono16_nobot.dcm', 3, 61, 67, DEFLATE, bits_allocated=16, encapsulated=[[d] for d in d16],
      offset_table=False)
# ... each frame split in two fragments (the offset table says where frames start), cut at an even byte
write('deflate_mono16_fragments.dcm', 3, 61, 67, DEFLATE, bits_allocated=16,
      encapsulated=[[d[:len(d) // 4 * 2], d[len(d) // 4 * 2:]] for d in d16])
assert all(np.array_equal(np.frombuffer(zlib.decompress(d, -15), '<u2').reshape(61, 67), f) for d, f in zip(d16, mono16))
np.save('tmp_mono16.npy', mono16)
np.save('tmp_mono8.npy', mono8)
np.save('tmp_bits.npy', bits)
d8 = [deflate(f.tobytes()) for f in mono8]
write('deflate_mono8.dcm', 2, 63, 65, DEFLATE, encapsulated=[[d] for d in d8])
write('deflate_bit1.dcm', 3, 61, 67, DEFLATE, bits_allocated=1, encapsulated=[[deflate(f)] for f in bit_frames])
write('deflate_float32.dcm', 2, 37, 41, DEFLATE, bits_allocated=32, pixel_tag=0x08,
      encapsulated=[[deflate(f.astype('<f4').tobytes())] for f in fl], extra=window)
write('deflate_float64.dcm', 2, 29, 33, DEFLATE, bits_allocated=64, pixel_tag=0x09,
      encapsulated=[[deflate(f.astype('<f8').tobytes())] for f in db], extra=window)
# A frame that inflates to one row short of what Rows x Columns x Bits Allocated need
write('bad_deflate_short_frame.dcm', 1, 61, 67, DEFLATE, bits_allocated=16,
      encapsulated=[[deflate(mono16[0, :-1].astype('<u2').tobytes())]])
# Native pixel data shorter than its three frames
write('bad_native_short.dcm', 3, 61, 67, bits_allocated=16, pixel_vr='OW', native=mono16[:2].astype('<u2').tobytes())

# JPEG 2000 whose codestream holds a sequence-delimiter look-alike (a COM marker segment after SIZ)
with open('tmp.pgm', 'wb') as f:
    f.write(b'P5\n67 61\n65535\n' + mono16[0].astype('>u2').tobytes())
subprocess.run(['opj_compress', '-i', 'tmp.pgm', '-o', 'tmp.j2k'], check=True, stdout=subprocess.DEVNULL)
j2k = open('tmp.j2k', 'rb').read()
siz = j2k.index(b'\xff\x51')
after_siz = siz + 2 + struct.unpack('>H', j2k[siz + 2:siz + 4])[0]
# at an even offset, where an item tag would be if the bytes were walked as elements
body = b'\0' * ((after_siz + 6) % 2) + b'\xfe\xff\xdd\xe0\0\0\0\0\xfe\xff\x0d\xe0'
com = b'\xff\x64' + struct.pack('>HH', 2 + 2 + len(body), 0) + body
j2k = j2k[:after_siz] + com + j2k[after_siz:]
open('tmp_e0dd.j2k', 'wb').write(j2k)
subprocess.run(['opj_decompress', '-i', 'tmp_e0dd.j2k', '-o', 'tmp_e0dd.pgm'], check=True, stdout=subprocess.DEVNULL)
pgm = open('tmp_e0dd.pgm', 'rb').read()
decoded = np.frombuffer(pgm[len(pgm) - 61 * 67 * 2:], '>u2').reshape(1, 61, 67)
assert (decoded == mono16[:1]).all()
cut = (j2k.index(b'\xfe\xff\xdd\xe0') - 4) // 2 * 2  # even: no pad byte inside the codestream
write('j2k_e0dd.dcm', 1, 61, 67, '1.2.840.10008.1.2.4.90', bits_allocated=16, encapsulated=[[j2k[:cut], j2k[cut:]]])
reference('j2k_e0dd', decoded)
# ... and the same with one fragment per frame, the look-alike inside it, and no offset table
write('j2k_e0dd_whole.dcm', 1, 61, 67, '1.2.840.10008.1.2.4.90', bits_allocated=16, encapsulated=[[j2k]],
      offset_table=False)
reference('j2k_e0dd_whole', decoded)
for f in ('tmp.pgm', 'tmp.j2k', 'tmp_e0dd.j2k', 'tmp_e0dd.pgm'):
    os.remove(f)
PY

q() { "$@" >/dev/null; }
# Big endian by dcmtk; the little-endian copy of the hand-written OW one for pydicom
q dcmconv +tb src_mono16.dcm be_mono16.dcm
q dcmconv +tb src_mono8.dcm be_ob_mono8.dcm
q dcmconv +tb float32.dcm be_float32.dcm
q dcmconv +tb float64.dcm be_float64.dcm
q dcmconv +te be_ow_mono8.dcm tmp_le_mono8.dcm
# Multi-frame RLE and JPEG-LS: offset table or not, one fragment per frame or several (+fs 1: 1 KB fragments)
q dcmcrle src_mono16.dcm rle_multi_bot.dcm
q dcmcrle -ot src_mono16.dcm rle_multi_nobot.dcm
q dcmcrle +fs 1 src_mono16.dcm rle_multi_fragments.dcm
q dcmcjpls +el src_mono16.dcm jpegls_multi_bot.dcm
q dcmcjpls +el -ot src_mono16.dcm jpegls_multi_nobot.dcm
q dcmcjpls +el -ot +fs 1 src_mono16.dcm jpegls_multi_fragments_nobot.dcm
for s in jpegls_multi_bot jpegls_multi_nobot jpegls_multi_fragments_nobot; do q dcmdjpls $s.dcm tmp_$s.dcm; done

# References. pydicom 2.3 decodes neither 1-bit RLE nor Deflated Image Frame Compression nor (correctly) 8-bit OW
# big endian; pydicom's main branch (3.1) does: PYDICOM_SRC is a checkout's src folder, e.g.
#   git clone https://github.com/pydicom/pydicom && PYDICOM_SRC=$PWD/pydicom/src ./make-fixtures.sh
# Every reference is also checked here against the array the fixture was made from, or another toolkit's decode.
PYTHONPATH="${PYDICOM_SRC:?set PYDICOM_SRC to the src folder of a pydicom main checkout}" $PY - <<'PY'
import numpy as np, pydicom
assert tuple(int(v) for v in pydicom.__version__.split('.')[:2]) >= (3, 0), pydicom.__version__
def save(name, source, frames):
    a = pydicom.dcmread(source).pixel_array
    a = a.reshape((frames,) + a.shape[-2:])
    np.save(name + '.npy', np.ascontiguousarray(a))
    return a
mono8, mono16, bits = (np.load('tmp_%s.npy' % s) for s in ('mono8', 'mono16', 'bits'))
assert pydicom.dcmread('be_ob_mono8.dcm')['PixelData'].VR == 'OB'
assert (save('be_ow_mono8', 'be_ow_mono8.dcm', 2) == mono8).all()
assert (pydicom.dcmread('tmp_le_mono8.dcm').pixel_array == mono8).all()  # dcmtk's reading of the same file
assert (save('be_ob_mono8', 'be_ob_mono8.dcm', 2) == mono8).all()
assert (save('be_mono16', 'be_mono16.dcm', 3) == mono16).all()
assert (save('bit1_native', 'bit1_native.dcm', 3) == bits).all()
assert (save('bit1_rle', 'bit1_rle.dcm', 3) == bits).all()
assert (save('deflate_bit1', 'deflate_bit1.dcm', 3) == bits).all()
assert (save('float32', 'float32.dcm', 2) == np.load('tmp_float32.npy')).all()
assert (save('float64', 'float64.dcm', 2) == np.load('tmp_float64.npy')).all()
assert (save('be_float32', 'be_float32.dcm', 2) == np.load('tmp_float32.npy')).all()
assert (save('be_float64', 'be_float64.dcm', 2) == np.load('tmp_float64.npy')).all()
assert (save('deflate_float64', 'deflate_float64.dcm', 2) == np.load('tmp_float64.npy')).all()
assert (save('deflate_float32', 'deflate_float32.dcm', 2) == np.load('tmp_float32.npy')).all()
assert (save('deflate_mono8', 'deflate_mono8.dcm', 2) == mono8).all()
for s in ('deflate_mono16', 'deflate_mono16_nobot', 'deflate_mono16_fragments', 'rle_multi_bot', 'rle_multi_nobot',
          'rle_multi_fragments'):
    assert (save(s, s + '.dcm', 3) == mono16).all(), s
for s in ('jpegls_multi_bot', 'jpegls_multi_nobot', 'jpegls_multi_fragments_nobot'):
    assert (save(s, 'tmp_' + s + '.dcm', 3) == mono16).all(), s
PY
rm -f tmp_* src_*.dcm
ls -l ./*.dcm ./*.npy | awk '{ total += $5 } END { print NR " files, " total " bytes" }'
