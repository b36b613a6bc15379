package org.radmamba.viewer.fx.measure;

/**
 * A point in image pixel coordinates: x along columns, y along rows, pixel (c, r) covering
 * [c, c+1) × [r, r+1), so its centre is (c + 0.5, r + 0.5). Measurements are stored this way so that they
 * stay on their anatomy through zoom, pan, rotation and scrolling.
 */
public record ImagePoint(double x, double y) {

    public ImagePoint {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("image point must be finite, got (" + x + ", " + y + ")");
        }
    }
}
