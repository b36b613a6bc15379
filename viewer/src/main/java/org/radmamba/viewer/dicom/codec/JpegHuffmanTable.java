package org.radmamba.viewer.dicom.codec;

/** A JPEG Huffman table (ITU-T T.81 Annex C) with a 9-bit lookahead for the common short codes. */
final class JpegHuffmanTable {

    static final int LOOKAHEAD_BITS = 9;

    /** {@code length << 8 | value} for codes of at most {@link #LOOKAHEAD_BITS} bits, 0 where longer. */
    final int[] lookahead = new int[1 << LOOKAHEAD_BITS];
    /** Largest code of each length, -1 where the length has no code. */
    final int[] maxCode = new int[18];
    final int[] valueOffset = new int[17];
    final int[] values;

    JpegHuffmanTable(int[] countsByLength, int[] values, String where) throws CodecException {
        this.values = values;
        int code = 0;
        int k = 0;
        for (int length = 1; length <= 16; length++) {
            int count = countsByLength[length];
            valueOffset[length] = k - code;
            if (count == 0) {
                maxCode[length] = -1;
            } else {
                code += count;
                k += count;
                if (code > (1 << length)) {
                    throw new CodecException(where + " has more codes of length " + length + " than fit");
                }
                maxCode[length] = code - 1;
                if (length <= LOOKAHEAD_BITS) {
                    for (int c = code - count; c < code; c++) {
                        int value = values[valueOffset[length] + c];
                        int shift = LOOKAHEAD_BITS - length;
                        for (int fill = 0; fill < (1 << shift); fill++) {
                            lookahead[(c << shift) | fill] = length << 8 | value;
                        }
                    }
                }
            }
            code <<= 1;
        }
        maxCode[17] = Integer.MAX_VALUE;
    }
}
