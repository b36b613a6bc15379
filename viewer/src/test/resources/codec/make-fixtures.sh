#!/bin/sh
# Regenerates the JPEG 2000 (Part 1) and HTJ2K (Part 15) fixture matrix of the codec field tests
# (Jpeg2000FieldDecodingTest, HtJ2kFieldDecodingTest) in ./jpeg2000/, and the seeds of Jpeg2000CodestreamFuzzTest.
# Every code stream is written by a third-party encoder and every reference by a third-party decoder:
#   OpenJPEG 2.5 opj_compress / opj_decompress  (Part 1 encoding; Part 1 and HTJ2K decoding)
#   OpenJPH 0.9 ojph_compress / ojph_expand     (HTJ2K encoding and a second HTJ2K decoder)
#   GDCM 3.0 gdcmconv --j2k / --raw            (DICOM files, as a PACS would write them)
#   apt-get install -y python3-numpy libopenjp2-tools openjph-tools libgdcm-tools
# Where two decoders decode a stream, they must agree within its tolerance or this script stops.
#
# jpeg2000/index.tsv, one line per file, columns:
#   name, file, transfer syntax, rows, columns, components, bits allocated, bits stored, signed (0/1),
#   photometric (as the dataset states it: YBR_RCT/YBR_ICT where the stream applies the component transform),
#   output photometric (what the decoder returns: RGB once RCT/ICT is undone), expect (decode | error),
#   tolerance (0: exact, for reversible streams; 1: at most 1 LSB from the reference, for the 9/7 irreversible
#   ones, whose floating-point inverse wavelet rounds differently from decoder to decoder), reference, decoders
#   that produced/agreed on the reference, and what the fixture covers.
# A reference "<x>.raw.gz" is the expected stored values of all frames: pixel-interleaved, little-endian, one
# sample as wide as Bits Allocated, signed values sign-extended. "sha256:<hex>" (the large image) is the SHA-256
# of those bytes after masking each sample to Bits Stored. Lossless streams share their source image as reference.
# Reruns give the same bytes except the two lossy DICOM files, where gdcmconv makes new UIDs.
set -eu
cd "$(dirname "$0")"
command -v opj_compress >/dev/null && command -v ojph_compress >/dev/null && command -v gdcmconv >/dev/null || {
  echo "needs opj_compress, opj_decompress, ojph_compress, ojph_expand and gdcmconv" >&2; exit 1; }
rm -rf jpeg2000
mkdir jpeg2000
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export TMP

python3 - <<'PY'
import gzip, hashlib, os, struct, subprocess, zlib
import numpy as np

TMP = os.environ['TMP']
OUT = 'jpeg2000'
P1_LOSSLESS, P1_LOSSY = '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91'
HT_LOSSLESS, HT_RPCL, HT_LOSSY = '1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203'
index = []


def run(*args):
    result = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise SystemExit('failed: ' + ' '.join(args) + '\n' + result.stdout.decode(errors='replace'))
    return result.stdout.decode(errors='replace')


def content(rows, cols, spp, bits, signed, seed, noise=0.015, wave=0.08):
    """Gradients, a disc and a box with sharp edges, a sinusoid, noise, and the extreme values: smooth areas,
    textures and edges, so that every coding pass, every bit plane and the clipping are exercised."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float64)
    out = np.empty((rows, cols, spp))
    for s in range(spp):
        v = 0.45 * (x / cols) + 0.25 * (y / rows) + wave * np.sin(x / 3.0 + s * 2.1) * np.cos(y / 5.0)
        v += 0.2 * (((x - cols * 0.3) ** 2 + (y - rows * 0.5) ** 2) < (rows * 0.22) ** 2)
        v -= 0.15 * ((x > cols * 0.6) & (x < cols * 0.85) & (y > rows * 0.15) & (y < rows * 0.4))
        v += rng.normal(0, noise, v.shape)
        out[:, :, s] = v
    out = (out - out.min()) / (out.max() - out.min())
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    out = np.round(lo + out * (hi - lo))
    out[0, 0, :], out[-1, -1, :] = lo, hi
    out[1, 1, :], out[-2, -2, :] = hi, lo
    return out.astype(np.int64)


class Source:
    """A source image (rows, cols, spp) of integer stored values and its encoder input files."""

    def __init__(self, name, rows, cols, spp, bits, signed, seed):
        self.name, self.rows, self.cols, self.spp, self.bits, self.signed = name, rows, cols, spp, bits, signed
        self.allocated = 8 if bits <= 8 else 16
        self.pixels = content(rows, cols, spp, bits, signed, seed)
        planar = np.moveaxis(self.pixels, 2, 0)
        # OpenJPEG's raw input: component planes, little-endian, 1 byte up to 8 bits, else 2
        self.rawl = os.path.join(TMP, name + '.rawl')
        planar.astype('<i2' if signed else '<u2' if bits > 8 else 'u1').tofile(self.rawl)
        self.raw_format = '%d,%d,%d,%d,%s' % (cols, rows, spp, bits, 's' if signed else 'u')
        # OpenJPH reads PGM/PPM (unsigned only: its 0.9 raw reader mishandles signed samples)
        self.pnm = None
        if not signed:
            self.pnm = os.path.join(TMP, name + ('.pgm' if spp == 1 else '.ppm'))
            with open(self.pnm, 'wb') as f:
                f.write(b'%s\n%d %d\n%d\n' % (b'P5' if spp == 1 else b'P6', cols, rows, (1 << bits) - 1))
                f.write(self.pixels.astype('>u2' if bits > 8 else 'u1').tobytes())
        self.reference = 'src_%s.raw.gz' % name
        write_reference(self.reference, [self.pixels], self.allocated)


def write_reference(file_name, frames, allocated):
    # masking to the sample width keeps the bits of sign-extended values: two's complement, as stored
    data = b''.join((f & 0xFFFF).astype('<u2').tobytes() if allocated == 16 else (f & 0xFF).astype('u1').tobytes()
                    for f in frames)
    with open(os.path.join(OUT, file_name), 'wb') as f:
        f.write(gzip.compress(data, 9, mtime=0))


def read_rawl(path, rows, cols, spp, bits, signed):
    """opj_decompress's .rawl: component planes; it masks signed values to their bits, so sign-extend here."""
    planes = np.fromfile(path, '<u2' if bits > 8 else 'u1').astype(np.int64).reshape(spp, rows, cols)
    planes &= (1 << bits) - 1
    if signed:
        planes = np.where(planes >= 1 << (bits - 1), planes - (1 << bits), planes)
    return np.moveaxis(planes, 0, 2)


def read_pnm(path):
    with open(path, 'rb') as f:
        data = f.read()
    fields, at = [], 0
    while len(fields) < 4:
        while data[at:at + 1].isspace():
            at += 1
        start = at
        while not data[at:at + 1].isspace():
            at += 1
        fields.append(data[start:at])
    magic, cols, rows, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    spp = 1 if magic == b'P5' else 3
    pixels = np.frombuffer(data[at + 1:], '>u2' if maxval > 255 else 'u1', rows * cols * spp)
    return pixels.astype(np.int64).reshape(rows, cols, spp)


def opj_decode(stream_path, src, stem):
    out = os.path.join(TMP, stem + '.opj.rawl')
    run('opj_decompress', '-i', stream_path, '-o', out)
    return read_rawl(out, src.rows, src.cols, src.spp, src.bits, src.signed)


def check_agree(name, what, a, b, tolerance):
    if a.shape != b.shape:
        raise SystemExit('%s: %s shapes differ: %s vs %s' % (name, what, a.shape, b.shape))
    worst = int(np.abs(a - b).max())
    if worst > tolerance:
        at = np.argwhere(np.abs(a - b) > tolerance)[0]
        raise SystemExit('%s: %s differ by up to %d at %s (tolerance %d)' % (name, what, worst, tuple(at), tolerance))


def add(name, file_name, ts, src, photometric, expect, tolerance, reference, decoders, covers):
    output = 'RGB' if photometric in ('YBR_RCT', 'YBR_ICT') else photometric
    index.append([name, file_name, ts, src.rows, src.cols, src.spp, src.allocated, src.bits, int(src.signed),
                  photometric, output, expect, tolerance, reference, decoders, covers])


def opj(name, src, options, covers, photometric=None, ext='.j2k'):
    """A Part 1 stream by opj_compress; reference: the source (reversible) or opj_decompress's output (9/7)."""
    irreversible = '-I' in options
    path = os.path.join(OUT, name + ext)
    run('opj_compress', '-i', src.rawl, '-F', src.raw_format, '-o', path, *options)
    decoded = opj_decode(path, src, name)
    if photometric is None:
        photometric = 'MONOCHROME2' if src.spp == 1 else (
            ('YBR_ICT' if irreversible else 'YBR_RCT') if '-mct' in options and options[options.index('-mct') + 1] == '1'
            else 'RGB')
    if irreversible:
        check_agree(name, 'opj_decompress output and source (sanity, lossy)', decoded, src.pixels, 1 << src.bits)
        reference = name + '.raw.gz'
        write_reference(reference, [decoded], src.allocated)
        add(name, name + ext, P1_LOSSY, src, photometric, 'decode', 1, reference, 'opj_decompress', covers)
    else:
        check_agree(name, 'opj_decompress output and lossless source', decoded, src.pixels, 0)
        add(name, name + ext, P1_LOSSLESS, src, photometric, 'decode', 0, src.reference, 'opj_decompress', covers)
    return path


def ojph(name, src, options, covers, ts=None):
    """An HTJ2K stream by ojph_compress; decoded by both opj_decompress and ojph_expand, which must agree."""
    reversible = 'true' in options[options.index('-reversible') + 1:options.index('-reversible') + 2]
    path = os.path.join(OUT, name + '.j2c')
    run('ojph_compress', '-i', src.pnm, '-o', path, *options)
    by_opj = opj_decode(path, src, name)
    expanded = os.path.join(TMP, name + ('.ojph.pgm' if src.spp == 1 else '.ojph.ppm'))
    run('ojph_expand', '-i', path, '-o', expanded)
    by_ojph = read_pnm(expanded)
    colour = src.spp == 3 and not ('-colour_trans' in options and options[options.index('-colour_trans') + 1] == 'false')
    photometric = 'MONOCHROME2' if src.spp == 1 else ('YBR_RCT' if reversible else 'YBR_ICT') if colour else 'RGB'
    if reversible:
        check_agree(name, 'opj_decompress output and lossless source', by_opj, src.pixels, 0)
        check_agree(name, 'ojph_expand output and lossless source', by_ojph, src.pixels, 0)
        add(name, name + '.j2c', ts or HT_LOSSLESS, src, photometric, 'decode', 0, src.reference,
            'opj_decompress=ojph_expand', covers)
    else:
        check_agree(name, 'opj_decompress and ojph_expand outputs', by_opj, by_ojph, 1)
        reference = name + '.raw.gz'
        write_reference(reference, [by_opj], src.allocated)
        add(name, name + '.j2c', ts or HT_LOSSY, src, photometric, 'decode', 1, reference,
            'opj_decompress~ojph_expand(<=1)', covers)
    return path


g8 = Source('g8_64x64', 64, 64, 1, 8, False, 1)
g8o = Source('g8_67x45', 45, 67, 1, 8, False, 2)
g12 = Source('g12_67x45', 45, 67, 1, 12, False, 3)
g12s = Source('g12s_61x37', 37, 61, 1, 12, True, 4)
g16 = Source('g16_96x80', 80, 96, 1, 16, False, 5)
g16s = Source('g16s_61x37', 37, 61, 1, 16, True, 6)
rgb8 = Source('rgb8_67x45', 45, 67, 3, 8, False, 7)
rgb16 = Source('rgb16_50x34', 34, 50, 3, 16, False, 8)
g12l = Source('g12_160x128', 128, 160, 1, 12, False, 9)

# --- Part 1 by OpenJPEG: defaults, depths, signedness, colour ---
opj('p1_g8_default', g8, [], '8-bit greyscale, opj_compress defaults (6 resolutions, one 64x64 code-block)')
opj('p1_g8_odd_size', g8o, [], '8-bit greyscale 67x45: odd sizes in every subband')
opj('p1_g12_default', g12, [], '12-bit unsigned greyscale')
opj('p1_g12s_signed', g12s, [], '12-bit signed greyscale (no DC level shift)')
opj('p1_g16_default', g16, [], '16-bit unsigned greyscale (the most bit planes)')
opj('p1_g16s_signed', g16s, [], '16-bit signed greyscale')
opj('p1_rgb8_rct', rgb8, ['-mct', '1'], '8-bit colour with the reversible component transform (YBR_RCT)')
opj('p1_rgb8_no_mct', rgb8, ['-mct', '0'], '8-bit colour, no component transform (RGB)')
opj('p1_rgb16_rct', rgb16, ['-mct', '1'], '16-bit colour with RCT (17-bit chroma intermediate values)')
# --- code-block styles (COD SPcod code-block style bits) ---
for value, label in ((1, 'bypass'), (2, 'reset'), (4, 'termall'), (8, 'vertically_causal'), (16, 'pterm'),
                     (32, 'segsym'), (63, 'all_styles')):
    opj('p1_g12_cblk_%s' % label, g12, ['-M', str(value)], 'code-block style %d (%s)' % (value, label.upper()))
opj('p1_g16_cblk_bypass_termall_layers', g16, ['-M', '5', '-r', '30,10,1'],
    'BYPASS+TERMALL with 3 quality layers: raw segments split across packets')
opj('p1_g16_cblk_bypass_layers', g16, ['-M', '1', '-r', '40,12,4,1'],
    'BYPASS alone with 4 layers: arithmetic and raw segments ending mid-layer')
opj('p1_rgb8_cblk_all_styles_rct_layers', rgb8, ['-M', '63', '-mct', '1', '-r', '20,5,1'],
    'all code-block styles (63) with RCT colour and 3 layers')
opj('p1_g12_cblk_all_styles_irreversible', g12, ['-M', '63', '-I', '-r', '8'],
    'all code-block styles (63) on a 9/7 irreversible stream')
# --- progression orders, with layers and precincts so that the order matters ---
for order in ('LRCP', 'RLCP', 'RPCL', 'PCRL', 'CPRL'):
    opj('p1_rgb8_progression_%s' % order, rgb8,
        ['-p', order, '-mct', '1', '-n', '4', '-r', '40,10,1', '-c', '[16,16],[16,16],[32,32]'],
        '%s progression, 3 layers, RCT colour, 16x16/32x32 precincts' % order)
opj('p1_g12_progression_change_POC', g12l, ['-n', '6', '-r', '20,1', '-POC', 'T1=0,0,2,3,1,CPRL/T1=3,0,2,6,1,LRCP'],
    'progression order change (POC): CPRL for resolutions 0-2, then LRCP for 3-5, 2 layers')
# --- tiles, image and tile offsets ---
opj('p1_g16_tiles_32x32', g16, ['-t', '32,32', '-n', '4'], '3x3 tiles of 32x32, partial tiles at the right and bottom')
opj('p1_g12_tiles_not_dividing', g12, ['-t', '20,17', '-n', '3'], '20x17 tiles on 67x45: 4x3 tiles, every edge partial')
opj('p1_g12_image_offset', g12, ['-d', '5,3'], 'image offset (XOsiz 5, YOsiz 3): odd start coordinates in every subband')
opj('p1_g12_image_and_tile_offset', g12, ['-d', '7,5', '-T', '3,2', '-t', '24,24', '-n', '3'],
    'image offset 7,5 with tile grid offset 3,2 and 24x24 tiles: first tiles cut by the image origin')
opj('p1_rgb8_tiles_rct', rgb8, ['-t', '32,32', '-mct', '1', '-n', '3'], 'tiled colour: RCT per tile')
# --- precincts, code-block sizes, resolutions ---
opj('p1_g16_precincts', g16, ['-c', '[32,32],[16,16]', '-n', '5', '-r', '10,1'],
    'precincts 32x32 then 16x16 with 2 layers: many packets per resolution')
opj('p1_g12_precincts_smaller_than_cblk', g12l, ['-c', '[16,16]', '-b', '32,32', '-n', '5'],
    '16x16 precincts with 32x32 code-blocks: code-blocks clipped to the precinct')
opj('p1_g16_cblk_16x16', g16, ['-b', '16,16'], '16x16 code-blocks (many blocks, tag trees several levels deep)')
opj('p1_g16_cblk_64x8', g16, ['-b', '64,8'], 'non-square 64x8 code-blocks')
opj('p1_g12_cblk_4x1024', g12l, ['-b', '4,1024', '-n', '3'], 'extreme 4x1024 code-blocks')
opj('p1_g12_one_resolution', g12, ['-n', '1'], 'a single resolution: no wavelet transform at all')
opj('p1_g12_two_resolutions', g12, ['-n', '2'], 'one decomposition level')
opj('p1_g12_seven_resolutions', g12l, ['-n', '7'], 'six decomposition levels on 160x128: 3x2 LL band')
# --- quality layers and irreversible 9/7 ---
opj('p1_g16_layers_lossless', g16, ['-r', '80,40,20,10,1'], '5 quality layers, the last lossless')
opj('p1_g8_irreversible', g8, ['-I', '-r', '10'], '9/7 irreversible 8-bit greyscale, ratio 10')
opj('p1_g12_irreversible', g12, ['-I', '-r', '6'], '9/7 irreversible 12-bit greyscale')
opj('p1_g16_irreversible', g16, ['-I', '-r', '6'], '9/7 irreversible 16-bit greyscale')
opj('p1_g16s_irreversible', g16s, ['-I', '-r', '6'], '9/7 irreversible 16-bit signed greyscale')
opj('p1_g12_irreversible_psnr_layers', g12, ['-I', '-q', '30,40,50'], '9/7 with three PSNR-targeted layers (-q)')
opj('p1_rgb8_irreversible_ict', rgb8, ['-I', '-r', '8', '-mct', '1'], '9/7 colour with the irreversible transform (YBR_ICT)')
opj('p1_rgb8_irreversible_no_mct', rgb8, ['-I', '-r', '8', '-mct', '0'], '9/7 colour without component transform')
# --- region of interest, markers, tile-parts ---
# (Not here: component subsampling, -s or -F ...@2x1, and OpenJPH's -downsamp. Subsampled components are smaller than
# the image, which a DICOM frame, one Rows x Columns for every sample, cannot state; no transfer syntax carries them.
# Not here either: signed HTJ2K, which OpenJPH 0.9's raw reader encodes wrongly, and no other HTJ2K encoder is at hand.)
opj('p1_g12_roi_maxshift', g12, ['-ROI', 'c=0,U=6'], 'region of interest (RGN marker, max-shift 6)')
opj('p1_g12_sop_eph', g12l, ['-SOP', '-EPH', '-r', '10,1', '-c', '[32,32]'], 'SOP and EPH markers around every packet')
opj('p1_g12_tile_parts_by_resolution', g12, ['-t', '32,32', '-n', '3', '-TP', 'R'], 'tile-parts split per resolution (-TP R)')
opj('p1_g12_tile_parts_by_layer', g12, ['-t', '32,32', '-r', '10,4,1', '-TP', 'L'], 'tile-parts split per layer (-TP L)')
opj('p1_rgb8_tile_parts_by_component', rgb8, ['-t', '40,40', '-mct', '0', '-TP', 'C', '-p', 'CPRL'],
    'tile-parts split per component (-TP C, CPRL)')
opj('p1_g12_plt_tlm', g12, ['-t', '32,32', '-PLT', '-TLM'], 'PLT packet lengths and TLM tile-part lengths markers')
opj('p1_g12_everything', g12l, ['-t', '64,64', '-TP', 'R', '-PLT', '-TLM', '-SOP', '-EPH', '-M', '63', '-r', '15,1',
                                '-c', '[32,32],[16,16]', '-b', '16,32', '-p', 'PCRL'],
    'all of tiles, tile-parts, PLT, TLM, SOP, EPH, all code-block styles, layers, precincts and PCRL at once')
opj('p1_rgb8_jp2_boxed', rgb8, ['-mct', '1'], 'a JP2 file (signature, ftyp, jp2h, jp2c boxes) as the frame: '
    'DICOM forbids the boxes but some writers add them', ext='.jp2')

# --- HTJ2K by OpenJPH ---
rev = ['-reversible', 'true']
ojph('ht_g8_reversible', g8, rev, 'HTJ2K reversible 8-bit greyscale, ojph_compress defaults (RPCL, 64x64 blocks)')
ojph('ht_g8_odd_size', g8o, rev, 'HTJ2K reversible 67x45: odd sizes in every subband')
ojph('ht_g12_reversible', g12, rev, 'HTJ2K reversible 12-bit greyscale')
ojph('ht_g16_reversible', g16, rev, 'HTJ2K reversible 16-bit greyscale')
ojph('ht_rgb8_reversible_rct', rgb8, rev, 'HTJ2K reversible colour with RCT')
ojph('ht_rgb8_reversible_no_colour_transform', rgb8, rev + ['-colour_trans', 'false'], 'HTJ2K colour without RCT')
ojph('ht_rgb16_reversible_rct', rgb16, rev, 'HTJ2K reversible 16-bit colour with RCT')
ojph('ht_g12_no_decomposition', g12, rev + ['-num_decomps', '0'], 'HTJ2K with no wavelet levels')
ojph('ht_g12_one_decomposition', g12, rev + ['-num_decomps', '1'], 'HTJ2K with one wavelet level')
ojph('ht_g12_many_decompositions', g12l, rev + ['-num_decomps', '6'], 'HTJ2K with six wavelet levels')
ojph('ht_g16_block_16x16', g16, rev + ['-block_size', '{16,16}'], 'HTJ2K with 16x16 code-blocks')
ojph('ht_g16_block_8x128', g16, rev + ['-block_size', '{8,128}'], 'HTJ2K with non-square code-blocks')
ojph('ht_g12_block_4x1024', g12l, rev + ['-block_size', '{4,1024}'], 'HTJ2K with 4-row code-blocks (one stripe)')
for order in ('LRCP', 'RLCP', 'PCRL', 'CPRL'):
    ojph('ht_rgb8_progression_%s' % order, rgb8, rev + ['-prog_order', order, '-precincts', '{16,16},{32,32}'],
         'HTJ2K %s progression with precincts, RCT colour' % order)
ojph('ht_g12_rpcl_lossless', g12, rev + ['-prog_order', 'RPCL'], 'HTJ2K RPCL lossless under the RPCL transfer syntax',
     ts=HT_RPCL)
ojph('ht_g16_tiles_32x32', g16, rev + ['-tile_size', '{32,32}', '-num_decomps', '3'], 'HTJ2K 32x32 tiles, partial edges')
ojph('ht_g12_tiles_not_dividing', g12, rev + ['-tile_size', '{20,17}', '-num_decomps', '2'], 'HTJ2K 20x17 tiles on 67x45')
ojph('ht_g12_image_offset', g12, rev + ['-image_offset', '{5,3}'], 'HTJ2K with image offset 5,3')
ojph('ht_g12_image_and_tile_offset', g12, rev + ['-image_offset', '{7,5}', '-tile_offset', '{3,2}',
                                               '-tile_size', '{24,24}', '-num_decomps', '2'],
     'HTJ2K image offset 7,5, tile offset 3,2, 24x24 tiles')
ojph('ht_g8_irreversible', g8, ['-reversible', 'false', '-qstep', '0.01'], 'HTJ2K 9/7 irreversible 8-bit, qstep 0.01')
ojph('ht_g12_irreversible', g12, ['-reversible', 'false', '-qstep', '0.002'], 'HTJ2K 9/7 irreversible 12-bit')
ojph('ht_g16_irreversible', g16, ['-reversible', 'false', '-qstep', '0.002'], 'HTJ2K 9/7 irreversible 16-bit')
ojph('ht_rgb8_irreversible_ict', rgb8, ['-reversible', 'false', '-qstep', '0.01'], 'HTJ2K 9/7 colour with ICT')
ojph('ht_rgb8_irreversible_no_colour_transform', rgb8, ['-reversible', 'false', '-qstep', '0.01', '-colour_trans', 'false'],
     'HTJ2K 9/7 colour without ICT')


# --- damaged, as real files are: edited bytes of streams written above ---
def read(name):
    with open(os.path.join(OUT, name), 'rb') as f:
        return bytearray(f.read())


def tile_parts(data):
    """Offsets of the SOT markers, walking the tile-parts by their Psot lengths."""
    at = data.index(b'\xff\x90')
    parts = []
    while data[at:at + 2] == b'\xff\x90':
        parts.append(at)
        at += struct.unpack('>I', data[at + 6:at + 10])[0]
    return parts


def damaged(name, ext, data, src, base, covers):
    """Writes an edited stream and lets OpenJPEG decide what it is. opj_decompress is strict by default and refuses
    every damaged stream, so it decodes with -allow-partial: if that reproduces the undamaged stream's image exactly
    (all image data is there, only markers are off), the fixture expects that image; if it fails or gives anything
    else (data is missing: a partial image would be silently wrong), the fixture expects a CodecException."""
    path = os.path.join(OUT, name + ext)
    with open(path, 'wb') as f:
        f.write(data)
    entry = next(e for e in index if e[0] == base)
    out = os.path.join(TMP, name + '.opj.rawl')
    result = subprocess.run(['opj_decompress', '-allow-partial', '-i', path, '-o', out], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if result.returncode == 0 and os.path.exists(out):
        decoded = read_rawl(out, src.rows, src.cols, src.spp, src.bits, src.signed)
    if result.returncode == 0 and os.path.exists(out) and np.array_equal(decoded, src.pixels):
        add(name, name + ext, entry[2], src, entry[9], 'decode', 0, entry[13], 'opj_decompress-allow-partial', covers)
    else:
        add(name, name + ext, entry[2], src, entry[9], 'error', 0, '-', 'opj_decompress-allow-partial:incomplete', covers)


for base, ext, src in (('p1_g12_default', '.j2k', g12), ('ht_g12_reversible', '.j2c', g12)):
    kind = base.split('_')[0]
    stream = read(base + ext)
    assert stream[-2:] == b'\xff\xd9'
    damaged(kind + '_damaged_no_eoc', ext, stream[:-2], src, base, 'the EOC marker missing, all data present')
    first = tile_parts(stream)[0]
    middle = first + 14 + (len(stream) - first - 14) // 2
    damaged(kind + '_damaged_truncated_mid_packet', ext, stream[:middle], src, base,
            'cut in the middle of the packet data, no EOC: the image cannot be decoded in full')
    damaged(kind + '_damaged_truncated_in_main_header', ext, stream[:60], src, base,
            'cut inside the main header')

multi = read('p1_g12_tile_parts_by_resolution.j2k')
parts = tile_parts(multi)
assert len(parts) > 4 and all(multi[p + 11] == 3 for p in parts), 'expected 3 tile-parts per tile'
wrong_tnsot = bytearray(multi)
for p in parts:
    wrong_tnsot[p + 11] = 2  # one less than the tile-parts that follow, as some Kakadu versions write
damaged('p1_damaged_wrong_tnsot', '.j2k', wrong_tnsot, g12, 'p1_g12_tile_parts_by_resolution',
        'TNsot 2 on every tile-part though each tile has 3 (as some Kakadu versions write; OpenJPEG corrects it)')
zero_tnsot = bytearray(multi)
for p in parts:
    zero_tnsot[p + 11] = 0
damaged('p1_tnsot_zero', '.j2k', zero_tnsot, g12, 'p1_g12_tile_parts_by_resolution',
        'TNsot 0 (number of tile-parts not stated, legal) on every tile-part')
psot_zero = bytearray(multi)
psot_zero[parts[-1] + 6:parts[-1] + 10] = b'\0\0\0\0'
damaged('p1_last_psot_zero', '.j2k', psot_zero, g12, 'p1_g12_tile_parts_by_resolution',
        'Psot 0 on the last tile-part: it runs to the EOC marker (as Kakadu writes)')

# --- DICOM files by GDCM from uncompressed sources; references by gdcmconv --raw, checked against OpenJPEG ---
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


def write_dicom(path, frames, bits_stored, signed, photometric):
    """Explicit VR little endian, native pixel data: the input of gdcmconv."""
    nframes, rows, cols, spp = frames.shape
    uid = '1.2.826.0.1.3680043.10.1234.' + str(zlib.crc32(os.path.basename(path).encode()))
    meta = (element(2, 1, 'OB', b'\0\1') + element(2, 2, 'UI', '1.2.840.10008.5.1.4.1.1.7')
            + element(2, 3, 'UI', uid) + element(2, 0x10, 'UI', '1.2.840.10008.1.2.1')
            + element(2, 0x12, 'UI', '1.2.826.0.1.3680043.10.1234.1'))
    meta = element(2, 0, 'UL', struct.pack('<I', len(meta))) + meta
    ds = (element(8, 0x16, 'UI', '1.2.840.10008.5.1.4.1.1.7') + element(8, 0x18, 'UI', uid)
          + element(8, 0x60, 'CS', 'OT') + element(8, 0x64, 'CS', 'WSD')
          + element(0x10, 0x10, 'PN', 'Codec^Fixture') + element(0x10, 0x20, 'LO', 'CODEC')
          + element(0x20, 0xD, 'UI', uid + '.1') + element(0x20, 0xE, 'UI', uid + '.2')
          + us(0x28, 2, spp) + element(0x28, 4, 'CS', photometric))
    if spp == 3:
        ds += us(0x28, 6, 0)
    allocated = 8 if bits_stored <= 8 else 16
    ds += element(0x28, 8, 'IS', str(nframes)) + us(0x28, 0x10, rows) + us(0x28, 0x11, cols)
    ds += us(0x28, 0x100, allocated) + us(0x28, 0x101, bits_stored) + us(0x28, 0x102, bits_stored - 1)
    ds += us(0x28, 0x103, 1 if signed else 0)
    raw = frames.astype(('<i2' if signed else '<u2') if allocated == 16 else 'u1').tobytes()
    ds += element(0x7FE0, 0x10, 'OB' if allocated == 8 else 'OW', raw + (b'\0' if len(raw) % 2 else b''))
    with open(path, 'wb') as f:
        f.write(b'\0' * 128 + b'DICM' + meta + ds)


def dicom_frames(path):
    """Transfer syntax, photometric and the frames' code streams of an encapsulated file gdcmconv wrote."""
    import pydicom
    from pydicom.encaps import generate_pixel_data_frame
    ds = pydicom.dcmread(path)
    frames = list(generate_pixel_data_frame(ds.PixelData, int(getattr(ds, 'NumberOfFrames', 1))))
    return str(ds.file_meta.TransferSyntaxUID), str(ds.PhotometricInterpretation), frames


def native_pixels(path):
    import pydicom
    ds = pydicom.dcmread(path)
    px = ds.pixel_array.astype(np.int64)
    nframes = int(getattr(ds, 'NumberOfFrames', 1))
    return px.reshape(nframes, ds.Rows, ds.Columns, ds.SamplesPerPixel)


def gdcm(name, src_frames, bits, signed, photometric, options, covers, tolerance):
    source = os.path.join(TMP, name + '.src.dcm')
    path = os.path.join(OUT, name + '.dcm')
    write_dicom(source, src_frames, bits, signed, photometric)
    run('gdcmconv', '--j2k', *options, source, path)
    raw = os.path.join(TMP, name + '.raw.dcm')
    run('gdcmconv', '--raw', path, raw)
    by_gdcm = native_pixels(raw)
    ts, stated, streams = dicom_frames(path)
    nframes, rows, cols, spp = src_frames.shape
    frame_src = type('FrameSource', (), dict(rows=rows, cols=cols, spp=spp, bits=bits, signed=signed,
                                             allocated=8 if bits <= 8 else 16))
    for i, stream in enumerate(streams):
        stream_path = os.path.join(TMP, '%s.%d.j2k' % (name, i))
        with open(stream_path, 'wb') as f:
            f.write(stream)
        check_agree(name, 'gdcmconv --raw and opj_decompress frame %d' % i, by_gdcm[i],
                    opj_decode(stream_path, frame_src, '%s.%d' % (name, i)), tolerance)
    if tolerance == 0:
        check_agree(name, 'gdcmconv --raw output and lossless source', by_gdcm, src_frames, 0)
    reference = name + '.raw.gz'
    write_reference(reference, list(by_gdcm), frame_src.allocated)
    add(name, name + '.dcm', ts, frame_src, stated, 'decode', tolerance, reference, 'gdcmconv--raw=opj_decompress', covers)
    return path


two = lambda s: np.stack([s.pixels, np.flip(s.pixels, 1)])
gdcm('dcm_g12_two_frames', two(g12), 12, False, 'MONOCHROME2', [], 'DICOM by gdcmconv --j2k: 12-bit, 2 frames', 0)
gdcm('dcm_g16s', g16s.pixels[None], 16, True, 'MONOCHROME2', [], 'DICOM by gdcmconv --j2k: 16-bit signed', 0)
gdcm('dcm_rgb8', rgb8.pixels[None], 8, False, 'RGB', [], 'DICOM by gdcmconv --j2k: colour', 0)
gdcm('dcm_g16_irreversible', g16.pixels[None], 16, False, 'MONOCHROME2', ['--lossy', '--irreversible', '-q', '50'],
     'DICOM by gdcmconv --j2k --lossy --irreversible: 9/7 16-bit', 1)
gdcm('dcm_rgb8_irreversible', rgb8.pixels[None], 8, False, 'RGB', ['--lossy', '--irreversible', '-q', '40'],
     'DICOM by gdcmconv --j2k --lossy --irreversible: 9/7 colour', 1)

# The large image: 2128x2000 12-bit (a CR/DX size), mostly smooth so that it stays small; only the SHA-256 of
# its decoded samples is kept, not the samples.
rows, cols = 2000, 2128
large = content(rows, cols, 1, 12, False, 10, noise=0.0, wave=0.0)
large[700:828, 900:1028, 0] = np.random.default_rng(11).integers(0, 4096, (128, 128))
source = os.path.join(TMP, 'large.src.dcm')
write_dicom(source, large[None], 12, False, 'MONOCHROME2')
name = 'dcm_g12_2128x2000'
path = os.path.join(OUT, name + '.dcm')
run('gdcmconv', '--j2k', source, path)
raw = os.path.join(TMP, name + '.raw.dcm')
run('gdcmconv', '--raw', path, raw)
by_gdcm = native_pixels(raw)
check_agree(name, 'gdcmconv --raw output and lossless source', by_gdcm[0], large, 0)
ts, stated, streams = dicom_frames(path)
stream_path = os.path.join(TMP, name + '.j2k')
with open(stream_path, 'wb') as f:
    f.write(streams[0])
large_src = type('FrameSource', (), dict(rows=rows, cols=cols, spp=1, bits=12, signed=False, allocated=16))
check_agree(name, 'opj_decompress output and lossless source', opj_decode(stream_path, large_src, name), large, 0)
digest = hashlib.sha256((by_gdcm[0] & 0xFFF).astype('<u2').tobytes()).hexdigest()
add(name, name + '.dcm', ts, large_src, stated, 'decode', 0, 'sha256:' + digest, 'gdcmconv--raw=opj_decompress',
    'DICOM by gdcmconv --j2k: a 2128x2000 12-bit radiograph-sized frame (reference as SHA-256 only)')

# --- seeds of Jpeg2000CodestreamFuzzTest: tiny streams (fast to decode, so the fuzzer tries many) from both
# encoders, with the marker segments and coding modes the mutations should start from ---
SEEDS = os.path.join('..', 'org', 'radmamba', 'viewer', 'dicom', 'codec', 'Jpeg2000CodestreamFuzzTestInputs',
                     'any_code_stream_decodes_or_fails_with_a_codec_exception')
seed_g12 = Source('seed_g12_23x19', 19, 23, 1, 12, False, 20)
seed_g8s = Source('seed_g8s_17x13', 13, 17, 1, 8, True, 21)
seed_rgb8 = Source('seed_rgb8_16x16', 16, 16, 3, 8, False, 22)
os.makedirs(SEEDS, exist_ok=True)
for old in os.listdir(SEEDS):
    if old.startswith('seed_'):
        os.remove(os.path.join(SEEDS, old))
for stem, src, options in (
        ('p1_default', seed_g12, ['-n', '4']),
        ('p1_signed', seed_g8s, ['-n', '2']),
        ('p1_all_styles_layers', seed_g12, ['-M', '63', '-r', '8,1', '-n', '3']),
        ('p1_tiles_tile_parts_markers', seed_g12, ['-t', '8,8', '-n', '2', '-TP', 'R', '-SOP', '-EPH', '-PLT', '-TLM']),
        ('p1_offsets_precincts_cprl', seed_g12, ['-d', '3,2', '-T', '1,1', '-t', '12,12', '-n', '2', '-p', 'CPRL', '-c', '[8,8]']),
        ('p1_roi_one_resolution', seed_g12, ['-n', '1', '-ROI', 'c=0,U=4']),
        ('p1_rct', seed_rgb8, ['-mct', '1', '-n', '3']),
        ('p1_ict_irreversible', seed_rgb8, ['-mct', '1', '-I', '-r', '5', '-n', '3']),
        ('p1_bypass_small_blocks', seed_g12, ['-M', '1', '-b', '4,4', '-n', '2', '-r', '4,1'])):
    run('opj_compress', '-i', src.rawl, '-F', src.raw_format, '-o', os.path.join(SEEDS, 'seed_' + stem + '.j2k'), *options)
for stem, src, options in (
        ('ht_reversible', seed_g12, ['-reversible', 'true', '-num_decomps', '2']),
        ('ht_irreversible_rgb', seed_rgb8, ['-reversible', 'false', '-qstep', '0.02', '-num_decomps', '2']),
        ('ht_tiles_small_blocks', seed_g12, ['-reversible', 'true', '-tile_size', '{12,12}', '-block_size', '{8,8}',
                                             '-num_decomps', '1'])):
    run('ojph_compress', '-i', src.pnm, '-o', os.path.join(SEEDS, 'seed_' + stem + '.j2c'), *options)
for entry in os.listdir(OUT):
    if entry.startswith('src_seed_'):
        os.remove(os.path.join(OUT, entry))  # seed sources need no reference

with open(os.path.join(OUT, 'index.tsv'), 'w') as f:
    f.write('# written by ../make-fixtures.sh; columns: name file transfer_syntax rows columns components '
            'bits_allocated bits_stored signed photometric output_photometric expect tolerance reference decoders covers\n')
    for entry in index:
        assert all('\t' not in str(v) and '\n' not in str(v) for v in entry)
        f.write('\t'.join(str(v) for v in entry) + '\n')
print('%d fixtures' % len(index))
PY

du -sh jpeg2000 | sed 's/\t.*//; s/^/fixture tree: /'
