package org.radmamba.inference.preprocess;

/**
 * An 8-bit image: {@code channels} (1 = grey, 3 = RGB) interleaved per pixel, rows top to bottom. What the app hands
 * to preprocessing for photographs (decoded by ImageIO) and for DICOM frames (already rendered to 8-bit display
 * values by the viewer's pipeline).
 */
public record ByteImage(int width, int height, int channels, byte[] pixels) {

    public ByteImage {
        if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("an image needs a positive size and 1 or 3 channels, got " + width + "x"
                    + height + "x" + channels);
        }
        if (pixels.length != (long) width * height * channels) {
            throw new IllegalArgumentException("a " + width + "x" + height + "x" + channels + " image needs "
                    + (long) width * height * channels + " bytes, got " + pixels.length);
        }
    }

    /** The sample of channel {@code c} at ({@code x}, {@code y}), 0..255. */
    public int sample(int x, int y, int c) {
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }

    /** This image with three channels: grey is replicated, as PIL's {@code convert("RGB")} does. */
    public ByteImage toRgb() {
        if (channels == 3) {
            return this;
        }
        byte[] rgb = new byte[pixels.length * 3];
        for (int i = 0; i < pixels.length; i++) {
            rgb[3 * i] = pixels[i];
            rgb[3 * i + 1] = pixels[i];
            rgb[3 * i + 2] = pixels[i];
        }
        return new ByteImage(width, height, 3, rgb);
    }
}
