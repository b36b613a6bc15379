package org.radmamba.viewer.demo;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/** Synthetic clinical photographs for the demo study. Deterministic. */
final class Photographs {

    private Photographs() {
    }

    /**
     * A dermoscopy-like picture: skin tone with a vignette, and an irregular pigmented lesion, darker at the
     * centre with a reticular pattern.
     */
    static BufferedImage dermoscopyLesion(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(7);
        double[] lobes = new double[7];
        for (int i = 0; i < lobes.length; i++) {
            lobes[i] = random.nextDouble() * 2 * Math.PI;
        }
        double cx = width * 0.52;
        double cy = height * 0.48;
        double radius = Math.min(width, height) * 0.28;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double dx = x - cx;
                double dy = y - cy;
                double angle = Math.atan2(dy, dx);
                // Irregular border: a few low-frequency lobes.
                double border = radius * (1 + 0.12 * Math.sin(3 * angle + lobes[0]) + 0.08 * Math.sin(5 * angle + lobes[1])
                        + 0.05 * Math.sin(8 * angle + lobes[2]));
                double r = Math.hypot(dx, dy) / border;
                double vignette = 1 - 0.35 * Math.pow(Math.hypot(x - width / 2.0, y - height / 2.0)
                        / Math.hypot(width / 2.0, height / 2.0), 2);
                double red = 228;
                double green = 176;
                double blue = 150;
                if (r < 1.08) {
                    double pigment = r < 1 ? 1 - 0.6 * r * r : (1.08 - r) / 0.08 * 0.4;
                    double network = 0.5 + 0.5 * Math.sin(x * 0.45 + Math.sin(y * 0.21) * 2) * Math.sin(y * 0.45);
                    double depth = pigment * (0.75 + 0.25 * network);
                    red = red * (1 - depth) + 92 * depth;
                    green = green * (1 - depth) + 52 * depth;
                    blue = blue * (1 - depth) + 38 * depth;
                }
                double grain = (random.nextDouble() - 0.5) * 10;
                image.setRGB(x, y, rgb((red + grain) * vignette, (green + grain) * vignette, (blue + grain) * vignette));
            }
        }
        return image;
    }

    private static int rgb(double r, double g, double b) {
        return clamp(r) << 16 | clamp(g) << 8 | clamp(b);
    }

    private static int clamp(double v) {
        return (int) Math.clamp(Math.round(v), 0, 255);
    }
}
