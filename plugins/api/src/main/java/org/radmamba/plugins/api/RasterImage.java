package org.radmamba.plugins.api;

import java.util.Objects;

/**
 * An 8-bit image, grey (1 sample per pixel) or RGB (3, interleaved), row by row from the top left. Immutable: the
 * constructor copies the pixels and {@link #copyPixels()} hands out a copy, so a plugin cannot change what the
 * viewer shows.
 */
public final class RasterImage {

    /** Images larger than this many pixels are refused (a corrupt header must not allocate gigabytes). */
    public static final long MAX_PIXELS = 1L << 28;

    private final int width;
    private final int height;
    private final int samples;
    private final byte[] pixels;

    public RasterImage(int width, int height, int samples, byte[] pixels) {
        Objects.requireNonNull(pixels, "pixels");
        if (width <= 0 || height <= 0 || (long) width * height > MAX_PIXELS) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " is out of range");
        }
        if (samples != 1 && samples != 3) {
            throw new IllegalArgumentException("samples per pixel must be 1 (grey) or 3 (RGB), got " + samples);
        }
        if (pixels.length != width * height * samples) {
            throw new IllegalArgumentException("a " + width + "x" + height + "x" + samples + " image needs "
                    + width * height * samples + " bytes, got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.samples = samples;
        this.pixels = pixels.clone();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** 1 (grey) or 3 (R, G, B). */
    public int samples() {
        return samples;
    }

    /** Sample {@code channel} of pixel (x, y), 0..255. */
    public int sample(int x, int y, int channel) {
        if (x < 0 || y < 0 || x >= width || y >= height || channel < 0 || channel >= samples) {
            throw new IndexOutOfBoundsException("(" + x + ", " + y + ", " + channel + ") outside " + width + "x"
                    + height + "x" + samples);
        }
        return pixels[(y * width + x) * samples + channel] & 0xFF;
    }

    /**
     * The brightness of pixel (x, y), 0..255: the grey value, or for RGB the rounded Rec. 601 luma
     * {@code 0.299 R + 0.587 G + 0.114 B}.
     */
    public int luminance(int x, int y) {
        if (samples == 1) {
            return sample(x, y, 0);
        }
        return (int) Math.round(0.299 * sample(x, y, 0) + 0.587 * sample(x, y, 1) + 0.114 * sample(x, y, 2));
    }

    /** A copy of the interleaved samples. */
    public byte[] copyPixels() {
        return pixels.clone();
    }
}
