package org.radmamba.viewer.dicom.codec.jpeg2000;

import java.io.ByteArrayOutputStream;

/**
 * Test-only scaffolding: decodes the simplest HTJ2K code streams, those with one tile, one component, no wavelet
 * decomposition and an image no larger than one code-block (so one precinct and one code-block, one quality
 * layer), to prove {@link HtBlockDecoder} before the Part 1 pipeline exists. It reads SIZ, COD and QCD, the one
 * packet header as OpenJPEG 2.5's {@code opj_t2_read_packet_header} does for HT code-blocks, calls the block
 * decoder, then dequantises and level-shifts as OpenJPEG's {@code opj_t1_clbl_decode_processor} and
 * {@code opj_tcd_dc_level_shift_decode} do. Anything outside that subset is rejected with an
 * {@link IllegalArgumentException}.
 */
final class SingleCodeBlockHtStream {

    final int width;
    final int height;
    final int precision;
    final boolean signed;
    final boolean reversible;
    final int codeBlockStyle;
    final int guardBits;
    final int exponent;
    final int mantissa;
    final byte[] blockData;
    final int[] segmentLengths = new int[2];
    final int[] segmentPasses = new int[2];
    int segmentCount;
    int numbps;
    /** OpenJPEG's cblk->Mb: guard bits + exponent - 1. */
    final int mb;

    private SingleCodeBlockHtStream(byte[] cs) {
        Reader r = new Reader(cs);
        require(r.u16() == 0xFF4F, "no SOC");
        int w = -1;
        int h = -1;
        int prec = -1;
        boolean sgn = false;
        int style = -1;
        boolean rev = false;
        int gb = -1;
        int expn = -1;
        int mant = 0;
        boolean sop = false;
        boolean eph = false;
        int tileStart = -1;
        int tileEnd = -1;
        while (tileStart < 0) {
            int marker = r.u16();
            int segStart = r.pos;
            int len = r.u16();
            switch (marker) {
                case 0xFF51 -> {
                    r.u16();
                    int xsiz = r.u32();
                    int ysiz = r.u32();
                    int x0 = r.u32();
                    int y0 = r.u32();
                    int xt = r.u32();
                    int yt = r.u32();
                    require(r.u32() == 0 && r.u32() == 0, "tile offset");
                    int comps = r.u16();
                    require(comps == 1, "one component");
                    int ssiz = r.u8();
                    require(r.u8() == 1 && r.u8() == 1, "no subsampling");
                    w = xsiz - x0;
                    h = ysiz - y0;
                    require(xt >= xsiz && yt >= ysiz, "one tile");
                    prec = (ssiz & 0x7F) + 1;
                    sgn = (ssiz & 0x80) != 0;
                }
                case 0xFF52 -> {
                    int scod = r.u8();
                    require((scod & 1) == 0, "default precincts");
                    sop = (scod & 2) != 0;
                    eph = (scod & 4) != 0;
                    r.u8();
                    require(r.u16() == 1, "one layer");
                    r.u8();
                    require(r.u8() == 0, "no decomposition");
                    int xcb = r.u8() + 2;
                    int ycb = r.u8() + 2;
                    style = r.u8();
                    require((style & 0x40) != 0, "HT code-blocks");
                    rev = r.u8() == 1;
                    require(w <= (1 << xcb) && h <= (1 << ycb), "image within one code-block");
                }
                case 0xFF5C -> {
                    int sqcd = r.u8();
                    gb = sqcd >> 5;
                    int qstyle = sqcd & 0x1F;
                    if (qstyle == 0) {
                        expn = r.u8() >> 3;
                    } else {
                        int v = r.u16();
                        expn = v >> 11;
                        mant = v & 0x7FF;
                    }
                }
                case 0xFF90 -> {
                    r.u16();
                    int psot = r.u32();
                    r.u8();
                    r.u8();
                    require(r.u16() == 0xFF93, "SOD after SOT");
                    tileStart = r.pos;
                    tileEnd = psot == 0 ? cs.length - 2 : segStart - 2 + psot;
                    continue;
                }
                default -> {
                }
            }
            r.pos = segStart + len;
        }
        width = w;
        height = h;
        precision = prec;
        signed = sgn;
        codeBlockStyle = style;
        reversible = rev;
        guardBits = gb;
        exponent = expn;
        mantissa = mant;
        mb = gb + expn - 1;

        int pos = tileStart;
        if (sop && (cs[pos] & 0xFF) == 0xFF && (cs[pos + 1] & 0xFF) == 0x91) {
            pos += 6;
        }
        PacketHeaderBits bits = new PacketHeaderBits(cs, pos, tileEnd);
        if (bits.bit() == 0) {
            // empty packet: the block decodes to zeros
            blockData = new byte[0];
            return;
        }
        // inclusion tag tree of one leaf, threshold layer + 1 = 1: one bit
        require(bits.bit() == 1, "code-block included in the first layer");
        // zero bit-plane tag tree of one leaf: OpenJPEG's i is the count of 0 bits + 1
        int i = 1;
        while (bits.bit() == 0) {
            i++;
            require(i < 80, "sane zero bit-plane count");
        }
        numbps = mb + 1 - i;
        int passes = numberOfPasses(bits);
        int lblock = 3;
        while (bits.bit() == 1) {
            lblock++;
        }
        segmentPasses[0] = 1;
        segmentLengths[0] = bits.bits(lblock);
        segmentCount = 1;
        if (passes > 1) {
            segmentPasses[1] = passes - 1;
            segmentLengths[1] = bits.bits(lblock + floorLog2(passes - 1));
            segmentCount = 2;
        }
        pos = bits.end();
        if (eph) {
            require((cs[pos] & 0xFF) == 0xFF && (cs[pos + 1] & 0xFF) == 0x92, "EPH");
            pos += 2;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int total = segmentLengths[0] + segmentLengths[1];
        require(pos + total <= tileEnd, "packet body within the tile");
        body.write(cs, pos, total);
        blockData = body.toByteArray();
    }

    static SingleCodeBlockHtStream parse(byte[] codeStream) {
        return new SingleCodeBlockHtStream(codeStream);
    }

    /** Runs HtBlockDecoder on the block and returns the coefficients as OpenJPEG's t1->data holds them. */
    int[] coefficients() throws Jpeg2000Exception {
        int[] out = new int[width * height];
        HtBlockDecoder.decode(blockData, blockData.length, segmentLengths, segmentPasses, segmentCount, numbps, mb,
                width, height, codeBlockStyle, out);
        return out;
    }

    /** The decoded image samples: dequantised, DC-shifted and clamped as OpenJPEG does with one resolution. */
    int[] samples() throws Jpeg2000Exception {
        int[] c = coefficients();
        int[] px = new int[c.length];
        int min = signed ? -(1 << (precision - 1)) : 0;
        int max = signed ? (1 << (precision - 1)) - 1 : (1 << precision) - 1;
        int shift = signed ? 0 : 1 << (precision - 1);
        // opj_t1_clbl_decode_processor: 0.5 * Delta_b in float; Rb = precision (LL band, gain 0)
        float step = 0.5f * (float) ((1.0 + mantissa / 2048.0) * Math.pow(2.0, precision - exponent));
        for (int k = 0; k < c.length; k++) {
            long v;
            if (reversible) {
                v = c[k] / 2;
            } else {
                float f = (float) c[k] * step;
                v = (long) Math.rint(f);
            }
            px[k] = (int) Math.max(min, Math.min(max, v + shift));
        }
        return px;
    }

    private static int numberOfPasses(PacketHeaderBits b) {
        if (b.bit() == 0) {
            return 1;
        }
        if (b.bit() == 0) {
            return 2;
        }
        int n = b.bits(2);
        if (n != 3) {
            return 3 + n;
        }
        n = b.bits(5);
        if (n != 31) {
            return 6 + n;
        }
        return 37 + b.bits(7);
    }

    private static int floorLog2(int v) {
        return 31 - Integer.numberOfLeadingZeros(v);
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalArgumentException("not a single-code-block HTJ2K stream: expected " + what);
        }
    }

    /** OpenJPEG's opj_bio reader of packet headers: MSB first, 7 bits in a byte that follows 0xFF. */
    private static final class PacketHeaderBits {
        private final byte[] data;
        private int pos;
        private final int limit;
        private int buf;
        private int ct;

        PacketHeaderBits(byte[] data, int pos, int limit) {
            this.data = data;
            this.pos = pos;
            this.limit = limit;
        }

        private void byteIn() {
            buf = (buf << 8) & 0xFFFF;
            ct = buf == 0xFF00 ? 7 : 8;
            if (pos < limit) {
                buf |= data[pos++] & 0xFF;
            }
        }

        int bit() {
            if (ct == 0) {
                byteIn();
            }
            ct--;
            return (buf >> ct) & 1;
        }

        int bits(int n) {
            int v = 0;
            for (int k = n - 1; k >= 0; k--) {
                v |= bit() << k;
            }
            return v;
        }

        /** opj_bio_inalign, then the position after the header. */
        int end() {
            if ((buf & 0xFF) == 0xFF) {
                byteIn();
            }
            ct = 0;
            return pos;
        }
    }

    private static final class Reader {
        final byte[] b;
        int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        int u8() {
            return b[pos++] & 0xFF;
        }

        int u16() {
            return (u8() << 8) | u8();
        }

        int u32() {
            return (u16() << 16) | u16();
        }
    }
}
