package org.radmamba.inference.segmentation;

/**
 * Resizing of single planes, following PyTorch's {@code F.interpolate}: bilinear with
 * {@code align_corners=False} (half-pixel centres, edge-clamped, no antialiasing) and legacy {@code nearest}
 * ({@code src = floor(dst * in / out)}).
 */
public final class Resampling {

    private Resampling() {
    }

    /** Bilinear resize of a (height, width) row-major plane. */
    public static float[] bilinear(float[] plane, int height, int width, int outHeight, int outWidth) {
        checkSizes(plane.length, height, width, outHeight, outWidth);
        float[] out = new float[Math.multiplyExact(outHeight, outWidth)];
        int[] x0 = new int[outWidth];
        int[] x1 = new int[outWidth];
        float[] xLambda = new float[outWidth];
        sourceIndices(width, outWidth, x0, x1, xLambda);
        int[] y0 = new int[outHeight];
        int[] y1 = new int[outHeight];
        float[] yLambda = new float[outHeight];
        sourceIndices(height, outHeight, y0, y1, yLambda);
        for (int oy = 0; oy < outHeight; oy++) {
            int rowA = y0[oy] * width;
            int rowB = y1[oy] * width;
            float ly = yLambda[oy];
            for (int ox = 0; ox < outWidth; ox++) {
                float lx = xLambda[ox];
                float top = (1 - lx) * plane[rowA + x0[ox]] + lx * plane[rowA + x1[ox]];
                float bottom = (1 - lx) * plane[rowB + x0[ox]] + lx * plane[rowB + x1[ox]];
                out[oy * outWidth + ox] = (1 - ly) * top + ly * bottom;
            }
        }
        return out;
    }

    /** Nearest-neighbour resize of a label mask (labels are never blended). */
    public static LabelMask nearest(LabelMask mask, int outWidth, int outHeight) {
        checkSizes(mask.labels().length, mask.height(), mask.width(), outHeight, outWidth);
        byte[] out = new byte[Math.multiplyExact(outHeight, outWidth)];
        int[] sx = new int[outWidth];
        for (int ox = 0; ox < outWidth; ox++) {
            sx[ox] = nearestIndex(ox, mask.width(), outWidth);
        }
        for (int oy = 0; oy < outHeight; oy++) {
            int row = nearestIndex(oy, mask.height(), outHeight) * mask.width();
            for (int ox = 0; ox < outWidth; ox++) {
                out[oy * outWidth + ox] = mask.labels()[row + sx[ox]];
            }
        }
        return new LabelMask(outWidth, outHeight, out);
    }

    private static int nearestIndex(int dst, int in, int out) {
        return Math.min((int) Math.floor(dst * ((double) in / out)), in - 1);
    }

    private static void sourceIndices(int in, int out, int[] i0, int[] i1, float[] lambda) {
        double scale = (double) in / out;
        for (int d = 0; d < out; d++) {
            double src = Math.max(0.0, (d + 0.5) * scale - 0.5);
            int index = (int) src;
            i0[d] = Math.min(index, in - 1);
            i1[d] = Math.min(index + 1, in - 1);
            lambda[d] = (float) (src - index);
        }
    }

    private static void checkSizes(int length, int height, int width, int outHeight, int outWidth) {
        if (height <= 0 || width <= 0 || outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("resize sizes must be positive: " + width + "x" + height + " to "
                    + outWidth + "x" + outHeight);
        }
        if (length != (long) height * width) {
            throw new IllegalArgumentException("a " + width + "x" + height + " plane needs " + (long) height * width
                    + " values, got " + length);
        }
    }
}
