package org.radmamba.viewer.fx.viewport;

import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.pixel.VoiFunction;

/**
 * A window preset or drag result in real-world units (HU for CT): centre and width as DICOM defines them
 * (PS3.3 C.11.2.1.2). The pixel pipeline ({@code org.radmamba.viewer.pixel}) applies it as a
 * {@code Voi.Window}.
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

    public WindowLevel named(String newName) {
        return new WindowLevel(center, width, newName);
    }

    /** As the pipeline's LINEAR window. */
    public Voi.Window toVoi() {
        return new Voi.Window(center, width, VoiFunction.LINEAR, name);
    }
}
