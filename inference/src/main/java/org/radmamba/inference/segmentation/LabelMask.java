package org.radmamba.inference.segmentation;

/**
 * A label per pixel, row-major: 0 is background, k (1..255) is class k. For a one-class network the foreground
 * is label 1.
 */
public record LabelMask(int width, int height, byte[] labels) {

    public LabelMask {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("mask sizes must be positive: " + width + "x" + height);
        }
        if (labels.length != (long) width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " mask needs " + (long) width * height
                    + " labels, got " + labels.length);
        }
    }

    /** A background-only mask. */
    public static LabelMask empty(int width, int height) {
        return new LabelMask(width, height, new byte[Math.multiplyExact(width, height)]);
    }

    /** Builds a mask from rows of label values, e.g. for tests and small hand-made masks. */
    public static LabelMask ofRows(int[][] rows) {
        int height = rows.length;
        int width = rows[0].length;
        byte[] labels = new byte[width * height];
        for (int y = 0; y < height; y++) {
            if (rows[y].length != width) {
                throw new IllegalArgumentException("row " + y + " has " + rows[y].length + " labels, not " + width);
            }
            for (int x = 0; x < width; x++) {
                labels[y * width + x] = checkedLabel(rows[y][x]);
            }
        }
        return new LabelMask(width, height, labels);
    }

    public int label(int x, int y) {
        return labels[y * width + x] & 0xFF;
    }

    /** The largest label present, 0 for an empty mask. */
    public int maxLabel() {
        int max = 0;
        for (byte b : labels) {
            max = Math.max(max, b & 0xFF);
        }
        return max;
    }

    static byte checkedLabel(int label) {
        if (label < 0 || label > 255) {
            throw new IllegalArgumentException("labels are 0..255, got " + label);
        }
        return (byte) label;
    }
}
