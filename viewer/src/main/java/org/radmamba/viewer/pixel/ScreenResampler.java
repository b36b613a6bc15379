package org.radmamba.viewer.pixel;

/**
 * Resamples a rendered (windowed, 32-bit) image into a screen-sized buffer through an affine map, so that the UI can
 * show it 1:1. A software renderer copies a 1:1 image several times faster than it scales one, and the viewport is
 * repainted with every slice.
 *
 * <p>The map goes from screen pixel to image pixel: {@code u = m00·x + m01·y + m02}, {@code v = m10·x + m11·y +
 * m12}, evaluated at the pixel centre {@code (x + ½, y + ½)}. Nearest sampling takes the image pixel whose square
 * holds that point, as a renderer without smoothing does; bilinear weighs the four nearest pixel centres (edges
 * clamped). Screen pixels whose centre falls outside the image get {@code background}. Pixels are copied as they
 * are, so premultiplied input gives premultiplied output.
 */
public final class ScreenResampler {

    private int[] columnPart = new int[0];
    private int[] rowPart = new int[0];

    /**
     * Fills {@code dst} ({@code dw × dh}, row-major) from {@code src} ({@code sw × sh}). {@code toImage} holds
     * {@code m00, m01, m02, m10, m11, m12}.
     */
    public void resample(int[] src, int sw, int sh, double[] toImage, int[] dst, int dw, int dh, boolean bilinear,
                         int background) {
        if (src.length < sw * sh || dst.length < dw * dh) {
            throw new IllegalArgumentException("buffers too small for " + sw + "x" + sh + " -> " + dw + "x" + dh);
        }
        double m00 = toImage[0], m01 = toImage[1], m02 = toImage[2];
        double m10 = toImage[3], m11 = toImage[4], m12 = toImage[5];
        if (!bilinear && m01 == 0 && m10 == 0) {
            // Upright (flips included): the column depends on x only, the row on y only.
            nearestSeparable(src, sw, sh, dst, dw, dh, m00, m02, m11, m12, false, background);
        } else if (!bilinear && m00 == 0 && m11 == 0) {
            // A quarter turn: the column depends on y only, the row on x only.
            nearestSeparable(src, sw, sh, dst, dw, dh, m10, m12, m01, m02, true, background);
        } else if (bilinear) {
            bilinear(src, sw, sh, dst, dw, dh, m00, m01, m02, m10, m11, m12, background);
        } else {
            nearest(src, sw, sh, dst, dw, dh, m00, m01, m02, m10, m11, m12, background);
        }
    }

    /**
     * Nearest sampling where the image index splits into a part from the screen column and a part from the screen
     * row, each computed once: {@code index = xPart[x] + yPart[y]}, -1 marking outside. {@code turned}: x gives
     * the image row (through {@code a, b}) and y the image column (through {@code c, d}); otherwise x gives the
     * column and y the row.
     */
    private void nearestSeparable(int[] src, int sw, int sh, int[] dst, int dw, int dh, double a, double b, double c,
                                  double d, boolean turned, int background) {
        if (columnPart.length < dw) {
            columnPart = new int[dw];
        }
        if (rowPart.length < dh) {
            rowPart = new int[dh];
        }
        int[] xPart = columnPart;
        int[] yPart = rowPart;
        for (int x = 0; x < dw; x++) {
            double t = a * (x + 0.5) + b;
            int i = (int) Math.floor(t);
            xPart[x] = turned ? (i >= 0 && i < sh ? i * sw : -1) : (i >= 0 && i < sw ? i : -1);
        }
        for (int y = 0; y < dh; y++) {
            double t = c * (y + 0.5) + d;
            int i = (int) Math.floor(t);
            yPart[y] = turned ? (i >= 0 && i < sw ? i : -1) : (i >= 0 && i < sh ? i * sw : -1);
        }
        for (int y = 0; y < dh; y++) {
            int row = y * dw;
            int yp = yPart[y];
            if (yp < 0) {
                java.util.Arrays.fill(dst, row, row + dw, background);
                continue;
            }
            for (int x = 0; x < dw; x++) {
                int xp = xPart[x];
                dst[row + x] = xp < 0 ? background : src[xp + yp];
            }
        }
    }

    private static void nearest(int[] src, int sw, int sh, int[] dst, int dw, int dh, double m00, double m01,
                                double m02, double m10, double m11, double m12, int background) {
        for (int y = 0; y < dh; y++) {
            double cy = y + 0.5;
            for (int x = 0; x < dw; x++) {
                double cx = x + 0.5;
                int u = (int) Math.floor(m00 * cx + m01 * cy + m02);
                int v = (int) Math.floor(m10 * cx + m11 * cy + m12);
                dst[y * dw + x] = u >= 0 && u < sw && v >= 0 && v < sh ? src[v * sw + u] : background;
            }
        }
    }

    private static void bilinear(int[] src, int sw, int sh, int[] dst, int dw, int dh, double m00, double m01,
                                 double m02, double m10, double m11, double m12, int background) {
        for (int y = 0; y < dh; y++) {
            double cy = y + 0.5;
            for (int x = 0; x < dw; x++) {
                double cx = x + 0.5;
                double u = m00 * cx + m01 * cy + m02;
                double v = m10 * cx + m11 * cy + m12;
                if (!(u >= 0 && u < sw && v >= 0 && v < sh)) {
                    dst[y * dw + x] = background;
                    continue;
                }
                // Between the four nearest pixel centres (pixel i's centre is at i + ½).
                double fu = u - 0.5;
                double fv = v - 0.5;
                int u0 = (int) Math.floor(fu);
                int v0 = (int) Math.floor(fv);
                int wu = (int) Math.round((fu - u0) * 256);
                int wv = (int) Math.round((fv - v0) * 256);
                int ua = Math.max(u0, 0);
                int ub = Math.min(u0 + 1, sw - 1);
                int va = Math.max(v0, 0) * sw;
                int vb = Math.min(v0 + 1, sh - 1) * sw;
                dst[y * dw + x] = mix(mix(src[va + ua], src[va + ub], wu), mix(src[vb + ua], src[vb + ub], wu), wv);
            }
        }
    }

    /** {@code p·(256 - w) + q·w} per 8-bit channel, {@code w} in 0..256. */
    private static int mix(int p, int q, int w) {
        if (w == 0 || p == q) {
            return p;
        }
        int iw = 256 - w;
        int rb = ((p & 0x00FF00FF) * iw + (q & 0x00FF00FF) * w + 0x00800080) >>> 8 & 0x00FF00FF;
        int ag = ((p >>> 8 & 0x00FF00FF) * iw + (q >>> 8 & 0x00FF00FF) * w + 0x00800080) & 0xFF00FF00;
        return ag | rb;
    }
}
