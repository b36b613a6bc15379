package org.radmamba.viewer.dicom.codec;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JPEG-LS (ITU-T T.87) lossless and near-lossless, 2 to 16 bits, one or three components, interleave modes
 * none, line and sample, default or LSE-preset coding parameters. Written here because Maven Central has no
 * pure-Java JPEG-LS decoder; the context modelling follows T.87 Annex A and, where the standard leaves room
 * (sample-interleaved run interruption), CharLS, the reference implementation that DICOM encoders use.
 */
final class JpegLsDecoder implements FrameDecoder {

    @Override
    public Set<String> transferSyntaxes() {
        return Set.of(TransferSyntax.JPEG_LS_LOSSLESS, TransferSyntax.JPEG_LS_NEAR_LOSSLESS);
    }

    @Override
    public DecodedFrame decode(byte[] encoded, FrameFormat format) throws CodecException {
        return new Stream(encoded, format).decode();
    }

    private record GradientKey(int maxVal, int near, int t1, int t2, int t3) {
    }

    /** Gradient tables by coding parameters: a series shares one, so it is built once, not per frame. */
    private static final Map<GradientKey, byte[]> GRADIENT_LEVELS = new ConcurrentHashMap<>();

    private static final class Stream {
        private final byte[] data;
        private final FrameFormat format;
        private int pos;

        private int precision;
        private int[] componentIds;
        private boolean[] componentDecoded;
        private FrameBuffer out;
        private int presetMaxVal;
        private int presetT1;
        private int presetT2;
        private int presetT3;
        private int presetReset;

        Stream(byte[] data, FrameFormat format) {
            this.data = data;
            this.format = format;
        }

        DecodedFrame decode() throws CodecException {
            if (data.length < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
                throw new CodecException("JPEG-LS frame does not start with an SOI marker: the data is not JPEG-LS");
            }
            pos = 2;
            boolean ended = false;
            while (!ended) {
                int marker = nextMarker();
                switch (marker) {
                    case -1, 0xD9 -> ended = true;
                    case 0xF7 -> readFrameHeader();
                    case 0xF8 -> readPresetParameters();
                    case 0xDA -> decodeScan();
                    case 0xDD -> {
                        int start = segment(4);
                        if (u16(start + 2) != 0) {
                            throw new CodecException("JPEG-LS data uses restart intervals, which RadMamba does not decode");
                        }
                    }
                    case 0xE8 -> refuseColourTransform();
                    case 0xC0, 0xC1, 0xC2, 0xC3 -> throw new CodecException(
                            "JPEG-LS frame holds a T.81 JPEG frame header instead of a JPEG-LS one");
                    default -> segment(2);
                }
            }
            if (out == null) {
                throw new CodecException("JPEG-LS data ends before any image data was found: the data is truncated");
            }
            for (int c = 0; c < componentDecoded.length; c++) {
                if (!componentDecoded[c]) {
                    throw new CodecException("JPEG-LS data ends before component " + componentIds[c]
                            + " was decoded: the data is truncated");
                }
            }
            return new DecodedFrame(out.samples(), format.photometricInterpretation());
        }

        private int nextMarker() throws CodecException {
            int next = JpegMarkers.pastNextMarker(data, pos, "JPEG-LS");
            pos = Math.max(pos, next);
            return next < 0 ? -1 : data[next - 1] & 0xFF;
        }

        /** Checks the segment length at {@code pos} and returns its start (the length field). */
        private int segment(int minimumLength) throws CodecException {
            int start = pos;
            pos += JpegMarkers.segmentLength(data, pos, minimumLength, "JPEG-LS");
            return start;
        }

        private int u16(int at) {
            return JpegMarkers.u16(data, at);
        }

        /** HP's colour transforms (APP8 "mrfx"), an extension CharLS can write; DICOM does not allow them. */
        private void refuseColourTransform() throws CodecException {
            int start = segment(2);
            if (u16(start) >= 7 && data[start + 2] == 'm' && data[start + 3] == 'r' && data[start + 4] == 'f'
                    && data[start + 5] == 'x' && data[start + 6] != 0) {
                throw new CodecException("JPEG-LS data uses HP colour transform " + data[start + 6]
                        + ", which DICOM does not allow and RadMamba does not decode");
            }
        }

        private void readFrameHeader() throws CodecException {
            if (out != null) {
                throw new CodecException("JPEG-LS data holds a second frame header at byte " + (pos - 2));
            }
            int start = segment(8);
            precision = data[start + 2] & 0xFF;
            int height = u16(start + 3);
            int width = u16(start + 5);
            int count = data[start + 7] & 0xFF;
            if (precision < 2 || precision > 16 || precision > format.bitsAllocated()) {
                throw new CodecException("JPEG-LS frame declares " + precision + "-bit samples, which do not fit "
                        + format.bitsAllocated() + " allocated bits");
            }
            if (height != format.rows() || width != format.columns()) {
                throw new CodecException("JPEG-LS frame is " + width + "x" + height + " but the dataset declares "
                        + format.columns() + "x" + format.rows());
            }
            if (count != format.samplesPerPixel() || u16(start) != 8 + 3 * count) {
                throw new CodecException("JPEG-LS frame has " + count + " components but the dataset declares "
                        + format.samplesPerPixel() + " samples per pixel");
            }
            componentIds = new int[count];
            componentDecoded = new boolean[count];
            for (int i = 0; i < count; i++) {
                int p = start + 8 + 3 * i;
                componentIds[i] = data[p] & 0xFF;
                if ((data[p + 1] & 0xFF) != 0x11) {
                    throw new CodecException("JPEG-LS component " + componentIds[i] + " is subsampled, which RadMamba does not decode");
                }
            }
            out = FrameBuffer.allocate(format, "JPEG-LS");
        }

        private void readPresetParameters() throws CodecException {
            int start = segment(3);
            int id = data[start + 2] & 0xFF;
            if (id != 1) {
                throw new CodecException("JPEG-LS data uses " + (id == 2 || id == 3 ? "mapping tables" : "extended dimensions")
                        + " (LSE id " + id + "), which RadMamba does not decode");
            }
            if (u16(start) != 13) {
                throw new CodecException("JPEG-LS coding parameters segment has length " + u16(start) + " instead of 13");
            }
            presetMaxVal = u16(start + 3);
            presetT1 = u16(start + 5);
            presetT2 = u16(start + 7);
            presetT3 = u16(start + 9);
            presetReset = u16(start + 11);
        }

        private void decodeScan() throws CodecException {
            if (out == null) {
                throw new CodecException("JPEG-LS scan at byte " + (pos - 2) + " comes before the frame header");
            }
            int start = segment(6);
            int count = data[start + 2] & 0xFF;
            if (count < 1 || count > componentIds.length || u16(start) != 6 + 2 * count) {
                throw new CodecException("JPEG-LS scan header at byte " + start + " declares " + count
                        + " components, which does not match the frame or its own length");
            }
            int[] indexes = new int[count];
            for (int i = 0; i < count; i++) {
                int id = data[start + 3 + 2 * i] & 0xFF;
                indexes[i] = -1;
                for (int c = 0; c < componentIds.length; c++) {
                    if (componentIds[c] == id) {
                        indexes[i] = c;
                    }
                }
                if (indexes[i] < 0) {
                    throw new CodecException("JPEG-LS scan names component " + id + ", which the frame does not declare");
                }
                if (data[start + 4 + 2 * i] != 0) {
                    throw new CodecException("JPEG-LS scan uses a mapping table, which RadMamba does not decode");
                }
            }
            int p = start + 3 + 2 * count;
            int near = data[p] & 0xFF;
            int interleave = data[p + 1] & 0xFF;
            int pointTransform = data[p + 2] & 0x0F;
            if (pointTransform != 0) {
                throw new CodecException("JPEG-LS scan uses a point transform, which RadMamba does not decode");
            }
            if (interleave > 2 || (interleave == 0 && count != 1) || (interleave != 0 && count == 1 && componentIds.length > 1)) {
                throw new CodecException("JPEG-LS scan declares interleave mode " + interleave + " for " + count
                        + " components, which T.87 does not allow");
            }
            int maxVal = presetMaxVal != 0 ? presetMaxVal : (1 << precision) - 1;
            int[] standard = thresholds(ScanDecoder.defaultThresholds(maxVal, near));
            int[] charLs1 = thresholds(ScanDecoder.charLs1Thresholds(maxVal, near));
            if (!Arrays.equals(standard, charLs1)) {
                decodeEitherThresholds(standard, charLs1, near, interleave, indexes);
            } else {
                int scanStart = pos;
                try {
                    decodeInto(out, standard, near, interleave, indexes);
                } catch (CodecException notByStandard) {
                    pos = scanStart;
                    if (!decodesExactlyAsJai(standard, maxVal, near, interleave, indexes)) {
                        throw notByStandard;
                    }
                }
            }
            for (int c : indexes) {
                componentDecoded[c] = true;
            }
        }

        /**
         * Whether the scan at {@code pos}, which T.87's default thresholds could not decode, decodes with JAI Image
         * I/O's to exactly the end of its data (into {@code out}; on false, {@code out} holds garbage and the caller
         * refuses the frame). JAI's encoder (dcm4che2, dcm4chee 2 archives) computed the defaults above 12 bits
         * without T.87's clamp of MAXVAL to 4095 and wrote no LSE segment; dcm4che patches such streams
         * (PatchJPEGLS.JAI2ISO). Tried only after T.87's thresholds failed, so that the common 16-bit frame is decoded
         * once.
         */
        private boolean decodesExactlyAsJai(int[] standard, int maxVal, int near, int interleave, int[] indexes) {
            int[] jai = thresholds(ScanDecoder.jaiThresholds(maxVal));
            if (precision <= 12 || near != 0 || Arrays.equals(jai, standard)) {
                return false;
            }
            try {
                return decodeInto(out, jai, near, interleave, indexes) < 8;
            } catch (CodecException notByJai) {
                return false;
            }
        }

        /** The scan's thresholds T1, T2, T3: those preset by an LSE segment, the others {@code defaults}. */
        private int[] thresholds(int[] defaults) {
            return new int[] {presetT1 != 0 ? presetT1 : defaults[0], presetT2 != 0 ? presetT2 : defaults[1],
                    presetT3 != 0 ? presetT3 : defaults[2]};
        }

        /**
         * Decodes the scan at {@code pos} into {@code into} with {@code thresholds}, moves past it and returns the
         * bits of coded data it left before the next marker; more than 16 bytes left are corrupt codes.
         */
        private int decodeInto(FrameBuffer into, int[] thresholds, int near, int interleave, int[] indexes)
                throws CodecException {
            ScanDecoder scan = decodeScanData(thresholds, near, interleave, indexes, into);
            pos = scan.bits.position();
            skipToMarker();
            JpegDecoder.failOnUnreadScanData(pos - scan.bits.position(), "JPEG-LS");
            return scan.bits.bufferedDataBits() + 8 * (pos - scan.bits.position());
        }

        private ScanDecoder decodeScanData(int[] thresholds, int near, int interleave, int[] indexes, FrameBuffer into)
                throws CodecException {
            ScanDecoder scan = new ScanDecoder(new JpegLsBitReader(data, pos), near, format.columns(), format.rows(),
                    thresholds);
            if (interleave == 2) {
                scan.decodeSampleInterleaved(indexes, componentIds.length, into);
            } else {
                scan.decodeLineInterleaved(indexes, componentIds.length, into);
            }
            return scan;
        }

        /**
         * A scan whose samples are at most 127 (MAXVAL < 128) and whose thresholds are not all preset: T.87
         * C.2.4.1.1 gives it defaults of its own, but CharLS until its fix of team-charls/charls#51 (2019; the copies
         * in DCMTK 3.6 and GDCM 2 among them) computed them as for MAXVAL >= 128 and wrote no LSE segment saying so.
         * The same bits then decode two ways, and the wrong one can run to the end of the scan without an error (a
         * 7-bit near-lossless image from dcmcjpls did, to samples up to 106 off). So the scan is decoded with both:
         * the one whose coded data ends where the scan ends is the encoder's; where both or neither do and their
         * samples differ, the scan is refused rather than guessed.
         */
        private void decodeEitherThresholds(int[] standard, int[] charLs1, int near, int interleave, int[] indexes)
                throws CodecException {
            int start = pos;
            Attempt byStandard = attempt(standard, near, interleave, indexes, start);
            Attempt byCharLs1 = attempt(charLs1, near, interleave, indexes, start);
            Attempt chosen;
            if (byStandard.exact() != byCharLs1.exact()) {
                chosen = byStandard.exact() ? byStandard : byCharLs1;
            } else if (byStandard.failure() == null && byCharLs1.failure() == null
                    && byStandard.sameComponents(byCharLs1, indexes, componentIds.length)) {
                chosen = byStandard;
            } else if (byStandard.failure() != null && byCharLs1.failure() != null) {
                throw byStandard.failure();
            } else {
                throw new CodecException("JPEG-LS scan of " + precision + "-bit samples without preset thresholds "
                        + "decodes to two different images (with T.87's default thresholds and with old CharLS "
                        + "encoders'); it is refused rather than guessed");
            }
            chosen.buffer().copyComponents(out, indexes, componentIds.length);
            pos = chosen.end();
        }

        private Attempt attempt(int[] thresholds, int near, int interleave, int[] indexes, int start)
                throws CodecException {
            FrameBuffer trial = FrameBuffer.scratch(format, "JPEG-LS");
            pos = start;
            try {
                int leftover = decodeInto(trial, thresholds, near, interleave, indexes);
                return new Attempt(trial, null, leftover, pos);
            } catch (CodecException e) {
                return new Attempt(trial, e, Integer.MAX_VALUE, start);
            }
        }

        /** One way of decoding an ambiguous scan: its samples, or why it failed, and how much coded data it left. */
        private record Attempt(FrameBuffer buffer, CodecException failure, int leftoverBits, int end) {
            /** Ended where the scan's data ends: at most the last byte's padding bits left. */
            boolean exact() {
                return failure == null && leftoverBits < 8;
            }

            boolean sameComponents(Attempt other, int[] indexes, int componentCount) {
                return buffer.sameComponents(other.buffer, indexes, componentCount);
            }
        }

        private void skipToMarker() {
            while (pos + 1 < data.length && !((data[pos] & 0xFF) == 0xFF && (data[pos + 1] & 0x80) != 0
                    && (data[pos + 1] & 0xFF) != 0xFF)) {
                pos++;
            }
            if (pos + 1 >= data.length) {
                pos = data.length;
            }
        }

        /** Coding parameters and context state of one scan (T.87 A.2). */
        private final class ScanDecoder {
            private static final int[] J = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9,
                    10, 11, 12, 13, 14, 15};
            private static final int RUN_CONTEXT = 365;

            final JpegLsBitReader bits;
            private final int near;
            private final int width;
            private final int height;
            private final int maxVal;
            private final int range;
            private final int qbpp;
            private final int limit;
            private final int t1;
            private final int t2;
            private final int t3;
            private final int reset;
            private final int step;
            private final int[] a = new int[367];
            private final int[] b = new int[367];
            private final int[] c = new int[367];
            private final int[] n = new int[367];
            private final int[] nn = new int[2];
            private int runIndex;
            private final byte[] gradientLevels;

            ScanDecoder(JpegLsBitReader bits, int near, int width, int height, int[] thresholds)
                    throws CodecException {
                this.bits = bits;
                this.near = near;
                this.width = width;
                this.height = height;
                maxVal = presetMaxVal != 0 ? presetMaxVal : (1 << precision) - 1;
                if (maxVal >= 1 << format.bitsAllocated() || maxVal >= 1 << 16) {
                    throw new CodecException("JPEG-LS maximum sample value " + maxVal + " does not fit "
                            + format.bitsAllocated() + " allocated bits");
                }
                if (near > Math.min(255, maxVal / 2)) {
                    throw new CodecException("JPEG-LS scan declares NEAR=" + near + ", above the allowed "
                            + Math.min(255, maxVal / 2));
                }
                step = 2 * near + 1;
                range = (maxVal + 2 * near) / step + 1;
                qbpp = bitLength(range);
                int bpp = Math.max(2, bitLength(maxVal + 1));
                limit = 2 * (bpp + Math.max(8, bpp));
                t1 = thresholds[0];
                t2 = thresholds[1];
                t3 = thresholds[2];
                reset = presetReset != 0 ? presetReset : 64;
                gradientLevels = gradientLevels();
                Arrays.fill(a, Math.max(2, (range + 32) >> 6));
                Arrays.fill(n, 1);
            }

            /** ceil(log2(value)). */
            private static int bitLength(int value) {
                return 32 - Integer.numberOfLeadingZeros(value - 1);
            }

            /** T.87 C.2.4.1.1.1's default thresholds. */
            static int[] defaultThresholds(int maxVal, int near) {
                int t1;
                int t2;
                int t3;
                if (maxVal >= 128) {
                    int factor = (Math.min(maxVal, 4095) + 128) >> 8;
                    t1 = clampThreshold(factor * (3 - 2) + 2 + 3 * near, near + 1, maxVal);
                    t2 = clampThreshold(factor * (7 - 3) + 3 + 5 * near, t1, maxVal);
                    t3 = clampThreshold(factor * (21 - 4) + 4 + 7 * near, t2, maxVal);
                } else {
                    int factor = 256 / (maxVal + 1);
                    t1 = clampThreshold(Math.max(2, 3 / factor + 3 * near), near + 1, maxVal);
                    t2 = clampThreshold(Math.max(3, 7 / factor + 5 * near), t1, maxVal);
                    t3 = clampThreshold(Math.max(4, 21 / factor + 7 * near), t2, maxVal);
                }
                return new int[] {t1, t2, t3};
            }

            /**
             * The defaults CharLS computed until team-charls/charls#51 was fixed (2019): T.87's formula for
             * MAXVAL >= 128 at every MAXVAL (for MAXVAL < 128 its FACTOR is 0). Streams its encoders wrote for 2- to
             * 7-bit samples without an LSE segment follow these.
             */
            static int[] charLs1Thresholds(int maxVal, int near) {
                int factor = (Math.min(maxVal, 4095) + 128) >> 8;
                int t1 = clampThreshold(factor * (3 - 2) + 2 + 3 * near, near + 1, maxVal);
                int t2 = clampThreshold(factor * (7 - 3) + 3 + 5 * near, t1, maxVal);
                int t3 = clampThreshold(factor * (21 - 4) + 4 + 7 * near, t2, maxVal);
                return new int[] {t1, t2, t3};
            }

            /**
             * JAI Image I/O's lossless defaults above 12 bits: T.87's formula with FACTOR from MAXVAL itself, not
             * from min(MAXVAL, 4095) (dcm4che's JPEGLSCodingParam.getJAIJPEGLSCodingParam).
             */
            static int[] jaiThresholds(int maxVal) {
                int factor = (maxVal + 128) >> 8;
                int t1 = clampThreshold(factor * (3 - 2) + 2, 1, maxVal);
                int t2 = clampThreshold(factor * (7 - 3) + 3, t1, maxVal);
                int t3 = clampThreshold(factor * (21 - 4) + 4, t2, maxVal);
                return new int[] {t1, t2, t3};
            }

            private static int clampThreshold(int value, int low, int maxVal) {
                return value > maxVal || value < low ? low : value;
            }

            /** Interleave modes none (one component) and line: lines of each component in turn. */
            void decodeLineInterleaved(int[] components, int frameComponents, FrameBuffer out) throws CodecException {
                int count = components.length;
                int[][] previous = new int[count][width + 2];
                int[][] current = new int[count][width + 2];
                int[] runIndexes = new int[count];
                for (int y = 0; y < height; y++) {
                    for (int i = 0; i < count; i++) {
                        runIndex = runIndexes[i];
                        int[] prev = previous[i];
                        int[] curr = current[i];
                        decodeLine(prev, curr);
                        runIndexes[i] = runIndex;
                        out.store(y * width * frameComponents + components[i], frameComponents, curr, 1, width);
                        previous[i] = curr;
                        current[i] = prev;
                    }
                    failIfTruncated();
                }
            }

            private void failIfTruncated() throws CodecException {
                if (bits.ranPastEnd()) {
                    throw new CodecException("JPEG-LS scan ends before the image is complete: the data is truncated");
                }
            }

            private void decodeLine(int[] prev, int[] curr) throws CodecException {
                prev[width + 1] = prev[width];
                curr[0] = prev[1];
                int i = 1;
                while (i <= width) {
                    int ra = curr[i - 1];
                    int rb = prev[i];
                    int rc = prev[i - 1];
                    int rd = prev[i + 1];
                    int q = context(rd - rb, rb - rc, rc - ra);
                    if (q == 0) {
                        i = decodeRun(prev, curr, i, ra);
                    } else {
                        curr[i] = decodeRegular(q, ra, rb, rc);
                        i++;
                    }
                }
            }

            private int context(int d1, int d2, int d3) {
                int offset = maxVal;
                return 81 * gradientLevels[d1 + offset] + 9 * gradientLevels[d2 + offset] + gradientLevels[d3 + offset];
            }

            /** The quantized level of every possible gradient -MAXVAL..MAXVAL, for a table lookup per sample. */
            private byte[] gradientLevels() {
                GradientKey key = new GradientKey(maxVal, near, t1, t2, t3);
                byte[] levels = GRADIENT_LEVELS.get(key);
                if (levels == null) {
                    levels = new byte[2 * maxVal + 1];
                    for (int d = -maxVal; d <= maxVal; d++) {
                        levels[d + maxVal] = (byte) quantize(d);
                    }
                    if (GRADIENT_LEVELS.size() > 32) {
                        GRADIENT_LEVELS.clear();
                    }
                    GRADIENT_LEVELS.put(key, levels);
                }
                return levels;
            }

            private int quantize(int d) {
                if (d <= -t3) {
                    return -4;
                } else if (d <= -t2) {
                    return -3;
                } else if (d <= -t1) {
                    return -2;
                } else if (d < -near) {
                    return -1;
                } else if (d <= near) {
                    return 0;
                } else if (d < t1) {
                    return 1;
                } else if (d < t2) {
                    return 2;
                } else if (d < t3) {
                    return 3;
                }
                return 4;
            }

            private int decodeRegular(int signedContext, int ra, int rb, int rc) throws CodecException {
                int sign = signedContext < 0 ? -1 : 1;
                int q = signedContext * sign;
                int px;
                if (rc >= Math.max(ra, rb)) {
                    px = Math.min(ra, rb);
                } else if (rc <= Math.min(ra, rb)) {
                    px = Math.max(ra, rb);
                } else {
                    px = ra + rb - rc;
                }
                px += sign * c[q];
                px = px < 0 ? 0 : Math.min(px, maxVal);
                int k = golombParameter(n[q], a[q]);
                int mapped = decodeMapped(k, limit);
                if (near == 0 && k == 0 && 2 * b[q] <= -n[q]) {
                    mapped ^= 1;
                }
                int error = (mapped >>> 1) ^ -(mapped & 1);
                updateRegular(q, error);
                return reconstruct(px + sign * error * step);
            }

            /** The smallest k with count·2^k ≥ sum (T.87 A.5.1), starting from the difference of their magnitudes. */
            private static int golombParameter(int count, int sum) {
                if (count >= sum) {
                    return 0;
                }
                int k = Math.max(0, Integer.numberOfLeadingZeros(count) - Integer.numberOfLeadingZeros(sum) - 1);
                while ((count << k) < sum && k < 24) {
                    k++;
                }
                return k;
            }

            /** A limited-length Golomb code (T.87 A.5.3). */
            private int decodeMapped(int k, int codeLimit) throws CodecException {
                int maxPrefix = codeLimit - qbpp - 1;
                int prefix = bits.readUnary(maxPrefix);
                if (prefix < maxPrefix) {
                    return (prefix << k) | bits.readBits(k);
                }
                if (prefix == maxPrefix) {
                    return bits.readBits(qbpp) + 1;
                }
                if (bits.ranPastEnd()) {
                    throw new CodecException("JPEG-LS scan ends before the image is complete: the data is truncated");
                }
                throw new CodecException("JPEG-LS scan holds a Golomb code longer than its limit of " + codeLimit
                        + " bits: the data is corrupt");
            }

            private void updateRegular(int q, int error) {
                b[q] += error * step;
                a[q] += Math.abs(error);
                if (n[q] == reset) {
                    a[q] >>= 1;
                    b[q] >>= 1;
                    n[q] >>= 1;
                }
                n[q]++;
                if (b[q] <= -n[q]) {
                    b[q] += n[q];
                    if (c[q] > -128) {
                        c[q]--;
                    }
                    if (b[q] <= -n[q]) {
                        b[q] = -n[q] + 1;
                    }
                } else if (b[q] > 0) {
                    b[q] -= n[q];
                    if (c[q] < 127) {
                        c[q]++;
                    }
                    if (b[q] > 0) {
                        b[q] = 0;
                    }
                }
            }

            private int reconstruct(int value) {
                if (value < -near) {
                    value += range * step;
                } else if (value > maxVal + near) {
                    value -= range * step;
                }
                return value < 0 ? 0 : Math.min(value, maxVal);
            }

            /**
             * The length of a run of samples equal (within NEAR) to the left one, starting at index {@code start} of
             * a line of {@code width} (T.87 A.7.1). Returns the run length; {@code runEndsLine[0]} tells whether
             * it reaches the end of the line (then no interruption sample follows).
             */
            private int decodeRunLength(int start, boolean[] runEndsLine) throws CodecException {
                int remaining = width - start + 1;
                int count = 0;
                while (bits.readBit() == 1) {
                    int full = 1 << J[runIndex];
                    int chunk = Math.min(full, remaining - count);
                    count += chunk;
                    if (chunk == full && runIndex < 31) {
                        runIndex++;
                    }
                    if (count == remaining) {
                        runEndsLine[0] = true;
                        return count;
                    }
                }
                count += bits.readBits(J[runIndex]);
                if (count >= remaining) {
                    throw new CodecException("JPEG-LS run of " + count + " samples runs past the end of its line: the data is corrupt");
                }
                runEndsLine[0] = false;
                return count;
            }

            private final boolean[] runEndsLine = new boolean[1];

            private int decodeRun(int[] prev, int[] curr, int start, int ra) throws CodecException {
                int length = decodeRunLength(start, runEndsLine);
                Arrays.fill(curr, start, start + length, ra);
                int i = start + length;
                if (runEndsLine[0]) {
                    return i;
                }
                int rb = prev[i];
                curr[i] = decodeInterruption(ra, rb, Math.abs(ra - rb) <= near ? 1 : 0);
                if (runIndex > 0) {
                    runIndex--;
                }
                return i + 1;
            }

            /** The sample that ends a run (T.87 A.7.2). */
            private int decodeInterruption(int ra, int rb, int type) throws CodecException {
                int q = RUN_CONTEXT + type;
                int temp = type == 0 ? a[q] : a[q] + (n[q] >> 1);
                int k = golombParameter(n[q], temp);
                int mapped = decodeMapped(k, limit - J[runIndex] - 1);
                int t = mapped + type;
                int map = t & 1;
                int magnitude = (t + map) >> 1;
                boolean positiveWhenMapped = k == 0 && 2 * nn[type] < n[q];
                int error = (map == 1) != positiveWhenMapped ? -magnitude : magnitude;
                if (error < 0) {
                    nn[type]++;
                }
                a[q] += (mapped + 1 - type) >> 1;
                if (n[q] == reset) {
                    a[q] >>= 1;
                    n[q] >>= 1;
                    nn[type] >>= 1;
                }
                n[q]++;
                int px = type == 1 ? ra : rb;
                int sign = type == 0 && ra > rb ? -1 : 1;
                return reconstruct(px + sign * error * step);
            }

            /** Interleave mode sample: all components of a pixel in turn, one run state for the pixel. */
            void decodeSampleInterleaved(int[] components, int frameComponents, FrameBuffer out) throws CodecException {
                int count = components.length;
                int[][] previous = new int[count][width + 2];
                int[][] current = new int[count][width + 2];
                int[] contexts = new int[count];
                for (int y = 0; y < height; y++) {
                    for (int ci = 0; ci < count; ci++) {
                        int[] prev = previous[ci];
                        prev[width + 1] = prev[width];
                        current[ci][0] = prev[1];
                    }
                    int i = 1;
                    while (i <= width) {
                        boolean allFlat = true;
                        for (int ci = 0; ci < count; ci++) {
                            int[] prev = previous[ci];
                            int ra = current[ci][i - 1];
                            contexts[ci] = context(prev[i + 1] - prev[i], prev[i] - prev[i - 1], prev[i - 1] - ra);
                            allFlat &= contexts[ci] == 0;
                        }
                        if (!allFlat) {
                            for (int ci = 0; ci < count; ci++) {
                                int[] prev = previous[ci];
                                int[] curr = current[ci];
                                curr[i] = decodeRegular(contexts[ci], curr[i - 1], prev[i], prev[i - 1]);
                            }
                            i++;
                            continue;
                        }
                        int length = decodeRunLength(i, runEndsLine);
                        for (int ci = 0; ci < count; ci++) {
                            int[] curr = current[ci];
                            Arrays.fill(curr, i, i + length, curr[i - 1]);
                        }
                        i += length;
                        if (!runEndsLine[0]) {
                            for (int ci = 0; ci < count; ci++) {
                                int[] curr = current[ci];
                                curr[i] = decodeInterruption(curr[i - 1], previous[ci][i], 0);
                            }
                            if (runIndex > 0) {
                                runIndex--;
                            }
                            i++;
                        }
                    }
                    for (int ci = 0; ci < count; ci++) {
                        out.store(y * width * frameComponents + components[ci], frameComponents, current[ci], 1, width);
                        int[] swap = previous[ci];
                        previous[ci] = current[ci];
                        current[ci] = swap;
                    }
                    failIfTruncated();
                }
            }
        }
    }
}
