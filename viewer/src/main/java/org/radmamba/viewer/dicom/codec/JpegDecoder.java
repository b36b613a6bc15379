package org.radmamba.viewer.dicom.codec;

import java.util.Arrays;
import java.util.Set;

/**
 * JPEG (ITU-T T.81) Huffman-coded, non-hierarchical: baseline (process 1), extended sequential with 8 or 12-bit
 * samples (processes 2 and 4) and lossless (process 14, predictors 1–7, point transform), in one marker parser.
 * Written here because neither the JDK (no 12-bit, no lossless) nor Maven Central offers a pure-Java decoder
 * for these processes; see docs/decisions/0003-pixel-data-codecs.md.
 *
 * <p>Colour is never converted: YCbCr-coded data comes back as YCbCr ({@code YBR_FULL}, chroma upsampled to
 * full resolution), RGB-coded data as RGB. Progressive and arithmetic-coded streams are reported unsupported.
 */
final class JpegDecoder implements FrameDecoder {

    @Override
    public Set<String> transferSyntaxes() {
        return Set.of(TransferSyntaxes.JPEG_BASELINE, TransferSyntaxes.JPEG_EXTENDED_12BIT,
                TransferSyntaxes.JPEG_LOSSLESS, TransferSyntaxes.JPEG_LOSSLESS_SV1);
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
        private int precision;
        private Component[] components;
        private int maxH;
        private int maxV;
        private int mcusPerLine;
        private int mcusPerColumn;
        private int scans;

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
                    case 0xC0, 0xC1 -> readFrameHeader(false, marker);
                    case 0xC3 -> readFrameHeader(true, marker);
                    case 0xC2, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF -> throw new CodecException(
                            "JPEG frame uses " + processName(marker) + ", which RadMamba does not decode");
                    case 0xC4 -> readHuffmanTables();
                    case 0xDB -> readQuantTables();
                    case 0xDD -> restartInterval = readU16(segmentStart(4) + 2);
                    case 0xDA -> decodeScan();
                    case 0xE0 -> readApp0();
                    case 0xEE -> readApp14();
                    case 0xD8 -> throw new CodecException("JPEG data holds a second SOI marker at byte " + (pos - 2));
                    default -> skipSegment();
                }
            }
            if (components == null || scans == 0) {
                throw new CodecException("JPEG data ends before any image data was found: the data is truncated");
            }
            for (Component c : components) {
                if (!c.decoded) {
                    throw new CodecException("JPEG data ends before component " + c.id + " was decoded: the data is truncated");
                }
            }
            return assemble();
        }

        private static String processName(int marker) {
            return switch (marker) {
                case 0xC2 -> "progressive DCT (process 10)";
                case 0xC5, 0xC6, 0xC7 -> "hierarchical coding";
                default -> "arithmetic coding";
            };
        }

        /** The next marker code, skipping fill bytes; -1 at the end of the data. */
        private int nextMarker() throws CodecException {
            while (pos + 1 < data.length) {
                if ((data[pos] & 0xFF) != 0xFF) {
                    throw new CodecException("JPEG data has byte 0x" + Integer.toHexString(data[pos] & 0xFF)
                            + " at " + pos + " where a marker was expected: the data is corrupt");
                }
                int code = data[pos + 1] & 0xFF;
                if (code == 0xFF) {
                    pos++;
                    continue;
                }
                pos += 2;
                return code;
            }
            return -1;
        }

        /** Checks the segment length at {@code pos} and returns its start (the length field). */
        private int segmentStart(int minimumLength) throws CodecException {
            if (pos + 2 > data.length) {
                throw new CodecException("JPEG data ends inside a marker segment at byte " + pos + ": the data is truncated");
            }
            int length = readU16(pos);
            if (length < minimumLength || pos + length > data.length) {
                throw new CodecException("JPEG marker segment at byte " + pos + " declares " + length
                        + " bytes, which " + (length < minimumLength ? "is too short" : "runs past the end of the data"));
            }
            int start = pos;
            pos += length;
            return start;
        }

        private void skipSegment() throws CodecException {
            segmentStart(2);
        }

        private int readU16(int at) {
            return (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
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

        private void readFrameHeader(boolean losslessProcess, int marker) throws CodecException {
            if (components != null) {
                throw new CodecException("JPEG data holds a second frame header at byte " + (pos - 2));
            }
            int start = segmentStart(8);
            lossless = losslessProcess;
            precision = data[start + 2] & 0xFF;
            int height = readU16(start + 3);
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
            if (count < 1 || count > components.length || readU16(start) != 6 + 2 * count) {
                throw new CodecException("JPEG scan header at byte " + start + " declares " + count
                        + " components, which does not match the frame or its own length");
            }
            Component[] scanComponents = new Component[count];
            for (int i = 0; i < count; i++) {
                int id = data[start + 3 + 2 * i] & 0xFF;
                int tables = data[start + 4 + 2 * i] & 0xFF;
                Component c = componentById(id);
                c.dcTable = tableOrFail(dcTables, tables >> 4, "DC", id);
                if (!lossless) {
                    c.acTable = tableOrFail(acTables, tables & 0x0F, "AC", id);
                    if (quantTables[c.tq] == null) {
                        throw new CodecException("JPEG component " + id + " uses quantization table " + c.tq
                                + ", which the data never defines");
                    }
                    c.quant = quantTables[c.tq];
                }
                scanComponents[i] = c;
            }
            int p = start + 3 + 2 * count;
            int ss = data[p] & 0xFF;
            int se = data[p + 1] & 0xFF;
            int al = data[p + 2] & 0x0F;
            JpegBitReader bits = new JpegBitReader(data, pos);
            if (lossless) {
                if (ss < 1 || ss > 7 || al >= precision) {
                    throw new CodecException("JPEG lossless scan declares predictor " + ss + " and point transform "
                            + al + "; predictors are 1 to 7 and the transform must be below the precision");
                }
                decodeLosslessScan(scanComponents, bits, ss, al);
            } else {
                if (ss != 0 || se != 63) {
                    throw new CodecException("JPEG scan covers coefficients " + ss + " to " + se
                            + "; a sequential scan covers 0 to 63");
                }
                decodeDctScan(scanComponents, bits);
            }
            for (Component c : scanComponents) {
                c.decoded = true;
            }
            scans++;
            pos = bits.position();
            skipToMarker();
            failOnUnreadScanData(pos - bits.position(), "JPEG");
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

        private void restartIfDue(JpegBitReader bits, int mcu, Component[] scanComponents) throws CodecException {
            if (restartInterval > 0 && mcu > 0 && mcu % restartInterval == 0) {
                bits.restart((mcu / restartInterval - 1) & 7);
                for (Component c : scanComponents) {
                    c.dcPredictor = 0;
                }
            }
        }

        private void decodeDctScan(Component[] scanComponents, JpegBitReader bits) throws CodecException {
            int[] coefficients = new int[64];
            float[] workspace = new float[64];
            for (Component c : scanComponents) {
                c.dcPredictor = 0;
            }
            if (scanComponents.length == 1) {
                Component c = scanComponents[0];
                int blocksWide = ceilDiv(ceilDiv(format.columns() * c.h, maxH), 8);
                int blocksHigh = ceilDiv(ceilDiv(format.rows() * c.v, maxV), 8);
                int mcu = 0;
                for (int row = 0; row < blocksHigh; row++) {
                    for (int col = 0; col < blocksWide; col++, mcu++) {
                        restartIfDue(bits, mcu, scanComponents);
                        decodeBlock(c, row, col, bits, coefficients, workspace);
                        failIfTruncated(bits);
                    }
                }
                return;
            }
            int mcu = 0;
            for (int mcuRow = 0; mcuRow < mcusPerColumn; mcuRow++) {
                for (int mcuCol = 0; mcuCol < mcusPerLine; mcuCol++, mcu++) {
                    restartIfDue(bits, mcu, scanComponents);
                    for (Component c : scanComponents) {
                        for (int v = 0; v < c.v; v++) {
                            for (int h = 0; h < c.h; h++) {
                                decodeBlock(c, mcuRow * c.v + v, mcuCol * c.h + h, bits, coefficients, workspace);
                            }
                        }
                    }
                    failIfTruncated(bits);
                }
            }
        }

        private static void failIfTruncated(JpegBitReader bits) throws CodecException {
            if (bits.ranPastEnd()) {
                throw new CodecException("JPEG entropy-coded data ends before the image is complete: the data is truncated");
            }
        }

        private void decodeBlock(Component c, int blockRow, int blockCol, JpegBitReader bits, int[] coefficients,
                                 float[] workspace) throws CodecException {
            Arrays.fill(coefficients, 0);
            int[] quant = c.quant;
            int dcSize = bits.decode(c.dcTable);
            if (dcSize > 16) {
                throw new CodecException("JPEG DC difference category " + dcSize + " is out of range: the data is corrupt");
            }
            c.dcPredictor += bits.receiveExtend(dcSize);
            coefficients[0] = c.dcPredictor * quant[0];
            boolean acPresent = false;
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
                coefficients[ZIGZAG[k]] = bits.receiveExtend(size) * quant[k];
                acPresent = true;
                k++;
            }
            JpegIdct.inverse(coefficients, acPresent, workspace, c.plane, blockRow * 8 * c.planeWidth + blockCol * 8,
                    c.planeWidth, precision);
        }

        private void decodeLosslessScan(Component[] scanComponents, JpegBitReader bits, int predictor, int pointTransform)
                throws CodecException {
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
                    bits.restart((y / linesPerInterval - 1) & 7);
                }
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
                        int size = bits.decode(scanComponents[ci].dcTable);
                        int difference;
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
                failIfTruncated(bits);
            }
            for (Component c : scanComponents) {
                c.pointTransform = pointTransform;
            }
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
                boolean doubleWide = maxH == 2 * c.h;
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

        /** Horizontal 2:1 chroma upsampling by triangle interpolation, as libjpeg's "fancy" h2v1 upsampler. */
        private static void upsampleH2V1(int[] plane, int start, int count, int[] line) {
            if (count == 1) {
                line[0] = line[1] = plane[start];
                return;
            }
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

        /** 2:1 chroma upsampling both ways by triangle interpolation, as libjpeg's "fancy" h2v2 upsampler. */
        private static void upsampleH2V2(int[] plane, int rowStart, int neighbourStart, int count, int[] sums, int[] line) {
            for (int i = 0; i < count; i++) {
                sums[i] = plane[rowStart + i] * 3 + plane[neighbourStart + i];
            }
            if (count == 1) {
                line[0] = (sums[0] * 4 + 8) >> 4;
                line[1] = (sums[0] * 4 + 7) >> 4;
                return;
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
        int[] quant;
        JpegHuffmanTable dcTable;
        JpegHuffmanTable acTable;
        int dcPredictor;
        int pointTransform;
        boolean decoded;

        Component(int id, int h, int v, int tq) {
            this.id = id;
            this.h = h;
            this.v = v;
            this.tq = tq;
        }
    }
}
