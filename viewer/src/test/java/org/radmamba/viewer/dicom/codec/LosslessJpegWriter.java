package org.radmamba.viewer.dicom.codec;

import java.io.ByteArrayOutputStream;

/**
 * A minimal T.81 process-14 encoder for layouts the Debian encoders never write: one scan per component and
 * restart intervals. One Huffman table gives every difference category a 5-bit code.
 */
final class LosslessJpegWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long bitBuffer;
    private int bitCount;

    /** Encodes planes[c][y * width + x] of {@code precision} bits with {@code predictor}. */
    static byte[] encode(int[][] planes, int width, int height, int precision, int predictor, int restartRows,
                         boolean oneScanPerComponent) {
        LosslessJpegWriter w = new LosslessJpegWriter();
        int n = planes.length;
        w.marker(0xD8);
        w.marker(0xC3);
        w.u16(8 + 3 * n);
        w.out.write(precision);
        w.u16(height);
        w.u16(width);
        w.out.write(n);
        for (int c = 0; c < n; c++) {
            w.out.write(c + 1);
            w.out.write(0x11);
            w.out.write(0);
        }
        w.marker(0xC4);
        w.u16(2 + 17 + 17);
        w.out.write(0x00);
        for (int length = 1; length <= 16; length++) {
            w.out.write(length == 5 ? 17 : 0);
        }
        for (int symbol = 0; symbol <= 16; symbol++) {
            w.out.write(symbol);
        }
        if (restartRows > 0) {
            w.marker(0xDD);
            w.u16(4);
            w.u16(restartRows * width);
        }
        if (oneScanPerComponent) {
            for (int c = 0; c < n; c++) {
                w.scan(new int[][] {planes[c]}, new int[] {c + 1}, width, height, precision, predictor, restartRows);
            }
        } else {
            int[] ids = new int[n];
            for (int c = 0; c < n; c++) {
                ids[c] = c + 1;
            }
            w.scan(planes, ids, width, height, precision, predictor, restartRows);
        }
        w.marker(0xD9);
        return w.out.toByteArray();
    }

    private void scan(int[][] planes, int[] ids, int width, int height, int precision, int predictor, int restartRows) {
        marker(0xDA);
        u16(6 + 2 * ids.length);
        out.write(ids.length);
        for (int id : ids) {
            out.write(id);
            out.write(0x00);
        }
        out.write(predictor);
        out.write(0);
        out.write(0);
        int restarts = 0;
        for (int y = 0; y < height; y++) {
            boolean firstLine = restartRows == 0 ? y == 0 : y % restartRows == 0;
            if (firstLine && y > 0) {
                flush();
                marker(0xD0 + (restarts++ & 7));
            }
            for (int x = 0; x < width; x++) {
                for (int[] plane : planes) {
                    int i = y * width + x;
                    int prediction;
                    if (firstLine) {
                        prediction = x == 0 ? 1 << (precision - 1) : plane[i - 1];
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
                    int difference = (plane[i] - prediction) & 0xFFFF;
                    if (difference >= 0x8000) {
                        difference -= 0x10000;
                    }
                    int category = difference == 0 ? 0 : 32 - Integer.numberOfLeadingZeros(Math.abs(difference));
                    bits(category, 5);
                    if (category > 0 && category < 16) {
                        bits(difference < 0 ? difference + (1 << category) - 1 : difference, category);
                    }
                }
            }
        }
        flush();
    }

    private void bits(int value, int count) {
        bitBuffer = (bitBuffer << count) | (value & ((1L << count) - 1));
        bitCount += count;
        while (bitCount >= 8) {
            int b = (int) (bitBuffer >>> (bitCount - 8)) & 0xFF;
            out.write(b);
            if (b == 0xFF) {
                out.write(0);
            }
            bitCount -= 8;
        }
    }

    private void flush() {
        if (bitCount > 0) {
            bits(0x7F, 8 - bitCount);
        }
    }

    private void marker(int code) {
        out.write(0xFF);
        out.write(code);
    }

    private void u16(int value) {
        out.write(value >> 8);
        out.write(value & 0xFF);
    }
}
