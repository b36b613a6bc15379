package org.radmamba.viewer.volume;

import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.pixel.Voi;

/** Reformatted modality values to 8-bit grey display values, as the slices' own pipeline would show them. */
public final class PlaneRendering {

    private PlaneRendering() {
    }

    /**
     * Fills {@code out} with the display value of each of {@code values} under {@code voi}, inverted for
     * MONOCHROME1; pixels without a value (NaN: outside the volume, a gap) are black.
     */
    public static void toGrey(float[] values, Voi voi, boolean monochrome1, byte[] out) {
        if (out.length != values.length) {
            throw new IllegalArgumentException("out holds " + out.length + " pixels, not " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (Float.isNaN(v)) {
                out[i] = 0;
                continue;
            }
            int y = Math.clamp(Math.round(PixelPipeline.voiOutput(voi, v)), 0, 255);
            out[i] = (byte) (monochrome1 ? 255 - y : y);
        }
    }

    /** Whether the volume's slices are shown inverted (MONOCHROME1). */
    public static boolean isMonochrome1(Volume volume) {
        return "MONOCHROME1".equals(volume.pipeline().format().photometricInterpretation());
    }
}
