package org.radmamba.viewer.dicom.codec.jpeg2000;

import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.Band;
import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.BitReader;
import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.CodeBlock;
import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.Component;
import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.Precinct;
import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.Resolution;

/**
 * Tier-2 decoding of one tile, ported from OpenJPEG 2.5 (pi.c, t2.c; BSD-2-Clause, Université catholique de
 * Louvain and contributors): walks the packets in each progression (all five orders, with POC), reads each packet
 * header (tag trees, pass counts, segment lengths, the HT variant, SOP/EPH, PPM/PPT) and records each code-block's
 * segments and data chunks. Truncated data is handled as OpenJPEG does: a segment that runs past the data marks its
 * code-block (and the rest of that packet's) as corrupt, and later packets read as empty.
 */
final class Tier2 {

    static final int CBLKSTY_LAZY = 0x01;
    static final int CBLKSTY_RESET = 0x02;
    static final int CBLKSTY_TERMALL = 0x04;
    static final int CBLKSTY_VSC = 0x08;
    static final int CBLKSTY_PTERM = 0x10;
    static final int CBLKSTY_SEGSYM = 0x20;
    static final int CBLKSTY_HT = 0x40;

    private static final int MAX_SEGMENTS = 1024;
    private static final long MAX_PACKET_SLOTS = 1L << 24; // one byte each: 16 MiB at most

    private final TileStructure tile;
    private final TileCoding tcp;
    final byte[] data;
    private int pos;
    private final int end;
    private final byte[] headers;
    private int headerPos;
    private final int headerEnd;

    Tier2(TileStructure tile, TileCoding tcp, int[] dx, int[] dy) {
        this.tile = tile;
        this.dx = dx;
        this.dy = dy;
        this.tcp = tcp;
        this.data = tcp.data.toByteArray();
        this.pos = 0;
        this.end = data.length;
        if (tcp.ppmHeaders != null) {
            headers = tcp.ppmHeaders.toByteArray();
        } else if (tcp.ppt != null) {
            headers = tcp.ppt.toByteArray();
        } else {
            headers = null;
        }
        headerEnd = headers == null ? 0 : headers.length;
    }

    void decodePackets() throws Jpeg2000Exception {
        int numcomps = tile.components.length;
        int maxRes = 0;
        int maxPrec = 0;
        for (Component c : tile.components) {
            maxRes = Math.max(maxRes, c.resolutions.length);
            for (Resolution r : c.resolutions) {
                maxPrec = Math.max(maxPrec, r.pw * r.ph);
            }
        }
        long stepC = maxPrec;
        long stepR = numcomps * stepC;
        long stepL = maxRes * stepR;
        long includeSize = (tcp.layers + 1L) * stepL;
        if (includeSize > MAX_PACKET_SLOTS) {
            throw new Jpeg2000Exception("JPEG 2000 tile declares too many packets (" + tcp.layers + " layers x "
                    + maxRes + " resolutions x " + numcomps + " components x " + maxPrec + " precincts)");
        }
        Progression walk = new Progression(new boolean[(int) includeSize], stepC, stepR, stepL);
        if (!tcp.pocs.isEmpty()) {
            for (int[] poc : tcp.pocs) {
                walk.run(poc[5], poc[0], poc[3], poc[1], poc[4], Math.min(poc[2], tcp.layers));
            }
        } else {
            walk.run(tcp.progression, 0, maxRes, 0, numcomps, tcp.layers);
        }
    }

    /** The packet iterator: opj_pi_next_* rewritten as nested loops that decode each packet where pi returns it. */
    private final class Progression {
        private final boolean[] include;
        private final long stepC, stepR, stepL;

        Progression(boolean[] include, long stepC, long stepR, long stepL) {
            this.include = include;
            this.stepC = stepC;
            this.stepR = stepR;
            this.stepL = stepL;
        }

        void run(int prg, int resno0, int resno1, int compno0, int compno1, int layno1) throws Jpeg2000Exception {
            int numcomps = tile.components.length;
            if (compno0 >= numcomps || compno1 > numcomps) {
                return; // OpenJPEG's pi_next rejects this progression and moves on
            }
            switch (prg) {
                case 0 -> { // LRCP
                    for (int l = 0; l < layno1; l++) {
                        for (int r = resno0; r < resno1; r++) {
                            for (int c = compno0; c < compno1; c++) {
                                allPrecincts(l, r, c);
                            }
                        }
                    }
                }
                case 1 -> { // RLCP
                    for (int r = resno0; r < resno1; r++) {
                        for (int l = 0; l < layno1; l++) {
                            for (int c = compno0; c < compno1; c++) {
                                allPrecincts(l, r, c);
                            }
                        }
                    }
                }
                case 2 -> rpcl(resno0, resno1, compno0, compno1, layno1);
                case 3 -> pcrl(resno0, resno1, compno0, compno1, layno1);
                case 4 -> cprl(resno0, resno1, compno0, compno1, layno1);
                default -> throw new Jpeg2000Exception("JPEG 2000 progression order " + prg + " is unknown");
            }
        }

        private void allPrecincts(int l, int r, int c) throws Jpeg2000Exception {
            Component comp = tile.components[c];
            if (r >= comp.resolutions.length) {
                return;
            }
            Resolution res = comp.resolutions[r];
            int n = res.pw * res.ph;
            for (int p = 0; p < n; p++) {
                packet(l, r, c, p);
            }
        }

        private void packet(int l, int r, int c, int p) throws Jpeg2000Exception {
            long index = l * stepL + r * stepR + c * stepC + p;
            if (index >= include.length) {
                throw new Jpeg2000Exception("JPEG 2000 packet iterator left its packet table");
            }
            if (!include[(int) index]) {
                include[(int) index] = true;
                decodePacket(tile.components[c], r, p, l);
            }
        }

        /** Smallest precinct step of the given components on the reference grid (pi.c's dx/dy). */
        private long[] steps(int c0, int c1) {
            long sx = 0;
            long sy = 0;
            for (int c = c0; c < c1; c++) {
                Component comp = tile.components[c];
                int numres = comp.resolutions.length;
                for (int r = 0; r < numres; r++) {
                    Resolution res = comp.resolutions[r];
                    int shx = res.pdx + numres - 1 - r;
                    int shy = res.pdy + numres - 1 - r;
                    long cdx = dxOf(c);
                    long cdy = dyOf(c);
                    if (shx < 32 && (cdx << shx) <= 0xFFFFFFFFL) {
                        long d = cdx << shx;
                        sx = sx == 0 ? d : Math.min(sx, d);
                    }
                    if (shy < 32 && (cdy << shy) <= 0xFFFFFFFFL) {
                        long d = cdy << shy;
                        sy = sy == 0 ? d : Math.min(sy, d);
                    }
                }
            }
            return new long[] {sx, sy};
        }

        /** The position test and precinct number of pi.c for one component/resolution at (x, y); -1 to skip. */
        private int precinctAt(int c, int r, long x, long y) throws Jpeg2000Exception {
            Component comp = tile.components[c];
            int numres = comp.resolutions.length;
            if (r >= numres) {
                return -1;
            }
            Resolution res = comp.resolutions[r];
            int levelno = numres - 1 - r;
            long cdx = dxOf(c);
            long cdy = dyOf(c);
            int rpx = res.pdx + levelno;
            int rpy = res.pdy + levelno;
            if (rpx >= 32 || rpy >= 32 || (cdx << rpx) > 0xFFFFFFFFL || (cdy << rpy) > 0xFFFFFFFFL) {
                return -1;
            }
            long trx0 = ceilDiv(tile.x0, cdx << levelno);
            long try0 = ceilDiv(tile.y0, cdy << levelno);
            long trx1 = ceilDiv(tile.x1, cdx << levelno);
            long try1 = ceilDiv(tile.y1, cdy << levelno);
            if (!(y % (cdy << rpy) == 0 || (y == tile.y0 && ((try0 << levelno) % (1L << rpy)) != 0))) {
                return -1;
            }
            if (!(x % (cdx << rpx) == 0 || (x == tile.x0 && ((trx0 << levelno) % (1L << rpx)) != 0))) {
                return -1;
            }
            if (res.pw == 0 || res.ph == 0 || trx0 == trx1 || try0 == try1) {
                return -1;
            }
            long prci = (ceilDiv(x, cdx << levelno) >> res.pdx) - (trx0 >> res.pdx);
            long prcj = (ceilDiv(y, cdy << levelno) >> res.pdy) - (try0 >> res.pdy);
            long precno = prci + prcj * res.pw;
            if (prci < 0 || prcj < 0 || precno >= (long) res.pw * res.ph) {
                throw new Jpeg2000Exception("JPEG 2000 packet iterator computed an invalid precinct");
            }
            return (int) precno;
        }

        private void rpcl(int r0, int r1, int c0, int c1, int layno1) throws Jpeg2000Exception {
            long[] d = steps(0, tile.components.length);
            if (d[0] == 0 || d[1] == 0) {
                return;
            }
            for (int r = r0; r < r1; r++) {
                for (long y = tile.y0; y < tile.y1; y += d[1] - (y % d[1])) {
                    for (long x = tile.x0; x < tile.x1; x += d[0] - (x % d[0])) {
                        for (int c = c0; c < c1; c++) {
                            int p = precinctAt(c, r, x, y);
                            if (p >= 0) {
                                for (int l = 0; l < layno1; l++) {
                                    packet(l, r, c, p);
                                }
                            }
                        }
                    }
                }
            }
        }

        private void pcrl(int r0, int r1, int c0, int c1, int layno1) throws Jpeg2000Exception {
            long[] d = steps(0, tile.components.length);
            if (d[0] == 0 || d[1] == 0) {
                return;
            }
            for (long y = tile.y0; y < tile.y1; y += d[1] - (y % d[1])) {
                for (long x = tile.x0; x < tile.x1; x += d[0] - (x % d[0])) {
                    for (int c = c0; c < c1; c++) {
                        int rEnd = Math.min(r1, tile.components[c].resolutions.length);
                        for (int r = r0; r < rEnd; r++) {
                            int p = precinctAt(c, r, x, y);
                            if (p >= 0) {
                                for (int l = 0; l < layno1; l++) {
                                    packet(l, r, c, p);
                                }
                            }
                        }
                    }
                }
            }
        }

        private void cprl(int r0, int r1, int c0, int c1, int layno1) throws Jpeg2000Exception {
            for (int c = c0; c < c1; c++) {
                long[] d = steps(c, c + 1);
                if (d[0] == 0 || d[1] == 0) {
                    return;
                }
                int rEnd = Math.min(r1, tile.components[c].resolutions.length);
                for (long y = tile.y0; y < tile.y1; y += d[1] - (y % d[1])) {
                    for (long x = tile.x0; x < tile.x1; x += d[0] - (x % d[0])) {
                        for (int r = r0; r < rEnd; r++) {
                            int p = precinctAt(c, r, x, y);
                            if (p >= 0) {
                                for (int l = 0; l < layno1; l++) {
                                    packet(l, r, c, p);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private long dxOf(int c) {
        return dx[c];
    }

    private long dyOf(int c) {
        return dy[c];
    }

    /** Set when a packet's code-block data runs past the tile's data (OpenJPEG's partial_buffer). */
    boolean ranOutOfData;
    private final int[] dx;
    private final int[] dy;

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    // ---------------------------------------------------------------------------------------------------------
    // t2.c: one packet

    private void decodePacket(Component comp, int resno, int precno, int layno) throws Jpeg2000Exception {
        Resolution res = comp.resolutions[resno];
        int cblksty = comp.style.codeBlockStyle;
        int src = pos;
        int maxLen = end - pos;
        int cur = src;
        if (layno == 0) {
            for (Band band : res.bands) {
                if (band.isEmpty()) {
                    continue;
                }
                if (precno >= band.precincts.length) {
                    throw new Jpeg2000Exception("JPEG 2000 packet names an invalid precinct");
                }
                Precinct prc = band.precincts[precno];
                prc.inclusion.reset();
                prc.zeroBitPlanes.reset();
                for (CodeBlock cb : prc.blocks) {
                    cb.numsegs = 0;
                }
            }
        }
        if ((tcp.codingStyle & TileCoding.CSTY_SOP) != 0 && maxLen >= 6
                && (data[cur] & 0xFF) == 0xFF && (data[cur + 1] & 0xFF) == 0x91) {
            cur += 6;
        }
        boolean separate = headers != null;
        byte[] hb = separate ? headers : data;
        int hstart = separate ? headerPos : cur;
        int hlen = separate ? headerEnd - headerPos : src + maxLen - cur;
        BitReader bio = new BitReader(hb, hstart, hlen);
        boolean eph = (tcp.codingStyle & TileCoding.CSTY_EPH) != 0;
        if (bio.read(1) == 0) {
            bio.inAlign();
            int hdr = hstart + bio.bytesRead();
            hdr = skipEph(eph, hb, hstart, hlen, hdr);
            if (separate) {
                headerPos = hdr;
            } else {
                cur = hdr;
            }
            pos = cur;
            return;
        }
        for (Band band : res.bands) {
            if (band.isEmpty()) {
                continue;
            }
            Precinct prc = band.precincts[precno];
            for (int cblkno = 0; cblkno < prc.blocks.length; cblkno++) {
                CodeBlock cb = prc.blocks[cblkno];
                boolean included = cb.numsegs == 0 ? prc.inclusion.decode(bio, cblkno, layno + 1) : bio.read(1) != 0;
                if (!included) {
                    cb.numnewpasses = 0;
                    continue;
                }
                if (cb.numsegs == 0) {
                    int i = 0;
                    while (!prc.zeroBitPlanes.decode(bio, cblkno, i)) {
                        i++;
                    }
                    cb.mb = band.numbps;
                    cb.numbps = band.numbps + 1 - i;
                    cb.numlenbits = 3;
                }
                cb.numnewpasses = numPasses(bio);
                cb.numlenbits += commaCode(bio);
                int segno = 0;
                if (cb.numsegs == 0) {
                    initSegment(cb, 0, cblksty, true);
                } else {
                    segno = cb.numsegs - 1;
                    if (cb.segNumPasses[segno] == cb.segMaxPasses[segno]) {
                        segno++;
                        initSegment(cb, segno, cblksty, false);
                    }
                }
                int n = cb.numnewpasses;
                boolean ht = (cblksty & CBLKSTY_HT) != 0;
                do {
                    int passes = ht ? (segno == 0 ? 1 : n)
                            : Math.min(cb.segMaxPasses[segno] - cb.segNumPasses[segno], n);
                    cb.segNewPasses[segno] = passes;
                    int bits = cb.numlenbits + floorLog2(passes);
                    if (bits > 32) {
                        throw new Jpeg2000Exception("JPEG 2000 packet header has an invalid segment length size");
                    }
                    cb.segNewLen[segno] = bio.read(bits);
                    n -= passes;
                    if (n > 0) {
                        segno++;
                        initSegment(cb, segno, cblksty, false);
                    }
                } while (n > 0);
            }
        }
        if (!bio.inAlign()) {
            throw new Jpeg2000Exception("JPEG 2000 packet header ends inside a stuffed byte");
        }
        int hdr = hstart + bio.bytesRead();
        hdr = skipEph(eph, hb, hstart, hlen, hdr);
        if (hdr - hstart == 0) {
            throw new Jpeg2000Exception("JPEG 2000 packet header is empty");
        }
        if (separate) {
            headerPos = hdr;
        } else {
            cur = hdr;
        }
        readPacketData(res, precno, cur, src + maxLen - cur);
    }

    private static int skipEph(boolean eph, byte[] hb, int hstart, int hlen, int hdr) throws Jpeg2000Exception {
        if (!eph) {
            return hdr;
        }
        if (hlen - (hdr - hstart) < 2) {
            throw new Jpeg2000Exception("JPEG 2000 packet lacks its required EPH marker (data end)");
        }
        if ((hb[hdr] & 0xFF) != 0xFF || (hb[hdr + 1] & 0xFF) != 0x92) {
            throw new Jpeg2000Exception("JPEG 2000 packet lacks its required EPH marker");
        }
        return hdr + 2;
    }

    private void readPacketData(Resolution res, int precno, int start, int maxLen) throws Jpeg2000Exception {
        boolean partial = false;
        long cur = start;
        long limit = (long) start + maxLen;
        for (Band band : res.bands) {
            if (band.isEmpty()) {
                continue;
            }
            Precinct prc = band.precincts[precno];
            for (CodeBlock cb : prc.blocks) {
                if (cb.numnewpasses == 0) {
                    continue;
                }
                if (partial || cb.corrupted) {
                    cb.numchunks = 0;
                    cb.corrupted = true;
                    continue;
                }
                int seg;
                if (cb.numsegs == 0) {
                    seg = 0;
                    cb.numsegs = 1;
                } else {
                    seg = cb.numsegs - 1;
                    if (cb.segNumPasses[seg] == cb.segMaxPasses[seg]) {
                        seg++;
                        cb.numsegs++;
                    }
                }
                do {
                    long newlen = cb.segNewLen[seg] & 0xFFFFFFFFL;
                    if (cur + newlen > limit) {
                        partial = true;
                        cb.corrupted = true;
                        cb.numchunks = 0;
                        break;
                    }
                    if (cb.segNewPasses[seg] <= 0) {
                        throw new Jpeg2000Exception("JPEG 2000 packet header has a segment without passes");
                    }
                    cb.addChunk((int) cur, (int) newlen);
                    cur += newlen;
                    cb.segLen[seg] += (int) newlen;
                    cb.segNumPasses[seg] += cb.segNewPasses[seg];
                    cb.numnewpasses -= cb.segNewPasses[seg];
                    if (cb.numnewpasses > 0) {
                        seg++;
                        cb.numsegs++;
                        if (seg >= cb.segMaxPasses.length) {
                            throw new Jpeg2000Exception("JPEG 2000 packet data disagrees with its header");
                        }
                    }
                } while (cb.numnewpasses > 0);
            }
        }
        if (partial) {
            ranOutOfData = true;
        }
        pos = partial ? (int) limit : (int) cur;
    }

    private static void initSegment(CodeBlock cb, int index, int cblksty, boolean first) throws Jpeg2000Exception {
        if (index >= MAX_SEGMENTS) {
            throw new Jpeg2000Exception("JPEG 2000 code-block has more than " + MAX_SEGMENTS + " segments");
        }
        cb.ensureSegments(index + 1);
        cb.segNumPasses[index] = 0;
        cb.segLen[index] = 0;
        cb.segNewLen[index] = 0;
        cb.segNewPasses[index] = 0;
        int max;
        if ((cblksty & CBLKSTY_TERMALL) != 0) {
            max = 1;
        } else if ((cblksty & CBLKSTY_LAZY) != 0) {
            if (first) {
                max = 10;
            } else {
                int prev = cb.segMaxPasses[index - 1];
                max = (prev == 1 || prev == 10) ? 2 : 1;
            }
        } else {
            max = 109;
        }
        cb.segMaxPasses[index] = max;
    }

    private static int numPasses(BitReader bio) {
        if (bio.read(1) == 0) {
            return 1;
        }
        if (bio.read(1) == 0) {
            return 2;
        }
        int n = bio.read(2);
        if (n != 3) {
            return 3 + n;
        }
        n = bio.read(5);
        if (n != 31) {
            return 6 + n;
        }
        return 37 + bio.read(7);
    }

    private static int commaCode(BitReader bio) {
        int n = 0;
        while (bio.read(1) != 0) {
            n++;
            if (n > 64) {
                break; // more than any length field can use; OpenJPEG then fails on the bit count
            }
        }
        return n;
    }

    private static int floorLog2(int v) {
        return 31 - Integer.numberOfLeadingZeros(Math.max(v, 1));
    }
}
