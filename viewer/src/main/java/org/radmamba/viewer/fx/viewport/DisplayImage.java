package org.radmamba.viewer.fx.viewport;

import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;

/**
 * The one {@link WritableImage} a viewport shows, refilled in place for every slice and window change: no image
 * per slice, no per-pixel nodes. Grey frames go through a 256-entry palette, so inverting costs nothing.
 */
public final class DisplayImage {

    private static final PixelFormat<ByteBuffer> GREY = PixelFormat.createByteIndexedInstance(greyPalette(false));
    private static final PixelFormat<ByteBuffer> GREY_INVERTED =
            PixelFormat.createByteIndexedInstance(greyPalette(true));

    private WritableImage image;
    private int[] invertBuffer = new int[0];

    private static int[] greyPalette(boolean inverted) {
        int[] palette = new int[256];
        for (int i = 0; i < 256; i++) {
            int g = inverted ? 255 - i : i;
            palette[i] = 0xFF000000 | g << 16 | g << 8 | g;
        }
        return palette;
    }

    /** The image, reallocated only when the frame size changes. */
    public WritableImage image() {
        return image;
    }

    private WritableImage imageOfSize(int width, int height) {
        if (image == null || (int) image.getWidth() != width || (int) image.getHeight() != height) {
            image = new WritableImage(width, height);
        }
        return image;
    }

    /** Writes an 8-bit grey frame (row-major, one byte per pixel, 0 black) and returns the image. */
    public WritableImage writeGrey(byte[] grey, int width, int height, boolean invert) {
        checkLength(grey.length, width, height);
        WritableImage target = imageOfSize(width, height);
        target.getPixelWriter().setPixels(0, 0, width, height, invert ? GREY_INVERTED : GREY, grey, 0, width);
        return target;
    }

    /** Writes an opaque ARGB frame (row-major) and returns the image. */
    public WritableImage writeArgb(int[] argb, int width, int height, boolean invert) {
        checkLength(argb.length, width, height);
        WritableImage target = imageOfSize(width, height);
        int[] source = argb;
        if (invert) {
            if (invertBuffer.length != argb.length) {
                invertBuffer = new int[argb.length];
            }
            for (int i = 0; i < argb.length; i++) {
                invertBuffer[i] = argb[i] ^ 0x00FFFFFF;
            }
            source = invertBuffer;
        }
        target.getPixelWriter().setPixels(0, 0, width, height, PixelFormat.getIntArgbInstance(), IntBuffer.wrap(source),
                width);
        return target;
    }

    private static void checkLength(int length, int width, int height) {
        if (width <= 0 || height <= 0 || (long) width * height != length) {
            throw new IllegalArgumentException("frame of " + width + "x" + height + " needs " + (long) width * height
                    + " pixels, got " + length);
        }
    }
}
