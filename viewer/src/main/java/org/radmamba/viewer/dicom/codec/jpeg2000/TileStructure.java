package org.radmamba.viewer.dicom.codec.jpeg2000;

/**
 * The geometry of one tile as OpenJPEG 2.5's {@code opj_tcd_init_tile} (tcd.c) lays it out, with its tag trees
 * (tgt.c) and packet-header bit reader (bio.c) (BSD-2-Clause, Université catholique de Louvain and contributors):
 * per component its resolutions, their sub-bands, precincts and code-blocks, with the tier-2 state each code-block
 * collects from the packets.
 */
final class TileStructure {

    final int x0, y0, x1, y1;
    final Component[] components;

    static final class Component {
        int x0, y0, x1, y1;
        CodingStyle style;
        Resolution[] resolutions;
    }

    static final class Resolution {
        int x0, y0, x1, y1;
        int pw, ph;
        int pdx, pdy;
        Band[] bands;
    }

    static final class Band {
        /** 0: LL, 1: HL, 2: LH, 3: HH (OpenJPEG's bandno, which its tier-1 uses as orientation). */
        int bandno;
        int x0, y0, x1, y1;
        float stepsize;
        int numbps;
        Precinct[] precincts;

        boolean isEmpty() {
            return x1 - x0 <= 0 || y1 - y0 <= 0;
        }
    }

    static final class Precinct {
        int x0, y0, x1, y1;
        int cw, ch;
        CodeBlock[] blocks;
        TagTree inclusion;
        TagTree zeroBitPlanes;
    }

    /** A code-block and what the packets said of it (OpenJPEG's {@code opj_tcd_cblk_dec_t}). */
    static final class CodeBlock {
        int x0, y0, x1, y1;
        int numbps;
        int mb;
        int numlenbits;
        int numnewpasses;
        int numsegs;
        boolean corrupted;
        // Segments: growable parallel arrays.
        int[] segMaxPasses = new int[0];
        int[] segNumPasses = new int[0];
        int[] segLen = new int[0];
        int[] segNewLen = new int[0];
        int[] segNewPasses = new int[0];
        // Chunks of tile data, in packet order.
        int[] chunkOffset = new int[0];
        int[] chunkLen = new int[0];
        int numchunks;

        void ensureSegments(int n) {
            if (n > segMaxPasses.length) {
                int size = Math.max(n, segMaxPasses.length * 2 + 4);
                segMaxPasses = java.util.Arrays.copyOf(segMaxPasses, size);
                segNumPasses = java.util.Arrays.copyOf(segNumPasses, size);
                segLen = java.util.Arrays.copyOf(segLen, size);
                segNewLen = java.util.Arrays.copyOf(segNewLen, size);
                segNewPasses = java.util.Arrays.copyOf(segNewPasses, size);
            }
        }

        void addChunk(int offset, int len) {
            if (numchunks == chunkOffset.length) {
                chunkOffset = java.util.Arrays.copyOf(chunkOffset, numchunks * 2 + 2);
                chunkLen = java.util.Arrays.copyOf(chunkLen, numchunks * 2 + 2);
            }
            chunkOffset[numchunks] = offset;
            chunkLen[numchunks] = len;
            numchunks++;
        }
    }

    TileStructure(Codestream cs, TileCoding tcp, int tileIndex) throws Jpeg2000Exception {
        int p = tileIndex % cs.tilesAcross;
        int q = tileIndex / cs.tilesAcross;
        x0 = (int) Math.max((long) cs.tileX0 + (long) p * cs.tileWidth, cs.x0);
        y0 = (int) Math.max((long) cs.tileY0 + (long) q * cs.tileHeight, cs.y0);
        x1 = (int) Math.min((long) cs.tileX0 + (long) (p + 1) * cs.tileWidth, cs.x1);
        y1 = (int) Math.min((long) cs.tileY0 + (long) (q + 1) * cs.tileHeight, cs.y1);
        components = new Component[cs.numComponents];
        long codeBlocks = 0;
        for (int c = 0; c < cs.numComponents; c++) {
            Component comp = new Component();
            components[c] = comp;
            CodingStyle style = tcp.components[c];
            comp.style = style;
            comp.x0 = ceilDiv(x0, cs.dx[c]);
            comp.y0 = ceilDiv(y0, cs.dy[c]);
            comp.x1 = ceilDiv(x1, cs.dx[c]);
            comp.y1 = ceilDiv(y1, cs.dy[c]);
            int numres = style.numResolutions;
            comp.resolutions = new Resolution[numres];
            for (int resno = 0; resno < numres; resno++) {
                Resolution res = new Resolution();
                comp.resolutions[resno] = res;
                int levelno = numres - 1 - resno;
                res.x0 = ceilDivPow2(comp.x0, levelno);
                res.y0 = ceilDivPow2(comp.y0, levelno);
                res.x1 = ceilDivPow2(comp.x1, levelno);
                res.y1 = ceilDivPow2(comp.y1, levelno);
                int pdx = style.precinctWidthExp[resno];
                int pdy = style.precinctHeightExp[resno];
                res.pdx = pdx;
                res.pdy = pdy;
                long tlPrcX = (long) floorDivPow2(res.x0, pdx) << pdx;
                long tlPrcY = (long) floorDivPow2(res.y0, pdy) << pdy;
                long brPrcX = (long) ceilDivPow2(res.x1, pdx) << pdx;
                long brPrcY = (long) ceilDivPow2(res.y1, pdy) << pdy;
                res.pw = res.x0 == res.x1 ? 0 : (int) ((brPrcX - tlPrcX) >> pdx);
                res.ph = res.y0 == res.y1 ? 0 : (int) ((brPrcY - tlPrcY) >> pdy);
                long precincts = (long) res.pw * res.ph;
                if (precincts > (1 << 24)) {
                    throw new Jpeg2000Exception("JPEG 2000 tile " + tileIndex + " has too many precincts");
                }
                long tlCbgX, tlCbgY;
                int cbgW, cbgH;
                if (resno == 0) {
                    tlCbgX = tlPrcX;
                    tlCbgY = tlPrcY;
                    cbgW = pdx;
                    cbgH = pdy;
                    res.bands = new Band[1];
                } else {
                    tlCbgX = ceilDivPow2(tlPrcX, 1);
                    tlCbgY = ceilDivPow2(tlPrcY, 1);
                    cbgW = pdx - 1;
                    cbgH = pdy - 1;
                    res.bands = new Band[3];
                }
                int cblkW = Math.min(style.codeBlockWidthExp, cbgW);
                int cblkH = Math.min(style.codeBlockHeightExp, cbgH);
                for (int bandIndex = 0; bandIndex < res.bands.length; bandIndex++) {
                    Band band = new Band();
                    res.bands[bandIndex] = band;
                    if (resno == 0) {
                        band.bandno = 0;
                        band.x0 = ceilDivPow2(comp.x0, levelno);
                        band.y0 = ceilDivPow2(comp.y0, levelno);
                        band.x1 = ceilDivPow2(comp.x1, levelno);
                        band.y1 = ceilDivPow2(comp.y1, levelno);
                    } else {
                        band.bandno = bandIndex + 1;
                        int x0b = band.bandno & 1;
                        int y0b = band.bandno >> 1;
                        band.x0 = (int) ceilDivPow2(comp.x0 - ((long) x0b << levelno), levelno + 1);
                        band.y0 = (int) ceilDivPow2(comp.y0 - ((long) y0b << levelno), levelno + 1);
                        band.x1 = (int) ceilDivPow2(comp.x1 - ((long) x0b << levelno), levelno + 1);
                        band.y1 = (int) ceilDivPow2(comp.y1 - ((long) y0b << levelno), levelno + 1);
                    }
                    int stepIndex = resno == 0 ? 0 : 3 * (resno - 1) + bandIndex + 1;
                    int expn = style.exponent[stepIndex];
                    int mant = style.mantissa[stepIndex];
                    // BUG_WEIRD_TWO_INVK of OpenJPEG: the irreversible path uses a gain of 0 for every band, made
                    // good by its 2/K constant in the inverse 9/7 transform; exactness needs the same split.
                    int log2Gain = style.transform == 0 ? 0 : band.bandno == 0 ? 0 : band.bandno == 3 ? 2 : 1;
                    int rb = cs.precision[c] + log2Gain;
                    band.stepsize = (float) ((1.0 + mant / 2048.0) * Math.pow(2.0, rb - expn));
                    band.numbps = expn + style.guardBits - 1;
                    band.precincts = new Precinct[(int) precincts];
                    for (int precno = 0; precno < precincts; precno++) {
                        Precinct prc = new Precinct();
                        band.precincts[precno] = prc;
                        long cbgx0 = tlCbgX + (long) (precno % res.pw) * (1L << cbgW);
                        long cbgy0 = tlCbgY + (long) (precno / res.pw) * (1L << cbgH);
                        long cbgx1 = cbgx0 + (1L << cbgW);
                        long cbgy1 = cbgy0 + (1L << cbgH);
                        prc.x0 = (int) Math.max(cbgx0, band.x0);
                        prc.y0 = (int) Math.max(cbgy0, band.y0);
                        prc.x1 = (int) Math.min(cbgx1, band.x1);
                        prc.y1 = (int) Math.min(cbgy1, band.y1);
                        long tlCbX = (long) floorDivPow2(prc.x0, cblkW) << cblkW;
                        long tlCbY = (long) floorDivPow2(prc.y0, cblkH) << cblkH;
                        long brCbX = (long) ceilDivPow2(prc.x1, cblkW) << cblkW;
                        long brCbY = (long) ceilDivPow2(prc.y1, cblkH) << cblkH;
                        prc.cw = (int) Math.max(0, (brCbX - tlCbX) >> cblkW);
                        prc.ch = (int) Math.max(0, (brCbY - tlCbY) >> cblkH);
                        int n = prc.cw * prc.ch;
                        codeBlocks += n;
                        if (codeBlocks > (1 << 22)) {
                            throw new Jpeg2000Exception("JPEG 2000 tile " + tileIndex + " has too many code-blocks");
                        }
                        prc.blocks = new CodeBlock[n];
                        for (int cblkno = 0; cblkno < n; cblkno++) {
                            CodeBlock cb = new CodeBlock();
                            long bx0 = tlCbX + (long) (cblkno % prc.cw) * (1L << cblkW);
                            long by0 = tlCbY + (long) (cblkno / prc.cw) * (1L << cblkH);
                            cb.x0 = (int) Math.max(bx0, prc.x0);
                            cb.y0 = (int) Math.max(by0, prc.y0);
                            cb.x1 = (int) Math.min(bx0 + (1L << cblkW), prc.x1);
                            cb.y1 = (int) Math.min(by0 + (1L << cblkH), prc.y1);
                            prc.blocks[cblkno] = cb;
                        }
                        prc.inclusion = new TagTree(prc.cw, prc.ch);
                        prc.zeroBitPlanes = new TagTree(prc.cw, prc.ch);
                    }
                }
            }
        }
    }

    static int ceilDiv(int a, int b) {
        return (int) (((long) a + b - 1) / b);
    }

    static int ceilDivPow2(int a, int b) {
        return (int) (((long) a + (1L << b) - 1) >> b);
    }

    static long ceilDivPow2(long a, int b) {
        return (a + (1L << b) - 1) >> b;
    }

    static int floorDivPow2(int a, int b) {
        return a >> b;
    }

    /** OpenJPEG's tag tree (tgt.c): a quad-tree of minima, read bit by bit from packet headers. */
    static final class TagTree {
        private final int[] parent;
        private final int[] value;
        private final int[] low;
        private final int[] stack = new int[32];

        TagTree(int w, int h) {
            int[] nplh = new int[32];
            int[] nplv = new int[32];
            nplh[0] = w;
            nplv[0] = h;
            int levels = 0;
            int nodes = 0;
            int n;
            do {
                n = nplh[levels] * nplv[levels];
                nplh[levels + 1] = (nplh[levels] + 1) / 2;
                nplv[levels + 1] = (nplv[levels] + 1) / 2;
                nodes += n;
                levels++;
            } while (n > 1 && levels < 31);
            parent = new int[nodes];
            value = new int[nodes];
            low = new int[nodes];
            int offset = 0;
            for (int l = 0; l < levels; l++) {
                int next = offset + nplh[l] * nplv[l];
                for (int j = 0; j < nplv[l]; j++) {
                    for (int i = 0; i < nplh[l]; i++) {
                        parent[offset + j * nplh[l] + i] = l == levels - 1 ? -1
                                : next + (j / 2) * nplh[l + 1] + i / 2;
                    }
                }
                offset = next;
            }
            reset();
        }

        void reset() {
            java.util.Arrays.fill(value, 999);
            java.util.Arrays.fill(low, 0);
        }

        boolean decode(BitReader bio, int leaf, int threshold) {
            int sp = 0;
            int node = leaf;
            while (parent[node] >= 0) {
                stack[sp++] = node;
                node = parent[node];
            }
            int lowest = 0;
            while (true) {
                if (lowest > low[node]) {
                    low[node] = lowest;
                } else {
                    lowest = low[node];
                }
                while (lowest < threshold && lowest < value[node]) {
                    if (bio.read(1) != 0) {
                        value[node] = lowest;
                    } else {
                        lowest++;
                    }
                }
                low[node] = lowest;
                if (sp == 0) {
                    break;
                }
                node = stack[--sp];
            }
            return value[node] < threshold;
        }
    }

    /** OpenJPEG's bio.c reader: packet-header bits, MSB first, 7 bits after an 0xFF byte; zeros past the end. */
    static final class BitReader {
        private final byte[] data;
        private final int start;
        private final int end;
        private int bp;
        private int buf;
        private int ct;

        BitReader(byte[] data, int start, int length) {
            this.data = data;
            this.start = start;
            this.end = start + length;
            this.bp = start;
        }

        private boolean byteIn() {
            buf = (buf << 8) & 0xFFFF;
            ct = buf == 0xFF00 ? 7 : 8;
            if (bp >= end) {
                return false;
            }
            buf |= data[bp++] & 0xFF;
            return true;
        }

        int read(int n) {
            int v = 0;
            for (int i = n - 1; i >= 0; i--) {
                if (ct == 0) {
                    byteIn();
                }
                ct--;
                v |= ((buf >> ct) & 1) << i;
            }
            return v;
        }

        boolean inAlign() {
            if ((buf & 0xFF) == 0xFF) {
                if (!byteIn()) {
                    return false;
                }
            }
            ct = 0;
            return true;
        }

        int bytesRead() {
            return bp - start;
        }
    }
}
