package org.radmamba.viewer.pixel;

/** Colour-space conversions of PS3.3 C.7.6.3.1.2. */
public final class Colour {

    private Colour() {
    }

    /** YBR_FULL (Y, Cb, Cr; 8 bits each) to an opaque ARGB pixel. */
    public static int ybrFullToArgb(int y, int cb, int cr) {
        return 0xFF000000 | ybrToR(y, cr) << 16 | ybrToG(y, cb, cr) << 8 | ybrToB(y, cb);
    }

    public static int ybrToR(int y, int cr) {
        return PixelPipeline.clamp8((int) Math.round(y + 1.402 * (cr - 128)));
    }

    public static int ybrToG(int y, int cb, int cr) {
        return PixelPipeline.clamp8((int) Math.round(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128)));
    }

    public static int ybrToB(int y, int cb) {
        return PixelPipeline.clamp8((int) Math.round(y + 1.772 * (cb - 128)));
    }
}
