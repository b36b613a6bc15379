package org.radmamba.viewer.fx.viewport;

/**
 * Which part of an MPR crosshair a screen point grabs: one reference line, the centre where they cross, or neither.
 * All in screen pixels, so the tolerance is the same at every zoom. Plain arithmetic (no scene graph), shared by the
 * plane's view model (hit test, dragging) and {@link CrosshairViewport} (drawing), so what is drawn is what is hit.
 */
public final class CrosshairHandles {

    /** What a press grabs. */
    public enum Handle {
        /** Neither line: the mouse tool acts. */
        NONE,
        /** The vertical line (the plane whose normal runs across this one): it moves alone, along its normal. */
        VERTICAL_LINE,
        /** The horizontal line (the plane whose normal runs down this one). */
        HORIZONTAL_LINE,
        /** Where the lines cross: both move. */
        CENTRE
    }

    /** Screen pixels either side of a line that still grab it (about its 1 px stroke plus a hand's tremor). */
    public static final double LINE_TOLERANCE = 5;
    /** Screen pixels from the crossing that grab both lines (larger than a line's, so the centre is easy to hit). */
    public static final double CENTRE_TOLERANCE = 9;

    private CrosshairHandles() {
    }

    /**
     * The unit screen direction of a line that runs along the image vector whose screen image is (dx, dy), turned by
     * {@code degrees} clockwise on the screen (an oblique MPR turns both lines on the screen, where a millimetre is
     * as long across as down).
     */
    public static double[] lineDirection(double dx, double dy, double degrees) {
        double length = Math.hypot(dx, dy);
        double ux = length > 0 ? dx / length : 0;
        double uy = length > 0 ? dy / length : 0;
        double radians = Math.toRadians(degrees);
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        return new double[] {ux * cos - uy * sin, ux * sin + uy * cos};
    }

    /**
     * What the screen point (x, y) grabs of the crosshair through (centreX, centreY) whose lines run along the unit
     * directions {@code vertical} and {@code horizontal} (from {@link #lineDirection}).
     */
    public static Handle at(double x, double y, double centreX, double centreY, double[] vertical, double[] horizontal) {
        if (!Double.isFinite(centreX) || !Double.isFinite(centreY)) {
            return Handle.NONE;
        }
        double dx = x - centreX;
        double dy = y - centreY;
        if (Math.hypot(dx, dy) <= CENTRE_TOLERANCE) {
            return Handle.CENTRE;
        }
        double toVertical = distanceToLine(dx, dy, vertical);
        double toHorizontal = distanceToLine(dx, dy, horizontal);
        if (Math.min(toVertical, toHorizontal) > LINE_TOLERANCE) {
            return Handle.NONE;
        }
        return toVertical <= toHorizontal ? Handle.VERTICAL_LINE : Handle.HORIZONTAL_LINE;
    }

    /** The part of the screen move (dx, dy) across the line of unit direction {@code line} (along its normal). */
    public static double[] acrossLine(double dx, double dy, double[] line) {
        double along = dx * line[0] + dy * line[1];
        return new double[] {dx - along * line[0], dy - along * line[1]};
    }

    private static double distanceToLine(double dx, double dy, double[] line) {
        return Math.abs(dx * line[1] - dy * line[0]);
    }
}
