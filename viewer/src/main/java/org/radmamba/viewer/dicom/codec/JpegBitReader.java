package org.radmamba.viewer.dicom.codec;

/**
 * Reads the entropy-coded segment of a JPEG scan: removes the stuffed zero after each 0xFF and stops at the
 * next marker. Past a marker or the end of the data it supplies zero bits, as T.81 decoders do, but remembers
 * how many, so that a decoder which consumes them can report the data as truncated instead of inventing pixels.
 */
final class JpegBitReader {

    private final byte[] data;
    private int pos;
    private long buffer;
    private int bitCount;
    private int paddingBits;

    JpegBitReader(byte[] data, int start) {
        this.data = data;
        this.pos = start;
    }

    int position() {
        return pos;
    }

    private void fill() {
        while (bitCount <= 56) {
            int b;
            if (pos < data.length && (b = data[pos] & 0xFF) != 0xFF) {
                pos++;
            } else if (pos + 1 < data.length && data[pos + 1] == 0) {
                b = 0xFF;
                pos += 2;
            } else {
                b = 0;
                paddingBits += 8;
            }
            buffer = (buffer << 8) | b;
            bitCount += 8;
        }
    }

    /** True once a decoder consumed bits that were not in the data. */
    boolean ranPastEnd() {
        return bitCount < paddingBits;
    }

    int readBits(int n) {
        if (n == 0) {
            return 0;
        }
        if (bitCount < n) {
            fill();
        }
        bitCount -= n;
        return (int) (buffer >>> bitCount) & ((1 << n) - 1);
    }

    /** {@code readBits(n)} sign-extended as T.81 F.2.2.1 EXTEND: codes below 2^(n-1) are negative. */
    int receiveExtend(int n) {
        if (n == 0) {
            return 0;
        }
        int v = readBits(n);
        return v < (1 << (n - 1)) ? v - (1 << n) + 1 : v;
    }

    int decode(JpegHuffmanTable table) throws CodecException {
        if (bitCount < 16) {
            fill();
        }
        int look = (int) (buffer >>> (bitCount - JpegHuffmanTable.LOOKAHEAD_BITS)) & ((1 << JpegHuffmanTable.LOOKAHEAD_BITS) - 1);
        int entry = table.lookahead[look];
        if (entry != 0) {
            bitCount -= entry >>> 8;
            return entry & 0xFF;
        }
        int code16 = (int) (buffer >>> (bitCount - 16)) & 0xFFFF;
        for (int length = JpegHuffmanTable.LOOKAHEAD_BITS + 1; length <= 16; length++) {
            int code = code16 >>> (16 - length);
            if (code <= table.maxCode[length]) {
                bitCount -= length;
                return table.values[table.valueOffset[length] + code];
            }
        }
        if (ranPastEnd()) {
            throw new CodecException("JPEG entropy-coded data ends before the image is complete: the data is truncated");
        }
        throw new CodecException("JPEG data holds a bit pattern that is no code of its Huffman table: the data is corrupt");
    }

    /** Drops buffered bits and steps over the restart marker that must come next. */
    void restart(int expectedIndex) throws CodecException {
        buffer = 0;
        bitCount = 0;
        paddingBits = 0;
        if (pos + 1 >= data.length) {
            throw new CodecException("JPEG data ends where a restart marker was expected: the data is truncated");
        }
        int marker = data[pos + 1] & 0xFF;
        if ((data[pos] & 0xFF) != 0xFF || marker < 0xD0 || marker > 0xD7) {
            throw new CodecException("JPEG data lacks restart marker RST" + expectedIndex + " at byte " + pos
                    + ": the data is corrupt");
        }
        pos += 2;
    }
}
