package org.radmamba.viewer.dicom.codec;

/**
 * The adaptive binary arithmetic decoder of T.81 Annex D (the QM-coder) over one entropy-coded segment, with the
 * statistics bins of Annex F.1.4.4 for DC and AC coefficients. Ported from Guido Vollbeding's {@code jdarith.c}
 * in libjpeg-turbo (IJG licence), whose compact state encoding (MPS in bit 7, state index in bits 0–6) and
 * floating-cut C register are kept, so that this decodes exactly what libjpeg does; the lossless model (T.81
 * H.1.4.3), which libjpeg lacks, is written from the standard.
 *
 * <p>T.81 lets the decoder run into a marker: it then reads zero bytes, which encoders rely on (libjpeg drops the
 * trailing zero bytes of a scan). Running off the end of the data, where a marker must follow, is truncation:
 * {@link #ranPastEnd()} reports it.
 */
final class JpegArithmeticDecoder {

    /** T.81 Table D.2: Qe, next index after LPS, next index after MPS, switch MPS; index 113 is a fixed 1/2. */
    private static final int[][] STATES = {
            {0x5a1d, 1, 1, 1}, {0x2586, 14, 2, 0}, {0x1114, 16, 3, 0}, {0x080b, 18, 4, 0}, {0x03d8, 20, 5, 0},
            {0x01da, 23, 6, 0}, {0x00e5, 25, 7, 0}, {0x006f, 28, 8, 0}, {0x0036, 30, 9, 0}, {0x001a, 33, 10, 0},
            {0x000d, 35, 11, 0}, {0x0006, 9, 12, 0}, {0x0003, 10, 13, 0}, {0x0001, 12, 13, 0}, {0x5a7f, 15, 15, 1},
            {0x3f25, 36, 16, 0}, {0x2cf2, 38, 17, 0}, {0x207c, 39, 18, 0}, {0x17b9, 40, 19, 0}, {0x1182, 42, 20, 0},
            {0x0cef, 43, 21, 0}, {0x09a1, 45, 22, 0}, {0x072f, 46, 23, 0}, {0x055c, 48, 24, 0}, {0x0406, 49, 25, 0},
            {0x0303, 51, 26, 0}, {0x0240, 52, 27, 0}, {0x01b1, 54, 28, 0}, {0x0144, 56, 29, 0}, {0x00f5, 57, 30, 0},
            {0x00b7, 59, 31, 0}, {0x008a, 60, 32, 0}, {0x0068, 62, 33, 0}, {0x004e, 63, 34, 0}, {0x003b, 32, 35, 0},
            {0x002c, 33, 9, 0}, {0x5ae1, 37, 37, 1}, {0x484c, 64, 38, 0}, {0x3a0d, 65, 39, 0}, {0x2ef1, 67, 40, 0},
            {0x261f, 68, 41, 0}, {0x1f33, 69, 42, 0}, {0x19a8, 70, 43, 0}, {0x1518, 72, 44, 0}, {0x1177, 73, 45, 0},
            {0x0e74, 74, 46, 0}, {0x0bfb, 75, 47, 0}, {0x09f8, 77, 48, 0}, {0x0861, 78, 49, 0}, {0x0706, 79, 50, 0},
            {0x05cd, 48, 51, 0}, {0x04de, 50, 52, 0}, {0x040f, 50, 53, 0}, {0x0363, 51, 54, 0}, {0x02d4, 52, 55, 0},
            {0x025c, 53, 56, 0}, {0x01f8, 54, 57, 0}, {0x01a4, 55, 58, 0}, {0x0160, 56, 59, 0}, {0x0125, 57, 60, 0},
            {0x00f6, 58, 61, 0}, {0x00cb, 59, 62, 0}, {0x00ab, 61, 63, 0}, {0x008f, 61, 32, 0}, {0x5b12, 65, 65, 1},
            {0x4d04, 80, 66, 0}, {0x412c, 81, 67, 0}, {0x37d8, 82, 68, 0}, {0x2fe8, 83, 69, 0}, {0x293c, 84, 70, 0},
            {0x2379, 86, 71, 0}, {0x1edf, 87, 72, 0}, {0x1aa9, 87, 73, 0}, {0x174e, 72, 74, 0}, {0x1424, 72, 75, 0},
            {0x119c, 74, 76, 0}, {0x0f6b, 74, 77, 0}, {0x0d51, 75, 78, 0}, {0x0bb6, 77, 79, 0}, {0x0a40, 77, 48, 0},
            {0x5832, 80, 81, 1}, {0x4d1c, 88, 82, 0}, {0x438e, 89, 83, 0}, {0x3bdd, 90, 84, 0}, {0x34ee, 91, 85, 0},
            {0x2eae, 92, 86, 0}, {0x299a, 93, 87, 0}, {0x2516, 86, 71, 0}, {0x5570, 88, 89, 1}, {0x4ca9, 95, 90, 0},
            {0x44d9, 96, 91, 0}, {0x3e22, 97, 92, 0}, {0x3824, 99, 93, 0}, {0x32b4, 99, 94, 0}, {0x2e17, 93, 86, 0},
            {0x56a8, 95, 96, 1}, {0x4f46, 101, 97, 0}, {0x47e5, 102, 98, 0}, {0x41cf, 103, 99, 0}, {0x3c3d, 104, 100, 0},
            {0x375e, 99, 93, 0}, {0x5231, 105, 102, 0}, {0x4c0f, 106, 103, 0}, {0x4639, 107, 104, 0},
            {0x415e, 103, 99, 0}, {0x5627, 105, 106, 1}, {0x50e7, 108, 107, 0}, {0x4b85, 109, 103, 0},
            {0x5597, 110, 109, 0}, {0x504f, 111, 107, 0}, {0x5a10, 110, 111, 1}, {0x5522, 112, 109, 0},
            {0x59eb, 112, 111, 1}, {0x5a1d, 113, 113, 0}};
    private static final int[] QE = new int[STATES.length];
    /** Bit 7: switch MPS; bits 0–6: the next state after an LPS. */
    private static final int[] NEXT_LPS = new int[STATES.length];
    private static final int[] NEXT_MPS = new int[STATES.length];

    static {
        for (int i = 0; i < STATES.length; i++) {
            QE[i] = STATES[i][0];
            NEXT_LPS[i] = STATES[i][3] << 7 | STATES[i][1];
            NEXT_MPS[i] = STATES[i][2];
        }
    }

    static final int DC_BINS = 64;
    static final int AC_BINS = 256;
    /**
     * Lossless statistics (T.81 H.1.4.3): 5 × 5 conditioning classes (of the differences left and above) of four
     * bins each (zero, sign, size after positive, size after negative), then two magnitude sets (chosen by the
     * difference above) of 15 category bins and 15 bit bins.
     */
    static final int LOSSLESS_BINS = 25 * 4 + 2 * 30;

    private final byte[] data;
    private int pos;
    private long c;
    private long a;
    private int ct;
    private boolean atMarker;
    private boolean pastEnd;

    /** The fixed-probability bin of T.851 Table 5, for signs and refinement bits. */
    private final int[] fixedBin = {113};

    JpegArithmeticDecoder(byte[] data, int start) {
        this.data = data;
        this.pos = start;
        reset();
    }

    private void reset() {
        c = 0;
        a = 0;
        ct = -16;
        atMarker = false;
    }

    int position() {
        return pos;
    }

    /** True once the decoder needed bytes past the end of the data, where a marker should have stopped it. */
    boolean ranPastEnd() {
        return pastEnd;
    }

    /** Steps over what remains of this interval and the restart marker that must follow, and starts afresh. */
    void restart(int expectedIndex) throws CodecException {
        // The decoder reads lazily, so the interval's last bytes may still lie before the marker.
        while (pos < data.length && !((data[pos] & 0xFF) == 0xFF && pos + 1 < data.length && data[pos + 1] != 0
                && (data[pos + 1] & 0xFF) != 0xFF)) {
            pos++;
        }
        if (pos + 1 >= data.length) {
            throw new CodecException("JPEG data ends where a restart marker was expected: the data is truncated");
        }
        int marker = data[pos + 1] & 0xFF;
        if (marker < 0xD0 || marker > 0xD7) {
            throw new CodecException("JPEG data lacks restart marker RST" + expectedIndex + " at byte " + pos
                    + ": the data is corrupt");
        }
        pos += 2;
        reset();
    }

    private int nextByte() {
        if (atMarker) {
            return 0;
        }
        if (pos >= data.length) {
            pastEnd = true;
            return 0;
        }
        int b = data[pos] & 0xFF;
        if (b != 0xFF) {
            pos++;
            return b;
        }
        int next = pos + 1;
        while (next < data.length && (data[next] & 0xFF) == 0xFF) {
            next++;
        }
        if (next >= data.length) {
            pastEnd = true;
            pos = data.length;
            return 0;
        }
        if (data[next] == 0) {
            pos = next + 1;
            return 0xFF;
        }
        // A marker: stay on it (the caller finds it there) and feed zeros from now on.
        pos = next - 1;
        atMarker = true;
        return 0;
    }

    /** Decodes one binary decision with the adaptive statistics bin {@code bins[index]} (T.81 D.2.4–D.2.6). */
    int decode(int[] bins, int index) {
        while (a < 0x8000) {
            if (--ct < 0) {
                c = (c << 8) | nextByte();
                if ((ct += 8) < 0) {
                    if (++ct == 0) {
                        // Two initial bytes read: A becomes 0x10000 after the shift below.
                        a = 0x8000;
                    }
                }
            }
            a <<= 1;
        }
        int sv = bins[index];
        int state = sv & 0x7F;
        int qe = QE[state];
        long temp = a - qe;
        a = temp;
        temp <<= ct;
        if (c >= temp) {
            c -= temp;
            if (a < qe) {
                a = qe;
                bins[index] = (sv & 0x80) ^ NEXT_MPS[state];
            } else {
                a = qe;
                bins[index] = (sv & 0x80) ^ NEXT_LPS[state];
                sv ^= 0x80;
            }
        } else if (a < 0x8000) {
            if (a < qe) {
                bins[index] = (sv & 0x80) ^ NEXT_LPS[state];
                sv ^= 0x80;
            } else {
                bins[index] = (sv & 0x80) ^ NEXT_MPS[state];
            }
        }
        return sv >> 7;
    }

    /** A decision with probability 1/2 (signs of AC coefficients, refinement bits). */
    int decodeFixed() {
        return decode(fixedBin, 0);
    }

    /**
     * Decodes one DC difference (T.81 F.1.4.4.1, Figures F.19 and F.21–F.24) with the bins {@code stats} and the
     * conditioning bounds L and U; {@code context} holds the component's conditioning index, updated here.
     */
    int decodeDcDifference(int[] stats, int[] context, int ci, int lower, int upper) throws CodecException {
        int st = context[ci];
        if (decode(stats, st) == 0) {
            context[ci] = 0;
            return 0;
        }
        int sign = decode(stats, st + 1);
        st += 2 + sign;
        int m = decode(stats, st);
        if (m != 0) {
            st = 20;
            while (decode(stats, st) != 0) {
                if ((m <<= 1) == 0x8000) {
                    throw new CodecException("JPEG arithmetic-coded DC difference is out of range: the data is corrupt");
                }
                st++;
            }
        }
        if (m < (1 << lower) >> 1) {
            context[ci] = 0;
        } else if (m > (1 << upper) >> 1) {
            context[ci] = 12 + sign * 4;
        } else {
            context[ci] = 4 + sign * 4;
        }
        int v = m;
        st += 14;
        while ((m >>= 1) != 0) {
            if (decode(stats, st) != 0) {
                v |= m;
            }
        }
        v += 1;
        return sign != 0 ? -v : v;
    }

    /**
     * Decodes one lossless difference (T.81 H.1.4.3), conditioned on {@code left} and {@code above}, the
     * differences of the neighbouring samples, with the DAC bounds L and U. Which decisions share a bin (and so
     * adapt together) is what must match the encoder; it follows T.81 H.1.4.3 as the ISO reference software
     * (Thomas Richter's libjpeg, ACLosslessScan) implements it, against whose encoder this is tested.
     */
    int decodeLosslessDifference(int[] stats, int left, int above, int lower, int upper) throws CodecException {
        int st = ((classify(left, lower, upper) + 2) * 5 + classify(above, lower, upper) + 2) * 4;
        if (decode(stats, st) == 0) {
            return 0;
        }
        int sign = decode(stats, st + 1);
        int magnitude = 0;
        if (decode(stats, st + 2 + sign) != 0) {
            int set = 100 + (Math.abs((long) above) > (1L << upper) ? 30 : 0);
            int i = 0;
            int m = 2;
            while (decode(stats, set + i) != 0) {
                m <<= 1;
                if (++i >= 15) {
                    throw new CodecException("JPEG arithmetic-coded lossless difference is out of range: the data is corrupt");
                }
            }
            m >>= 1;
            magnitude = m;
            while ((m >>= 1) != 0) {
                if (decode(stats, set + 15 + i) != 0) {
                    magnitude |= m;
                }
            }
        }
        return sign != 0 ? -magnitude - 1 : magnitude + 1;
    }

    /** T.81 F.1.4.4.1.2's five classes of a difference: zero, small ±, large ±, as -2..2. */
    private static int classify(int difference, int lower, int upper) {
        long abs = Math.abs((long) difference);
        if (abs <= (1L << lower) >> 1) {
            return 0;
        }
        int sign = difference < 0 ? -1 : 1;
        return abs <= (1L << upper) ? sign : 2 * sign;
    }

    /**
     * Decodes the AC coefficients {@code ss..se} of one block (T.81 F.1.4.4.2, Figure F.20) into
     * {@code block[at + naturalOrder[k]]}, each shifted left by {@code al}.
     */
    void decodeAcCoefficients(int[] stats, int kx, int ss, int se, int al, int[] block, int at, int[] naturalOrder)
            throws CodecException {
        for (int k = ss; k <= se; k++) {
            int st = 3 * (k - 1);
            if (decode(stats, st) != 0) {
                return;
            }
            while (decode(stats, st + 1) == 0) {
                st += 3;
                k++;
                if (k > se) {
                    throw new CodecException("JPEG arithmetic-coded block has a coefficient past position " + se
                            + ": the data is corrupt");
                }
            }
            int sign = decodeFixed();
            st += 2;
            int m = decode(stats, st);
            if (m != 0 && decode(stats, st) != 0) {
                m <<= 1;
                st = k <= kx ? 189 : 217;
                while (decode(stats, st) != 0) {
                    if ((m <<= 1) == 0x8000) {
                        throw new CodecException("JPEG arithmetic-coded AC coefficient is out of range: the data is corrupt");
                    }
                    st++;
                }
            }
            int v = m;
            st += 14;
            while ((m >>= 1) != 0) {
                if (decode(stats, st) != 0) {
                    v |= m;
                }
            }
            v += 1;
            block[at + naturalOrder[k]] = (sign != 0 ? -v : v) << al;
        }
    }

    /** One successive-approximation refinement of the AC coefficients {@code ss..se} (jdarith.c decode_mcu_AC_refine). */
    void refineAcCoefficients(int[] stats, int ss, int se, int al, int[] block, int at, int[] naturalOrder)
            throws CodecException {
        int p1 = 1 << al;
        int m1 = -1 << al;
        int kex = se;
        while (kex > 0 && block[at + naturalOrder[kex]] == 0) {
            kex--;
        }
        for (int k = ss; k <= se; k++) {
            int st = 3 * (k - 1);
            if (k > kex && decode(stats, st) != 0) {
                return;
            }
            while (true) {
                int i = at + naturalOrder[k];
                if (block[i] != 0) {
                    if (decode(stats, st + 2) != 0) {
                        block[i] += block[i] < 0 ? m1 : p1;
                    }
                    break;
                }
                if (decode(stats, st + 1) != 0) {
                    block[i] = decodeFixed() != 0 ? m1 : p1;
                    break;
                }
                st += 3;
                k++;
                if (k > se) {
                    throw new CodecException("JPEG arithmetic-coded block has a coefficient past position " + se
                            + ": the data is corrupt");
                }
            }
        }
    }
}
