package org.radmamba.viewer.dicom.codec;

/**
 * The 8×8 inverse DCT of T.81 A.3.3 in integer arithmetic, bit for bit the "islow" method of the Independent
 * JPEG Group's libjpeg ({@code jidctint.c}, Loeffler–Ligtenberg–Moschytz with 13-bit constants), which
 * libjpeg-turbo ({@code djpeg -dct int}, its default) and DCMTK's dcmdjpeg use. Matching it exactly, instead of
 * computing the exact transform in floating point, makes our pixels the very pixels other viewers show, so the
 * tests can demand equality. The code is written here from the algorithm; the constants are libjpeg's.
 */
final class JpegIdct {

    private static final int CONST_BITS = 13;
    private static final long FIX_0_298631336 = 2446;
    private static final long FIX_0_390180644 = 3196;
    private static final long FIX_0_541196100 = 4433;
    private static final long FIX_0_765366865 = 6270;
    private static final long FIX_0_899976223 = 7373;
    private static final long FIX_1_175875602 = 9633;
    private static final long FIX_1_501321110 = 12299;
    private static final long FIX_1_847759065 = 15137;
    private static final long FIX_1_961570560 = 16069;
    private static final long FIX_2_053119869 = 16819;
    private static final long FIX_2_562915447 = 20995;
    private static final long FIX_3_072711026 = 25172;

    private JpegIdct() {
    }

    /**
     * Writes the 8×8 samples of {@code coefficients} (natural order, quantized, starting at {@code at}) times
     * {@code quant} (natural order) into {@code plane} at {@code offset}, rows {@code stride} apart.
     * {@code workspace} holds 64 longs.
     */
    static void inverse(int[] coefficients, int at, int[] quant, long[] workspace, int[] plane, int offset, int stride,
                        int precision) {
        // libjpeg keeps two more fraction bits between the passes for 8-bit samples than for 12-bit ones.
        int pass1Bits = precision == 8 ? 2 : 1;
        int center = 1 << (precision - 1);
        int max = (1 << precision) - 1;
        // libjpeg's range-limit table wraps results modulo 4 · 2^precision before clamping; only corrupt
        // coefficients reach that far, but we follow it there too so that every output is libjpeg's.
        int rangeMask = 4 * (max + 1) - 1;
        // Pass 1: columns from the input into the workspace, scaled up by 2^pass1Bits.
        for (int col = 0; col < 8; col++) {
            int in = at + col;
            if (coefficients[in + 8] == 0 && coefficients[in + 16] == 0 && coefficients[in + 24] == 0
                    && coefficients[in + 32] == 0 && coefficients[in + 40] == 0 && coefficients[in + 48] == 0
                    && coefficients[in + 56] == 0) {
                long dc = (long) coefficients[in] * quant[col] << pass1Bits;
                for (int row = 0; row < 8; row++) {
                    workspace[row * 8 + col] = dc;
                }
                continue;
            }
            long z2 = (long) coefficients[in + 16] * quant[col + 16];
            long z3 = (long) coefficients[in + 48] * quant[col + 48];
            long z1 = (z2 + z3) * FIX_0_541196100;
            long tmp2 = z1 - z3 * FIX_1_847759065;
            long tmp3 = z1 + z2 * FIX_0_765366865;
            z2 = (long) coefficients[in] * quant[col];
            z3 = (long) coefficients[in + 32] * quant[col + 32];
            long tmp0 = (z2 + z3) << CONST_BITS;
            long tmp1 = (z2 - z3) << CONST_BITS;
            long tmp10 = tmp0 + tmp3;
            long tmp13 = tmp0 - tmp3;
            long tmp11 = tmp1 + tmp2;
            long tmp12 = tmp1 - tmp2;
            tmp0 = (long) coefficients[in + 56] * quant[col + 56];
            tmp1 = (long) coefficients[in + 40] * quant[col + 40];
            tmp2 = (long) coefficients[in + 24] * quant[col + 24];
            tmp3 = (long) coefficients[in + 8] * quant[col + 8];
            long[] odd = odd(tmp0, tmp1, tmp2, tmp3);
            int shift = CONST_BITS - pass1Bits;
            workspace[col] = descale(tmp10 + odd[3], shift);
            workspace[56 + col] = descale(tmp10 - odd[3], shift);
            workspace[8 + col] = descale(tmp11 + odd[2], shift);
            workspace[48 + col] = descale(tmp11 - odd[2], shift);
            workspace[16 + col] = descale(tmp12 + odd[1], shift);
            workspace[40 + col] = descale(tmp12 - odd[1], shift);
            workspace[24 + col] = descale(tmp13 + odd[0], shift);
            workspace[32 + col] = descale(tmp13 - odd[0], shift);
        }
        // Pass 2: rows from the workspace into the plane, removing the scaling, level-shifting and clamping.
        int shift = CONST_BITS + pass1Bits + 3;
        for (int row = 0; row < 8; row++) {
            int w = row * 8;
            int o = offset + row * stride;
            if (workspace[w + 1] == 0 && workspace[w + 2] == 0 && workspace[w + 3] == 0 && workspace[w + 4] == 0
                    && workspace[w + 5] == 0 && workspace[w + 6] == 0 && workspace[w + 7] == 0) {
                int value = limit(descale(workspace[w], pass1Bits + 3), center, max, rangeMask);
                for (int x = 0; x < 8; x++) {
                    plane[o + x] = value;
                }
                continue;
            }
            long z2 = workspace[w + 2];
            long z3 = workspace[w + 6];
            long z1 = (z2 + z3) * FIX_0_541196100;
            long tmp2 = z1 - z3 * FIX_1_847759065;
            long tmp3 = z1 + z2 * FIX_0_765366865;
            long tmp0 = (workspace[w] + workspace[w + 4]) << CONST_BITS;
            long tmp1 = (workspace[w] - workspace[w + 4]) << CONST_BITS;
            long tmp10 = tmp0 + tmp3;
            long tmp13 = tmp0 - tmp3;
            long tmp11 = tmp1 + tmp2;
            long tmp12 = tmp1 - tmp2;
            long[] odd = odd(workspace[w + 7], workspace[w + 5], workspace[w + 3], workspace[w + 1]);
            plane[o] = limit(descale(tmp10 + odd[3], shift), center, max, rangeMask);
            plane[o + 7] = limit(descale(tmp10 - odd[3], shift), center, max, rangeMask);
            plane[o + 1] = limit(descale(tmp11 + odd[2], shift), center, max, rangeMask);
            plane[o + 6] = limit(descale(tmp11 - odd[2], shift), center, max, rangeMask);
            plane[o + 2] = limit(descale(tmp12 + odd[1], shift), center, max, rangeMask);
            plane[o + 5] = limit(descale(tmp12 - odd[1], shift), center, max, rangeMask);
            plane[o + 3] = limit(descale(tmp13 + odd[0], shift), center, max, rangeMask);
            plane[o + 4] = limit(descale(tmp13 - odd[0], shift), center, max, rangeMask);
        }
    }

    /**
     * The odd part of one 8-point pass (inputs 7, 5, 3, 1); returns the terms added to and subtracted from the
     * even part for outputs 3/4, 2/5, 1/6 and 0/7. A fresh array per call is cheap: escape analysis removes it.
     */
    private static long[] odd(long tmp0, long tmp1, long tmp2, long tmp3) {
        long z1 = tmp0 + tmp3;
        long z2 = tmp1 + tmp2;
        long z3 = tmp0 + tmp2;
        long z4 = tmp1 + tmp3;
        long z5 = (z3 + z4) * FIX_1_175875602;
        tmp0 *= FIX_0_298631336;
        tmp1 *= FIX_2_053119869;
        tmp2 *= FIX_3_072711026;
        tmp3 *= FIX_1_501321110;
        z1 *= -FIX_0_899976223;
        z2 *= -FIX_2_562915447;
        z3 = z3 * -FIX_1_961570560 + z5;
        z4 = z4 * -FIX_0_390180644 + z5;
        return new long[] {tmp0 + z1 + z3, tmp1 + z2 + z4, tmp2 + z2 + z3, tmp3 + z1 + z4};
    }

    /** Right shift by n, rounding half up, as libjpeg's DESCALE. */
    private static long descale(long x, int n) {
        return (x + (1L << (n - 1))) >> n;
    }

    private static int limit(long value, int center, int max, int rangeMask) {
        int wrapped = (int) (value & rangeMask);
        // Indices of the upper half of libjpeg's table stand for negative values.
        int signed = wrapped > rangeMask >> 1 ? wrapped - rangeMask - 1 : wrapped;
        int shifted = signed + center;
        return shifted < 0 ? 0 : Math.min(shifted, max);
    }
}
