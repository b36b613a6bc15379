package org.radmamba.viewer.pixel;

import java.util.Locale;

/** VOI LUT Function (0028,1056), PS3.3 C.11.2.1.2.1: how a window maps values to output. */
public enum VoiFunction {
    LINEAR, LINEAR_EXACT, SIGMOID;

    /** LINEAR when absent or unknown, as the standard says. */
    public static VoiFunction parse(String value) {
        if (value == null) {
            return LINEAR;
        }
        return switch (value.trim().toUpperCase(Locale.ROOT)) {
            case "LINEAR_EXACT" -> LINEAR_EXACT;
            case "SIGMOID" -> SIGMOID;
            default -> LINEAR;
        };
    }
}
