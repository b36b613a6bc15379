package org.radmamba.viewer.dicom.codec.jpeg2000;

/**
 * Decodes one HTJ2K (ISO/IEC 15444-15) code-block: the cleanup, SigProp and MagRef passes, as OpenJPEG 2.5's
 * {@code opj_t1_ht_decode_cblk} (ht_dec.c) does, so that the Part 1 pipeline dequantises its output exactly as it
 * does a Part 1 code-block's.
 */
final class HtBlockDecoder {

    private HtBlockDecoder() {
    }

    /**
     * @param data           the code-block's bytes from every included packet, concatenated in order (OpenJPEG's
     *                       chunks); {@code data.length} may exceed {@code length}
     * @param length         bytes of {@code data} that belong to the code-block
     * @param segmentLengths bytes of each codeword segment in order (OpenJPEG's {@code segs[i].len}): the first is
     *                       the cleanup segment, the second, if any, the SigProp/MagRef segment
     * @param segmentPasses  coding passes in each segment ({@code segs[i].real_num_passes})
     * @param segmentCount   segments present
     * @param numbps         OpenJPEG's {@code cblk->numbps}: the band's bit planes less the missing MSBs the
     *                       packet header signalled
     * @param mb             OpenJPEG's {@code cblk->Mb}: the band's magnitude bit planes (guard bits + exponent - 1)
     * @param width          code-block width in samples
     * @param height         code-block height in samples
     * @param codeBlockStyle the COD/COC code-block style byte (OpenJPEG's {@code cblksty})
     * @param out            receives {@code width * height} coefficients, row stride {@code width}, in the
     *                       representation OpenJPEG's {@code t1->data} has after decoding (the one the Part 1
     *                       tier-1 decoder of this package produces)
     */
    static void decode(byte[] data, int length, int[] segmentLengths, int[] segmentPasses, int segmentCount,
            int numbps, int mb, int width, int height, int codeBlockStyle, int[] out) throws Jpeg2000Exception {
        throw new Jpeg2000Exception("HTJ2K code-blocks cannot be decoded yet");
    }
}
