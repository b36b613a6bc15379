package org.radmamba.plugins.example;

import org.radmamba.plugins.api.ImageFormat;
import org.radmamba.plugins.api.RasterImage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Netpbm grey maps in binary form ({@code P5}) with up to 8 bits per sample, scaled to 0..255 when the maximum
 * value is below 255. Comments ({@code #} to the end of the line) are allowed in the header.
 */
public final class PgmFormat implements ImageFormat {

    @Override
    public String name() {
        return "pgm";
    }

    @Override
    public String description() {
        return "Netpbm grey map (binary PGM, 8 bits)";
    }

    @Override
    public List<String> suffixes() {
        return List.of("pgm");
    }

    @Override
    public boolean matches(byte[] header) {
        return header.length >= 3 && header[0] == 'P' && header[1] == '5' && Character.isWhitespace(header[2]);
    }

    @Override
    public RasterImage read(InputStream in, String fileName) throws IOException {
        if (in.read() != 'P' || in.read() != '5') {
            throw new IOException(fileName + ": not a binary PGM (it must start with P5)");
        }
        int width = header(in, fileName, "width");
        int height = header(in, fileName, "height");
        int max = header(in, fileName, "maximum value");
        if (max < 1 || max > 255) {
            throw new IOException(fileName + ": maximum value " + max + " is not 1..255 (16-bit PGM is not supported)");
        }
        if ((long) width * height > RasterImage.MAX_PIXELS || width == 0 || height == 0) {
            throw new IOException(fileName + ": image size " + width + "x" + height + " is out of range");
        }
        byte[] pixels = in.readNBytes(width * height);
        if (pixels.length < width * height) {
            throw new IOException(fileName + ": the pixel data ends after " + pixels.length + " of " + width * height + " bytes");
        }
        if (max != 255) {
            for (int i = 0; i < pixels.length; i++) {
                int v = pixels[i] & 0xFF;
                if (v > max) {
                    throw new IOException(fileName + ": sample " + v + " exceeds the maximum value " + max);
                }
                pixels[i] = (byte) Math.round(v * 255.0 / max);
            }
        }
        return new RasterImage(width, height, 1, pixels);
    }

    /** The next decimal number of the header, skipping white space and comments; one white space ends it. */
    private static int header(InputStream in, String fileName, String what) throws IOException {
        int c = in.read();
        while (c == '#' || Character.isWhitespace(c)) {
            if (c == '#') {
                while (c != '\n' && c != '\r' && c != -1) {
                    c = in.read();
                }
            }
            c = in.read();
        }
        long value = 0;
        int digits = 0;
        while (c >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            if (value > Integer.MAX_VALUE) {
                throw new IOException(fileName + ": the " + what + " in the header is too large");
            }
            digits++;
            c = in.read();
        }
        if (digits == 0 || !Character.isWhitespace(c)) {
            throw new IOException(fileName + ": the header has no valid " + what);
        }
        return (int) value;
    }
}
