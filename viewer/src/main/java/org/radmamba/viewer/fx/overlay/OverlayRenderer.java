package org.radmamba.viewer.fx.overlay;

/**
 * Renders a label mask into premultiplied-free ARGB pixels at the image's own geometry: a colour per class with the
 * style's opacity, transparent background. The viewport then draws these pixels through the same image-to-screen
 * transform as the image, so the overlay follows zoom, pan, rotation, flip and the slice shown.
 */
public final class OverlayRenderer {

    private OverlayRenderer() {
    }

    /** ARGB pixels, row-major; all transparent when the style is not visible. */
    public static int[] render(LabelMaskImage mask, OverlayStyle style) {
        int w = mask.width();
        int h = mask.height();
        int[] argb = new int[w * h];
        if (!style.visible() || style.opacity() == 0) {
            return argb;
        }
        int alpha = (int) Math.round(style.opacity() * 255) << 24;
        int[] colours = new int[256];
        for (int k = 1; k < 256; k++) {
            colours[k] = alpha | LabelColours.rgb(k);
        }
        byte[] labels = mask.labels();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int label = labels[i] & 0xFF;
                if (label == 0 || (style.outlineOnly() && !onBoundary(labels, w, h, x, y, label))) {
                    continue;
                }
                argb[i] = colours[label];
            }
        }
        return argb;
    }

    /** A pixel whose 4-neighbour has another label, or that lies on the image edge. */
    static boolean onBoundary(byte[] labels, int w, int h, int x, int y, int label) {
        if (x == 0 || y == 0 || x == w - 1 || y == h - 1) {
            return true;
        }
        int i = y * w + x;
        return (labels[i - 1] & 0xFF) != label || (labels[i + 1] & 0xFF) != label
                || (labels[i - w] & 0xFF) != label || (labels[i + w] & 0xFF) != label;
    }
}
