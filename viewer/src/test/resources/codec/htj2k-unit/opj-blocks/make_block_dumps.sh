#!/bin/sh
# Makes the *.htdump files of HtBlockDecoderTest: every HT code-block OpenJPEG decodes in some small HTJ2K
# conformance code streams (ITU-T T.803 ds0_ht_*, as OpenHTJ2K distributes them in conformance_data/), with the
# inputs opj_t1_ht_decode_cblk got and the t1->data it produced. They cover the SigProp and MagRef passes, which
# ojph_compress (cleanup pass only) never writes; the ds1 streams have them in stripe-causal mode (style 0x48).
#
# Needs: an OpenJPEG source tree (tested: uclouvain/openjpeg 9dd4b3c98a78f50a48fb08f27bf198d4ae1d8528, whose
# ht_dec.c differs from 2.5.0's only by robustness checks), the OpenHTJ2K conformance streams
# (osamu620/OpenHTJ2K 19a544b3dc16a92ea655743a478f6721692b7e8d), cmake and a C compiler.
# Usage: make_block_dumps.sh OPENJPEG_SRC OPENHTJ2K_CONFORMANCE_DIR
#
# Dump format, little-endian, one record per code-block:
#   int32 magic 0x48544442, width, height, cblksty, numbps, Mb, numsegs, total chunk bytes
#   numsegs x (int32 segs[i].len, int32 segs[i].real_num_passes)
#   the chunk bytes, then width*height int32 of t1->data
set -e
src=$1
conf=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
cp -r "$src" "$work/openjpeg"
(cd "$work/openjpeg" && patch -p1 < "$here/opj-ht-dump.patch")
mkdir "$work/build"
(cd "$work/build" && cmake "$work/openjpeg" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF >/dev/null \
    && make -j2 opj_decompress >/dev/null)
# ds0_ht_13_b11 (257 components) fails in OpenJPEG once it reaches a component with ROI shifts, which HT decoding in
# OpenJPEG does not support; the blocks decoded before that are dumped all the same.
for name in ds0_ht_09_b11 ds0_ht_11_b10 ds0_ht_12_b11 ds0_ht_13_b11 ds0_ht_14_b11 ds1_ht_06_b11; do
    rm -f "$here/$name.htdump"
    OPJ_HT_DUMP="$here/$name.htdump" "$work/build/bin/opj_decompress" -quiet -i "$conf/$name.j2k" \
        -o "$work/$name.pgx" >/dev/null || [ "$name" = ds0_ht_13_b11 ]
done
# ds1_ht_05_b11 (529x524, stripe-causal, 8x64 code-blocks) has 36771 blocks: keep the first 120 with refinement
# passes of at least 4x5 samples, where the stripe-causal context changes what SigProp decodes.
OPJ_HT_DUMP="$work/all.htdump" "$work/build/bin/opj_decompress" -quiet -i "$conf/ds1_ht_05_b11.j2k" \
    -o "$work/ds1_ht_05_b11.pgx" >/dev/null
python3 - "$work/all.htdump" "$here/ds1_ht_05_b11.htdump" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
p, out, n = 0, bytearray(), 0
while p < len(b):
    start = p
    _, w, h, _, _, _, nseg, total = struct.unpack_from("<8i", b, p)
    p += 32
    passes = 0
    for _ in range(nseg):
        passes += struct.unpack_from("<2i", b, p)[1]
        p += 8
    p += total + 4 * w * h
    if passes >= 2 and h >= 5 and w >= 4 and n < 120:
        out += b[start:p]
        n += 1
open(sys.argv[2], "wb").write(out)
PY
rm -rf "$work"
