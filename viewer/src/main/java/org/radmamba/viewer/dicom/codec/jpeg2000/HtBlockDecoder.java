package org.radmamba.viewer.dicom.codec.jpeg2000;

/**
 * Decodes one HTJ2K (ISO/IEC 15444-15, ITU-T T.814) code-block: the cleanup, SigProp and MagRef passes, as OpenJPEG
 * 2.5's {@code opj_t1_ht_decode_cblk} (ht_dec.c) does, so that the Part 1 pipeline dequantises its output exactly as
 * it does a Part 1 code-block's.
 *
 * <p>A port of OpenJPEG's {@code ht_dec.c} (BSD-2-Clause; Copyright (c) 2021 Aous Naman, Kakadu Software Pty Ltd,
 * The University of New South Wales), itself from OpenJPH: the MEL decoder, the backward-growing VLC and MagRef
 * readers, the forward-growing MagSgn and SigProp readers, U-VLC decoding, the cleanup pass over quad pairs, and the
 * SigProp/MagRef passes run one stripe behind it. Differences from the C: reads are bounded by the segment (the C
 * reads ahead by whole 32-bit words and relies on padding), the initial byte-at-a-time reads that the C uses to
 * reach a 4-byte-aligned address are aligned to the position in {@code data} (the bit stream is the same either
 * way), and the checks that make OpenJPEG reject a block throw {@link Jpeg2000Exception} with its reason.
 *
 * <p>Every loop is bounded by the block's width and height; a reader that runs out of bytes feeds the filler the
 * standard prescribes (0xFF for MEL and MagSgn, 0 for SigProp and MagRef), so hostile data decodes to bounded
 * garbage or fails, never hangs. Scratch state is per thread: code-blocks decode in parallel.
 *
 * <p>What OpenJPEG 2.5 cannot decode, neither can this: a block of more than 3 coding passes (several HT sets,
 * or the placeholder passes that multi-layer encoders such as Kakadu write, which OpenJPEG's tier-2 also
 * misreads) and, in {@code BlockDecoder}, HT blocks with an ROI shift. They fail with a {@link Jpeg2000Exception}.
 * Single-layer streams (all OpenJPH writes) decode exactly, SigProp/MagRef and stripe-causal mode included.
 */
final class HtBlockDecoder {

    /** Widest code-block the standard allows (and OpenJPEG's flag buffers are sized for). */
    private static final int MAX_BLOCK_SIDE = 1024;
    /** Most samples a code-block may have. */
    private static final int MAX_BLOCK_AREA = 4096;
    /** Code-block style bit: vertically causal context (stripe-causal in HT). */
    private static final int STYLE_VERTICALLY_CAUSAL = 0x08;
    /** One sigma/mbr row: 128 words of 8 columns for 1024 columns, +1 for spill, padded to 132 as OpenJPEG does. */
    private static final int FLAG_ROW = 132;
    private static final int SIGMA1 = 0;
    private static final int SIGMA2 = FLAG_ROW;
    private static final int MBR1 = 2 * FLAG_ROW;
    private static final int MBR2 = 3 * FLAG_ROW;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** MEL exponents per MEL state k (T.814 Table 2). */
    private static final int[] MEL_EXPONENT = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5};

    /**
     * U-VLC prefix decoding by the 3 next bits: bits 0-1 prefix length, 2-4 suffix length, 5-7 prefix value
     * (T.814 Table 3).
     */
    private static final int[] UVLC_PREFIX = {
            3 | (5 << 2) | (5 << 5),
            1 | (0 << 2) | (1 << 5),
            2 | (0 << 2) | (2 << 5),
            1 | (0 << 2) | (1 << 5),
            3 | (1 << 2) | (3 << 5),
            1 | (0 << 2) | (1 << 5),
            2 | (0 << 2) | (2 << 5),
            1 | (0 << 2) | (1 << 5)
    };

    private HtBlockDecoder() {
    }

    /**
     * @param data           the code-block's bytes from every included packet, concatenated in order (OpenJPEG's
     *                       chunks); {@code data.length} may exceed {@code length}
     * @param length         bytes of {@code data} that belong to the code-block
     * @param segmentLengths bytes of each codeword segment in order (OpenJPEG's {@code segs[i].len}): the first is
     *                       the cleanup segment, the second, if any, the SigProp/MagRef segment
     * @param segmentPasses  coding passes in each segment ({@code segs[i].real_num_passes})
     * @param segmentCount   segments present; 0 for a block no packet included (decodes to zeros)
     * @param numbps         OpenJPEG's {@code cblk->numbps}: the band's bit planes less the missing MSBs the
     *                       packet header signalled
     * @param mb             OpenJPEG's {@code cblk->Mb}: the band's magnitude bit planes (guard bits + exponent - 1)
     * @param width          code-block width in samples
     * @param height         code-block height in samples
     * @param codeBlockStyle the COD/COC code-block style byte (OpenJPEG's {@code cblksty})
     * @param out            receives {@code width * height} coefficients, row stride {@code width}, in the
     *                       representation OpenJPEG's {@code t1->data} has after decoding (the one the Part 1
     *                       tier-1 decoder of this package produces): twice the quantisation index, plus the bin
     *                       centre, as a two's complement int
     */
    static void decode(byte[] data, int length, int[] segmentLengths, int[] segmentPasses, int segmentCount,
            int numbps, int mb, int width, int height, int codeBlockStyle, int[] out) throws Jpeg2000Exception {
        if (width < 0 || height < 0 || width > MAX_BLOCK_SIDE || height > MAX_BLOCK_SIDE
                || width * height > MAX_BLOCK_AREA) {
            throw new Jpeg2000Exception("HT code-block of " + width + "x" + height
                    + " samples exceeds the 1024-side, 4096-sample limit");
        }
        if (out.length < width * height) {
            throw new IllegalArgumentException("output of " + out.length + " ints for a " + width + "x" + height
                    + " code-block");
        }
        java.util.Arrays.fill(out, 0, width * height, 0);
        if (mb == 0 || segmentCount <= 0 || width == 0 || height == 0) {
            return;
        }
        if (length < 0 || length > data.length) {
            throw new Jpeg2000Exception("HT code-block claims " + length + " bytes but has " + data.length);
        }
        SCRATCH.get().decode(data, length, segmentLengths, segmentPasses, segmentCount, numbps, mb, width, height,
                (codeBlockStyle & STYLE_VERTICALLY_CAUSAL) != 0, out);
    }

    /** Per-thread state: the readers and OpenJPEG's flag buffers (sigma, mbr, line state). */
    private static final class Scratch {
        final int[] flags = new int[4 * FLAG_ROW];
        /** One entry per quad column, +2: bit 7 sigma of the row pair's bottom row, bits 0-6 max exponent. */
        final int[] lineState = new int[528];
        final Mel mel = new Mel();
        final Backward vlc = new Backward();
        final Backward magRef = new Backward();
        final Forward magSgn = new Forward();
        final Forward sigProp = new Forward();
        final int[] uq = new int[2];

        void decode(byte[] data, int cblkLen, int[] segmentLengths, int[] segmentPasses, int segmentCount,
                int numbps, int mb, int width, int height, boolean stripeCausal, int[] out)
                throws Jpeg2000Exception {
            java.util.Arrays.fill(flags, 0);
            java.util.Arrays.fill(lineState, 0);
            int zeroBitPlanes = mb + 1 - numbps;
            int numPasses = segmentPasses[0] + (segmentCount > 1 ? segmentPasses[1] : 0);
            int lengths1 = numPasses > 0 ? segmentLengths[0] : 0;
            int lengths2 = numPasses > 1 && segmentCount > 1 ? segmentLengths[1] : 0;
            int stride = width;

            if (numPasses > 1 && lengths2 == 0) {
                // OpenJPEG warns and decodes the cleanup pass alone.
                numPasses = 1;
            }
            if (numPasses > 3) {
                throw new Jpeg2000Exception("HT code-block has " + numPasses
                        + " coding passes; at most 3 (cleanup, SigProp, MagRef) are supported");
            }
            if (numPasses < 0) {
                throw new Jpeg2000Exception("HT code-block has a negative number of coding passes");
            }
            if (mb > 30) {
                throw new Jpeg2000Exception("HT code-block has " + mb
                        + " magnitude bit planes; 32-bit decoding allows at most 30");
            }
            if (zeroBitPlanes < 0 || zeroBitPlanes > mb) {
                throw new Jpeg2000Exception("Malformed HT code-block: " + zeroBitPlanes + " missing bit planes of "
                        + mb);
            } else if (zeroBitPlanes == mb && numPasses > 1) {
                // Only the cleanup pass makes sense when all planes but one are missing; OpenJPEG decodes it alone.
                numPasses = 1;
            }
            int p = numbps;
            int zeroBitPlanesPlus1 = zeroBitPlanes + 1;

            if (lengths1 < 2 || lengths1 > cblkLen || lengths2 < 0 || lengths1 + lengths2 > cblkLen) {
                throw new Jpeg2000Exception("Malformed HT code-block: invalid codeword segment lengths");
            }
            int lcup = lengths1;
            int scup = ((data[lcup - 1] & 0xFF) << 4) + (data[lcup - 2] & 0xF);
            if (scup < 2 || scup > lcup || scup > 4079) {
                throw new Jpeg2000Exception("Malformed HT code-block: the MEL+VLC length " + scup
                        + " is outside 2..min(Lcup=" + lcup + ", 4079)");
            }

            Mel mel = this.mel;
            Backward vlc = this.vlc;
            Forward magSgn = this.magSgn;
            if (!mel.init(data, lcup, scup)) {
                throw new Jpeg2000Exception("Malformed HT code-block: incorrect MEL segment sequence");
            }
            vlc.initVlc(data, lcup, scup);
            magSgn.init(data, 0, lcup - scup, 0xFF);
            if (numPasses > 1) {
                sigProp.init(data, lengths1, lengths2, 0);
            }
            if (numPasses > 2) {
                magRef.initMagRef(data, lengths1, lengths2);
            }

            int[] flags = this.flags;
            int[] ls = this.lineState;
            int[] uq = this.uq;
            int[] tbl0 = HtVlcTables.INITIAL_ROW;
            int[] tbl1 = HtVlcTables.OTHER_ROWS;

            // ---- initial row pair ----
            int lsp = 0;
            ls[0] = 0;
            int run = mel.getRun();
            int qinf0;
            int qinf1;
            int cq = 0;
            int sp = 0;
            int sip = SIGMA1;
            int sipShift = 0;

            for (int x = 0; x < width; x += 4) {
                int vlcVal = vlc.fetch();
                qinf0 = tbl0[(cq << 7) | (vlcVal & 0x7F)];
                if (cq == 0) {
                    run -= 2;
                    qinf0 = run == -1 ? qinf0 : 0;
                    if (run < 0) {
                        run = mel.getRun();
                    }
                }
                cq = ((qinf0 & 0x10) >>> 4) | ((qinf0 & 0xE0) >>> 5);
                vlcVal = vlc.advance(qinf0 & 0x7);
                flags[sip] |= (((qinf0 & 0x30) >>> 4) | ((qinf0 & 0xC0) >>> 2)) << sipShift;

                qinf1 = 0;
                if (x + 2 < width) {
                    qinf1 = tbl0[(cq << 7) | (vlcVal & 0x7F)];
                    if (cq == 0) {
                        run -= 2;
                        qinf1 = run == -1 ? qinf1 : 0;
                        if (run < 0) {
                            run = mel.getRun();
                        }
                    }
                    cq = ((qinf1 & 0x10) >>> 4) | ((qinf1 & 0xE0) >>> 5);
                    vlcVal = vlc.advance(qinf1 & 0x7);
                }
                flags[sip] |= ((qinf1 & 0x30) | ((qinf1 & 0xC0) << 2)) << (4 + sipShift);
                sip += (x & 0x7) != 0 ? 1 : 0;
                sipShift ^= 0x10;

                int uvlcMode = ((qinf0 & 0x8) >>> 3) | ((qinf1 & 0x8) >>> 2);
                if (uvlcMode == 3) {
                    run -= 2;
                    uvlcMode += run == -1 ? 1 : 0;
                    if (run < 0) {
                        run = mel.getRun();
                    }
                }
                int consumed = decodeInitialUvlc(vlcVal, uvlcMode, uq);
                if (uq[0] > zeroBitPlanesPlus1 || uq[1] > zeroBitPlanesPlus1) {
                    throw new Jpeg2000Exception("Malformed HT code-block: U_q exceeds the missing bit planes + 1");
                }
                vlc.advance(consumed);

                int locs = 0xFF;
                if (x + 4 > width) {
                    locs >>>= (x + 4 - width) << 1;
                }
                locs = height > 1 ? locs : (locs & 0x55);
                if (((((qinf0 & 0xF0) >>> 4) | (qinf1 & 0xF0)) & ~locs) != 0) {
                    throw new Jpeg2000Exception(
                            "Malformed HT code-block: the VLC code makes samples outside the block significant");
                }

                int u0 = uq[0];
                int u1 = uq[1];
                // first quad, first column
                if ((qinf0 & 0x10) != 0) {
                    out[sp] = magSgnSample(magSgn, u0, qinf0, 0, p);
                } else if ((locs & 0x1) != 0) {
                    out[sp] = 0;
                }
                if ((qinf0 & 0x20) != 0) {
                    int vn = magSgnValue(magSgn, u0, qinf0, 1);
                    out[sp + stride] = toSample(magSgn.lastSign, vn, p);
                    int t = ls[lsp] & 0x7F;
                    int e = 32 - Integer.numberOfLeadingZeros(vn);
                    ls[lsp] = 0x80 | Math.max(t, e);
                } else if ((locs & 0x2) != 0) {
                    out[sp + stride] = 0;
                }
                lsp++;
                sp++;
                // first quad, second column
                if ((qinf0 & 0x40) != 0) {
                    out[sp] = magSgnSample(magSgn, u0, qinf0, 2, p);
                } else if ((locs & 0x4) != 0) {
                    out[sp] = 0;
                }
                ls[lsp] = 0;
                if ((qinf0 & 0x80) != 0) {
                    int vn = magSgnValue(magSgn, u0, qinf0, 3);
                    out[sp + stride] = toSample(magSgn.lastSign, vn, p);
                    ls[lsp] = 0x80 | (32 - Integer.numberOfLeadingZeros(vn));
                } else if ((locs & 0x8) != 0) {
                    out[sp + stride] = 0;
                }
                sp++;
                // second quad, first column
                if ((qinf1 & 0x10) != 0) {
                    out[sp] = magSgnSample(magSgn, u1, qinf1, 0, p);
                } else if ((locs & 0x10) != 0) {
                    out[sp] = 0;
                }
                if ((qinf1 & 0x20) != 0) {
                    int vn = magSgnValue(magSgn, u1, qinf1, 1);
                    out[sp + stride] = toSample(magSgn.lastSign, vn, p);
                    int t = ls[lsp] & 0x7F;
                    int e = 32 - Integer.numberOfLeadingZeros(vn);
                    ls[lsp] = 0x80 | Math.max(t, e);
                } else if ((locs & 0x20) != 0) {
                    out[sp + stride] = 0;
                }
                lsp++;
                sp++;
                // second quad, second column
                if ((qinf1 & 0x40) != 0) {
                    out[sp] = magSgnSample(magSgn, u1, qinf1, 2, p);
                } else if ((locs & 0x40) != 0) {
                    out[sp] = 0;
                }
                ls[lsp] = 0;
                if ((qinf1 & 0x80) != 0) {
                    int vn = magSgnValue(magSgn, u1, qinf1, 3);
                    out[sp + stride] = toSample(magSgn.lastSign, vn, p);
                    ls[lsp] = 0x80 | (32 - Integer.numberOfLeadingZeros(vn));
                } else if ((locs & 0x80) != 0) {
                    out[sp + stride] = 0;
                }
                sp++;
            }

            // ---- later row pairs, with the SigProp/MagRef passes one stripe behind ----
            for (int y = 2; y < height; ) {
                sipShift ^= 0x2;
                sipShift &= 0xFFFFFFEF;
                sip = (y & 0x4) != 0 ? SIGMA2 : SIGMA1;
                lsp = 0;
                int ls0 = ls[0];
                ls[0] = 0;
                sp = y * stride;
                cq = 0;
                for (int x = 0; x < width; x += 4) {
                    cq |= ls0 >>> 7;
                    cq |= (ls[lsp + 1] >>> 5) & 0x4;
                    int vlcVal = vlc.fetch();
                    qinf0 = tbl1[(cq << 7) | (vlcVal & 0x7F)];
                    if (cq == 0) {
                        run -= 2;
                        qinf0 = run == -1 ? qinf0 : 0;
                        if (run < 0) {
                            run = mel.getRun();
                        }
                    }
                    cq = ((qinf0 & 0x40) >>> 5) | ((qinf0 & 0x80) >>> 6);
                    vlcVal = vlc.advance(qinf0 & 0x7);
                    flags[sip] |= (((qinf0 & 0x30) >>> 4) | ((qinf0 & 0xC0) >>> 2)) << sipShift;

                    qinf1 = 0;
                    if (x + 2 < width) {
                        cq |= ls[lsp + 1] >>> 7;
                        cq |= (ls[lsp + 2] >>> 5) & 0x4;
                        qinf1 = tbl1[(cq << 7) | (vlcVal & 0x7F)];
                        if (cq == 0) {
                            run -= 2;
                            qinf1 = run == -1 ? qinf1 : 0;
                            if (run < 0) {
                                run = mel.getRun();
                            }
                        }
                        cq = ((qinf1 & 0x40) >>> 5) | ((qinf1 & 0x80) >>> 6);
                        vlcVal = vlc.advance(qinf1 & 0x7);
                    }
                    flags[sip] |= ((qinf1 & 0x30) | ((qinf1 & 0xC0) << 2)) << (4 + sipShift);
                    sip += (x & 0x7) != 0 ? 1 : 0;
                    sipShift ^= 0x10;

                    int uvlcMode = ((qinf0 & 0x8) >>> 3) | ((qinf1 & 0x8) >>> 2);
                    int consumed = decodeNonInitialUvlc(vlcVal, uvlcMode, uq);
                    vlc.advance(consumed);

                    // E^max added to u for quads with more than one significant sample (T.814 eqns 5 and 6);
                    // uq already holds u + 1, hence the 2.
                    if (((qinf0 & 0xF0) & ((qinf0 & 0xF0) - 1)) != 0) {
                        int e = Math.max(ls0 & 0x7F, ls[lsp + 1] & 0x7F);
                        uq[0] += e > 2 ? e - 2 : 0;
                    }
                    if (((qinf1 & 0xF0) & ((qinf1 & 0xF0) - 1)) != 0) {
                        int e = Math.max(ls[lsp + 1] & 0x7F, ls[lsp + 2] & 0x7F);
                        uq[1] += e > 2 ? e - 2 : 0;
                    }
                    if (uq[0] > zeroBitPlanesPlus1 || uq[1] > zeroBitPlanesPlus1) {
                        throw new Jpeg2000Exception(
                                "Malformed HT code-block: U_q exceeds the missing bit planes + 1");
                    }
                    ls0 = ls[lsp + 2];
                    ls[lsp + 1] = 0;
                    ls[lsp + 2] = 0;

                    int locs = 0xFF;
                    if (x + 4 > width) {
                        locs >>>= (x + 4 - width) << 1;
                    }
                    locs = y + 2 <= height ? locs : (locs & 0x55);
                    if (((((qinf0 & 0xF0) >>> 4) | (qinf1 & 0xF0)) & ~locs) != 0) {
                        throw new Jpeg2000Exception("Malformed HT code-block: the VLC code makes samples outside"
                                + " the block significant");
                    }

                    int u0 = uq[0];
                    int u1 = uq[1];
                    if ((qinf0 & 0x10) != 0) {
                        out[sp] = magSgnSample(magSgn, u0, qinf0, 0, p);
                    } else if ((locs & 0x1) != 0) {
                        out[sp] = 0;
                    }
                    if ((qinf0 & 0x20) != 0) {
                        int vn = magSgnValue(magSgn, u0, qinf0, 1);
                        out[sp + stride] = toSample(magSgn.lastSign, vn, p);
                        int t = ls[lsp] & 0x7F;
                        int e = 32 - Integer.numberOfLeadingZeros(vn);
                        ls[lsp] = 0x80 | Math.max(t, e);
                    } else if ((locs & 0x2) != 0) {
                        out[sp + stride] = 0;
                    }
                    lsp++;
                    sp++;
                    if ((qinf0 & 0x40) != 0) {
                        out[sp] = magSgnSample(magSgn, u0, qinf0, 2, p);
                    } else if ((locs & 0x4) != 0) {
                        out[sp] = 0;
                    }
                    if ((qinf0 & 0x80) != 0) {
                        int vn = magSgnValue(magSgn, u0, qinf0, 3);
                        out[sp + stride] = toSample(magSgn.lastSign, vn, p);
                        ls[lsp] = 0x80 | (32 - Integer.numberOfLeadingZeros(vn));
                    } else if ((locs & 0x8) != 0) {
                        out[sp + stride] = 0;
                    }
                    sp++;
                    if ((qinf1 & 0x10) != 0) {
                        out[sp] = magSgnSample(magSgn, u1, qinf1, 0, p);
                    } else if ((locs & 0x10) != 0) {
                        out[sp] = 0;
                    }
                    if ((qinf1 & 0x20) != 0) {
                        int vn = magSgnValue(magSgn, u1, qinf1, 1);
                        out[sp + stride] = toSample(magSgn.lastSign, vn, p);
                        int t = ls[lsp] & 0x7F;
                        int e = 32 - Integer.numberOfLeadingZeros(vn);
                        ls[lsp] = 0x80 | Math.max(t, e);
                    } else if ((locs & 0x20) != 0) {
                        out[sp + stride] = 0;
                    }
                    lsp++;
                    sp++;
                    if ((qinf1 & 0x40) != 0) {
                        out[sp] = magSgnSample(magSgn, u1, qinf1, 2, p);
                    } else if ((locs & 0x40) != 0) {
                        out[sp] = 0;
                    }
                    if ((qinf1 & 0x80) != 0) {
                        int vn = magSgnValue(magSgn, u1, qinf1, 3);
                        out[sp + stride] = toSample(magSgn.lastSign, vn, p);
                        ls[lsp] = 0x80 | (32 - Integer.numberOfLeadingZeros(vn));
                    } else if ((locs & 0x80) != 0) {
                        out[sp + stride] = 0;
                    }
                    sp++;
                }

                y += 2;
                if (numPasses > 1 && (y & 3) == 0) {
                    if (numPasses > 2) {
                        int curSig = (y & 0x4) != 0 ? SIGMA1 : SIGMA2;
                        magRefStripe(out, (y - 4) * stride, stride, width, curSig, p);
                    }
                    if (y >= 4) {
                        int sig = (y & 0x4) != 0 ? SIGMA1 : SIGMA2;
                        int mbr = (y & 0x4) != 0 ? MBR1 : MBR2;
                        membershipOfStripe(width, sig, mbr);
                    }
                    if (y >= 8) {
                        int curSig = (y & 0x4) != 0 ? SIGMA2 : SIGMA1;
                        int curMbr = (y & 0x4) != 0 ? MBR2 : MBR1;
                        int nxtSig = (y & 0x4) != 0 ? SIGMA1 : SIGMA2;
                        int nxtMbr = (y & 0x4) != 0 ? MBR1 : MBR2;
                        addMembershipFromNextStripe(width, curSig, curMbr, nxtSig, stripeCausal);
                        sigPropStripe(out, (y - 8) * stride, stride, width, curSig, curMbr, nxtSig, nxtMbr,
                                0xFFFFFFFF, p);
                        // clear the current sigma: the stripe after next reuses it (mbr is overwritten)
                        int clear = (y & 0x4) != 0 ? SIGMA2 : SIGMA1;
                        java.util.Arrays.fill(flags, clear, clear + ((width + 7) >>> 3) + 1, 0);
                    }
                }
            }

            // ---- the passes of the last stripes ----
            if (numPasses > 1) {
                if (numPasses > 2 && ((height & 3) == 1 || (height & 3) == 2)) {
                    int curSig = (height & 0x4) != 0 ? SIGMA2 : SIGMA1;
                    magRefStripe(out, (height & 0xFFFFFC) * stride, stride, width, curSig, p);
                }
                if ((height & 3) == 1 || (height & 3) == 2) {
                    int sig = (height & 0x4) != 0 ? SIGMA2 : SIGMA1;
                    int mbr = (height & 0x4) != 0 ? MBR2 : MBR1;
                    membershipOfStripe(width, sig, mbr);
                }
                int st = height;
                st -= height > 6 ? (((height + 1) & 3) + 3) : height;
                for (int y = st; y < height; y += 4) {
                    int pattern = 0xFFFFFFFF;
                    if (height - y == 3) {
                        pattern = 0x77777777;
                    } else if (height - y == 2) {
                        pattern = 0x33333333;
                    } else if (height - y == 1) {
                        pattern = 0x11111111;
                    }
                    int curSig = (y & 0x4) != 0 ? SIGMA2 : SIGMA1;
                    int curMbr = (y & 0x4) != 0 ? MBR2 : MBR1;
                    int nxtSig = (y & 0x4) != 0 ? SIGMA1 : SIGMA2;
                    int nxtMbr = (y & 0x4) != 0 ? MBR1 : MBR2;
                    if (height - y > 4) {
                        addMembershipFromNextStripe(width, curSig, curMbr, nxtSig, stripeCausal);
                    }
                    sigPropStripe(out, y * stride, stride, width, curSig, curMbr, nxtSig, nxtMbr, pattern, p);
                }
            }

            // sign-magnitude to two's complement
            int n = width * height;
            for (int i = 0; i < n; i++) {
                int v = out[i];
                int mag = v & 0x7FFFFFFF;
                out[i] = v < 0 ? -mag : mag;
            }
        }

        /** The MagRef pass over one stripe of 4 rows starting at {@code rowStart}. */
        private void magRefStripe(int[] out, int rowStart, int stride, int width, int curSig, int p) {
            int[] flags = this.flags;
            Backward magRef = this.magRef;
            int half = 1 << (p - 2);
            int notCentre = 1 << (p - 1);
            for (int i = 0; i < width; i += 8) {
                int cwd = magRef.fetch();
                int sig = flags[curSig++];
                if (sig != 0) {
                    int dp = rowStart + i;
                    int colMask = 0xF;
                    for (int j = 0; j < 8; j++, dp++, colMask <<= 4) {
                        if ((sig & colMask) == 0) {
                            continue;
                        }
                        int sampleMask = 0x11111111 & colMask;
                        for (int r = 0; r < 4; r++, sampleMask += sampleMask) {
                            if ((sig & sampleMask) != 0) {
                                int at = dp + r * stride;
                                // a 0 refinement bit removes the bin centre, then half a bin centre is added
                                out[at] ^= (1 - (cwd & 1)) * notCentre;
                                out[at] |= half;
                                cwd >>>= 1;
                            }
                        }
                    }
                }
                magRef.advance(Integer.bitCount(sig));
            }
        }

        /** The samples next to significant ones of a stripe (its membership), less the significant ones. */
        private void membershipOfStripe(int width, int sig, int mbr) {
            int[] f = this.flags;
            int prev = 0;
            for (int i = 0; i < width; i += 8, mbr++, sig++) {
                int m = f[sig];
                m |= prev >>> 28;
                m |= f[sig] << 4;
                m |= f[sig] >>> 4;
                m |= f[sig + 1] << 28;
                prev = f[sig];
                int t = m;
                int z = m;
                z |= (t & 0x77777777) << 1;
                z |= (t & 0xEEEEEEEE) >>> 1;
                f[mbr] = z & ~f[sig];
            }
        }

        /** Adds the samples above the next stripe's significant ones, unless the context is stripe-causal. */
        private void addMembershipFromNextStripe(int width, int curSig, int curMbr, int nxtSig,
                boolean stripeCausal) {
            int[] f = this.flags;
            int prev = 0;
            for (int i = 0; i < width; i += 8, curMbr++, curSig++, nxtSig++) {
                int t = f[nxtSig];
                t |= prev >>> 28;
                t |= f[nxtSig] << 4;
                t |= f[nxtSig] >>> 4;
                t |= f[nxtSig + 1] << 28;
                prev = f[nxtSig];
                if (!stripeCausal) {
                    f[curMbr] |= (t & 0x11111111) << 3;
                }
                f[curMbr] &= ~f[curSig];
            }
        }

        /** The SigProp pass over one stripe starting at {@code rowStart}; {@code pattern} masks rows past the end. */
        private void sigPropStripe(int[] out, int rowStart, int stride, int width, int curSig, int curMbr,
                int nxtSig, int nxtMbr, int pattern, int p) {
            int[] f = this.flags;
            Forward sigProp = this.sigProp;
            int val = 3 << (p - 2);
            for (int i = 0; i < width; i += 8, curSig++, curMbr++, nxtSig++, nxtMbr++) {
                int mbr = f[curMbr] & pattern;
                int newSig = 0;
                if (mbr != 0) {
                    for (int n = 0; n < 8; n += 4) {
                        int cwd = sigProp.fetch();
                        int cnt = 0;
                        int dp = rowStart + i + n;
                        int colMask = 0xF << (4 * n);
                        int invSig = ~f[curSig] & pattern;
                        int end = n + 4 + i < width ? n + 4 : width - i;
                        for (int j = n; j < end; j++, dp++, colMask <<= 4) {
                            if ((colMask & mbr) == 0) {
                                continue;
                            }
                            int sampleMask = 0x11111111 & colMask;
                            if ((mbr & sampleMask) != 0) {
                                if ((cwd & 1) != 0) {
                                    newSig |= sampleMask;
                                    mbr |= (0x32 << (j * 4)) & invSig;
                                }
                                cwd >>>= 1;
                                cnt++;
                            }
                            sampleMask += sampleMask;
                            if ((mbr & sampleMask) != 0) {
                                if ((cwd & 1) != 0) {
                                    newSig |= sampleMask;
                                    mbr |= (0x74 << (j * 4)) & invSig;
                                }
                                cwd >>>= 1;
                                cnt++;
                            }
                            sampleMask += sampleMask;
                            if ((mbr & sampleMask) != 0) {
                                if ((cwd & 1) != 0) {
                                    newSig |= sampleMask;
                                    mbr |= (0xE8 << (j * 4)) & invSig;
                                }
                                cwd >>>= 1;
                                cnt++;
                            }
                            sampleMask += sampleMask;
                            if ((mbr & sampleMask) != 0) {
                                if ((cwd & 1) != 0) {
                                    newSig |= sampleMask;
                                    mbr |= (0xC0 << (j * 4)) & invSig;
                                }
                                cwd >>>= 1;
                                cnt++;
                            }
                        }
                        // the signs of the samples that became significant
                        if ((newSig & (0xFFFF << (4 * n))) != 0) {
                            int dps = rowStart + i + n;
                            int cm = 0xF << (4 * n);
                            for (int j = n; j < end; j++, dps++, cm <<= 4) {
                                if ((cm & newSig) == 0) {
                                    continue;
                                }
                                int sampleMask = 0x11111111 & cm;
                                for (int r = 0; r < 4; r++, sampleMask += sampleMask) {
                                    if ((newSig & sampleMask) != 0) {
                                        out[dps + r * stride] |= ((cwd & 1) << 31) | val;
                                        cwd >>>= 1;
                                        cnt++;
                                    }
                                }
                            }
                        }
                        sigProp.advance(cnt);
                        if (n == 4) {
                            int t = newSig >>> 28;
                            t |= ((t & 0xE) >>> 1) | ((t & 7) << 1);
                            f[curMbr + 1] |= t & ~f[curSig + 1];
                        }
                    }
                }
                newSig |= f[curSig];
                int ux = (newSig & 0x88888888) >>> 3;
                int tx = ux | (ux << 4) | (ux >>> 4);
                if (i > 0) {
                    f[nxtMbr - 1] |= (ux << 28) & ~f[nxtSig - 1];
                }
                f[nxtMbr] |= tx & ~f[nxtSig];
                f[nxtMbr + 1] |= (ux >>> 28) & ~f[nxtSig + 1];
            }
        }
    }

    /**
     * Reads one sample's magnitude and sign from MagSgn and returns it in OpenJPEG's sign-magnitude form.
     *
     * @param sample 0..3, the sample in the quad (column-major: top-left, bottom-left, top-right, bottom-right)
     */
    private static int magSgnSample(Forward magSgn, int u, int qinf, int sample, int p) {
        int vn = magSgnValue(magSgn, u, qinf, sample);
        return toSample(magSgn.lastSign, vn, p);
    }

    /** Reads m_n bits of MagSgn; returns v_n = 2 (mu - 1) + 1 with e_1 as MSB; leaves the sign in lastSign. */
    private static int magSgnValue(Forward magSgn, int u, int qinf, int sample) {
        int msVal = magSgn.fetch();
        int mn = u - ((qinf >>> (12 + sample)) & 1);
        magSgn.advance(mn);
        magSgn.lastSign = msVal << 31;
        int vn = msVal & ((1 << mn) - 1);
        vn |= ((qinf >>> (8 + sample)) & 1) << mn;
        vn |= 1;
        return vn;
    }

    /** 2 mu + 0.5, shifted up over the missing bit planes, with the sign in bit 31. */
    private static int toSample(int sign, int vn, int p) {
        return sign | ((vn + 2) << (p - 1));
    }

    /** U-VLC of the initial row pair; mode 4 is both u_off set and a MEL event of 1. Returns bits consumed. */
    private static int decodeInitialUvlc(int vlc, int mode, int[] u) {
        int consumed = 0;
        if (mode == 0) {
            u[0] = 1;
            u[1] = 1;
        } else if (mode <= 2) {
            int d = UVLC_PREFIX[vlc & 0x7];
            vlc >>>= d & 0x3;
            consumed += d & 0x3;
            int suffixLen = (d >>> 2) & 0x7;
            consumed += suffixLen;
            d = (d >>> 5) + (vlc & ((1 << suffixLen) - 1));
            u[0] = mode == 1 ? d + 1 : 1;
            u[1] = mode == 1 ? 1 : d + 1;
        } else if (mode == 3) {
            int d1 = UVLC_PREFIX[vlc & 0x7];
            vlc >>>= d1 & 0x3;
            consumed += d1 & 0x3;
            if ((d1 & 0x3) > 2) {
                u[1] = (vlc & 1) + 1 + 1;
                consumed++;
                vlc >>>= 1;
                int suffixLen = (d1 >>> 2) & 0x7;
                consumed += suffixLen;
                d1 = (d1 >>> 5) + (vlc & ((1 << suffixLen) - 1));
                u[0] = d1 + 1;
            } else {
                int d2 = UVLC_PREFIX[vlc & 0x7];
                vlc >>>= d2 & 0x3;
                consumed += d2 & 0x3;
                int suffixLen = (d1 >>> 2) & 0x7;
                consumed += suffixLen;
                d1 = (d1 >>> 5) + (vlc & ((1 << suffixLen) - 1));
                u[0] = d1 + 1;
                vlc >>>= suffixLen;
                suffixLen = (d2 >>> 2) & 0x7;
                consumed += suffixLen;
                d2 = (d2 >>> 5) + (vlc & ((1 << suffixLen) - 1));
                u[1] = d2 + 1;
            }
        } else if (mode == 4) {
            int d1 = UVLC_PREFIX[vlc & 0x7];
            vlc >>>= d1 & 0x3;
            consumed += d1 & 0x3;
            int d2 = UVLC_PREFIX[vlc & 0x7];
            vlc >>>= d2 & 0x3;
            consumed += d2 & 0x3;
            int suffixLen = (d1 >>> 2) & 0x7;
            consumed += suffixLen;
            d1 = (d1 >>> 5) + (vlc & ((1 << suffixLen) - 1));
            u[0] = d1 + 3;
            vlc >>>= suffixLen;
            suffixLen = (d2 >>> 2) & 0x7;
            consumed += suffixLen;
            d2 = (d2 >>> 5) + (vlc & ((1 << suffixLen) - 1));
            u[1] = d2 + 3;
        }
        return consumed;
    }

    /** U-VLC of the later row pairs. Returns bits consumed. */
    private static int decodeNonInitialUvlc(int vlc, int mode, int[] u) {
        int consumed = 0;
        if (mode == 0) {
            u[0] = 1;
            u[1] = 1;
        } else if (mode <= 2) {
            int d = UVLC_PREFIX[vlc & 0x7];
            vlc >>>= d & 0x3;
            consumed += d & 0x3;
            int suffixLen = (d >>> 2) & 0x7;
            consumed += suffixLen;
            d = (d >>> 5) + (vlc & ((1 << suffixLen) - 1));
            u[0] = mode == 1 ? d + 1 : 1;
            u[1] = mode == 1 ? 1 : d + 1;
        } else {
            int d1 = UVLC_PREFIX[vlc & 0x7];
            vlc >>>= d1 & 0x3;
            consumed += d1 & 0x3;
            int d2 = UVLC_PREFIX[vlc & 0x7];
            vlc >>>= d2 & 0x3;
            consumed += d2 & 0x3;
            int suffixLen = (d1 >>> 2) & 0x7;
            consumed += suffixLen;
            d1 = (d1 >>> 5) + (vlc & ((1 << suffixLen) - 1));
            u[0] = d1 + 1;
            vlc >>>= suffixLen;
            suffixLen = (d2 >>> 2) & 0x7;
            consumed += suffixLen;
            d2 = (d2 >>> 5) + (vlc & ((1 << suffixLen) - 1));
            u[1] = d2 + 1;
        }
        return consumed;
    }

    private static int readLittleEndian32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    /**
     * The MEL decoder (T.814 clause 7.1.3): reads the MEL segment forward with bit unstuffing after 0xFF, feeding
     * 0xFF past its end, and keeps up to 8 decoded runs of 7 bits each.
     */
    private static final class Mel {
        byte[] data;
        int pos;
        long tmp;
        int bits;
        int size;
        boolean unstuff;
        int k;
        int numRuns;
        long runs;

        boolean init(byte[] data, int lcup, int scup) {
            this.data = data;
            pos = lcup - scup;
            bits = 0;
            tmp = 0;
            unstuff = false;
            size = scup - 1;
            k = 0;
            numRuns = 0;
            runs = 0;
            int num = 4 - (pos & 0x3);
            for (int i = 0; i < num; i++) {
                if (unstuff && (data[pos] & 0xFF) > 0x8F) {
                    return false;
                }
                long d = size > 0 ? (data[pos] & 0xFF) : 0xFF;
                if (size == 1) {
                    d |= 0xF;
                }
                if (size-- > 0) {
                    pos++;
                }
                int dBits = 8 - (unstuff ? 1 : 0);
                tmp = (tmp << dBits) | d;
                bits += dBits;
                unstuff = (d & 0xFF) == 0xFF;
            }
            tmp <<= 64 - bits;
            return true;
        }

        private void read() {
            if (bits > 32) {
                return;
            }
            int val = 0xFFFFFFFF;
            if (size > 4) {
                val = readLittleEndian32(data, pos);
                pos += 4;
                size -= 4;
            } else if (size > 0) {
                int i = 0;
                while (size > 1) {
                    int v = data[pos++] & 0xFF;
                    int m = ~(0xFF << i);
                    val = (val & m) | (v << i);
                    --size;
                    i += 8;
                }
                // the last byte is shared with the VLC segment: its low nibble belongs to VLC
                int v = (data[pos++] & 0xFF) | 0xF;
                int m = ~(0xFF << i);
                val = (val & m) | (v << i);
                --size;
            }
            int nBits = 32 - (unstuff ? 1 : 0);
            int t = val & 0xFF;
            boolean u = (val & 0xFF) == 0xFF;
            nBits -= u ? 1 : 0;
            t = t << (8 - (u ? 1 : 0));
            t |= (val >>> 8) & 0xFF;
            u = ((val >>> 8) & 0xFF) == 0xFF;
            nBits -= u ? 1 : 0;
            t = t << (8 - (u ? 1 : 0));
            t |= (val >>> 16) & 0xFF;
            u = ((val >>> 16) & 0xFF) == 0xFF;
            nBits -= u ? 1 : 0;
            t = t << (8 - (u ? 1 : 0));
            t |= (val >>> 24) & 0xFF;
            unstuff = ((val >>> 24) & 0xFF) == 0xFF;
            tmp |= (t & 0xFFFFFFFFL) << (64 - nBits - bits);
            bits += nBits;
        }

        private void decodeRuns() {
            if (bits < 6) {
                read();
            }
            while (bits >= 6 && numRuns < 8) {
                int eval = MEL_EXPONENT[k];
                int run;
                if (tmp < 0) {
                    run = (1 << eval) - 1;
                    k = Math.min(k + 1, 12);
                    tmp <<= 1;
                    bits -= 1;
                    run = run << 1;
                } else {
                    run = (int) (tmp >>> (63 - eval)) & ((1 << eval) - 1);
                    k = Math.max(k - 1, 0);
                    tmp <<= eval + 1;
                    bits -= eval + 1;
                    run = (run << 1) + 1;
                }
                int shift = numRuns * 7;
                runs &= ~(0x3FL << shift);
                runs |= ((long) run) << shift;
                numRuns++;
            }
        }

        int getRun() {
            if (numRuns == 0) {
                decodeRuns();
            }
            int t = (int) (runs & 0x7F);
            runs >>>= 7;
            numRuns--;
            return t;
        }
    }

    /**
     * A reader of a segment that grows backward (VLC, MagRef), unstuffing a 0x7F that follows a byte above 0x8F.
     * Past the segment's start it feeds zeros.
     */
    private static final class Backward {
        byte[] data;
        int pos;
        long tmp;
        int bits;
        int size;
        boolean unstuff;

        /** VLC: starts 2 bytes before the cleanup segment's end, skipping the 12 bits of Scup. */
        void initVlc(byte[] data, int lcup, int scup) {
            this.data = data;
            pos = lcup - 2;
            size = scup - 2;
            int d = data[pos--] & 0xFF;
            tmp = d >>> 4;
            bits = 4 - ((tmp & 7) == 7 ? 1 : 0);
            unstuff = (d | 0xF) > 0x8F;
            int num = 1 + (pos & 0x3);
            int tnum = Math.min(num, size);
            for (int i = 0; i < tnum; i++) {
                long b = data[pos--] & 0xFF;
                int dBits = 8 - ((unstuff && ((b & 0x7F) == 0x7F)) ? 1 : 0);
                tmp |= b << bits;
                bits += dBits;
                unstuff = b > 0x8F;
            }
            size -= Math.max(tnum, 0);
            read();
        }

        /** MagRef: starts at the refinement segment's last byte, with unstuffing armed. */
        void initMagRef(byte[] data, int lcup, int len2) {
            this.data = data;
            pos = lcup + len2 - 1;
            size = len2;
            unstuff = true;
            bits = 0;
            tmp = 0;
            int num = 1 + (pos & 0x3);
            for (int i = 0; i < num; i++) {
                long b = size-- > 0 ? (data[pos--] & 0xFF) : 0;
                int dBits = 8 - ((unstuff && ((b & 0x7F) == 0x7F)) ? 1 : 0);
                tmp |= b << bits;
                bits += dBits;
                unstuff = b > 0x8F;
            }
            read();
        }

        void read() {
            if (bits > 32) {
                return;
            }
            int val = 0;
            if (size > 3) {
                val = readLittleEndian32(data, pos - 3);
                pos -= 4;
                size -= 4;
            } else if (size > 0) {
                int i = 24;
                while (size > 0) {
                    int v = data[pos--] & 0xFF;
                    val |= v << i;
                    --size;
                    i -= 8;
                }
            }
            int t = val >>> 24;
            int nBits = 8 - ((unstuff && (((val >>> 24) & 0x7F) == 0x7F)) ? 1 : 0);
            boolean u = (val >>> 24) > 0x8F;
            t |= ((val >>> 16) & 0xFF) << nBits;
            nBits += 8 - ((u && (((val >>> 16) & 0x7F) == 0x7F)) ? 1 : 0);
            u = ((val >>> 16) & 0xFF) > 0x8F;
            t |= ((val >>> 8) & 0xFF) << nBits;
            nBits += 8 - ((u && (((val >>> 8) & 0x7F) == 0x7F)) ? 1 : 0);
            u = ((val >>> 8) & 0xFF) > 0x8F;
            t |= (val & 0xFF) << nBits;
            nBits += 8 - ((u && ((val & 0x7F) == 0x7F)) ? 1 : 0);
            u = (val & 0xFF) > 0x8F;
            tmp |= (t & 0xFFFFFFFFL) << bits;
            bits += nBits;
            unstuff = u;
        }

        int fetch() {
            if (bits < 32) {
                read();
                if (bits < 32) {
                    read();
                }
            }
            return (int) tmp;
        }

        int advance(int numBits) {
            tmp >>>= numBits;
            bits -= numBits;
            return (int) tmp;
        }

    }

    /**
     * A reader of a segment that grows forward (MagSgn, SigProp), dropping the MSB of a byte that follows 0xFF.
     * Past the segment's end it feeds {@code filler} (0xFF for MagSgn, 0 for SigProp).
     */
    private static final class Forward {
        byte[] data;
        int pos;
        long tmp;
        int bits;
        boolean unstuff;
        int size;
        int filler;
        /** The sign bit (in bit 31) of the last sample magSgnValue read. */
        int lastSign;

        void init(byte[] data, int start, int size, int filler) {
            this.data = data;
            pos = start;
            tmp = 0;
            bits = 0;
            unstuff = false;
            this.size = size;
            this.filler = filler;
            int num = 4 - (pos & 0x3);
            for (int i = 0; i < num; i++) {
                long d = this.size-- > 0 ? (data[pos++] & 0xFF) : filler;
                tmp |= d << bits;
                bits += 8 - (unstuff ? 1 : 0);
                unstuff = (d & 0xFF) == 0xFF;
            }
            read();
        }

        private void read() {
            int val;
            if (size > 3) {
                val = readLittleEndian32(data, pos);
                pos += 4;
                size -= 4;
            } else if (size > 0) {
                int i = 0;
                val = filler != 0 ? 0xFFFFFFFF : 0;
                while (size > 0) {
                    int v = data[pos++] & 0xFF;
                    int m = ~(0xFF << i);
                    val = (val & m) | (v << i);
                    --size;
                    i += 8;
                }
            } else {
                val = filler != 0 ? 0xFFFFFFFF : 0;
            }
            int nBits = 8 - (unstuff ? 1 : 0);
            int t = val & 0xFF;
            boolean u = (val & 0xFF) == 0xFF;
            t |= ((val >>> 8) & 0xFF) << nBits;
            nBits += 8 - (u ? 1 : 0);
            u = ((val >>> 8) & 0xFF) == 0xFF;
            t |= ((val >>> 16) & 0xFF) << nBits;
            nBits += 8 - (u ? 1 : 0);
            u = ((val >>> 16) & 0xFF) == 0xFF;
            t |= ((val >>> 24) & 0xFF) << nBits;
            nBits += 8 - (u ? 1 : 0);
            unstuff = ((val >>> 24) & 0xFF) == 0xFF;
            tmp |= (t & 0xFFFFFFFFL) << bits;
            bits += nBits;
        }

        int fetch() {
            if (bits < 32) {
                read();
                if (bits < 32) {
                    read();
                }
            }
            return (int) tmp;
        }

        void advance(int numBits) {
            tmp >>>= numBits;
            bits -= numBits;
        }
    }
}
