package org.radmamba.viewer.dicom.codec;

import java.util.Arrays;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * JPEG (ITU-T T.81), non-hierarchical, in one marker parser: baseline (process 1), extended sequential with 8 or
 * 12-bit samples, Huffman or arithmetic coded (processes 2–5), progressive with spectral selection and successive
 * approximation, Huffman or arithmetic coded (processes 6–13), and lossless, Huffman or arithmetic coded (processes
 * 14 and 15, predictors 1–7, point transform). The DCT processes use libjpeg's integer IDCT ({@link JpegIdct}), so pixels equal libjpeg's.
 * Written here because neither the JDK (no 12-bit, no lossless) nor Maven Central offers a pure-Java decoder
 * for these processes; see docs/decisions/0003-pixel-data-codecs.md.
 *
 * <p>Colour is never converted: YCbCr-coded data comes back as YCbCr ({@code YBR_FULL}, chroma upsampled to
 * full resolution), RGB-coded data as RGB. Hierarchical streams are reported unsupported. A progressive stream must bring every coefficient to full precision: a stream cut after a whole
 * scan is reported as truncated rather than shown blurred.
 */
final class JpegDecoder implements FrameDecoder {

    @Override
    public Set<String> transferSyntaxes() {
        return Set.of(TransferSyntax.JPEG_BASELINE, TransferSyntax.JPEG_EXTENDED,
                TransferSyntax.JPEG_EXTENDED_ARITHMETIC, TransferSyntax.JPEG_SPECTRAL_SELECTION,
                TransferSyntax.JPEG_SPECTRAL_SELECTION_ARITHMETIC, TransferSyntax.JPEG_FULL_PROGRESSION,
                TransferSyntax.JPEG_FULL_PROGRESSION_ARITHMETIC, TransferSyntax.JPEG_LOSSLESS,
                TransferSyntax.JPEG_LOSSLESS_ARITHMETIC,
                TransferSyntax.JPEG_LOSSLESS_SV1);
    }

    @Override
    public DecodedFrame decode(byte[] encoded, FrameFormat format) throws CodecException {
        return new JpegStream(encoded, format).decode();
    }

    /** Encoders end a scan within a byte or two of its last code: much more left unread means the codes are wrong. */
    static void failOnUnreadScanData(int unreadBytes, String codecName) throws CodecException {
        if (unreadBytes > 16) {
            throw new CodecException(codecName + " scan has " + unreadBytes
                    + " bytes left after the image was complete: the data is corrupt");
        }
    }

    /** One decode: the state of the markers read so far. */
    private static final class JpegStream {
        private static final int[] ZIGZAG = {
                0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6,
                7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31,
                39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

        private final byte[] data;
        private final FrameFormat format;
        private int pos;

        private final int[][] quantTables = new int[4][];
        private final JpegHuffmanTable[] dcTables = new JpegHuffmanTable[4];
        private final JpegHuffmanTable[] acTables = new JpegHuffmanTable[4];
        private int restartInterval;
        private int adobeTransform = -1;
        private boolean jfif;

        private boolean lossless;
        private boolean progressive;
        private boolean arithmetic;
        /** Progressive Huffman: blocks left in the current end-of-band run (T.81 G.1.2.2). */
        private int eobRun;
        /** Arithmetic conditioning (DAC), with T.81's defaults L=0, U=1, Kx=5. */
        private final int[] arithmeticDcLower = new int[4];
        private final int[] arithmeticDcUpper = {1, 1, 1, 1};
        private final int[] arithmeticAcK = {5, 5, 5, 5};
        private int precision;
        private Component[] components;
        private int maxH;
        private int maxV;
        private int mcusPerLine;
        private int mcusPerColumn;
        private int scans;
        /** The frame header's height is 0: a DNL marker after the first scan gives it (T.81 B.2.5). */
        private boolean heightFromDnl;
        private boolean dnlSeen;

        JpegStream(byte[] data, FrameFormat format) {
            this.data = data;
            this.format = format;
        }

        DecodedFrame decode() throws CodecException {
            if (data.length < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
                throw new CodecException("JPEG frame does not start with an SOI marker: the data is not JPEG");
            }
            pos = 2;
            while (true) {
                int marker = nextMarker();
                if (marker < 0 || marker == 0xD9) {
                    break;
                }
                switch (marker) {
                    case 0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA, 0xCB -> readFrameHeader(marker);
                    case 0xC5, 0xC6, 0xC7, 0xCD, 0xCE, 0xCF -> throw new CodecException(
                            "JPEG frame uses " + processName(marker) + ", which RadMamba does not decode");
                    case 0xC4 -> readHuffmanTables();
                    case 0xCC -> readArithmeticConditioning();
                    case 0xDB -> readQuantTables();
                    case 0xDD -> restartInterval = readU16(segmentStart(4) + 2);
                    case 0xDC -> readNumberOfLines();
                    case 0xDA -> decodeScan();
                    case 0xE0 -> readApp0();
                    case 0xEE -> readApp14();
                    case 0xD8 -> throw new CodecException("JPEG data holds a second SOI marker at byte " + (pos - 2));
                    default -> skipSegment();
                }
            }
            if (heightFromDnl && !dnlSeen) {
                throw new CodecException("JPEG frame header leaves the height to a DNL marker, which the data lacks");
            }
            if (components == null || scans == 0) {
                throw new CodecException("JPEG data ends before any image data was found: the data is truncated");
            }
            for (Component c : components) {
                if (!c.decoded) {
                    throw new CodecException("JPEG data ends before component " + c.id + " was decoded: the data is truncated");
                }
            }
            if (progressive) {
                finishProgressive();
            }
            return assemble();
        }

        private static String processName(int marker) {
            return switch (marker) {
                default -> "hierarchical coding";
            };
        }

        /** The next marker code, skipping fill bytes; -1 at the end of the data. */
        private int nextMarker() throws CodecException {
            int next = JpegMarkers.pastNextMarker(data, pos, "JPEG");
            pos = Math.max(pos, next);
            return next < 0 ? -1 : data[next - 1] & 0xFF;
        }

        /** Checks the segment length at {@code pos} and returns its start (the length field). */
        private int segmentStart(int minimumLength) throws CodecException {
            int start = pos;
            pos += JpegMarkers.segmentLength(data, pos, minimumLength, "JPEG");
            return start;
        }

        private void skipSegment() throws CodecException {
            segmentStart(2);
        }

        private int readU16(int at) {
            return JpegMarkers.u16(data, at);
        }

        private void readApp0() throws CodecException {
            int start = segmentStart(2);
            jfif |= readU16(start) >= 7 && data[start + 2] == 'J' && data[start + 3] == 'F' && data[start + 4] == 'I'
                    && data[start + 5] == 'F' && data[start + 6] == 0;
        }

        private void readApp14() throws CodecException {
            int start = segmentStart(2);
            if (readU16(start) >= 14 && data[start + 2] == 'A' && data[start + 3] == 'd' && data[start + 4] == 'o'
                    && data[start + 5] == 'b' && data[start + 6] == 'e') {
                adobeTransform = data[start + 13] & 0xFF;
            }
        }

        private void readQuantTables() throws CodecException {
            int start = segmentStart(2);
            int end = start + readU16(start);
            int p = start + 2;
            while (p < end) {
                int pq = (data[p] & 0xFF) >> 4;
                int tq = data[p] & 0x0F;
                p++;
                if (tq > 3 || pq > 1 || p + 64 * (pq + 1) > end) {
                    throw new CodecException("JPEG quantization table " + tq + " at byte " + (p - 1) + " is malformed");
                }
                int[] table = new int[64];
                for (int k = 0; k < 64; k++) {
                    table[k] = pq == 0 ? data[p++] & 0xFF : readU16((p += 2) - 2);
                }
                quantTables[tq] = table;
            }
        }

        private void readHuffmanTables() throws CodecException {
            int start = segmentStart(2);
            int end = start + readU16(start);
            int p = start + 2;
            while (p < end) {
                int tc = (data[p] & 0xFF) >> 4;
                int th = data[p] & 0x0F;
                String where = "JPEG " + (tc == 0 ? "DC" : "AC") + " Huffman table " + th;
                if (tc > 1 || th > 3 || p + 17 > end) {
                    throw new CodecException(where + " at byte " + p + " is malformed");
                }
                int[] counts = new int[17];
                int total = 0;
                for (int length = 1; length <= 16; length++) {
                    counts[length] = data[p + length] & 0xFF;
                    total += counts[length];
                }
                p += 17;
                if (total > 256 || p + total > end) {
                    throw new CodecException(where + " declares " + total + " codes, more than its segment holds");
                }
                int[] values = new int[total];
                for (int i = 0; i < total; i++) {
                    values[i] = data[p++] & 0xFF;
                }
                (tc == 0 ? dcTables : acTables)[th] = new JpegHuffmanTable(counts, values, where);
            }
        }

        private void readFrameHeader(int marker) throws CodecException {
            if (components != null) {
                throw new CodecException("JPEG data holds a second frame header at byte " + (pos - 2));
            }
            int start = segmentStart(8);
            lossless = marker == 0xC3 || marker == 0xCB;
            progressive = marker == 0xC2 || marker == 0xCA;
            arithmetic = marker == 0xC9 || marker == 0xCA || marker == 0xCB;
            precision = data[start + 2] & 0xFF;
            int height = readU16(start + 3);
            if (height == 0) {
                // The height comes after the first scan; decode with the dataset's and check it against the DNL.
                heightFromDnl = true;
                height = format.rows();
            }
            int width = readU16(start + 5);
            int count = data[start + 7] & 0xFF;
            boolean precisionOk = lossless ? precision >= 2 && precision <= 16
                    : marker == 0xC0 ? precision == 8 : precision == 8 || precision == 12;
            if (!precisionOk) {
                throw new CodecException("JPEG frame header declares a sample precision of " + precision
                        + " bits, which its coding process does not allow");
            }
            if (precision > format.bitsAllocated()) {
                throw new CodecException("JPEG frame has " + precision + "-bit samples but the dataset allocates only "
                        + format.bitsAllocated() + " bits");
            }
            if (height != format.rows() || width != format.columns()) {
                throw new CodecException("JPEG frame is " + width + "x" + height + " but the dataset declares "
                        + format.columns() + "x" + format.rows());
            }
            if (count != format.samplesPerPixel()) {
                throw new CodecException("JPEG frame has " + count + " components but the dataset declares "
                        + format.samplesPerPixel() + " samples per pixel");
            }
            if (readU16(start) != 8 + 3 * count) {
                throw new CodecException("JPEG frame header length does not match its " + count + " components");
            }
            components = new Component[count];
            for (int i = 0; i < count; i++) {
                int p = start + 8 + 3 * i;
                int h = (data[p + 1] & 0xFF) >> 4;
                int v = data[p + 1] & 0x0F;
                int tq = data[p + 2] & 0xFF;
                if (h < 1 || h > 4 || v < 1 || v > 4 || tq > 3 || (lossless && (h != 1 || v != 1))) {
                    throw new CodecException("JPEG component " + (data[p] & 0xFF) + " has unsupported sampling "
                            + h + "x" + v + " or quantization table " + tq);
                }
                components[i] = new Component(data[p] & 0xFF, h, v, tq);
                maxH = Math.max(maxH, h);
                maxV = Math.max(maxV, v);
            }
            int unit = lossless ? 1 : 8;
            mcusPerLine = ceilDiv(width, unit * maxH);
            mcusPerColumn = ceilDiv(height, unit * maxV);
            for (Component c : components) {
                c.blocksPerLine = mcusPerLine * c.h;
                c.blocksPerColumn = mcusPerColumn * c.v;
                c.planeWidth = c.blocksPerLine * unit;
                c.plane = new int[c.planeWidth * c.blocksPerColumn * unit];
                if (progressive) {
                    c.coefficients = new int[c.blocksPerLine * c.blocksPerColumn * 64];
                }
            }
        }

        private static int ceilDiv(int a, int b) {
            return (a + b - 1) / b;
        }

        private void decodeScan() throws CodecException {
            if (components == null) {
                throw new CodecException("JPEG scan at byte " + (pos - 2) + " comes before the frame header");
            }
            int start = segmentStart(6);
            int count = data[start + 2] & 0xFF;
            if (count < 1 || count > components.length || count > 4 || readU16(start) != 6 + 2 * count) {
                throw new CodecException("JPEG scan header at byte " + start + " declares " + count
                        + " components, which does not match the frame or its own length");
            }
            int p = start + 3 + 2 * count;
            int ss = data[p] & 0xFF;
            int se = data[p + 1] & 0xFF;
            int ah = (data[p + 2] & 0xFF) >> 4;
            int al = data[p + 2] & 0x0F;
            if (lossless) {
                if (ss < 1 || ss > 7 || al >= precision) {
                    throw new CodecException("JPEG lossless scan declares predictor " + ss + " and point transform "
                            + al + "; predictors are 1 to 7 and the transform must be below the precision");
                }
            } else if (progressive) {
                checkProgression(ss, se, ah, al, count);
            } else if (ss != 0 || se != 63) {
                throw new CodecException("JPEG scan covers coefficients " + ss + " to " + se
                        + "; a sequential scan covers 0 to 63");
            }
            boolean needsDc = !progressive || (ss == 0 && ah == 0);
            boolean needsAc = !lossless && (!progressive || ss > 0);
            Component[] scanComponents = new Component[count];
            for (int i = 0; i < count; i++) {
                int id = data[start + 3 + 2 * i] & 0xFF;
                int tables = data[start + 4 + 2 * i] & 0xFF;
                Component c = componentById(id);
                for (int j = 0; j < i; j++) {
                    if (scanComponents[j] == c) {
                        throw new CodecException("JPEG scan names component " + id + " twice");
                    }
                }
                if (progressive) {
                    updateProgression(c, ss, se, ah, al);
                }
                c.dcTableIndex = tables >> 4;
                c.acTableIndex = tables & 0x0F;
                if (c.dcTableIndex > 3 || c.acTableIndex > 3) {
                    throw new CodecException("JPEG component " + id + " uses entropy table " + Math.max(c.dcTableIndex,
                            c.acTableIndex) + "; tables are numbered 0 to 3");
                }
                if (!arithmetic) {
                    c.dcTable = needsDc ? tableOrFail(dcTables, c.dcTableIndex, "DC", id) : null;
                    c.acTable = needsAc ? tableOrFail(acTables, c.acTableIndex, "AC", id) : null;
                }
                if (!lossless && c.quant == null) {
                    // Latched at the component's first scan, as libjpeg does: a later DQT may reuse the slot.
                    if (quantTables[c.tq] == null) {
                        throw new CodecException("JPEG component " + id + " uses quantization table " + c.tq
                                + ", which the data never defines");
                    }
                    c.quant = new int[64];
                    for (int k = 0; k < 64; k++) {
                        c.quant[ZIGZAG[k]] = quantTables[c.tq][k];
                    }
                }
                scanComponents[i] = c;
            }
            int end;
            if (arithmetic && lossless) {
                end = decodeLosslessScan(scanComponents, null, ss, al);
            } else if (arithmetic) {
                end = decodeArithmeticScan(scanComponents, ss, se, ah, al);
            } else {
                JpegBitReader bits = new JpegBitReader(data, pos);
                if (lossless) {
                    decodeLosslessScan(scanComponents, bits, ss, al);
                } else if (progressive) {
                    decodeProgressiveHuffmanScan(scanComponents, bits, ss, se, ah, al);
                } else {
                    decodeDctScan(scanComponents, bits);
                }
                end = bits.position();
            }
            for (Component c : scanComponents) {
                c.decoded = true;
            }
            scans++;
            pos = end;
            skipToMarker();
            failOnUnreadScanData(pos - end, "JPEG");
        }

        /** The scan parameter rules of T.81 G.1.1.1.1 (and libjpeg's limit on Al). */
        private static void checkProgression(int ss, int se, int ah, int al, int count) throws CodecException {
            boolean valid = ss == 0 ? se == 0 : se >= ss && se <= 63 && count == 1;
            valid &= ah == 0 || al == ah - 1;
            valid &= al <= 13;
            if (!valid) {
                throw new CodecException("JPEG progressive scan has coefficients " + ss + " to " + se
                        + " and successive approximation " + ah + "/" + al + ", which T.81 does not allow"
                        + (count > 1 && ss > 0 ? " in a scan of " + count + " components" : ""));
            }
        }

        /** Each coefficient's first scan must come before its refinements, each refining by one bit, DC before AC. */
        private static void updateProgression(Component c, int ss, int se, int ah, int al) throws CodecException {
            if (ss > 0 && c.coefficientBits[0] < 0) {
                throw new CodecException("JPEG progressive scan of component " + c.id
                        + " codes AC coefficients before its DC: the scans are out of order");
            }
            for (int k = ss; k <= se; k++) {
                int expected = c.coefficientBits[k] < 0 ? 0 : c.coefficientBits[k];
                if (ah != expected || (ah == 0 && c.coefficientBits[k] >= 0)) {
                    throw new CodecException("JPEG progressive scan of component " + c.id + " refines coefficient " + k
                            + " from bit " + ah + " but " + (c.coefficientBits[k] < 0 ? "it was never coded"
                            : "it is known down to bit " + c.coefficientBits[k]) + ": the scans are out of order");
                }
                c.coefficientBits[k] = al;
            }
        }

        private void readNumberOfLines() throws CodecException {
            int lines = readU16(segmentStart(4) + 2);
            if (!heightFromDnl || scans != 1 || dnlSeen) {
                throw new CodecException("JPEG data holds a DNL marker where none may be: only after the first scan"
                        + " of a frame whose header gives no height");
            }
            if (lines != format.rows()) {
                throw new CodecException("JPEG DNL marker gives " + lines + " lines but the dataset declares "
                        + format.rows() + " rows");
            }
            dnlSeen = true;
        }

        /** After a scan, steps over anything that is not a marker (encoders may leave padding). */
        private void skipToMarker() {
            while (pos + 1 < data.length) {
                int next = data[pos + 1] & 0xFF;
                if ((data[pos] & 0xFF) == 0xFF && next != 0 && (next < 0xD0 || next > 0xD7) && next != 0xFF) {
                    return;
                }
                pos++;
            }
            pos = data.length;
        }

        private Component componentById(int id) throws CodecException {
            for (Component c : components) {
                if (c.id == id) {
                    return c;
                }
            }
            throw new CodecException("JPEG scan names component " + id + ", which the frame header does not declare");
        }

        private static JpegHuffmanTable tableOrFail(JpegHuffmanTable[] tables, int index, String kind, int id)
                throws CodecException {
            if (index > 3 || tables[index] == null) {
                throw new CodecException("JPEG component " + id + " uses " + kind + " Huffman table " + index
                        + ", which the data never defines");
            }
            return tables[index];
        }

        /** Decodes one block of a scan: the component, its block row and column. */
        private interface BlockStep {
            void decode(Component c, int blockRow, int blockCol) throws CodecException;
        }

        /** Resynchronises the entropy decoder at a restart marker; {@code index} is the RSTn number expected. */
        private interface RestartStep {
            void restart(int index) throws CodecException;
        }

        /**
         * Visits the blocks of a scan in coding order (T.81 A.2): a one-component scan codes the component's own
         * blocks one by one, an interleaved scan whole MCUs. Truncation is checked after every MCU, so a cut stream
         * fails before padding bits can become pixels.
         */
        private void forEachBlock(Component[] scanComponents, BlockStep step, RestartStep restart,
                                  BooleanSupplier truncated) throws CodecException {
            if (scanComponents.length == 1) {
                Component c = scanComponents[0];
                int blocksWide = ceilDiv(ceilDiv(format.columns() * c.h, maxH), 8);
                int blocksHigh = ceilDiv(ceilDiv(format.rows() * c.v, maxV), 8);
                int mcu = 0;
                for (int row = 0; row < blocksHigh; row++) {
                    for (int col = 0; col < blocksWide; col++, mcu++) {
                        if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0) {
                            restart.restart((mcu / restartInterval - 1) & 7);
                        }
                        step.decode(c, row, col);
                        failIfTruncated(truncated);
                    }
                }
                return;
            }
            int mcu = 0;
            for (int mcuRow = 0; mcuRow < mcusPerColumn; mcuRow++) {
                for (int mcuCol = 0; mcuCol < mcusPerLine; mcuCol++, mcu++) {
                    if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0) {
                        restart.restart((mcu / restartInterval - 1) & 7);
                    }
                    for (Component c : scanComponents) {
                        for (int v = 0; v < c.v; v++) {
                            for (int h = 0; h < c.h; h++) {
                                step.decode(c, mcuRow * c.v + v, mcuCol * c.h + h);
                            }
                        }
                    }
                    failIfTruncated(truncated);
                }
            }
        }

        private static void failIfTruncated(BooleanSupplier truncated) throws CodecException {
            if (truncated.getAsBoolean()) {
                throw new CodecException("JPEG entropy-coded data ends before the image is complete: the data is truncated");
            }
        }

        private void resetPredictors(Component[] scanComponents) {
            for (Component c : scanComponents) {
                c.dcPredictor = 0;
            }
        }

        /** Sequential Huffman DCT (processes 1, 2 and 4): each block goes through the IDCT as soon as it is read. */
        private void decodeDctScan(Component[] scanComponents, JpegBitReader bits) throws CodecException {
            int[] coefficients = new int[64];
            long[] workspace = new long[64];
            resetPredictors(scanComponents);
            forEachBlock(scanComponents, (c, row, col) -> {
                decodeHuffmanBlock(c, bits, coefficients);
                JpegIdct.inverse(coefficients, 0, c.quant, workspace, c.plane, row * 8 * c.planeWidth + col * 8,
                        c.planeWidth, precision);
            }, index -> {
                bits.restart(index);
                resetPredictors(scanComponents);
            }, bits::ranPastEnd);
        }

        /** One sequential Huffman block into {@code coefficients} (natural order, quantized). */
        private static void decodeHuffmanBlock(Component c, JpegBitReader bits, int[] coefficients) throws CodecException {
            Arrays.fill(coefficients, 0);
            int dcSize = bits.decode(c.dcTable);
            if (dcSize > 16) {
                throw new CodecException("JPEG DC difference category " + dcSize + " is out of range: the data is corrupt");
            }
            c.dcPredictor += bits.receiveExtend(dcSize);
            coefficients[0] = c.dcPredictor;
            for (int k = 1; k < 64; ) {
                int rs = bits.decode(c.acTable);
                int run = rs >> 4;
                int size = rs & 0x0F;
                if (size == 0) {
                    if (run != 15) {
                        break;
                    }
                    k += 16;
                    continue;
                }
                k += run;
                if (k > 63) {
                    throw new CodecException("JPEG block has a coefficient run past position 63: the data is corrupt");
                }
                coefficients[ZIGZAG[k]] = bits.receiveExtend(size);
                k++;
            }
        }

        /**
         * One progressive Huffman scan (T.81 G.1.2): DC first and refinement scans, interleaved or not; AC first and
         * refinement scans of one component, with end-of-band runs spanning blocks. Coefficients accumulate in the
         * component's buffer; the IDCT runs once all scans are read. Follows the structure of libjpeg's jdphuff.c.
         */
        private void decodeProgressiveHuffmanScan(Component[] scanComponents, JpegBitReader bits, int ss, int se, int ah,
                                                  int al) throws CodecException {
            resetPredictors(scanComponents);
            eobRun = 0;
            BlockStep step;
            if (ss == 0 && ah == 0) {
                step = (c, row, col) -> {
                    int size = bits.decode(c.dcTable);
                    if (size > 16) {
                        throw new CodecException("JPEG DC difference category " + size + " is out of range: the data is corrupt");
                    }
                    c.dcPredictor += bits.receiveExtend(size);
                    c.coefficients[c.blockAt(row, col)] = c.dcPredictor << al;
                };
            } else if (ss == 0) {
                step = (c, row, col) -> {
                    if (bits.readBits(1) != 0) {
                        c.coefficients[c.blockAt(row, col)] |= 1 << al;
                    }
                };
            } else if (ah == 0) {
                step = (c, row, col) -> decodeAcFirst(c, bits, c.blockAt(row, col), ss, se, al);
            } else {
                step = (c, row, col) -> refineAc(c, bits, c.blockAt(row, col), ss, se, al);
            }
            forEachBlock(scanComponents, step, index -> {
                bits.restart(index);
                resetPredictors(scanComponents);
                eobRun = 0;
            }, bits::ranPastEnd);
        }

        private void decodeAcFirst(Component c, JpegBitReader bits, int at, int ss, int se, int al) throws CodecException {
            if (eobRun > 0) {
                eobRun--;
                return;
            }
            int[] block = c.coefficients;
            for (int k = ss; k <= se; k++) {
                int rs = bits.decode(c.acTable);
                int run = rs >> 4;
                int size = rs & 0x0F;
                if (size != 0) {
                    k += run;
                    if (k > se) {
                        throw new CodecException("JPEG block has a coefficient run past position " + se
                                + ": the data is corrupt");
                    }
                    block[at + ZIGZAG[k]] = bits.receiveExtend(size) << al;
                } else if (run == 15) {
                    k += 15;
                } else {
                    eobRun = (1 << run) + bits.readBits(run) - 1;
                    return;
                }
            }
        }

        private void refineAc(Component c, JpegBitReader bits, int at, int ss, int se, int al) throws CodecException {
            int p1 = 1 << al;
            int m1 = -1 << al;
            int[] block = c.coefficients;
            int k = ss;
            if (eobRun == 0) {
                for (; k <= se; k++) {
                    int rs = bits.decode(c.acTable);
                    int run = rs >> 4;
                    int size = rs & 0x0F;
                    int value = 0;
                    if (size != 0) {
                        if (size != 1) {
                            throw new CodecException("JPEG refinement scan codes a new coefficient of size " + size
                                    + "; only 1 is possible: the data is corrupt");
                        }
                        value = bits.readBits(1) != 0 ? p1 : m1;
                    } else if (run != 15) {
                        eobRun = (1 << run) + bits.readBits(run);
                        break;
                    }
                    // Skip `run` zero coefficients, refining the nonzero ones passed on the way.
                    do {
                        int i = at + ZIGZAG[k];
                        if (block[i] != 0) {
                            refineBit(block, i, bits, p1, m1);
                        } else if (--run < 0) {
                            break;
                        }
                        k++;
                    } while (k <= se);
                    if (value != 0) {
                        if (k > se) {
                            throw new CodecException("JPEG refinement scan places a coefficient past position " + se
                                    + ": the data is corrupt");
                        }
                        block[at + ZIGZAG[k]] = value;
                    }
                }
            }
            if (eobRun > 0) {
                // Inside an end-of-band run only the already nonzero coefficients get a correction bit.
                for (; k <= se; k++) {
                    int i = at + ZIGZAG[k];
                    if (block[i] != 0) {
                        refineBit(block, i, bits, p1, m1);
                    }
                }
                eobRun--;
            }
        }

        private static void refineBit(int[] block, int i, JpegBitReader bits, int p1, int m1) {
            if (bits.readBits(1) != 0 && (block[i] & p1) == 0) {
                block[i] += block[i] >= 0 ? p1 : m1;
            }
        }

        /**
         * One arithmetic-coded scan (T.81 F.1.4.4, G.1.3), sequential or progressive; returns where its data ends.
         * Statistics restart with every scan and every restart interval (F.1.4.4, D.2.7).
         */
        private int decodeArithmeticScan(Component[] scanComponents, int ss, int se, int ah, int al)
                throws CodecException {
            JpegArithmeticDecoder decoder = new JpegArithmeticDecoder(data, pos);
            int n = scanComponents.length;
            int[][] dcStats = new int[4][];
            int[][] acStats = new int[4][];
            int[] context = new int[n];
            boolean codesDc = !progressive || (ss == 0 && ah == 0);
            boolean codesAc = !progressive || ss > 0;
            Runnable resetStatistics = () -> {
                for (Component c : scanComponents) {
                    if (codesDc) {
                        dcStats[c.dcTableIndex] = new int[JpegArithmeticDecoder.DC_BINS];
                        c.dcPredictor = 0;
                    }
                    if (codesAc) {
                        acStats[c.acTableIndex] = new int[JpegArithmeticDecoder.AC_BINS];
                    }
                }
                Arrays.fill(context, 0);
            };
            resetStatistics.run();
            int[] block = new int[64];
            long[] workspace = new long[64];
            BlockStep step;
            if (!progressive) {
                step = (c, row, col) -> {
                    Arrays.fill(block, 0);
                    int ci = indexIn(scanComponents, c);
                    c.dcPredictor += decoder.decodeDcDifference(dcStats[c.dcTableIndex], context, ci,
                            arithmeticDcLower[c.dcTableIndex], arithmeticDcUpper[c.dcTableIndex]);
                    block[0] = c.dcPredictor;
                    decoder.decodeAcCoefficients(acStats[c.acTableIndex], arithmeticAcK[c.acTableIndex], 1, 63, 0,
                            block, 0, ZIGZAG);
                    JpegIdct.inverse(block, 0, c.quant, workspace, c.plane, row * 8 * c.planeWidth + col * 8,
                            c.planeWidth, precision);
                };
            } else if (ss == 0 && ah == 0) {
                step = (c, row, col) -> {
                    int ci = indexIn(scanComponents, c);
                    c.dcPredictor += decoder.decodeDcDifference(dcStats[c.dcTableIndex], context, ci,
                            arithmeticDcLower[c.dcTableIndex], arithmeticDcUpper[c.dcTableIndex]);
                    c.coefficients[c.blockAt(row, col)] = c.dcPredictor << al;
                };
            } else if (ss == 0) {
                step = (c, row, col) -> {
                    if (decoder.decodeFixed() != 0) {
                        c.coefficients[c.blockAt(row, col)] |= 1 << al;
                    }
                };
            } else if (ah == 0) {
                step = (c, row, col) -> decoder.decodeAcCoefficients(acStats[c.acTableIndex],
                        arithmeticAcK[c.acTableIndex], ss, se, al, c.coefficients, c.blockAt(row, col), ZIGZAG);
            } else {
                step = (c, row, col) -> decoder.refineAcCoefficients(acStats[c.acTableIndex], ss, se, al,
                        c.coefficients, c.blockAt(row, col), ZIGZAG);
            }
            forEachBlock(scanComponents, step, index -> {
                decoder.restart(index);
                resetStatistics.run();
            }, decoder::ranPastEnd);
            return decoder.position();
        }

        private static int indexIn(Component[] scanComponents, Component c) {
            for (int i = 0; i < scanComponents.length; i++) {
                if (scanComponents[i] == c) {
                    return i;
                }
            }
            throw new IllegalStateException("component not in its scan");
        }

        /** Reads a DAC segment: arithmetic conditioning bounds (T.81 B.2.4.3). */
        private void readArithmeticConditioning() throws CodecException {
            int start = segmentStart(2);
            int end = start + readU16(start);
            for (int p = start + 2; p + 1 < end; p += 2) {
                int tc = (data[p] & 0xFF) >> 4;
                int tb = data[p] & 0x0F;
                int value = data[p + 1] & 0xFF;
                if (tc > 1 || tb > 3) {
                    throw new CodecException("JPEG arithmetic conditioning names table class " + tc + " and index " + tb
                            + ", which do not exist");
                }
                if (tc == 0) {
                    int lower = value & 0x0F;
                    int upper = value >> 4;
                    if (lower > upper) {
                        throw new CodecException("JPEG arithmetic DC conditioning has L=" + lower + " above U=" + upper);
                    }
                    arithmeticDcLower[tb] = lower;
                    arithmeticDcUpper[tb] = upper;
                } else {
                    if (value < 1 || value > 63) {
                        throw new CodecException("JPEG arithmetic AC conditioning Kx=" + value + " is outside 1 to 63");
                    }
                    arithmeticAcK[tb] = value;
                }
            }
        }

        /** Progressive frames: every coefficient complete, then the IDCT of every block. */
        private void finishProgressive() throws CodecException {
            long[] workspace = new long[64];
            for (Component c : components) {
                for (int k = 0; k < 64; k++) {
                    if (c.coefficientBits[k] != 0) {
                        throw new CodecException("JPEG progressive data ends before coefficient " + k + " of component "
                                + c.id + " is complete: the data is truncated");
                    }
                }
                for (int row = 0; row < c.blocksPerColumn; row++) {
                    for (int col = 0; col < c.blocksPerLine; col++) {
                        JpegIdct.inverse(c.coefficients, c.blockAt(row, col), c.quant, workspace, c.plane,
                                row * 8 * c.planeWidth + col * 8, c.planeWidth, precision);
                    }
                }
            }
        }

        /**
         * A lossless scan (processes 14 and 15): prediction from the neighbours (T.81 H.1.2.1), differences read
         * from {@code bits} (Huffman) or, when it is null, arithmetic-coded with the two-dimensional conditioning
         * of T.81 H.1.4.3 on the differences left of and above each sample.
         */
        private int decodeLosslessScan(Component[] scanComponents, JpegBitReader bits, int predictor, int pointTransform)
                throws CodecException {
            JpegArithmeticDecoder arithmeticDecoder = bits == null ? new JpegArithmeticDecoder(data, pos) : null;
            int[][] stats = new int[4][];
            int[][] above = new int[scanComponents.length][format.columns()];
            int[] left = new int[scanComponents.length];
            int width = format.columns();
            int height = format.rows();
            if (restartInterval > 0 && restartInterval % width != 0) {
                throw new CodecException("JPEG lossless restart interval of " + restartInterval
                        + " samples is not a whole number of lines of " + width);
            }
            int initial = 1 << (precision - pointTransform - 1);
            int linesPerInterval = restartInterval == 0 ? Integer.MAX_VALUE : restartInterval / width;
            int n = scanComponents.length;
            for (int y = 0; y < height; y++) {
                boolean firstLine = y % linesPerInterval == 0;
                if (firstLine && y > 0) {
                    if (arithmeticDecoder == null) {
                        bits.restart((y / linesPerInterval - 1) & 7);
                    } else {
                        arithmeticDecoder.restart((y / linesPerInterval - 1) & 7);
                    }
                }
                if (arithmeticDecoder != null && firstLine) {
                    for (Component c : scanComponents) {
                        stats[c.dcTableIndex] = new int[JpegArithmeticDecoder.LOSSLESS_BINS];
                    }
                    for (int[] differences : above) {
                        Arrays.fill(differences, 0);
                    }
                }
                Arrays.fill(left, 0);
                int row = y * width;
                for (int x = 0; x < width; x++) {
                    int i = row + x;
                    for (int ci = 0; ci < n; ci++) {
                        int[] plane = scanComponents[ci].plane;
                        int prediction;
                        if (firstLine) {
                            prediction = x == 0 ? initial : plane[i - 1];
                        } else if (x == 0) {
                            prediction = plane[i - width];
                        } else {
                            int ra = plane[i - 1];
                            int rb = plane[i - width];
                            int rc = plane[i - width - 1];
                            prediction = switch (predictor) {
                                case 1 -> ra;
                                case 2 -> rb;
                                case 3 -> rc;
                                case 4 -> ra + rb - rc;
                                case 5 -> ra + ((rb - rc) >> 1);
                                case 6 -> rb + ((ra - rc) >> 1);
                                default -> (ra + rb) >> 1;
                            };
                        }
                        int difference;
                        if (arithmeticDecoder != null) {
                            int table = scanComponents[ci].dcTableIndex;
                            difference = arithmeticDecoder.decodeLosslessDifference(stats[table], left[ci],
                                    above[ci][x], arithmeticDcLower[table], arithmeticDcUpper[table]);
                            left[ci] = difference;
                            above[ci][x] = difference;
                            plane[i] = (prediction + difference) & 0xFFFF;
                            continue;
                        }
                        int size = bits.decode(scanComponents[ci].dcTable);
                        if (size == 16) {
                            difference = 32768;
                        } else if (size > 16) {
                            throw new CodecException("JPEG lossless difference category " + size
                                    + " is out of range: the data is corrupt");
                        } else {
                            difference = bits.receiveExtend(size);
                        }
                        plane[i] = (prediction + difference) & 0xFFFF;
                    }
                }
                failIfTruncated(arithmeticDecoder == null ? bits::ranPastEnd : arithmeticDecoder::ranPastEnd);
            }
            for (Component c : scanComponents) {
                c.pointTransform = pointTransform;
            }
            return arithmeticDecoder == null ? bits.position() : arithmeticDecoder.position();
        }

        private DecodedFrame assemble() throws CodecException {
            FrameBuffer out = FrameBuffer.allocate(format, "JPEG");
            int width = format.columns();
            int height = format.rows();
            int n = components.length;
            // Wide enough for a doubled component line, which may pass the image's edge by one sample.
            int[] line = new int[2 * width + 2];
            int[] sourceColumn = new int[width];
            int[] columnSums = new int[width + 1];
            int mask = (1 << precision) - 1;
            for (int ci = 0; ci < n; ci++) {
                Component c = components[ci];
                int componentWidth = ceilDiv(width * c.h, maxH);
                int componentHeight = ceilDiv(height * c.v, maxV);
                // libjpeg interpolates 2:1 chroma only where the component is more than 2 samples wide and
                // replicates narrower ones (jdsample.c: "do_fancy && compptr->downsampled_width > 2"); a 3-pixel-wide
                // 4:2:2 image or a 1-pixel-wide 4:2:0 one decoded up to 40 off dcmdjpeg's with interpolation
                boolean doubleWide = maxH == 2 * c.h && componentWidth > 2;
                for (int y = 0; y < height; y++) {
                    if (doubleWide && maxV == c.v) {
                        upsampleH2V1(c.plane, y * c.planeWidth, componentWidth, line);
                    } else if (doubleWide && maxV == 2 * c.v) {
                        int row = y / 2;
                        int neighbour = (y & 1) == 0 ? Math.max(row - 1, 0) : Math.min(row + 1, componentHeight - 1);
                        upsampleH2V2(c.plane, row * c.planeWidth, neighbour * c.planeWidth, componentWidth, columnSums, line);
                    } else {
                        replicate(c, y, width, sourceColumn, line, mask);
                    }
                    out.store(y * width * n + ci, n, line, 0, width);
                }
            }
            return new DecodedFrame(out.samples(), outputPhotometric());
        }

        /** Nearest-neighbour upsampling (and the lossless point transform); the identity for full-size components. */
        private void replicate(Component c, int y, int width, int[] sourceColumn, int[] line, int mask) {
            if (y == 0) {
                for (int x = 0; x < width; x++) {
                    sourceColumn[x] = x * c.h / maxH;
                }
            }
            int rowStart = (y * c.v / maxV) * c.planeWidth;
            int shift = c.pointTransform;
            for (int x = 0; x < width; x++) {
                line[x] = (c.plane[rowStart + sourceColumn[x]] << shift) & mask;
            }
        }

        /**
         * Horizontal 2:1 chroma upsampling by triangle interpolation, as libjpeg's "fancy" h2v1 upsampler, of a
         * component more than 2 samples wide.
         */
        private static void upsampleH2V1(int[] plane, int start, int count, int[] line) {
            int o = 0;
            line[o++] = plane[start];
            line[o++] = (plane[start] * 3 + plane[start + 1] + 2) >> 2;
            for (int i = 1; i < count - 1; i++) {
                int centre = plane[start + i] * 3;
                line[o++] = (centre + plane[start + i - 1] + 1) >> 2;
                line[o++] = (centre + plane[start + i + 1] + 2) >> 2;
            }
            int last = plane[start + count - 1];
            line[o++] = (last * 3 + plane[start + count - 2] + 1) >> 2;
            line[o] = last;
        }

        /**
         * 2:1 chroma upsampling both ways by triangle interpolation, as libjpeg's "fancy" h2v2 upsampler, of a
         * component more than 2 samples wide.
         */
        private static void upsampleH2V2(int[] plane, int rowStart, int neighbourStart, int count, int[] sums, int[] line) {
            for (int i = 0; i < count; i++) {
                sums[i] = plane[rowStart + i] * 3 + plane[neighbourStart + i];
            }
            int o = 0;
            line[o++] = (sums[0] * 4 + 8) >> 4;
            line[o++] = (sums[0] * 3 + sums[1] + 7) >> 4;
            for (int i = 1; i < count - 1; i++) {
                line[o++] = (sums[i] * 3 + sums[i - 1] + 8) >> 4;
                line[o++] = (sums[i] * 3 + sums[i + 1] + 7) >> 4;
            }
            int last = count - 1;
            line[o++] = (sums[last] * 3 + sums[last - 1] + 8) >> 4;
            line[o] = (sums[last] * 4 + 7) >> 4;
        }

        private String outputPhotometric() {
            if (components.length != 3 || lossless) {
                return format.photometricInterpretation();
            }
            boolean rgbCoded;
            if (adobeTransform >= 0) {
                rgbCoded = adobeTransform == 0;
            } else if (components[0].id == 'R' && components[1].id == 'G' && components[2].id == 'B') {
                rgbCoded = true;
            } else if (jfif) {
                rgbCoded = false;
            } else {
                // The stream does not say: trust the dataset.
                rgbCoded = format.photometricInterpretation().startsWith("RGB");
            }
            return rgbCoded ? "RGB" : "YBR_FULL";
        }
    }

    private static final class Component {
        final int id;
        final int h;
        final int v;
        final int tq;
        int blocksPerLine;
        int blocksPerColumn;
        int planeWidth;
        int[] plane;
        /** Quantization table in natural order, latched at the component's first scan. */
        int[] quant;
        int dcTableIndex;
        int acTableIndex;
        JpegHuffmanTable dcTable;
        JpegHuffmanTable acTable;
        int dcPredictor;
        /** Progressive only: every block's quantized coefficients (natural order), 64 per block in raster order. */
        int[] coefficients;
        /** Progressive only: per coefficient, the lowest bit known so far (Al of its last scan); -1 before its first. */
        final int[] coefficientBits = new int[64];
        int pointTransform;
        boolean decoded;

        Component(int id, int h, int v, int tq) {
            this.id = id;
            this.h = h;
            this.v = v;
            this.tq = tq;
            Arrays.fill(coefficientBits, -1);
        }

        int blockAt(int blockRow, int blockCol) {
            return (blockRow * blocksPerLine + blockCol) * 64;
        }
    }
}
