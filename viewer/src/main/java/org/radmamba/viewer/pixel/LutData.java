package org.radmamba.viewer.pixel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds {@link LookupTable}s from LUT Descriptor and LUT Data values as DICOM stores them. */
final class LutData {

    private static final Logger LOG = LoggerFactory.getLogger(LutData.class);

    private LutData() {
    }

    /**
     * @param descriptor        number of entries (0 means 65536), first mapped value, bits per entry
     * @param data              16-bit words; 8-bit entries may come packed two to a word (low byte first)
     * @param firstMappedSigned whether the first mapped value is SS rather than US
     * @return the table, or null (logged) when descriptor and data disagree
     */
    static LookupTable table(int[] descriptor, int[] data, boolean firstMappedSigned, String what) {
        if (descriptor.length < 3 || data.length == 0) {
            LOG.warn("ignoring {}: descriptor or data missing", what);
            return null;
        }
        int entries = descriptor[0] == 0 ? 65536 : descriptor[0] & 0xFFFF;
        int firstMapped = descriptor[1] & 0xFFFF;
        if (firstMappedSigned && firstMapped > 32767) {
            firstMapped -= 65536;
        }
        int bits = descriptor[2];
        if (bits < 1 || bits > 16) {
            LOG.warn("ignoring {}: {} bits per entry", what, bits);
            return null;
        }
        int[] values;
        if (data.length >= entries) {
            values = new int[entries];
            for (int i = 0; i < entries; i++) {
                values[i] = data[i] & 0xFFFF;
            }
        } else if (bits <= 8 && data.length * 2 >= entries) {
            values = new int[entries];
            for (int i = 0; i < entries; i++) {
                int word = data[i / 2] & 0xFFFF;
                values[i] = (i % 2 == 0) ? word & 0xFF : word >>> 8;
            }
        } else {
            LOG.warn("ignoring {}: the descriptor says {} entries, the data holds {}", what, entries, data.length);
            return null;
        }
        return new LookupTable(firstMapped, bits, values);
    }

    /**
     * Expands Segmented Palette Color LUT Data (PS3.3 C.7.9.2): discrete, linear and indirect segments.
     *
     * @return the expanded entries, or null (logged) when the segments are malformed
     */
    static int[] expandSegmented(int[] segments, int entries) {
        int[] out = new int[entries];
        int[] count = {0};
        if (!expand(segments, 0, segments.length, out, count, 0)) {
            LOG.warn("ignoring segmented palette LUT: malformed segments");
            return null;
        }
        if (count[0] != entries) {
            LOG.warn("ignoring segmented palette LUT: segments give {} entries, the descriptor says {}", count[0], entries);
            return null;
        }
        return out;
    }

    private static boolean expand(int[] seg, int from, int to, int[] out, int[] count, int depth) {
        if (depth > 2) {
            return false;
        }
        int i = from;
        while (i < to) {
            if (i + 1 >= seg.length) {
                return false;
            }
            int opcode = seg[i] & 0xFFFF;
            int length = seg[i + 1] & 0xFFFF;
            switch (opcode) {
                case 0 -> {
                    if (i + 2 + length > seg.length || count[0] + length > out.length) {
                        return false;
                    }
                    for (int j = 0; j < length; j++) {
                        out[count[0]++] = seg[i + 2 + j] & 0xFFFF;
                    }
                    i += 2 + length;
                }
                case 1 -> {
                    if (count[0] == 0 || i + 2 >= seg.length || count[0] + length > out.length) {
                        return false;
                    }
                    int y0 = out[count[0] - 1];
                    int y1 = seg[i + 2] & 0xFFFF;
                    for (int j = 1; j <= length; j++) {
                        out[count[0]++] = (int) Math.round(y0 + (double) (y1 - y0) * j / length);
                    }
                    i += 3;
                }
                case 2 -> {
                    if (i + 3 >= seg.length) {
                        return false;
                    }
                    int offset = (seg[i + 2] & 0xFFFF) | (seg[i + 3] & 0xFFFF) << 16;
                    if (offset < 0 || offset >= seg.length) {
                        return false;
                    }
                    // Copy `length` segments starting at word `offset`.
                    int p = offset;
                    for (int k = 0; k < length; k++) {
                        int end = segmentEnd(seg, p);
                        if (end < 0 || !expand(seg, p, end, out, count, depth + 1)) {
                            return false;
                        }
                        p = end;
                    }
                    i += 4;
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static int segmentEnd(int[] seg, int p) {
        if (p + 1 >= seg.length) {
            return -1;
        }
        int opcode = seg[p] & 0xFFFF;
        int length = seg[p + 1] & 0xFFFF;
        int end = switch (opcode) {
            case 0 -> p + 2 + length;
            case 1 -> p + 3;
            case 2 -> p + 4;
            default -> -1;
        };
        return end > seg.length ? -1 : end;
    }
}
