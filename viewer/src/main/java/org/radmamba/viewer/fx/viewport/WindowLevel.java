package org.radmamba.viewer.fx.viewport;

/**
 * A VOI window in real-world units (HU for CT): centre and width as DICOM defines them (PS3.3 C.11.2.1.2).
 *
 * @param name a label for menus and corner text ("Lung", "From file 1"), may be empty
 */
public record WindowLevel(double center, double width, String name) {

    public WindowLevel {
        if (!(width >= 1) || !Double.isFinite(center)) {
            throw new IllegalArgumentException("window width must be at least 1 and centre finite, got C="
                    + center + " W=" + width);
        }
        name = name == null ? "" : name;
    }

    public WindowLevel(double center, double width) {
        this(center, width, "");
    }

    /** Lowest value still shown as black under DICOM's linear function. */
    public double lower() {
        return center - 0.5 - (width - 1) / 2;
    }

    /** Highest value still below white. */
    public double upper() {
        return center - 0.5 + (width - 1) / 2;
    }

    /**
     * DICOM's LINEAR VOI function (PS3.3 C.11.2.1.2.1) onto 0..255: below the window black, above white, in
     * between {@code ((x - (c - 0.5)) / (w - 1) + 0.5) * 255}.
     */
    public int displayValue(double x) {
        if (x <= lower()) {
            return 0;
        }
        if (x > upper()) {
            return 255;
        }
        double y = ((x - (center - 0.5)) / (width - 1) + 0.5) * 255;
        return (int) Math.clamp(Math.round(y), 0, 255);
    }

    public WindowLevel named(String newName) {
        return new WindowLevel(center, width, newName);
    }
}
