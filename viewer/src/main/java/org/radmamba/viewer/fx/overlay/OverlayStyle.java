package org.radmamba.viewer.fx.overlay;

/**
 * How a label mask is drawn.
 *
 * @param opacity     0..1, applied to every class colour
 * @param outlineOnly only the class boundaries (pixels with a 4-neighbour of another label or the image edge)
 * @param visible     whether the overlay is drawn at all
 */
public record OverlayStyle(double opacity, boolean outlineOnly, boolean visible) {

    public static final OverlayStyle DEFAULT = new OverlayStyle(0.45, false, true);

    public OverlayStyle {
        if (!(opacity >= 0 && opacity <= 1)) {
            throw new IllegalArgumentException("opacity must be in [0, 1], got " + opacity);
        }
    }

    public OverlayStyle withOpacity(double value) {
        return new OverlayStyle(value, outlineOnly, visible);
    }

    public OverlayStyle withOutlineOnly(boolean value) {
        return new OverlayStyle(opacity, value, visible);
    }

    public OverlayStyle withVisible(boolean value) {
        return new OverlayStyle(opacity, outlineOnly, value);
    }
}
