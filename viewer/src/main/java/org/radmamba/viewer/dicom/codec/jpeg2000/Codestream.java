package org.radmamba.viewer.dicom.codec.jpeg2000;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed JPEG 2000 code stream, after the read side of OpenJPEG 2.5's j2k.c and jp2.c (BSD-2-Clause, Université
 * catholique de Louvain and contributors): SIZ, the main header's defaults, and for each tile its coding parameters
 * and its tile-parts' bytes concatenated in code-stream order.
 *
 * <p>Tolerant the way OpenJPEG 2.5 is: TNsot is not trusted (every tile-part of a tile is collected wherever it
 * appears), Psot = 0 runs to the end of the stream less two bytes (where EOC belongs), a Psot past the end of the
 * data is cut to the data, and a stream that stops without EOC (or in the middle of a tile-part) keeps what it has.
 * Every read is bounded by the array.
 */
final class Codestream {

    static final int SOC = 0xFF4F, SIZ = 0xFF51, COD = 0xFF52, COC = 0xFF53, TLM = 0xFF55, PLM = 0xFF57,
            PLT = 0xFF58, QCD = 0xFF5C, QCC = 0xFF5D, RGN = 0xFF5E, POC = 0xFF5F, PPM = 0xFF60, PPT = 0xFF61,
            CRG = 0xFF63, COM = 0xFF64, CAP = 0xFF50, CPF = 0xFF59, SOT = 0xFF90, SOD = 0xFF93, EOC = 0xFFD9;

    // SIZ
    int x0, y0, x1, y1;
    int tileWidth, tileHeight, tileX0, tileY0;
    int tilesAcross, tilesDown;
    int numComponents;
    int[] precision, dx, dy;
    boolean[] signed;

    TileCoding defaults;
    /** Set when a tile-part or its header is cut short by the end of the data. */
    boolean truncated;
    TileCoding[] tiles;

    private final byte[] b;
    private final int end;
    private final List<byte[]> ppmMarkers = new ArrayList<>();
    private final List<Integer> ppmOrder = new ArrayList<>();
    private final List<Integer> tilePartOrder = new ArrayList<>();

    private Codestream(byte[] b, int end) {
        this.b = b;
        this.end = end;
    }

    /** Finds the code stream (a raw one, or the jp2c box of a JP2 file) and parses it. */
    static Codestream parse(byte[] data, int offset, int length, Jpeg2000Limits limits) throws Jpeg2000Exception {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("offset/length outside the array");
        }
        int start = offset;
        int stop = offset + length;
        if (length >= 12 && u32(data, offset) == 12 && u32(data, offset + 4) == 0x6A502020) {
            int[] box = findContiguousCodestreamBox(data, offset, stop);
            start = box[0];
            stop = box[1];
        }
        if (stop - start < 4 || u16(data, start) != SOC) {
            throw new Jpeg2000Exception("JPEG 2000 data does not start with an SOC marker or a JP2 signature box");
        }
        Codestream cs = new Codestream(data, stop);
        cs.read(start + 2, limits);
        return cs;
    }

    private static int[] findContiguousCodestreamBox(byte[] d, int at, int stop) throws Jpeg2000Exception {
        while (at + 8 <= stop) {
            long len = u32(d, at);
            int type = (int) u32(d, at + 4);
            int header = 8;
            if (len == 1) {
                if (at + 16 > stop) {
                    break;
                }
                len = (u32(d, at + 8) << 32) | u32(d, at + 12);
                header = 16;
            } else if (len == 0) {
                len = stop - at;
            }
            if (len < header) {
                throw new Jpeg2000Exception("JP2 box at byte " + at + " has an invalid length " + len);
            }
            long boxEnd = Math.min((long) at + len, stop);
            if (type == 0x6A703263) { // 'jp2c'
                return new int[] {at + header, (int) boxEnd};
            }
            at = (int) boxEnd;
        }
        throw new Jpeg2000Exception("JP2 file has no contiguous code stream (jp2c) box");
    }

    private void read(int at, Jpeg2000Limits limits) throws Jpeg2000Exception {
        if (at + 2 > end || u16(b, at) != SIZ) {
            throw new Jpeg2000Exception("JPEG 2000 code stream has no SIZ marker after SOC");
        }
        // Main header.
        boolean sizRead = false;
        boolean codRead = false;
        boolean qcdRead = false;
        while (true) {
            if (at + 2 > end) {
                throw new Jpeg2000Exception("JPEG 2000 code stream ends inside its main header");
            }
            int marker = u16(b, at);
            if (marker == SOT) {
                break;
            }
            if (marker == EOC) {
                throw new Jpeg2000Exception("JPEG 2000 code stream has no tile (EOC in the main header)");
            }
            if ((marker & 0xFF00) != 0xFF00) {
                throw new Jpeg2000Exception("JPEG 2000 main header has a corrupt marker 0x"
                        + Integer.toHexString(marker) + " at byte " + at);
            }
            int segStart = at + 4;
            int segEnd = segmentEnd(at);
            switch (marker) {
                case SIZ -> {
                    readSiz(segStart, segEnd, limits);
                    sizRead = true;
                }
                case COD -> {
                    readCod(defaults, segStart, segEnd);
                    codRead = true;
                }
                case COC -> readCoc(defaults, segStart, segEnd);
                case QCD -> {
                    readQcd(defaults, segStart, segEnd);
                    qcdRead = true;
                }
                case QCC -> readQcc(defaults, segStart, segEnd);
                case RGN -> readRgn(defaults, segStart, segEnd);
                case POC -> readPoc(defaults, segStart, segEnd);
                case PPM -> {
                    need(segStart, 1, segEnd);
                    ppmOrder.add(b[segStart] & 0xFF);
                    ppmMarkers.add(java.util.Arrays.copyOfRange(b, segStart + 1, segEnd));
                }
                default -> {
                    // TLM, PLM, CRG, COM, CAP, CPF and unknown markers carry nothing the decoding needs.
                }
            }
            if (!sizRead) {
                throw new Jpeg2000Exception("JPEG 2000 code stream has no SIZ marker after SOC");
            }
            at = segEnd;
        }
        if (!codRead) {
            throw new Jpeg2000Exception("JPEG 2000 main header has no COD marker");
        }
        if (!qcdRead) {
            throw new Jpeg2000Exception("JPEG 2000 main header has no QCD marker");
        }
        tiles = new TileCoding[tilesAcross * tilesDown];
        readTileParts(at);
        distributePpm();
    }

    private void readTileParts(int at) throws Jpeg2000Exception {
        while (at + 2 <= end) {
            int marker = u16(b, at);
            if (marker == EOC || marker != SOT) {
                // A stream that goes on past its last tile-part with something other than SOT is read up to there,
                // as OpenJPEG does.
                return;
            }
            int sotStart = at;
            int segEnd = segmentEnd(at);
            need(at + 4, 8, segEnd);
            int tileIndex = u16(b, at + 4);
            long psot = u32(b, at + 6);
            if (tileIndex >= tiles.length) {
                throw new Jpeg2000Exception("JPEG 2000 tile-part names tile " + tileIndex + " of " + tiles.length);
            }
            TileCoding tile = tiles[tileIndex];
            boolean first = tile == null;
            if (first) {
                tile = defaults.copyDefaults();
                tiles[tileIndex] = tile;
            }
            tilePartOrder.add(tileIndex);
            at = segEnd;
            // Tile-part header.
            while (true) {
                if (at + 2 > end) {
                    truncated = true;
                    return; // truncated inside a tile-part header: nothing of this tile-part's data exists
                }
                int m = u16(b, at);
                if (m == SOD) {
                    at += 2;
                    break;
                }
                if ((m & 0xFF00) != 0xFF00 || m == SOT || m == EOC) {
                    throw new Jpeg2000Exception("JPEG 2000 tile-part header of tile " + tileIndex
                            + " has a corrupt marker 0x" + Integer.toHexString(m));
                }
                int s = at + 4;
                int e = segmentEnd(at);
                switch (m) {
                    case COD -> {
                        if (first) {
                            readCod(tile, s, e);
                        }
                    }
                    case COC -> {
                        if (first) {
                            readCoc(tile, s, e);
                        }
                    }
                    case QCD -> {
                        if (first) {
                            readQcd(tile, s, e);
                        }
                    }
                    case QCC -> {
                        if (first) {
                            readQcc(tile, s, e);
                        }
                    }
                    case RGN -> readRgn(tile, s, e);
                    case POC -> readPoc(tile, s, e);
                    case PPT -> {
                        need(s, 1, e);
                        if (tile.ppt == null) {
                            tile.ppt = new ByteArrayOutputStream();
                        }
                        tile.ppt.write(b, s + 1, e - s - 1);
                    }
                    default -> {
                        // PLT, COM and unknown markers: skipped by their length.
                    }
                }
                at = e;
            }
            long dataEnd;
            if (psot == 0) {
                dataEnd = Math.max(at, end - 2L); // the last tile-part runs to EOC
            } else {
                dataEnd = sotStart + psot;
            }
            if (dataEnd > end) {
                truncated = true;
                dataEnd = end; // truncated stream: decode as far as the data go
            }
            if (dataEnd < at) {
                throw new Jpeg2000Exception("JPEG 2000 tile-part of tile " + tileIndex + " has a Psot of " + psot
                        + " that ends inside its own header");
            }
            tile.data.write(b, at, (int) (dataEnd - at));
            at = (int) dataEnd;
            if (psot == 0) {
                return;
            }
        }
    }

    /** Gives each tile the PPM packet-header chunks of its tile-parts (Nppm, Ippm pairs in tile-part order). */
    private void distributePpm() throws Jpeg2000Exception {
        if (ppmMarkers.isEmpty()) {
            return;
        }
        Integer[] idx = new Integer[ppmMarkers.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (p, q) -> Integer.compare(ppmOrder.get(p), ppmOrder.get(q)));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Integer i : idx) {
            all.writeBytes(ppmMarkers.get(i));
        }
        byte[] ppm = all.toByteArray();
        int at = 0;
        for (int tileIndex : tilePartOrder) {
            TileCoding tile = tiles[tileIndex];
            if (tile.ppmHeaders == null) {
                tile.ppmHeaders = new ByteArrayOutputStream();
            }
            if (at + 4 > ppm.length) {
                continue;
            }
            long n = u32(ppm, at);
            at += 4;
            int take = (int) Math.min(n, ppm.length - at);
            tile.ppmHeaders.write(ppm, at, take);
            at += take;
        }
    }

    private void readSiz(int at, int e, Jpeg2000Limits limits) throws Jpeg2000Exception {
        need(at, 38, e);
        x1 = s32(at + 2, "Xsiz");
        y1 = s32(at + 6, "Ysiz");
        x0 = s32(at + 10, "XOsiz");
        y0 = s32(at + 14, "YOsiz");
        tileWidth = s32(at + 18, "XTsiz");
        tileHeight = s32(at + 22, "YTsiz");
        tileX0 = s32(at + 26, "XTOsiz");
        tileY0 = s32(at + 30, "YTOsiz");
        numComponents = u16(b, at + 34);
        if (x0 >= x1 || y0 >= y1) {
            throw new Jpeg2000Exception("JPEG 2000 SIZ declares an empty image (" + x0 + ".." + x1 + " x " + y0 + ".."
                    + y1 + ")");
        }
        long width = (long) x1 - x0;
        long height = (long) y1 - y0;
        if (width > limits.maxWidth() || height > limits.maxHeight()) {
            throw new Jpeg2000Exception("JPEG 2000 image is " + width + "x" + height + ", larger than the "
                    + limits.maxWidth() + "x" + limits.maxHeight() + " expected");
        }
        if (numComponents < 1 || numComponents > limits.maxComponents()) {
            throw new Jpeg2000Exception("JPEG 2000 image has " + numComponents + " components, expected at most "
                    + limits.maxComponents());
        }
        if (tileWidth < 1 || tileHeight < 1 || tileX0 > x0 || tileY0 > y0
                || (long) tileX0 + tileWidth <= x0 || (long) tileY0 + tileHeight <= y0) {
            throw new Jpeg2000Exception("JPEG 2000 SIZ has an invalid tile grid");
        }
        long across = ceilDiv((long) x1 - tileX0, tileWidth);
        long down = ceilDiv((long) y1 - tileY0, tileHeight);
        if (across * down > 65535) {
            throw new Jpeg2000Exception("JPEG 2000 SIZ declares " + across * down + " tiles, more than 65535");
        }
        tilesAcross = (int) across;
        tilesDown = (int) down;
        need(at + 36, 3 * numComponents, e);
        precision = new int[numComponents];
        signed = new boolean[numComponents];
        dx = new int[numComponents];
        dy = new int[numComponents];
        for (int c = 0; c < numComponents; c++) {
            int ssiz = b[at + 36 + 3 * c] & 0xFF;
            precision[c] = (ssiz & 0x7F) + 1;
            signed[c] = (ssiz & 0x80) != 0;
            dx[c] = b[at + 37 + 3 * c] & 0xFF;
            dy[c] = b[at + 38 + 3 * c] & 0xFF;
            if (precision[c] > 16) {
                throw new Jpeg2000Exception("JPEG 2000 component " + c + " has " + precision[c]
                        + "-bit samples; at most 16 are supported");
            }
            if (dx[c] == 0 || dy[c] == 0) {
                throw new Jpeg2000Exception("JPEG 2000 component " + c + " has a zero subsampling factor");
            }
        }
        defaults = new TileCoding();
        defaults.components = new CodingStyle[numComponents];
        for (int c = 0; c < numComponents; c++) {
            defaults.components[c] = new CodingStyle();
        }
        defaults.cocSet = new boolean[numComponents];
        defaults.qccSet = new boolean[numComponents];
    }

    private void readCod(TileCoding t, int at, int e) throws Jpeg2000Exception {
        need(at, 5, e);
        t.codingStyle = b[at] & 0xFF;
        t.progression = b[at + 1] & 0xFF;
        t.layers = u16(b, at + 2);
        t.mct = b[at + 4] & 0xFF;
        if (t.progression > 4) {
            throw new Jpeg2000Exception("JPEG 2000 COD has an unknown progression order " + t.progression);
        }
        if (t.layers == 0) {
            throw new Jpeg2000Exception("JPEG 2000 COD declares zero quality layers");
        }
        if (t.mct > 1) {
            throw new Jpeg2000Exception("JPEG 2000 COD asks for a Part 2 multi-component transform");
        }
        if (t.mct == 1 && numComponents < 3) {
            throw new Jpeg2000Exception("JPEG 2000 COD asks for a component transform on " + numComponents
                    + " component(s)");
        }
        CodingStyle parsed = new CodingStyle();
        readSpco(parsed, (t.codingStyle & TileCoding.CSTY_PRECINCTS) != 0, at + 5, e);
        for (int c = 0; c < numComponents; c++) {
            if (!t.cocSet[c]) {
                t.components[c].copyCodingFrom(parsed);
            }
        }
    }

    private void readCoc(TileCoding t, int at, int e) throws Jpeg2000Exception {
        int compBytes = numComponents <= 256 ? 1 : 2;
        need(at, compBytes + 1, e);
        int comp = compBytes == 1 ? b[at] & 0xFF : u16(b, at);
        if (comp >= numComponents) {
            throw new Jpeg2000Exception("JPEG 2000 COC names component " + comp + " of " + numComponents);
        }
        int scoc = b[at + compBytes] & 0xFF;
        readSpco(t.components[comp], (scoc & 1) != 0, at + compBytes + 1, e);
        t.cocSet[comp] = true;
    }

    private void readSpco(CodingStyle s, boolean precincts, int at, int e) throws Jpeg2000Exception {
        need(at, 5, e);
        int levels = b[at] & 0xFF;
        if (levels > 32) {
            throw new Jpeg2000Exception("JPEG 2000 COD/COC declares " + levels + " decomposition levels (at most 32)");
        }
        s.numResolutions = levels + 1;
        s.codeBlockWidthExp = (b[at + 1] & 0xFF) + 2;
        s.codeBlockHeightExp = (b[at + 2] & 0xFF) + 2;
        if (s.codeBlockWidthExp > 10 || s.codeBlockHeightExp > 10
                || s.codeBlockWidthExp + s.codeBlockHeightExp > 12) {
            throw new Jpeg2000Exception("JPEG 2000 COD/COC declares an invalid code-block size");
        }
        s.codeBlockStyle = b[at + 3] & 0xFF;
        s.transform = b[at + 4] & 0xFF;
        if (s.transform > 1) {
            throw new Jpeg2000Exception("JPEG 2000 COD/COC asks for a Part 2 wavelet filter " + s.transform);
        }
        if (precincts) {
            need(at + 5, s.numResolutions, e);
            for (int r = 0; r < s.numResolutions; r++) {
                int v = b[at + 5 + r] & 0xFF;
                s.precinctWidthExp[r] = v & 0xF;
                s.precinctHeightExp[r] = v >> 4;
                if (r != 0 && (s.precinctWidthExp[r] == 0 || s.precinctHeightExp[r] == 0)) {
                    throw new Jpeg2000Exception("JPEG 2000 COD/COC declares an invalid precinct size");
                }
            }
        } else {
            java.util.Arrays.fill(s.precinctWidthExp, 15);
            java.util.Arrays.fill(s.precinctHeightExp, 15);
        }
    }

    private void readQcd(TileCoding t, int at, int e) throws Jpeg2000Exception {
        CodingStyle parsed = new CodingStyle();
        readSqc(parsed, at, e);
        for (int c = 0; c < numComponents; c++) {
            if (!t.qccSet[c]) {
                t.components[c].copyQuantisationFrom(parsed);
            }
        }
    }

    private void readQcc(TileCoding t, int at, int e) throws Jpeg2000Exception {
        int compBytes = numComponents <= 256 ? 1 : 2;
        need(at, compBytes, e);
        int comp = compBytes == 1 ? b[at] & 0xFF : u16(b, at);
        if (comp >= numComponents) {
            throw new Jpeg2000Exception("JPEG 2000 QCC names component " + comp + " of " + numComponents);
        }
        readSqc(t.components[comp], at + compBytes, e);
        t.qccSet[comp] = true;
    }

    /** Reads Sqcd/SPqcd as OpenJPEG's opj_j2k_read_SQcd_SQcc does, deriving the bands of scalar-derived style. */
    private void readSqc(CodingStyle s, int at, int e) throws Jpeg2000Exception {
        need(at, 1, e);
        int sq = b[at] & 0xFF;
        s.quantStyle = sq & 0x1F;
        s.guardBits = sq >> 5;
        at++;
        int remaining = e - at;
        java.util.Arrays.fill(s.exponent, 0);
        java.util.Arrays.fill(s.mantissa, 0);
        if (s.quantStyle == 0) {
            int bands = Math.min(remaining, CodingStyle.MAX_BANDS);
            for (int i = 0; i < bands; i++) {
                s.exponent[i] = (b[at + i] & 0xFF) >> 3;
            }
        } else if (s.quantStyle == 1 || s.quantStyle == 2) {
            int bands = s.quantStyle == 1 ? 1 : Math.min(remaining / 2, CodingStyle.MAX_BANDS);
            need(at, 2 * bands, e);
            for (int i = 0; i < bands; i++) {
                int v = u16(b, at + 2 * i);
                s.exponent[i] = v >> 11;
                s.mantissa[i] = v & 0x7FF;
            }
            if (s.quantStyle == 1) {
                for (int band = 1; band < CodingStyle.MAX_BANDS; band++) {
                    int expn = s.exponent[0] - (band - 1) / 3;
                    s.exponent[band] = Math.max(expn, 0);
                    s.mantissa[band] = s.mantissa[0];
                }
            }
        } else {
            throw new Jpeg2000Exception("JPEG 2000 QCD/QCC has an unknown quantisation style " + s.quantStyle);
        }
    }

    private void readRgn(TileCoding t, int at, int e) throws Jpeg2000Exception {
        int compBytes = numComponents <= 256 ? 1 : 2;
        need(at, compBytes + 2, e);
        int comp = compBytes == 1 ? b[at] & 0xFF : u16(b, at);
        if (comp >= numComponents) {
            throw new Jpeg2000Exception("JPEG 2000 RGN names component " + comp + " of " + numComponents);
        }
        t.components[comp].roiShift = b[at + compBytes + 1] & 0xFF;
    }

    private void readPoc(TileCoding t, int at, int e) throws Jpeg2000Exception {
        int compBytes = numComponents <= 256 ? 1 : 2;
        int entry = 5 + 2 * compBytes;
        int count = (e - at) / entry;
        if (count == 0 || (e - at) % entry != 0) {
            throw new Jpeg2000Exception("JPEG 2000 POC marker has an invalid length");
        }
        for (int i = 0; i < count; i++) {
            int p = at + i * entry;
            int resno0 = b[p] & 0xFF;
            int compno0 = compBytes == 1 ? b[p + 1] & 0xFF : u16(b, p + 1);
            int layno1 = u16(b, p + 1 + compBytes);
            int resno1 = b[p + 3 + compBytes] & 0xFF;
            int compno1 = compBytes == 1 ? b[p + 4 + compBytes] & 0xFF : u16(b, p + 4 + compBytes);
            if (compno1 == 0) {
                compno1 = compBytes == 1 ? 256 : 16384;
            }
            int prg = b[p + 4 + 2 * compBytes] & 0xFF;
            if (prg > 4) {
                throw new Jpeg2000Exception("JPEG 2000 POC has an unknown progression order " + prg);
            }
            t.pocs.add(new int[] {resno0, compno0, layno1, resno1, Math.min(compno1, numComponents), prg});
        }
    }

    /** End of the marker segment starting at {@code at} (its marker), checked against the data. */
    private int segmentEnd(int at) throws Jpeg2000Exception {
        if (at + 4 > end) {
            throw new Jpeg2000Exception("JPEG 2000 code stream ends inside a marker segment at byte " + at);
        }
        int len = u16(b, at + 2);
        if (len < 2 || at + 2 + len > end) {
            throw new Jpeg2000Exception("JPEG 2000 marker 0x" + Integer.toHexString(u16(b, at)) + " at byte " + at
                    + " has an invalid length " + len);
        }
        return at + 2 + len;
    }

    private void need(int at, int n, int e) throws Jpeg2000Exception {
        if (at + n > e) {
            throw new Jpeg2000Exception("JPEG 2000 marker segment at byte " + at + " is too short");
        }
    }

    private int s32(int at, String name) throws Jpeg2000Exception {
        long v = u32(b, at);
        if (v > Integer.MAX_VALUE) {
            throw new Jpeg2000Exception("JPEG 2000 SIZ " + name + " is too large (" + v + ")");
        }
        return (int) v;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    static int u16(byte[] d, int at) {
        return (d[at] & 0xFF) << 8 | (d[at + 1] & 0xFF);
    }

    static long u32(byte[] d, int at) {
        return ((long) u16(d, at) << 16) | u16(d, at + 2);
    }
}
