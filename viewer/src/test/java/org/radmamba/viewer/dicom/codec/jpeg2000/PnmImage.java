package org.radmamba.viewer.dicom.codec.jpeg2000;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A binary PGM (P5) or PPM (P6) reference image, as the HTJ2K fixture scripts write them and opj_decompress and
 * ojph_expand output them (with an optional comment line): 8-bit, or 16-bit big-endian above maxval 255; samples
 * pixel-interleaved.
 */
public record PnmImage(int width, int height, int components, int[] samples) {

    /** Reads a test resource, e.g. {@code /codec/htj2k/gray8_rev_5dec.pnm}. */
    public static PnmImage resource(String path) {
        return read(bytes(path));
    }

    public static byte[] bytes(String path) {
        try (InputStream in = PnmImage.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PnmImage read(byte[] b) {
        int[] fields = new int[4];
        int pos = 0;
        int n = 0;
        int components = b[1] == '6' ? 3 : 1;
        while (n < 4) {
            while (Character.isWhitespace(b[pos])) {
                pos++;
            }
            if (b[pos] == '#') {
                while (b[pos] != '\n') {
                    pos++;
                }
                continue;
            }
            int start = pos;
            while (!Character.isWhitespace(b[pos])) {
                pos++;
            }
            // the first token is the magic number (P5 or P6)
            fields[n] = n == 0 ? 0 : Integer.parseInt(new String(b, start, pos - start, StandardCharsets.US_ASCII));
            n++;
        }
        pos++;
        int w = fields[1];
        int h = fields[2];
        int[] s = new int[w * h * components];
        for (int i = 0; i < s.length; i++) {
            s[i] = fields[3] < 256 ? b[pos + i] & 0xFF
                    : ((b[pos + 2 * i] & 0xFF) << 8) | (b[pos + 2 * i + 1] & 0xFF);
        }
        return new PnmImage(w, h, components, s);
    }
}
