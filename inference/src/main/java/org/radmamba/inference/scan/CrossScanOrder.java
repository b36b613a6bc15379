package org.radmamba.inference.scan;

/**
 * The visiting orders of SS2D's four directions over an H×W map, as {@link SelectiveScan#crossScan2d} defines
 * them: step t of direction k reads row-major position {@link #position}. Both CPU scans index their inputs
 * through this instead of materialising flipped or transposed copies.
 */
final class CrossScanOrder {

    static final int DIRECTIONS = 4;

    private CrossScanOrder() {
    }

    /** The row-major position that direction {@code direction} visits at step {@code t}. */
    static int position(int direction, int t, int height, int width) {
        int length = height * width;
        return switch (direction) {
            case 0 -> t;
            case 1 -> (t % height) * width + t / height;
            case 2 -> length - 1 - t;
            case 3 -> position(1, length - 1 - t, height, width);
            default -> throw new IllegalArgumentException("cross-scan direction must be 0..3, was " + direction);
        };
    }

    /** Fills {@code order[0..H·W)} with direction {@code direction}'s positions, without divisions. */
    static void fill(int[] order, int direction, int height, int width) {
        int length = height * width;
        switch (direction) {
            case 0 -> {
                for (int t = 0; t < length; t++) {
                    order[t] = t;
                }
            }
            case 2 -> {
                for (int t = 0; t < length; t++) {
                    order[t] = length - 1 - t;
                }
            }
            case 1, 3 -> {
                int t = direction == 1 ? 0 : length - 1;
                int step = direction == 1 ? 1 : -1;
                for (int col = 0; col < width; col++) {
                    for (int row = 0; row < height; row++) {
                        order[t] = row * width + col;
                        t += step;
                    }
                }
            }
            default -> throw new IllegalArgumentException("cross-scan direction must be 0..3, was " + direction);
        }
    }
}
