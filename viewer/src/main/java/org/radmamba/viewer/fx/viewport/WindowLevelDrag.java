package org.radmamba.viewer.fx.viewport;

/**
 * Window/level by mouse drag: moving right widens the window, moving down raises the centre (the image darkens),
 * as in most PACS. The step per screen pixel scales with the value range of the image so that a drag across the
 * viewport covers the range whatever the modality (1 unit per pixel for an 8-bit photo, about 4 HU for CT).
 */
public final class WindowLevelDrag {

    private final WindowLevel start;
    private final double unitsPerPixel;

    /**
     * @param start      the window when the drag began
     * @param valueRange max - min of the image's real-world values
     */
    public WindowLevelDrag(WindowLevel start, double valueRange) {
        this.start = start;
        this.unitsPerPixel = unitsPerPixel(valueRange);
    }

    public static double unitsPerPixel(double valueRange) {
        return Math.max(valueRange, 1) / 1024 < 1 ? 1 : valueRange / 1024;
    }

    /** The window after dragging {@code dx, dy} screen pixels from where the drag began. */
    public WindowLevel dragTo(double dx, double dy) {
        double width = Math.max(1, start.width() + dx * unitsPerPixel);
        double center = start.center() + dy * unitsPerPixel;
        return new WindowLevel(center, width, "");
    }

    public double unitsPerPixel() {
        return unitsPerPixel;
    }
}
