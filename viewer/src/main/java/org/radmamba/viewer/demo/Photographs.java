package org.radmamba.viewer.demo;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/** Synthetic clinical photographs for the demo study: dermoscopy, endoscopy, an ultrasound screenshot. Deterministic. */
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

    /**
     * An endoscopy-like picture (colonoscopy): a circular field of view on black, pink-red mucosa lit from the
     * scope, darker towards the lumen, concentric folds, a fine vessel pattern and a few specular highlights.
     */
    static BufferedImage endoscopy(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(11);
        double cx = width / 2.0;
        double cy = height / 2.0;
        double field = Math.min(width, height) * 0.47;
        double lumenX = width * 0.57;
        double lumenY = height * 0.44;
        double lumenRadius = Math.min(width, height) * 0.09;
        double[][] highlights = new double[6][];
        for (int i = 0; i < highlights.length; i++) {
            double a = random.nextDouble() * 2 * Math.PI;
            double r = field * (0.35 + 0.5 * random.nextDouble());
            highlights[i] = new double[] {cx + r * Math.cos(a), cy + r * Math.sin(a), 2 + 4 * random.nextDouble()};
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double fromCentre = Math.hypot(x - cx, y - cy);
                if (fromCentre > field) {
                    image.setRGB(x, y, 0);
                    continue;
                }
                double dx = x - lumenX;
                double dy = y - lumenY;
                double d = Math.max(1, Math.hypot(dx, dy));
                double angle = Math.atan2(dy, dx);
                // Light falls off towards the lumen (far from the scope) and is black inside it.
                double depth = Math.clamp((d - lumenRadius) / (field * 0.9), 0, 1);
                double light = Math.pow(depth, 0.6);
                // Haustral folds: rings around the lumen, spaced out towards the scope, with a wavy edge.
                double fold = Math.sin(9 * Math.log(d) + 0.6 * Math.sin(3 * angle));
                double ridge = 0.82 + 0.18 * fold;
                double vessel = Math.abs(Math.sin(x * 0.11 + 2.5 * Math.sin(y * 0.045))
                        * Math.sin(y * 0.09 + 2 * Math.sin(x * 0.03)));
                double vesselDarkening = vessel < 0.05 ? 0.78 : 1;
                double red = (215 * ridge) * light * vesselDarkening;
                double green = (105 * ridge - 20 * (1 - depth)) * light * (vesselDarkening < 1 ? 0.7 : 1);
                double blue = (95 * ridge) * light * (vesselDarkening < 1 ? 0.75 : 1);
                // Edge of the optics: a soft dark rim.
                double rim = Math.clamp((field - fromCentre) / 12, 0, 1);
                for (double[] h : highlights) {
                    double hd = Math.hypot(x - h[0], y - h[1]);
                    if (hd < h[2]) {
                        double glare = 1 - hd / h[2];
                        red += (255 - red) * glare;
                        green += (255 - green) * glare;
                        blue += (255 - blue) * glare;
                    }
                }
                double grain = (random.nextDouble() - 0.5) * 6;
                image.setRGB(x, y, rgb((red + grain) * rim, (green + grain) * rim, (blue + grain) * rim));
            }
        }
        return image;
    }

    /**
     * An ultrasound screenshot: a grey-scale sector (B-mode) on a black screen, speckle fading with depth, a
     * skin-side bright layer, an anechoic cyst with posterior enhancement, depth ticks beside the sector, a
     * grey-scale bar and two yellow caliper crosses across the cyst, as a scanner's screen capture shows them.
     */
    static BufferedImage ultrasoundScreenshot(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(13);
        double apexX = width / 2.0;
        double apexY = height * 0.06;
        double innerRadius = height * 0.08;
        double outerRadius = height * 0.9;
        double halfAngle = Math.toRadians(35);
        double cystX = apexX + width * 0.04;
        double cystY = apexY + outerRadius * 0.5;
        double cystRx = width * 0.09;
        double cystRy = height * 0.07;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double r = Math.hypot(x - apexX, y - apexY);
                double angle = Math.atan2(x - apexX, y - apexY);
                if (r < innerRadius || r > outerRadius || Math.abs(angle) > halfAngle) {
                    continue;
                }
                double depth = (r - innerRadius) / (outerRadius - innerRadius);
                // Speckle: a Rayleigh-distributed envelope, as coherent echoes give.
                double speckle = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) / 1.25;
                double echo = 95 * speckle * (1 - 0.55 * depth);
                if (depth < 0.06) {
                    echo *= 1.8; // skin and subcutaneous layer
                }
                double cyst = Math.pow((x - cystX) / cystRx, 2) + Math.pow((y - cystY) / cystRy, 2);
                if (cyst < 1) {
                    echo *= 0.06; // anechoic fluid
                } else if (cyst < 1.25) {
                    echo *= 1.6; // bright wall
                } else if (Math.abs(x - cystX) < cystRx * 0.9 && y > cystY) {
                    echo *= 1.35; // posterior acoustic enhancement
                }
                int v = clamp(echo);
                image.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        // Depth ticks every 5% of the sector's depth along its right edge, longer every fourth.
        for (int i = 0; i <= 20; i++) {
            double r = innerRadius + (outerRadius - innerRadius) * i / 20.0;
            int tx = (int) Math.round(apexX + r * Math.sin(halfAngle)) + 8;
            int ty = (int) Math.round(apexY + r * Math.cos(halfAngle));
            int length = i % 4 == 0 ? 10 : 5;
            for (int k = 0; k < length && tx + k < width && ty < height; k++) {
                image.setRGB(tx + k, ty, 0xDDDDDD);
            }
        }
        // Grey-scale bar at the right edge, white at the top.
        int barX = width - 24;
        int barTop = (int) (height * 0.2);
        int barBottom = (int) (height * 0.8);
        for (int y = barTop; y < barBottom; y++) {
            int v = clamp(255.0 * (barBottom - 1 - y) / (barBottom - 1 - barTop));
            for (int x = barX; x < barX + 10; x++) {
                image.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        // Calipers across the cyst's width.
        caliper(image, (int) Math.round(cystX - cystRx), (int) Math.round(cystY));
        caliper(image, (int) Math.round(cystX + cystRx), (int) Math.round(cystY));
        return image;
    }

    private static void caliper(BufferedImage image, int x, int y) {
        for (int k = -5; k <= 5; k++) {
            image.setRGB(x + k, y, 0xFFE040);
            image.setRGB(x, y + k, 0xFFE040);
        }
    }

    private static int rgb(double r, double g, double b) {
        return clamp(r) << 16 | clamp(g) << 8 | clamp(b);
    }

    private static int clamp(double v) {
        return Math.clamp(Math.round(v), 0, 255);
    }
}
