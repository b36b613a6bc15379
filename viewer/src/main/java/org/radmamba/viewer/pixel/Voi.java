package org.radmamba.viewer.pixel;

/**
 * A value-of-interest transformation: maps modality values (e.g. HU) to display values. Either a window or a
 * VOI LUT, as the file or the user gives it.
 */
public sealed interface Voi {

    /** What the file calls it (Window Center &amp; Width Explanation, LUT Explanation), or a name we give it. */
    String explanation();

    /**
     * A window (PS3.3 C.11.2.1.2).
     *
     * @param center   Window Center
     * @param width    Window Width; at least 1 for LINEAR, positive otherwise
     * @param function how the window maps values
     */
    record Window(double center, double width, VoiFunction function, String explanation) implements Voi {
        public Window {
            if (!(width > 0) || (function == VoiFunction.LINEAR && width < 1)) {
                throw new IllegalArgumentException("Window Width must be positive (at least 1 for LINEAR), got " + width);
            }
        }

        public Window(double center, double width) {
            this(center, width, VoiFunction.LINEAR, "");
        }

        /** The same window, moved or resized (interactive window/level keeps the function). */
        public Window withCenterAndWidth(double newCenter, double newWidth) {
            return new Window(newCenter, Math.max(newWidth, 1), function, explanation);
        }
    }

    /** A VOI LUT from a VOI LUT Sequence item. */
    record Lut(LookupTable table, String explanation) implements Voi {
    }
}
