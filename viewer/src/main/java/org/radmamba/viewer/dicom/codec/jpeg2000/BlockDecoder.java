package org.radmamba.viewer.dicom.codec.jpeg2000;

import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.CodeBlock;

/**
 * Tier-1 decoding of one Part 1 code-block: the MQ decoder (mqc.c) and the significance propagation, magnitude
 * refinement and cleanup passes with every code-block style (BYPASS, RESET, TERMALL, VSC, PTERM, SEGSYM), ported
 * from OpenJPEG 2.5's t1.c (BSD-2-Clause, Université catholique de Louvain and contributors). Its output is
 * OpenJPEG's {@code t1->data}: each coefficient's magnitude with one extra half-bit below the last decoded bit
 * plane, negated for negative coefficients.
 *
 * <p>Context state is packed as in OpenJPEG's t1.h: one 32-bit word per column of a four-row stripe holds the
 * significance of the stripe column's four samples and of their neighbours (a 3-wide, 6-high window: bits
 * SIGMA_0..17), the signs of the column's samples and of the rows just above and below (CHI), and whether each
 * sample was visited by the significance pass (PI) or refined before (MU). A pass then loads one word per four
 * samples, skips all-zero words at once, and reads each sample's zero-coding context with one shift and one table
 * look-up. One instance per thread: it keeps its scratch buffers between code-blocks.
 *
 * <p>The three MQ-coded passes copy the coder state (A, C, CT, the byte position) into local variables and carry
 * the decoding step written out in place, as OpenJPEG's opj_mqc_decode macro does, so that the JIT keeps the
 * state in registers instead of loading and storing fields for every bit; {@link #decodeBit} stays for the rare
 * SEGSYM symbols. The refinement, sign and zero-coding decisions, whose outcome in a noisy lossless code-block is
 * close to a coin toss, are decoded without data-dependent branches (masks select the MPS/LPS outcome, the interval
 * and the next state, since a CPU mispredicts those branches about half the time on such decisions: 20-25 % less
 * CPU time per 16-bit lossless frame); the run-length decisions, nearly always 0, keep OpenJPEG's branches, which
 * then predict well. Both forms compute the same A, C, CT, state and decision.
 */
final class BlockDecoder {

    // OpenJPEG's per-sample flag layout, used only to build the look-up tables below: own state, the eight
    // neighbours' significance and the four direct neighbours' signs.
    private static final int N = 1 << 4, S = 1 << 5, W = 1 << 6, E = 1 << 7;
    private static final int NW = 1 << 8, NE = 1 << 9, SW = 1 << 10, SE = 1 << 11;
    private static final int SGN_N = 1 << 12, SGN_S = 1 << 13, SGN_W = 1 << 14, SGN_E = 1 << 15;

    // The stripe column word (t1.h): SIGMA_0..8 are the 3x3 significance window of row 0 (NW N NE / W THIS E /
    // SW S SE), and row ci's window is the same bits shifted left by 3 * ci; CHI_0..5 the signs of rows -1..4;
    // MU_ci and PI_ci (at MU_0 / PI_0 shifted by 3 * ci) the refined and visited states of row ci.
    private static final int SIGMA_0 = 1, SIGMA_1 = 1 << 1, SIGMA_2 = 1 << 2, SIGMA_3 = 1 << 3, SIGMA_4 = 1 << 4;
    private static final int SIGMA_5 = 1 << 5, SIGMA_7 = 1 << 7, SIGMA_15 = 1 << 15, SIGMA_16 = 1 << 16;
    private static final int SIGMA_17 = 1 << 17;
    private static final int SIGMA_NEIGHBOURS = 0x1EF;
    private static final int CHI_0_I = 18, CHI_1_I = 19, CHI_2_I = 22, CHI_5_I = 31;
    private static final int MU_0 = 1 << 20, PI_0 = 1 << 21;
    private static final int PI_ALL = PI_0 | PI_0 << 3 | PI_0 << 6 | PI_0 << 9;
    /** The four samples' own significance bits, and the shift that brings their PI bits onto them. */
    private static final int ALL_SIGMA_4 = SIGMA_4 | SIGMA_4 << 3 | SIGMA_4 << 6 | SIGMA_4 << 9;
    private static final int PI_TO_SIGMA = 21 - 4;

    private static final int CTX_ZC = 0, CTX_SC = 9, CTX_MAG = 14, CTX_AGG = 17, CTX_UNI = 18, NUM_CTX = 19;

    // MQ coder probability states (ISO/IEC 15444-1 Table C.2), indexed state*2+mps.
    private static final int[] QE_BASE = {0x5601, 0x3401, 0x1801, 0x0AC1, 0x0521, 0x0221, 0x5601, 0x5401, 0x4801,
        0x3801, 0x3001, 0x2401, 0x1C01, 0x1601, 0x5601, 0x5401, 0x5101, 0x4801, 0x3801, 0x3401, 0x3001, 0x2801,
        0x2401, 0x2201, 0x1C01, 0x1801, 0x1601, 0x1401, 0x1201, 0x1101, 0x0AC1, 0x09C1, 0x08A1, 0x0521, 0x0441,
        0x02A1, 0x0221, 0x0141, 0x0111, 0x0085, 0x0049, 0x0025, 0x0015, 0x0009, 0x0005, 0x0001, 0x5601};
    private static final int[] NMPS_BASE = {1, 2, 3, 4, 5, 38, 7, 8, 9, 10, 11, 12, 13, 29, 15, 16, 17, 18, 19, 20, 21,
        22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 45, 46};
    private static final int[] NLPS_BASE = {1, 6, 9, 12, 29, 33, 6, 14, 14, 14, 17, 18, 20, 21, 14, 14, 15, 16, 17, 18,
        19, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 46};
    private static final int[] SWITCH_BASE = {1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /**
     * One word per MQ state (index state*2+mps), so that a decision loads its context's state with one look-up:
     * Qe in bits 0-15, the MPS in bit 16, the index of the next state after an MPS in bits 17-23 and after an LPS
     * in bits 24-30. A context holds its state's word, not its index.
     */
    private static final int[] STATES = new int[94];

    /** Zero-coding context by orientation (bits 9-10) and the sample's SIGMA neighbour bits (lut_ctxno_zc). */
    private static final byte[] ZC_LUT = new byte[4 * 512];
    /** Sign context and sign prediction bit by {@link #signIndex} (lut_ctxno_sc, lut_spb). */
    private static final byte[] SC_LUT = new byte[256];
    private static final byte[] SPB_LUT = new byte[256];

    static {
        for (int st = 0; st < 47; st++) {
            for (int mps = 0; mps < 2; mps++) {
                int nmps = NMPS_BASE[st] * 2 + mps;
                int nlps = NLPS_BASE[st] * 2 + (SWITCH_BASE[st] != 0 ? 1 - mps : mps);
                STATES[st * 2 + mps] = QE_BASE[st] | mps << 16 | nmps << 17 | nlps << 24;
            }
        }
        byte[] zcByNeighbours = new byte[4 * 256];
        byte[] scBySigns = new byte[256];
        byte[] spbBySigns = new byte[256];
        for (int orient = 0; orient < 4; orient++) {
            for (int f = 0; f < 256; f++) {
                int fl = f << 4;
                int h = bit(fl, W) + bit(fl, E);
                int v = bit(fl, N) + bit(fl, S);
                int d = bit(fl, NW) + bit(fl, NE) + bit(fl, SW) + bit(fl, SE);
                int n;
                if (orient == 3) {
                    int hv = h + v;
                    if (d == 0) {
                        n = hv == 0 ? 0 : hv == 1 ? 1 : 2;
                    } else if (d == 1) {
                        n = hv == 0 ? 3 : hv == 1 ? 4 : 5;
                    } else if (d == 2) {
                        n = hv == 0 ? 6 : 7;
                    } else {
                        n = 8;
                    }
                } else {
                    // OpenJPEG's generated table swaps for bandno 1 (HL): t1_generate_luts.c maps it to case 2.
                    if (orient == 1) {
                        int t = h;
                        h = v;
                        v = t;
                    }
                    if (h == 0) {
                        if (v == 0) {
                            n = d == 0 ? 0 : d == 1 ? 1 : 2;
                        } else {
                            n = v == 1 ? 3 : 4;
                        }
                    } else if (h == 1) {
                        n = v == 0 ? (d == 0 ? 5 : 6) : 7;
                    } else {
                        n = 8;
                    }
                }
                zcByNeighbours[(orient << 8) | f] = (byte) (CTX_ZC + n);
            }
        }
        for (int lu = 0; lu < 256; lu++) {
            int fl = ((lu & 0xF) << 4) | ((lu >> 4) << 12);
            int hc = Math.min(pos(fl, E, SGN_E) + pos(fl, W, SGN_W), 1) - Math.min(neg(fl, E, SGN_E)
                    + neg(fl, W, SGN_W), 1);
            int vc = Math.min(pos(fl, N, SGN_N) + pos(fl, S, SGN_S), 1) - Math.min(neg(fl, N, SGN_N)
                    + neg(fl, S, SGN_S), 1);
            int spb = (hc == 0 && vc == 0) ? 0 : (hc > 0 || (hc == 0 && vc > 0)) ? 0 : 1;
            if (hc < 0) {
                hc = -hc;
                vc = -vc;
            }
            int n;
            if (hc == 0) {
                n = vc == 0 ? 0 : 1;
            } else {
                n = vc == -1 ? 2 : vc == 0 ? 3 : 4;
            }
            scBySigns[lu] = (byte) (CTX_SC + n);
            spbBySigns[lu] = (byte) spb;
        }
        // The same tables re-indexed by the stripe column word's bits (t1_generate_luts.c's indexing).
        for (int orient = 0; orient < 4; orient++) {
            for (int sigma = 0; sigma < 512; sigma++) {
                int fl = (sigma & SIGMA_0) != 0 ? NW : 0;
                fl |= (sigma & SIGMA_1) != 0 ? N : 0;
                fl |= (sigma & SIGMA_2) != 0 ? NE : 0;
                fl |= (sigma & SIGMA_3) != 0 ? W : 0;
                fl |= (sigma & SIGMA_5) != 0 ? E : 0;
                fl |= (sigma & (1 << 6)) != 0 ? SW : 0;
                fl |= (sigma & SIGMA_7) != 0 ? S : 0;
                fl |= (sigma & (1 << 8)) != 0 ? SE : 0;
                ZC_LUT[(orient << 9) | sigma] = zcByNeighbours[(orient << 8) | ((fl >> 4) & 0xFF)];
            }
        }
        for (int lu = 0; lu < 256; lu++) {
            // signIndex bits: 0 sign W, 1 significant N, 2 sign E, 3 significant W, 4 sign N, 5 significant E,
            // 6 sign S, 7 significant S; the table above: significant N S W E in bits 0-3, their signs in 4-7
            int old = (lu >> 1 & 1) | (lu >> 7 & 1) << 1 | (lu >> 3 & 1) << 2 | (lu >> 5 & 1) << 3;
            old |= (lu >> 4 & 1) << 4 | (lu >> 6 & 1) << 5 | (lu & 1) << 6 | (lu >> 2 & 1) << 7;
            SC_LUT[lu] = scBySigns[old];
            SPB_LUT[lu] = spbBySigns[old];
        }
    }

    private static int bit(int fl, int mask) {
        return (fl & mask) != 0 ? 1 : 0;
    }

    private static int pos(int fl, int sig, int sgn) {
        return (fl & sig) != 0 && (fl & sgn) == 0 ? 1 : 0;
    }

    private static int neg(int fl, int sig, int sgn) {
        return (fl & sig) != 0 && (fl & sgn) != 0 ? 1 : 0;
    }

    private int[] flags = new int[0];
    private int[] data = new int[0];
    private byte[] buffer = new byte[0];
    private int w, h, stride;

    // MQ / raw decoder state
    private byte[] bd;
    private int bp, bend;
    private int a, c, ct;
    private final int[] ctx = new int[NUM_CTX];

    /** Segment lengths and passes handed to the HT decoder (reused). */
    private int[] htLens = new int[4];
    private int[] htPasses = new int[4];

    /**
     * Decodes one code-block into {@link #data()} ({@code width * height}, row stride width), the way
     * opj_t1_decode_cblk does (or the HT decoder, for style bit 0x40), then applies the ROI max-shift.
     *
     * @return false where OpenJPEG fails the code-block (and so the tile): bpno_plus_one >= 31
     */
    boolean decode(CodeBlock cb, byte[] tileData, int orient, int roiShift, int cblksty) throws Jpeg2000Exception {
        w = cb.x1 - cb.x0;
        h = cb.y1 - cb.y0;
        int size = w * h;
        if (data.length < size) {
            data = new int[size];
        }
        java.util.Arrays.fill(data, 0, size, 0);
        if ((cblksty & Tier2.CBLKSTY_HT) != 0 && roiShift != 0) {
            // opj_t1_ht_decode_cblk refuses every HT code-block of a component with an ROI shift
            throw new Jpeg2000Exception("HTJ2K code-blocks with a region of interest (RGN) shift are not supported");
        }
        if ((cblksty & Tier2.CBLKSTY_HT) == 0 && roiShift + cb.numbps >= 31) {
            return false; // opj_t1_decode_cblk refuses it before looking at the data
        }
        if (cb.corrupted || cb.numchunks == 0) {
            return true; // a code-block cut by the end of the data decodes as zeros, as in OpenJPEG
        }
        int total = 0;
        for (int i = 0; i < cb.numchunks; i++) {
            total += cb.chunkLen[i];
        }
        if (buffer.length < total + 2) {
            buffer = new byte[total + 2 + 64]; // two bytes for the end-of-segment sentinel
        }
        int at = 0;
        for (int i = 0; i < cb.numchunks; i++) {
            System.arraycopy(tileData, cb.chunkOffset[i], buffer, at, cb.chunkLen[i]);
            at += cb.chunkLen[i];
        }
        if ((cblksty & Tier2.CBLKSTY_HT) != 0) {
            if (htLens.length < cb.numsegs) {
                htLens = new int[cb.numsegs];
                htPasses = new int[cb.numsegs];
            }
            for (int i = 0; i < cb.numsegs; i++) {
                htLens[i] = cb.segLen[i];
                htPasses[i] = cb.segNumPasses[i];
            }
            HtBlockDecoder.decode(buffer, total, htLens, htPasses, cb.numsegs, cb.numbps, cb.mb, w, h, cblksty,
                    data);
        } else if (!decodeMq(cb, orient, roiShift, cblksty)) {
            return false;
        }
        applyRoiShift(roiShift, size);
        return true;
    }

    int[] data() {
        return data;
    }

    int width() {
        return w;
    }

    int height() {
        return h;
    }

    private void applyRoiShift(int roiShift, int size) {
        if (roiShift == 0) {
            return;
        }
        if (roiShift >= 31) {
            java.util.Arrays.fill(data, 0, size, 0);
            return;
        }
        int thresh = 1 << roiShift;
        for (int i = 0; i < size; i++) {
            int val = data[i];
            int mag = Math.abs(val);
            if (mag >= thresh) {
                mag >>= roiShift;
                data[i] = val < 0 ? -mag : mag;
            }
        }
    }

    private boolean decodeMq(CodeBlock cb, int orient, int roiShift, int cblksty) {
        int bpnoPlusOne = roiShift + cb.numbps;
        if (bpnoPlusOne >= 31) {
            return false;
        }
        stride = w + 2;
        int flagsSize = stride * ((h + 3) / 4 + 2); // one word per stripe column, a border all round
        if (flags.length < flagsSize) {
            flags = new int[flagsSize];
        }
        java.util.Arrays.fill(flags, 0, flagsSize, 0);
        resetStates();
        int passtype = 2;
        int zcBase = orient << 9;
        boolean vsc = (cblksty & Tier2.CBLKSTY_VSC) != 0;
        int offset = 0;
        for (int segno = 0; segno < cb.numsegs; segno++) {
            int len = cb.segLen[segno];
            boolean raw = bpnoPlusOne <= cb.numbps - 4 && passtype < 2 && (cblksty & Tier2.CBLKSTY_LAZY) != 0;
            if (raw) {
                initRaw(buffer, offset, len);
            } else {
                initMq(buffer, offset, len);
            }
            offset += len;
            for (int passno = 0; passno < cb.segNumPasses[segno] && bpnoPlusOne >= 1; passno++) {
                switch (passtype) {
                    case 0 -> {
                        if (raw) {
                            sigPassRaw(bpnoPlusOne, vsc);
                        } else {
                            sigPass(bpnoPlusOne, zcBase, vsc);
                        }
                    }
                    case 1 -> {
                        if (raw) {
                            refPassRaw(bpnoPlusOne);
                        } else {
                            refPass(bpnoPlusOne);
                        }
                    }
                    default -> {
                        cleanupPass(bpnoPlusOne, zcBase, vsc);
                        if ((cblksty & Tier2.CBLKSTY_SEGSYM) != 0) {
                            for (int i = 0; i < 4; i++) {
                                decodeBit(CTX_UNI);
                            }
                        }
                    }
                }
                if ((cblksty & Tier2.CBLKSTY_RESET) != 0 && !raw) {
                    resetStates();
                }
                if (++passtype == 3) {
                    passtype = 0;
                    bpnoPlusOne--;
                }
            }
            removeSentinel();
        }
        return true;
    }

    private void resetStates() {
        java.util.Arrays.fill(ctx, STATES[0]);
        ctx[CTX_UNI] = STATES[46 * 2];
        ctx[CTX_AGG] = STATES[3 * 2];
        ctx[CTX_ZC] = STATES[4 * 2];
    }

    // --- MQ decoder (mqc.c / mqc_inl.h); bytes past the segment read as 0xFF as OpenJPEG's synthetic marker ---

    private int byteAt(int i) {
        return bd[i] & 0xFF;
    }

    /**
     * OpenJPEG writes an artificial 0xFF 0xFF after the segment (saving the two bytes it covers) so that the
     * decoder reads 1-bits past the end without checking bounds; the same is done here on the private copy.
     */
    private void placeSentinel(byte[] buf, int end) {
        savedSentinel0 = buf[end];
        savedSentinel1 = buf[end + 1];
        buf[end] = (byte) 0xFF;
        buf[end + 1] = (byte) 0xFF;
    }

    private void removeSentinel() {
        bd[bend] = savedSentinel0;
        bd[bend + 1] = savedSentinel1;
    }

    private byte savedSentinel0;
    private byte savedSentinel1;

    private void initMq(byte[] buf, int start, int len) {
        placeSentinel(buf, start + len);
        bd = buf;
        bp = start;
        bend = start + len;
        c = (len == 0 ? 0xFF : buf[start] & 0xFF) << 16;
        byteIn();
        c <<= 7;
        ct -= 7;
        a = 0x8000;
    }

    private void initRaw(byte[] buf, int start, int len) {
        placeSentinel(buf, start + len);
        bd = buf;
        bp = start;
        bend = start + len;
        c = 0;
        ct = 0;
    }

    private void byteIn() {
        int next = byteAt(bp + 1);
        if (byteAt(bp) == 0xFF) {
            if (next > 0x8F) {
                c += 0xFF00;
                ct = 8;
            } else {
                bp++;
                c += next << 9;
                ct = 7;
            }
        } else {
            bp++;
            c += next << 8;
            ct = 8;
        }
    }

    private int decodeBit(int cx) {
        int s = ctx[cx];
        int qe = s & 0xFFFF;
        int mps = (s >>> 16) & 1;
        int d;
        a -= qe;
        if ((c >>> 16) < qe) {
            if (a < qe) {
                a = qe;
                d = mps;
                ctx[cx] = STATES[(s >>> 17) & 0x7F];
            } else {
                a = qe;
                d = 1 - mps;
                ctx[cx] = STATES[s >>> 24];
            }
            renorm();
        } else {
            c -= qe << 16;
            if ((a & 0x8000) == 0) {
                if (a < qe) {
                    d = 1 - mps;
                    ctx[cx] = STATES[s >>> 24];
                } else {
                    d = mps;
                    ctx[cx] = STATES[(s >>> 17) & 0x7F];
                }
                renorm();
            } else {
                d = mps;
            }
        }
        return d;
    }

    /**
     * OpenJPEG's renormalisation shifts one bit at a time, reading a byte whenever ct reaches 0; shifting as many
     * bits at once as both the interval and the bits left allow reads the same bytes at the same points.
     */
    private void renorm() {
        int n = Integer.numberOfLeadingZeros(a) - 16;
        if (n <= ct) { // the usual case: no byte to read, one shift
            a <<= n;
            c <<= n;
            ct -= n;
            return;
        }
        while (n > 0) {
            if (ct == 0) {
                byteIn();
            }
            int s = Math.min(n, ct);
            a <<= s;
            c <<= s;
            ct -= s;
            n -= s;
        }
    }

    private int rawBit() {
        if (ct == 0) {
            if (c == 0xFF) {
                if (byteAt(bp) > 0x8F) {
                    c = 0xFF;
                    ct = 8;
                } else {
                    c = byteAt(bp);
                    bp++;
                    ct = 7;
                }
            } else {
                c = byteAt(bp);
                bp++;
                ct = 8;
            }
        }
        ct--;
        return (c >>> ct) & 1;
    }

    // --- passes (opj_t1_dec_sigpass_mqc, opj_t1_dec_refpass_mqc, opj_t1_dec_clnpass and their raw forms) ---

    /**
     * Marks sample {@code ci} of the stripe column at {@code at} significant with sign {@code s} (1: negative), as
     * opj_t1_update_flags does: the column's own word is the caller's local copy (returned updated), its west and
     * east words learn of a new east/west neighbour, and for the stripe's first and last rows the words of the
     * stripes above (unless VSC) and below learn of a new south/north neighbour and its sign.
     */
    private static int markSignificant(int[] fl, int at, int flags, int ci, int s, int stride, boolean vsc) {
        int shift = 3 * ci;
        fl[at - 1] |= SIGMA_5 << shift;
        fl[at + 1] |= SIGMA_3 << shift;
        if (ci == 0 && !vsc) {
            int north = at - stride;
            fl[north] |= (s << CHI_5_I) | SIGMA_16;
            fl[north - 1] |= SIGMA_17;
            fl[north + 1] |= SIGMA_15;
        }
        if (ci == 3) {
            int south = at + stride;
            fl[south] |= (s << CHI_0_I) | SIGMA_1;
            fl[south - 1] |= SIGMA_2;
            fl[south + 1] |= SIGMA_0;
        }
        return flags | (((s << CHI_1_I) | SIGMA_4) << shift);
    }

    /**
     * opj_t1_getctxtno_sc_or_spb_index: the significance of the four direct neighbours of sample {@code ci} and
     * the signs of those that are significant, in the bit order of {@link #SC_LUT} and {@link #SPB_LUT}.
     */
    private static int signIndex(int flags, int west, int east, int ci) {
        int shift = 3 * ci;
        int lu = (flags >>> shift) & (SIGMA_1 | SIGMA_3 | SIGMA_5 | SIGMA_7);
        lu |= (west >>> (CHI_1_I + shift)) & 1;
        lu |= (east >>> (CHI_1_I - 2 + shift)) & 4;
        if (ci == 0) {
            lu |= (flags >>> (CHI_0_I - 4)) & 16;
        } else {
            lu |= (flags >>> (CHI_1_I - 4 + shift - 3)) & 16;
        }
        lu |= (flags >>> (CHI_2_I - 6 + shift)) & 64;
        return lu;
    }

    private void sigPass(int bpno, int zcBase, boolean vsc) {
        int one = 1 << bpno;
        int oneplushalf = one | (one >> 1);
        int[] fl = flags;
        int[] dat = data;
        int w = this.w;
        int h = this.h;
        int stride = this.stride;
        int[] cx = ctx;
        byte[] bd = this.bd;
        int a = this.a;
        int c = this.c;
        int ct = this.ct;
        int bp = this.bp;
        for (int k = 0, row = stride + 1; k < h; k += 4, row += stride) {
            int rows = Math.min(4, h - k);
            for (int x = 0; x < w; x++) {
                int at = row + x;
                int flags = fl[at];
                if (flags == 0 || (rows == 4 && ((flags | flags >>> PI_TO_SIGMA) & ALL_SIGMA_4) == ALL_SIGMA_4)) {
                    continue; // nothing significant in or around this stripe column, or nothing left to visit
                }
                for (int ci = 0; ci < rows; ci++) {
                    int shift = 3 * ci;
                    if ((flags & ((SIGMA_4 | PI_0) << shift)) == 0 && (flags & (SIGMA_NEIGHBOURS << shift)) != 0) {
                        int bit;
                        { // MQ decode (decodeBit) on the local coder state, without data-dependent branches
                            int mqCx = ZC_LUT[zcBase | ((flags >>> shift) & SIGMA_NEIGHBOURS)];
                            int mqSt = cx[mqCx];
                            int mqQe = mqSt & 0xFFFF;
                            a -= mqQe;
                            int mqLow = ((c >>> 16) - mqQe) >> 31; // -1: C below Qe, the interval's lower (Qe) part
                            int mqLps = mqLow ^ ((a - mqQe) >> 31); // -1: the decision is the LPS (with or without exchange)
                            bit = ((mqSt >>> 16) & 1) ^ (mqLps & 1);
                            c -= (mqQe << 16) & ~mqLow;
                            a = (mqQe & mqLow) | (a & ~mqLow);
                            int mqN = Integer.numberOfLeadingZeros(a) - 16; // 0 where no renormalisation (and no state change) follows
                            int mqNext = STATES[((mqSt >>> 24) & mqLps) | ((mqSt >>> 17) & 0x7F & ~mqLps)];
                            int mqMove = -mqN >> 31;
                            cx[mqCx] = (mqNext & mqMove) | (mqSt & ~mqMove);
                            if (mqN <= ct) {
                                a <<= mqN;
                                c <<= mqN;
                                ct -= mqN;
                            } else {
                                do {
                                    if (ct == 0) {
                                        int mqByte = bd[bp + 1] & 0xFF;
                                        if (bd[bp] == (byte) 0xFF) {
                                            if (mqByte > 0x8F) {
                                                c += 0xFF00;
                                                ct = 8;
                                            } else {
                                                bp++;
                                                c += mqByte << 9;
                                                ct = 7;
                                            }
                                        } else {
                                            bp++;
                                            c += mqByte << 8;
                                            ct = 8;
                                        }
                                    }
                                    a <<= 1;
                                    c <<= 1;
                                    ct--;
                                } while (a < 0x8000);
                            }
                        }
                        if (bit != 0) {
                            int lu = signIndex(flags, fl[at - 1], fl[at + 1], ci);
                            int sb;
                            { // MQ decode (decodeBit) on the local coder state, without data-dependent branches
                                int mqCx = SC_LUT[lu];
                                int mqSt = cx[mqCx];
                                int mqQe = mqSt & 0xFFFF;
                                a -= mqQe;
                                int mqLow = ((c >>> 16) - mqQe) >> 31; // -1: C below Qe, the interval's lower (Qe) part
                                int mqLps = mqLow ^ ((a - mqQe) >> 31); // -1: the decision is the LPS (with or without exchange)
                                sb = ((mqSt >>> 16) & 1) ^ (mqLps & 1);
                                c -= (mqQe << 16) & ~mqLow;
                                a = (mqQe & mqLow) | (a & ~mqLow);
                                int mqN = Integer.numberOfLeadingZeros(a) - 16; // 0 where no renormalisation (and no state change) follows
                                int mqNext = STATES[((mqSt >>> 24) & mqLps) | ((mqSt >>> 17) & 0x7F & ~mqLps)];
                                int mqMove = -mqN >> 31;
                                cx[mqCx] = (mqNext & mqMove) | (mqSt & ~mqMove);
                                if (mqN <= ct) {
                                    a <<= mqN;
                                    c <<= mqN;
                                    ct -= mqN;
                                } else {
                                    do {
                                        if (ct == 0) {
                                            int mqByte = bd[bp + 1] & 0xFF;
                                            if (bd[bp] == (byte) 0xFF) {
                                                if (mqByte > 0x8F) {
                                                    c += 0xFF00;
                                                    ct = 8;
                                                } else {
                                                    bp++;
                                                    c += mqByte << 9;
                                                    ct = 7;
                                                }
                                            } else {
                                                bp++;
                                                c += mqByte << 8;
                                                ct = 8;
                                            }
                                        }
                                        a <<= 1;
                                        c <<= 1;
                                        ct--;
                                    } while (a < 0x8000);
                                }
                            }
                            int s = sb ^ SPB_LUT[lu];
                            dat[(k + ci) * w + x] = s != 0 ? -oneplushalf : oneplushalf;
                            flags = markSignificant(fl, at, flags, ci, s, stride, vsc);
                        }
                        flags |= PI_0 << shift;
                    }
                }
                fl[at] = flags;
            }
        }
        this.a = a;
        this.c = c;
        this.ct = ct;
        this.bp = bp;
    }

    private void sigPassRaw(int bpno, boolean vsc) {
        int one = 1 << bpno;
        int oneplushalf = one | (one >> 1);
        int[] fl = flags;
        for (int k = 0, row = stride + 1; k < h; k += 4, row += stride) {
            int rows = Math.min(4, h - k);
            for (int x = 0; x < w; x++) {
                int at = row + x;
                int flags = fl[at];
                if (flags == 0) {
                    continue;
                }
                for (int ci = 0; ci < rows; ci++) {
                    int shift = 3 * ci;
                    if ((flags & ((SIGMA_4 | PI_0) << shift)) == 0 && (flags & (SIGMA_NEIGHBOURS << shift)) != 0) {
                        if (rawBit() != 0) {
                            int s = rawBit();
                            data[(k + ci) * w + x] = s != 0 ? -oneplushalf : oneplushalf;
                            flags = markSignificant(fl, at, flags, ci, s, stride, vsc);
                        }
                        flags |= PI_0 << shift;
                    }
                }
                fl[at] = flags;
            }
        }
    }

    private void refPass(int bpno) {
        int poshalf = (1 << bpno) >> 1;
        int[] fl = flags;
        int[] dat = data;
        int w = this.w;
        int h = this.h;
        int stride = this.stride;
        int[] cx = ctx;
        byte[] bd = this.bd;
        int a = this.a;
        int c = this.c;
        int ct = this.ct;
        int bp = this.bp;
        for (int k = 0, row = stride + 1; k < h; k += 4, row += stride) {
            int rows = Math.min(4, h - k);
            for (int x = 0; x < w; x++) {
                int at = row + x;
                int flags = fl[at];
                if (flags == 0) {
                    continue;
                }
                for (int ci = 0; ci < rows; ci++) {
                    int shift = 3 * ci;
                    if ((flags & ((SIGMA_4 | PI_0) << shift)) == SIGMA_4 << shift) {
                        int f = flags >>> shift;
                        int bit;
                        { // MQ decode (decodeBit) on the local coder state, without data-dependent branches
                            int mqCx = (f & MU_0) != 0 ? CTX_MAG + 2 : (f & SIGMA_NEIGHBOURS) != 0 ? CTX_MAG + 1 : CTX_MAG;
                            int mqSt = cx[mqCx];
                            int mqQe = mqSt & 0xFFFF;
                            a -= mqQe;
                            int mqLow = ((c >>> 16) - mqQe) >> 31; // -1: C below Qe, the interval's lower (Qe) part
                            int mqLps = mqLow ^ ((a - mqQe) >> 31); // -1: the decision is the LPS (with or without exchange)
                            bit = ((mqSt >>> 16) & 1) ^ (mqLps & 1);
                            c -= (mqQe << 16) & ~mqLow;
                            a = (mqQe & mqLow) | (a & ~mqLow);
                            int mqN = Integer.numberOfLeadingZeros(a) - 16; // 0 where no renormalisation (and no state change) follows
                            int mqNext = STATES[((mqSt >>> 24) & mqLps) | ((mqSt >>> 17) & 0x7F & ~mqLps)];
                            int mqMove = -mqN >> 31;
                            cx[mqCx] = (mqNext & mqMove) | (mqSt & ~mqMove);
                            if (mqN <= ct) {
                                a <<= mqN;
                                c <<= mqN;
                                ct -= mqN;
                            } else {
                                do {
                                    if (ct == 0) {
                                        int mqByte = bd[bp + 1] & 0xFF;
                                        if (bd[bp] == (byte) 0xFF) {
                                            if (mqByte > 0x8F) {
                                                c += 0xFF00;
                                                ct = 8;
                                            } else {
                                                bp++;
                                                c += mqByte << 9;
                                                ct = 7;
                                            }
                                        } else {
                                            bp++;
                                            c += mqByte << 8;
                                            ct = 8;
                                        }
                                    }
                                    a <<= 1;
                                    c <<= 1;
                                    ct--;
                                } while (a < 0x8000);
                            }
                        }
                        int d = (k + ci) * w + x;
                        int v = dat[d];
                        int toward = (bit ^ (v >>> 31)) - 1; // 0: away from zero, -1: toward it
                        dat[d] = v + ((poshalf ^ toward) - toward);
                        flags |= MU_0 << shift;
                    }
                }
                fl[at] = flags;
            }
        }
        this.a = a;
        this.c = c;
        this.ct = ct;
        this.bp = bp;
    }

    private void refPassRaw(int bpno) {
        int poshalf = (1 << bpno) >> 1;
        int[] fl = flags;
        for (int k = 0, row = stride + 1; k < h; k += 4, row += stride) {
            int rows = Math.min(4, h - k);
            for (int x = 0; x < w; x++) {
                int at = row + x;
                int flags = fl[at];
                if (flags == 0) {
                    continue;
                }
                for (int ci = 0; ci < rows; ci++) {
                    int shift = 3 * ci;
                    if ((flags & ((SIGMA_4 | PI_0) << shift)) == SIGMA_4 << shift) {
                        int bit = rawBit();
                        int d = (k + ci) * w + x;
                        int v = data[d];
                        data[d] = v + ((bit ^ (v >>> 31)) != 0 ? poshalf : -poshalf);
                        flags |= MU_0 << shift;
                    }
                }
                fl[at] = flags;
            }
        }
    }

    /**
     * A full stripe column whose flags word is 0 (no sample in it or around it significant, none visited) is
     * coded in run-length mode: one aggregation decision, and where it is 1 the position of the first significant
     * sample in two uniform decisions; the partial last stripe never is (OpenJPEG's step loop for it).
     */
    private void cleanupPass(int bpno, int zcBase, boolean vsc) {
        int one = 1 << bpno;
        int oneplushalf = one | (one >> 1);
        int[] fl = flags;
        int[] dat = data;
        int w = this.w;
        int h = this.h;
        int stride = this.stride;
        int[] cx = ctx;
        byte[] bd = this.bd;
        int a = this.a;
        int c = this.c;
        int ct = this.ct;
        int bp = this.bp;
        for (int k = 0, row = stride + 1; k < h; k += 4, row += stride) {
            int rows = Math.min(4, h - k);
            for (int x = 0; x < w; x++) {
                int at = row + x;
                int flags = fl[at];
                int start = 0;
                boolean partial = false;
                if (rows == 4 && flags != 0 && ((flags | flags >>> PI_TO_SIGMA) & ALL_SIGMA_4) == ALL_SIGMA_4) {
                    fl[at] = flags & ~PI_ALL; // every sample significant or visited: nothing to decode
                    continue;
                }
                if (flags == 0 && rows == 4) {
                    int agg;
                    { // MQ decode (decodeBit) on the local coder state
                        int mqCx = CTX_AGG;
                        int mqSt = cx[mqCx];
                        int mqQe = mqSt & 0xFFFF;
                        a -= mqQe;
                        boolean mqRenorm = true;
                        if ((c >>> 16) < mqQe) {
                            if (a < mqQe) {
                                agg = (mqSt >>> 16) & 1;
                                cx[mqCx] = STATES[(mqSt >>> 17) & 0x7F];
                            } else {
                                agg = ((mqSt >>> 16) & 1) ^ 1;
                                cx[mqCx] = STATES[mqSt >>> 24];
                            }
                            a = mqQe;
                        } else {
                            c -= mqQe << 16;
                            if ((a & 0x8000) == 0) {
                                if (a < mqQe) {
                                    agg = ((mqSt >>> 16) & 1) ^ 1;
                                    cx[mqCx] = STATES[mqSt >>> 24];
                                } else {
                                    agg = (mqSt >>> 16) & 1;
                                    cx[mqCx] = STATES[(mqSt >>> 17) & 0x7F];
                                }
                            } else {
                                agg = (mqSt >>> 16) & 1;
                                mqRenorm = false;
                            }
                        }
                        if (mqRenorm) {
                            int mqN = Integer.numberOfLeadingZeros(a) - 16;
                            if (mqN <= ct) {
                                a <<= mqN;
                                c <<= mqN;
                                ct -= mqN;
                            } else {
                                do {
                                    if (ct == 0) {
                                        int mqNext = bd[bp + 1] & 0xFF;
                                        if (bd[bp] == (byte) 0xFF) {
                                            if (mqNext > 0x8F) {
                                                c += 0xFF00;
                                                ct = 8;
                                            } else {
                                                bp++;
                                                c += mqNext << 9;
                                                ct = 7;
                                            }
                                        } else {
                                            bp++;
                                            c += mqNext << 8;
                                            ct = 8;
                                        }
                                    }
                                    a <<= 1;
                                    c <<= 1;
                                    ct--;
                                } while (a < 0x8000);
                            }
                        }
                    }
                    if (agg == 0) {
                        continue; // the column stays insignificant and its word 0
                    }
                    int hi;
                    { // MQ decode (decodeBit) on the local coder state
                        int mqCx = CTX_UNI;
                        int mqSt = cx[mqCx];
                        int mqQe = mqSt & 0xFFFF;
                        a -= mqQe;
                        boolean mqRenorm = true;
                        if ((c >>> 16) < mqQe) {
                            if (a < mqQe) {
                                hi = (mqSt >>> 16) & 1;
                                cx[mqCx] = STATES[(mqSt >>> 17) & 0x7F];
                            } else {
                                hi = ((mqSt >>> 16) & 1) ^ 1;
                                cx[mqCx] = STATES[mqSt >>> 24];
                            }
                            a = mqQe;
                        } else {
                            c -= mqQe << 16;
                            if ((a & 0x8000) == 0) {
                                if (a < mqQe) {
                                    hi = ((mqSt >>> 16) & 1) ^ 1;
                                    cx[mqCx] = STATES[mqSt >>> 24];
                                } else {
                                    hi = (mqSt >>> 16) & 1;
                                    cx[mqCx] = STATES[(mqSt >>> 17) & 0x7F];
                                }
                            } else {
                                hi = (mqSt >>> 16) & 1;
                                mqRenorm = false;
                            }
                        }
                        if (mqRenorm) {
                            int mqN = Integer.numberOfLeadingZeros(a) - 16;
                            if (mqN <= ct) {
                                a <<= mqN;
                                c <<= mqN;
                                ct -= mqN;
                            } else {
                                do {
                                    if (ct == 0) {
                                        int mqNext = bd[bp + 1] & 0xFF;
                                        if (bd[bp] == (byte) 0xFF) {
                                            if (mqNext > 0x8F) {
                                                c += 0xFF00;
                                                ct = 8;
                                            } else {
                                                bp++;
                                                c += mqNext << 9;
                                                ct = 7;
                                            }
                                        } else {
                                            bp++;
                                            c += mqNext << 8;
                                            ct = 8;
                                        }
                                    }
                                    a <<= 1;
                                    c <<= 1;
                                    ct--;
                                } while (a < 0x8000);
                            }
                        }
                    }
                    int lo;
                    { // MQ decode (decodeBit) on the local coder state
                        int mqCx = CTX_UNI;
                        int mqSt = cx[mqCx];
                        int mqQe = mqSt & 0xFFFF;
                        a -= mqQe;
                        boolean mqRenorm = true;
                        if ((c >>> 16) < mqQe) {
                            if (a < mqQe) {
                                lo = (mqSt >>> 16) & 1;
                                cx[mqCx] = STATES[(mqSt >>> 17) & 0x7F];
                            } else {
                                lo = ((mqSt >>> 16) & 1) ^ 1;
                                cx[mqCx] = STATES[mqSt >>> 24];
                            }
                            a = mqQe;
                        } else {
                            c -= mqQe << 16;
                            if ((a & 0x8000) == 0) {
                                if (a < mqQe) {
                                    lo = ((mqSt >>> 16) & 1) ^ 1;
                                    cx[mqCx] = STATES[mqSt >>> 24];
                                } else {
                                    lo = (mqSt >>> 16) & 1;
                                    cx[mqCx] = STATES[(mqSt >>> 17) & 0x7F];
                                }
                            } else {
                                lo = (mqSt >>> 16) & 1;
                                mqRenorm = false;
                            }
                        }
                        if (mqRenorm) {
                            int mqN = Integer.numberOfLeadingZeros(a) - 16;
                            if (mqN <= ct) {
                                a <<= mqN;
                                c <<= mqN;
                                ct -= mqN;
                            } else {
                                do {
                                    if (ct == 0) {
                                        int mqNext = bd[bp + 1] & 0xFF;
                                        if (bd[bp] == (byte) 0xFF) {
                                            if (mqNext > 0x8F) {
                                                c += 0xFF00;
                                                ct = 8;
                                            } else {
                                                bp++;
                                                c += mqNext << 9;
                                                ct = 7;
                                            }
                                        } else {
                                            bp++;
                                            c += mqNext << 8;
                                            ct = 8;
                                        }
                                    }
                                    a <<= 1;
                                    c <<= 1;
                                    ct--;
                                } while (a < 0x8000);
                            }
                        }
                    }
                    start = (hi << 1) | lo;
                    partial = true;
                }
                for (int ci = start; ci < rows; ci++) {
                    int shift = 3 * ci;
                    if (partial || (flags & ((SIGMA_4 | PI_0) << shift)) == 0) {
                        int bit = 1;
                        if (!partial) {
                            { // MQ decode (decodeBit) on the local coder state, without data-dependent branches
                                int mqCx = ZC_LUT[zcBase | ((flags >>> shift) & SIGMA_NEIGHBOURS)];
                                int mqSt = cx[mqCx];
                                int mqQe = mqSt & 0xFFFF;
                                a -= mqQe;
                                int mqLow = ((c >>> 16) - mqQe) >> 31; // -1: C below Qe, the interval's lower (Qe) part
                                int mqLps = mqLow ^ ((a - mqQe) >> 31); // -1: the decision is the LPS (with or without exchange)
                                bit = ((mqSt >>> 16) & 1) ^ (mqLps & 1);
                                c -= (mqQe << 16) & ~mqLow;
                                a = (mqQe & mqLow) | (a & ~mqLow);
                                int mqN = Integer.numberOfLeadingZeros(a) - 16; // 0 where no renormalisation (and no state change) follows
                                int mqNext = STATES[((mqSt >>> 24) & mqLps) | ((mqSt >>> 17) & 0x7F & ~mqLps)];
                                int mqMove = -mqN >> 31;
                                cx[mqCx] = (mqNext & mqMove) | (mqSt & ~mqMove);
                                if (mqN <= ct) {
                                    a <<= mqN;
                                    c <<= mqN;
                                    ct -= mqN;
                                } else {
                                    do {
                                        if (ct == 0) {
                                            int mqByte = bd[bp + 1] & 0xFF;
                                            if (bd[bp] == (byte) 0xFF) {
                                                if (mqByte > 0x8F) {
                                                    c += 0xFF00;
                                                    ct = 8;
                                                } else {
                                                    bp++;
                                                    c += mqByte << 9;
                                                    ct = 7;
                                                }
                                            } else {
                                                bp++;
                                                c += mqByte << 8;
                                                ct = 8;
                                            }
                                        }
                                        a <<= 1;
                                        c <<= 1;
                                        ct--;
                                    } while (a < 0x8000);
                                }
                            }
                        }
                        if (bit != 0) {
                            int lu = signIndex(flags, fl[at - 1], fl[at + 1], ci);
                            int sb;
                            { // MQ decode (decodeBit) on the local coder state, without data-dependent branches
                                int mqCx = SC_LUT[lu];
                                int mqSt = cx[mqCx];
                                int mqQe = mqSt & 0xFFFF;
                                a -= mqQe;
                                int mqLow = ((c >>> 16) - mqQe) >> 31; // -1: C below Qe, the interval's lower (Qe) part
                                int mqLps = mqLow ^ ((a - mqQe) >> 31); // -1: the decision is the LPS (with or without exchange)
                                sb = ((mqSt >>> 16) & 1) ^ (mqLps & 1);
                                c -= (mqQe << 16) & ~mqLow;
                                a = (mqQe & mqLow) | (a & ~mqLow);
                                int mqN = Integer.numberOfLeadingZeros(a) - 16; // 0 where no renormalisation (and no state change) follows
                                int mqNext = STATES[((mqSt >>> 24) & mqLps) | ((mqSt >>> 17) & 0x7F & ~mqLps)];
                                int mqMove = -mqN >> 31;
                                cx[mqCx] = (mqNext & mqMove) | (mqSt & ~mqMove);
                                if (mqN <= ct) {
                                    a <<= mqN;
                                    c <<= mqN;
                                    ct -= mqN;
                                } else {
                                    do {
                                        if (ct == 0) {
                                            int mqByte = bd[bp + 1] & 0xFF;
                                            if (bd[bp] == (byte) 0xFF) {
                                                if (mqByte > 0x8F) {
                                                    c += 0xFF00;
                                                    ct = 8;
                                                } else {
                                                    bp++;
                                                    c += mqByte << 9;
                                                    ct = 7;
                                                }
                                            } else {
                                                bp++;
                                                c += mqByte << 8;
                                                ct = 8;
                                            }
                                        }
                                        a <<= 1;
                                        c <<= 1;
                                        ct--;
                                    } while (a < 0x8000);
                                }
                            }
                            int s = sb ^ SPB_LUT[lu];
                            dat[(k + ci) * w + x] = s != 0 ? -oneplushalf : oneplushalf;
                            flags = markSignificant(fl, at, flags, ci, s, stride, vsc);
                        }
                        partial = false;
                    }
                }
                fl[at] = flags & ~PI_ALL;
            }
        }
        this.a = a;
        this.c = c;
        this.ct = ct;
        this.bp = bp;
    }
}
