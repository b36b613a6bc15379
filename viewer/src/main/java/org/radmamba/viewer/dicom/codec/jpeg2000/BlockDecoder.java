package org.radmamba.viewer.dicom.codec.jpeg2000;

import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.CodeBlock;

/**
 * Tier-1 decoding of one Part 1 code-block: the MQ decoder (mqc.c) and the significance propagation, magnitude
 * refinement and cleanup passes with every code-block style (BYPASS, RESET, TERMALL, VSC, PTERM, SEGSYM), ported
 * from OpenJPEG 2.5's t1.c (BSD-2-Clause, Université catholique de Louvain and contributors). Its output is
 * OpenJPEG's {@code t1->data}: each coefficient's magnitude with one extra half-bit below the last decoded bit
 * plane, negated for negative coefficients.
 *
 * <p>Context state is kept per sample (a flags word holding the sample's own state and its eight neighbours'
 * significance and four neighbours' signs) rather than OpenJPEG's per-column packing; the contexts formed, and so
 * every decoded bit, are the same. One instance per thread: it keeps its scratch buffers between code-blocks.
 *
 * <p>The three MQ-coded passes copy the coder state (A, C, CT, the byte position) into local variables and carry
 * the decoding step written out in place, as OpenJPEG's opj_mqc_decode macro does, so that the JIT keeps the
 * state in registers instead of loading and storing fields for every bit; {@link #decodeBit} stays for the rare
 * SEGSYM symbols.
 */
final class BlockDecoder {

    private static final int SIG = 1, VISIT = 2, REFINED = 4;
    private static final int N = 1 << 4, S = 1 << 5, W = 1 << 6, E = 1 << 7;
    private static final int NW = 1 << 8, NE = 1 << 9, SW = 1 << 10, SE = 1 << 11;
    private static final int SGN_N = 1 << 12, SGN_S = 1 << 13, SGN_W = 1 << 14, SGN_E = 1 << 15;
    private static final int NEIGHBOURS = 0xFF0;

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
    private static final int[] QE = new int[94];
    private static final int[] NMPS = new int[94];
    private static final int[] NLPS = new int[94];

    private static final byte[] ZC_LUT = new byte[4 * 256];
    private static final byte[] SC_LUT = new byte[256];
    private static final byte[] SPB_LUT = new byte[256];

    static {
        for (int st = 0; st < 47; st++) {
            for (int mps = 0; mps < 2; mps++) {
                int s = st * 2 + mps;
                QE[s] = QE_BASE[st];
                NMPS[s] = NMPS_BASE[st] * 2 + mps;
                NLPS[s] = NLPS_BASE[st] * 2 + (SWITCH_BASE[st] != 0 ? 1 - mps : mps);
            }
        }
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
                ZC_LUT[(orient << 8) | f] = (byte) (CTX_ZC + n);
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
            SC_LUT[lu] = (byte) (CTX_SC + n);
            SPB_LUT[lu] = (byte) spb;
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
        int flagsSize = stride * (h + 2);
        if (flags.length < flagsSize) {
            flags = new int[flagsSize];
        }
        java.util.Arrays.fill(flags, 0, flagsSize, 0);
        resetStates();
        int passtype = 2;
        int zcBase = orient << 8;
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
        java.util.Arrays.fill(ctx, 0);
        ctx[CTX_UNI] = 46 * 2;
        ctx[CTX_AGG] = 3 * 2;
        ctx[CTX_ZC] = 4 * 2;
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
        int qe = QE[s];
        int d;
        a -= qe;
        if ((c >>> 16) < qe) {
            if (a < qe) {
                a = qe;
                d = s & 1;
                ctx[cx] = NMPS[s];
            } else {
                a = qe;
                d = 1 - (s & 1);
                ctx[cx] = NLPS[s];
            }
            renorm();
        } else {
            c -= qe << 16;
            if ((a & 0x8000) == 0) {
                if (a < qe) {
                    d = 1 - (s & 1);
                    ctx[cx] = NLPS[s];
                } else {
                    d = s & 1;
                    ctx[cx] = NMPS[s];
                }
                renorm();
            } else {
                d = s & 1;
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

    // --- passes ---

    private void markSignificant(int f, int s, int row, boolean vsc) {
        int[] fl = flags;
        int st = stride;
        fl[f] |= SIG;
        fl[f - 1] |= E | (s != 0 ? SGN_E : 0);
        fl[f + 1] |= W | (s != 0 ? SGN_W : 0);
        if (!(vsc && (row & 3) == 0)) {
            fl[f - st] |= S | (s != 0 ? SGN_S : 0);
            fl[f - st - 1] |= SE;
            fl[f - st + 1] |= SW;
        }
        fl[f + st] |= N | (s != 0 ? SGN_N : 0);
        fl[f + st - 1] |= NE;
        fl[f + st + 1] |= NW;
    }

    private static int signIndex(int fl) {
        return ((fl >> 4) & 0xF) | (((fl >> 12) & 0xF) << 4);
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
        for (int k = 0; k < h; k += 4) {
            int rows = Math.min(4, h - k);
            for (int x = 0; x < w; x++) {
                for (int r = 0; r < rows; r++) {
                    int y = k + r;
                    int f = (y + 1) * stride + x + 1;
                    int v = fl[f];
                    if ((v & (SIG | VISIT)) == 0 && (v & NEIGHBOURS) != 0) {
                        int bit;
                        { // MQ decode (decodeBit) on the local coder state
                            int mqCx = ZC_LUT[zcBase | ((v >> 4) & 0xFF)];
                            int mqSt = cx[mqCx];
                            int mqQe = QE[mqSt];
                            a -= mqQe;
                            boolean mqRenorm = true;
                            if ((c >>> 16) < mqQe) {
                                if (a < mqQe) {
                                    bit = mqSt & 1;
                                    cx[mqCx] = NMPS[mqSt];
                                } else {
                                    bit = 1 - (mqSt & 1);
                                    cx[mqCx] = NLPS[mqSt];
                                }
                                a = mqQe;
                            } else {
                                c -= mqQe << 16;
                                if ((a & 0x8000) == 0) {
                                    if (a < mqQe) {
                                        bit = 1 - (mqSt & 1);
                                        cx[mqCx] = NLPS[mqSt];
                                    } else {
                                        bit = mqSt & 1;
                                        cx[mqCx] = NMPS[mqSt];
                                    }
                                } else {
                                    bit = mqSt & 1;
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
                        if (bit != 0) {
                            int lu = signIndex(v);
                            int sb;
                            { // MQ decode (decodeBit) on the local coder state
                                int mqCx = SC_LUT[lu];
                                int mqSt = cx[mqCx];
                                int mqQe = QE[mqSt];
                                a -= mqQe;
                                boolean mqRenorm = true;
                                if ((c >>> 16) < mqQe) {
                                    if (a < mqQe) {
                                        sb = mqSt & 1;
                                        cx[mqCx] = NMPS[mqSt];
                                    } else {
                                        sb = 1 - (mqSt & 1);
                                        cx[mqCx] = NLPS[mqSt];
                                    }
                                    a = mqQe;
                                } else {
                                    c -= mqQe << 16;
                                    if ((a & 0x8000) == 0) {
                                        if (a < mqQe) {
                                            sb = 1 - (mqSt & 1);
                                            cx[mqCx] = NLPS[mqSt];
                                        } else {
                                            sb = mqSt & 1;
                                            cx[mqCx] = NMPS[mqSt];
                                        }
                                    } else {
                                        sb = mqSt & 1;
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
                            int s = sb ^ SPB_LUT[lu];
                            dat[y * w + x] = s != 0 ? -oneplushalf : oneplushalf;
                            markSignificant(f, s, y, vsc);
                        }
                        fl[f] |= VISIT;
                    }
                }
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
        for (int k = 0; k < h; k += 4) {
            int rows = Math.min(4, h - k);
            for (int x = 0; x < w; x++) {
                for (int r = 0; r < rows; r++) {
                    int y = k + r;
                    int f = (y + 1) * stride + x + 1;
                    int v = fl[f];
                    if ((v & (SIG | VISIT)) == 0 && (v & NEIGHBOURS) != 0) {
                        if (rawBit() != 0) {
                            int s = rawBit();
                            data[y * w + x] = s != 0 ? -oneplushalf : oneplushalf;
                            markSignificant(f, s, y, vsc);
                        }
                        fl[f] |= VISIT;
                    }
                }
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
        for (int k = 0; k < h; k += 4) {
            int rows = Math.min(4, h - k);
            for (int x = 0; x < w; x++) {
                for (int r = 0; r < rows; r++) {
                    int y = k + r;
                    int f = (y + 1) * stride + x + 1;
                    int v = fl[f];
                    if ((v & (SIG | VISIT)) == SIG) {
                        int bit;
                        { // MQ decode (decodeBit) on the local coder state
                            int mqCx = (v & REFINED) != 0 ? CTX_MAG + 2 : (v & NEIGHBOURS) != 0 ? CTX_MAG + 1 : CTX_MAG;
                            int mqSt = cx[mqCx];
                            int mqQe = QE[mqSt];
                            a -= mqQe;
                            boolean mqRenorm = true;
                            if ((c >>> 16) < mqQe) {
                                if (a < mqQe) {
                                    bit = mqSt & 1;
                                    cx[mqCx] = NMPS[mqSt];
                                } else {
                                    bit = 1 - (mqSt & 1);
                                    cx[mqCx] = NLPS[mqSt];
                                }
                                a = mqQe;
                            } else {
                                c -= mqQe << 16;
                                if ((a & 0x8000) == 0) {
                                    if (a < mqQe) {
                                        bit = 1 - (mqSt & 1);
                                        cx[mqCx] = NLPS[mqSt];
                                    } else {
                                        bit = mqSt & 1;
                                        cx[mqCx] = NMPS[mqSt];
                                    }
                                } else {
                                    bit = mqSt & 1;
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
                        int d = y * w + x;
                        dat[d] += (bit ^ (dat[d] < 0 ? 1 : 0)) != 0 ? poshalf : -poshalf;
                        fl[f] = v | REFINED;
                    }
                }
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
        for (int k = 0; k < h; k += 4) {
            int rows = Math.min(4, h - k);
            for (int x = 0; x < w; x++) {
                for (int r = 0; r < rows; r++) {
                    int y = k + r;
                    int f = (y + 1) * stride + x + 1;
                    int v = fl[f];
                    if ((v & (SIG | VISIT)) == SIG) {
                        int bit = rawBit();
                        int d = y * w + x;
                        data[d] += (bit ^ (data[d] < 0 ? 1 : 0)) != 0 ? poshalf : -poshalf;
                        fl[f] = v | REFINED;
                    }
                }
            }
        }
    }

    private void cleanupPass(int bpno, int zcBase, boolean vsc) {
        int one = 1 << bpno;
        int oneplushalf = one | (one >> 1);
        int[] fl = flags;
        int[] dat = data;
        int w = this.w;
        int h = this.h;
        int st = stride;
        int[] cx = ctx;
        byte[] bd = this.bd;
        int a = this.a;
        int c = this.c;
        int ct = this.ct;
        int bp = this.bp;
        for (int k = 0; k < h; k += 4) {
            int rows = Math.min(4, h - k);
            for (int x = 0; x < w; x++) {
                int f0 = (k + 1) * st + x + 1;
                int start = 0;
                boolean partial = false;
                if (rows == 4 && ((fl[f0] | fl[f0 + st] | fl[f0 + 2 * st] | fl[f0 + 3 * st])
                        & (SIG | VISIT | NEIGHBOURS)) == 0) {
                    int agg;
                    { // MQ decode (decodeBit) on the local coder state
                        int mqCx = CTX_AGG;
                        int mqSt = cx[mqCx];
                        int mqQe = QE[mqSt];
                        a -= mqQe;
                        boolean mqRenorm = true;
                        if ((c >>> 16) < mqQe) {
                            if (a < mqQe) {
                                agg = mqSt & 1;
                                cx[mqCx] = NMPS[mqSt];
                            } else {
                                agg = 1 - (mqSt & 1);
                                cx[mqCx] = NLPS[mqSt];
                            }
                            a = mqQe;
                        } else {
                            c -= mqQe << 16;
                            if ((a & 0x8000) == 0) {
                                if (a < mqQe) {
                                    agg = 1 - (mqSt & 1);
                                    cx[mqCx] = NLPS[mqSt];
                                } else {
                                    agg = mqSt & 1;
                                    cx[mqCx] = NMPS[mqSt];
                                }
                            } else {
                                agg = mqSt & 1;
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
                        continue; // the column stays insignificant; its VISIT flags are already clear
                    }
                    int hi;
                    { // MQ decode (decodeBit) on the local coder state
                        int mqCx = CTX_UNI;
                        int mqSt = cx[mqCx];
                        int mqQe = QE[mqSt];
                        a -= mqQe;
                        boolean mqRenorm = true;
                        if ((c >>> 16) < mqQe) {
                            if (a < mqQe) {
                                hi = mqSt & 1;
                                cx[mqCx] = NMPS[mqSt];
                            } else {
                                hi = 1 - (mqSt & 1);
                                cx[mqCx] = NLPS[mqSt];
                            }
                            a = mqQe;
                        } else {
                            c -= mqQe << 16;
                            if ((a & 0x8000) == 0) {
                                if (a < mqQe) {
                                    hi = 1 - (mqSt & 1);
                                    cx[mqCx] = NLPS[mqSt];
                                } else {
                                    hi = mqSt & 1;
                                    cx[mqCx] = NMPS[mqSt];
                                }
                            } else {
                                hi = mqSt & 1;
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
                        int mqQe = QE[mqSt];
                        a -= mqQe;
                        boolean mqRenorm = true;
                        if ((c >>> 16) < mqQe) {
                            if (a < mqQe) {
                                lo = mqSt & 1;
                                cx[mqCx] = NMPS[mqSt];
                            } else {
                                lo = 1 - (mqSt & 1);
                                cx[mqCx] = NLPS[mqSt];
                            }
                            a = mqQe;
                        } else {
                            c -= mqQe << 16;
                            if ((a & 0x8000) == 0) {
                                if (a < mqQe) {
                                    lo = 1 - (mqSt & 1);
                                    cx[mqCx] = NLPS[mqSt];
                                } else {
                                    lo = mqSt & 1;
                                    cx[mqCx] = NMPS[mqSt];
                                }
                            } else {
                                lo = mqSt & 1;
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
                for (int r = start; r < rows; r++) {
                    int y = k + r;
                    int f = f0 + r * st;
                    int v = fl[f];
                    if (partial || (v & (SIG | VISIT)) == 0) {
                        int bit = 1;
                        if (!partial) {
                            { // MQ decode (decodeBit) on the local coder state
                                int mqCx = ZC_LUT[zcBase | ((v >> 4) & 0xFF)];
                                int mqSt = cx[mqCx];
                                int mqQe = QE[mqSt];
                                a -= mqQe;
                                boolean mqRenorm = true;
                                if ((c >>> 16) < mqQe) {
                                    if (a < mqQe) {
                                        bit = mqSt & 1;
                                        cx[mqCx] = NMPS[mqSt];
                                    } else {
                                        bit = 1 - (mqSt & 1);
                                        cx[mqCx] = NLPS[mqSt];
                                    }
                                    a = mqQe;
                                } else {
                                    c -= mqQe << 16;
                                    if ((a & 0x8000) == 0) {
                                        if (a < mqQe) {
                                            bit = 1 - (mqSt & 1);
                                            cx[mqCx] = NLPS[mqSt];
                                        } else {
                                            bit = mqSt & 1;
                                            cx[mqCx] = NMPS[mqSt];
                                        }
                                    } else {
                                        bit = mqSt & 1;
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
                        }
                        if (bit != 0) {
                            int lu = signIndex(v);
                            int sb;
                            { // MQ decode (decodeBit) on the local coder state
                                int mqCx = SC_LUT[lu];
                                int mqSt = cx[mqCx];
                                int mqQe = QE[mqSt];
                                a -= mqQe;
                                boolean mqRenorm = true;
                                if ((c >>> 16) < mqQe) {
                                    if (a < mqQe) {
                                        sb = mqSt & 1;
                                        cx[mqCx] = NMPS[mqSt];
                                    } else {
                                        sb = 1 - (mqSt & 1);
                                        cx[mqCx] = NLPS[mqSt];
                                    }
                                    a = mqQe;
                                } else {
                                    c -= mqQe << 16;
                                    if ((a & 0x8000) == 0) {
                                        if (a < mqQe) {
                                            sb = 1 - (mqSt & 1);
                                            cx[mqCx] = NLPS[mqSt];
                                        } else {
                                            sb = mqSt & 1;
                                            cx[mqCx] = NMPS[mqSt];
                                        }
                                    } else {
                                        sb = mqSt & 1;
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
                            int s = sb ^ SPB_LUT[lu];
                            dat[y * w + x] = s != 0 ? -oneplushalf : oneplushalf;
                            markSignificant(f, s, y, vsc);
                        }
                        partial = false;
                    }
                }
                for (int r = 0; r < rows; r++) {
                    fl[f0 + r * st] &= ~VISIT;
                }
            }
        }
        this.a = a;
        this.c = c;
        this.ct = ct;
        this.bp = bp;
    }
}
