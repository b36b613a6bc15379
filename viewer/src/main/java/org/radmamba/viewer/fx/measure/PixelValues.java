package org.radmamba.viewer.fx.measure;

/**
 * Real-world values of one image (after the modality LUT: HU for CT), read by ROI statistics and the pixel
 * probe. Single-sample images only; for colour images the statistics are over luminance.
 */
public interface PixelValues {

    int width();

    int height();

    /** The stored value at column {@code x}, row {@code y}. */
    double stored(int x, int y);

    /** The real-world value at column {@code x}, row {@code y}. */
    double real(int x, int y);

    /** Unit of {@link #real}: "HU" for CT, "" when the file gives none. */
    String unit();
}
