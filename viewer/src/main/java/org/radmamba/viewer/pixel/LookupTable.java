package org.radmamba.viewer.pixel;

/**
 * A DICOM LUT (LUT Descriptor + LUT Data): input {@code firstMapped} maps to {@code data[0]}; inputs below
 * and above the table clamp to its first and last entry.
 *
 * @param firstMapped  the first input value mapped
 * @param bitsPerEntry bits of each output value (8 or 16, as the descriptor says)
 * @param data         output values, unsigned
 */
public record LookupTable(int firstMapped, int bitsPerEntry, int[] data) {

    public LookupTable {
        if (data.length == 0) {
            throw new IllegalArgumentException("a LUT needs at least one entry");
        }
        if (bitsPerEntry < 1 || bitsPerEntry > 16) {
            throw new IllegalArgumentException("LUT bits per entry must be 1 to 16, got " + bitsPerEntry);
        }
    }

    public int lookup(double input) {
        double offset = input - firstMapped;
        if (offset <= 0) {
            return data[0];
        }
        if (offset >= data.length - 1) {
            return data[data.length - 1];
        }
        return data[(int) offset];
    }

    /** The largest value an entry can hold, 2^bits − 1. */
    public int maxOutput() {
        return (1 << bitsPerEntry) - 1;
    }
}
