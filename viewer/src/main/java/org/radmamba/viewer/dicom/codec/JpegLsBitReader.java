package org.radmamba.viewer.dicom.codec;

/**
 * Reads a JPEG-LS scan (ITU-T T.87 A.1): after each 0xFF byte the next byte carries only 7 bits, and 0xFF
 * followed by a byte with its high bit set is a marker, where the scan ends. Past the end it supplies zero
 * bits and remembers how many, so truncation is reported rather than decoded into invented samples.
 */
final class JpegLsBitReader {

    private final byte[] data;
    private int pos;
    private long buffer;
    private int bitCount;
    private int paddingBits;
    private boolean afterFF;

    JpegLsBitReader(byte[] data, int start) {
        this.data = data;
        this.pos = start;
    }

    int position() {
        return pos;
    }

    private void fill() {
        while (bitCount <= 56) {
            if (pos >= data.length) {
                pad();
                continue;
            }
            int b = data[pos] & 0xFF;
            if (afterFF) {
                if ((b & 0x80) != 0) {
                    // Unreachable for well-formed data (a 0xFF before a marker is never taken as data); stop here.
                    pad();
                    continue;
                }
                buffer = (buffer << 7) | b;
                bitCount += 7;
                afterFF = false;
                pos++;
            } else if (b == 0xFF && pos + 1 < data.length && (data[pos + 1] & 0x80) != 0) {
                pad();
            } else {
                buffer = (buffer << 8) | b;
                bitCount += 8;
                afterFF = b == 0xFF;
                pos++;
            }
        }
    }

    private void pad() {
        buffer <<= 8;
        bitCount += 8;
        paddingBits += 8;
    }

    /** Bits fetched from the data but not yet read: what a decode that stopped here left of the scan's data. */
    int bufferedDataBits() {
        return Math.max(0, bitCount - paddingBits);
    }

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

    int readBit() {
        if (bitCount < 1) {
            fill();
        }
        bitCount--;
        return (int) (buffer >>> bitCount) & 1;
    }

    /**
     * Counts zero bits up to and including the next one bit; returns {@code limit + 1} without consuming more
     * once more than {@code limit} zeros are seen.
     */
    int readUnary(int limit) {
        int zeros = 0;
        while (true) {
            if (bitCount < 8) {
                fill();
            }
            long window = buffer << (64 - bitCount);
            int leading = window == 0 ? bitCount : Long.numberOfLeadingZeros(window);
            if (leading < bitCount) {
                zeros += leading;
                bitCount -= leading + 1;
                return zeros > limit ? limit + 1 : zeros;
            }
            zeros += bitCount;
            bitCount = 0;
            if (zeros > limit) {
                return limit + 1;
            }
        }
    }
}
