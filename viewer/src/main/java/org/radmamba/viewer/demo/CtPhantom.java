package org.radmamba.viewer.demo;

/**
 * A synthetic chest-to-abdomen CT phantom in Hounsfield units: air around an elliptical body with a fat rim,
 * soft tissue, two lungs that shrink towards the diaphragm, a heart and aorta, a liver and kidneys below, a
 * vertebra with cortical bone and ribs. Values are textbook HU (air -1000, lung -850, fat -100, soft tissue
 * 40, blood and kidneys with contrast 150, liver 60, cancellous bone 250, cortical bone 1000) so CT presets look as they
 * should. Deterministic: the same arguments give the same value.
 */
final class CtPhantom {

    private CtPhantom() {
    }

    /**
     * HU at a point of the slice plane.
     *
     * @param u horizontal position, -1 (image left, patient right) .. 1
     * @param v vertical position, -1 (anterior, top) .. 1
     * @param z slice position, 0 (top of the chest) .. 1 (lower abdomen)
     */
    static double hounsfield(double u, double v, double z) {
        // Body: an ellipse a little wider than tall, slightly larger in the abdomen.
        double bodyA = 0.86 + 0.04 * z;
        double bodyB = 0.62 + 0.04 * z;
        double body = ellipse(u, v - 0.05, bodyA, bodyB);
        if (body > 1) {
            return -1000;
        }
        if (body > 0.85) {
            return -100; // subcutaneous fat
        }
        double spine = ellipse(u, v - 0.42, 0.11, 0.11);
        if (spine <= 1) {
            if (spine > 0.72) {
                return 1000; // cortex
            }
            return ellipse(u, v - 0.36, 0.04, 0.035) <= 1 ? 20 : 250; // canal (CSF-like) in cancellous bone
        }
        double ribRing = ellipse(u, v - 0.05, bodyA * 0.84, bodyB * 0.8);
        if (z < 0.75 && ribRing > 0.93 && ribRing < 1.03 && ribSpoke(u, v)) {
            return 900;
        }
        double lungScale = z < 0.55 ? 1 - 0.5 * z : Math.max(0, 1.55 - 1.9 * z);
        if (lungScale > 0.05) {
            double left = ellipse(u + 0.38, v + 0.05, 0.30 * lungScale + 0.02, 0.42 * lungScale + 0.02);
            double right = ellipse(u - 0.38, v + 0.05, 0.28 * lungScale + 0.02, 0.42 * lungScale + 0.02);
            if (left <= 1 || right <= 1) {
                // A few vessels inside the lung.
                double vessel = Math.sin(u * 41) * Math.cos(v * 37);
                return vessel > 0.97 ? 40 : -850;
            }
        }
        if (z < 0.5) {
            if (ellipse(u - 0.02, v - 0.28, 0.07, 0.07) <= 1) {
                return 150; // descending aorta with contrast
            }
            if (ellipse(u - 0.08, v + 0.02, 0.22, 0.2) <= 1) {
                return ellipse(u - 0.1, v + 0.02, 0.13, 0.12) <= 1 ? 150 : 45; // heart chambers and muscle
            }
        } else {
            if (ellipse(u - 0.02, v - 0.28, 0.065, 0.065) <= 1) {
                return 150; // abdominal aorta
            }
            if (ellipse(u + 0.38, v + 0.0, 0.4, 0.38) <= 1 && z < 0.85) {
                return 60; // liver
            }
            if (z > 0.7 && (ellipse(u + 0.3, v - 0.3, 0.1, 0.14) <= 1 || ellipse(u - 0.3, v - 0.3, 0.1, 0.14) <= 1)) {
                return 150; // kidneys, enhancing cortex
            }
            if (ellipse(u - 0.3, v + 0.1, 0.2, 0.15) <= 1) {
                return -950; // gas in the bowel
            }
        }
        return 40; // soft tissue
    }

    private static double ellipse(double x, double y, double a, double b) {
        return (x * x) / (a * a) + (y * y) / (b * b);
    }

    private static boolean ribSpoke(double u, double v) {
        double angle = Math.atan2(v, u);
        // Twelve short bright arcs.
        return Math.cos(angle * 12) > 0.6;
    }
}
