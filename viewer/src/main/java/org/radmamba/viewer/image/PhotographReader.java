package org.radmamba.viewer.image;

import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.Samples;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Photographs (PNG, JPEG, BMP, TIFF) through the JDK's ImageIO, as single frames in the same form as DICOM
 * frames: 8-bit RGB pixel-interleaved, or 8/16-bit MONOCHROME2 for greyscale images. Alpha is dropped.
 */
public final class PhotographReader {

    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "tif", "tiff");

    private final long maxFrameBytes;

    public PhotographReader(long maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /** A photograph and how its frame is laid out. */
    public record Photograph(FrameFormat format, DecodedFrame frame) {
    }

    /** Whether the file's name says it is a photograph this reader opens. */
    public static boolean isPhotograph(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Width and height from the header, without decoding pixels, as the 8-bit RGB frame format whose size the
     * limit is checked against.
     */
    public FrameFormat readFormat(Path file) throws PhotographReadException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = readerFor(file, in);
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                return checkedFormat(file, height, width, 3, 8);
            } finally {
                reader.dispose();
            }
        } catch (PhotographReadException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new PhotographReadException(file, "is not a readable image: " + e.getMessage(), e);
        }
    }

    public Photograph read(Path file) throws PhotographReadException {
        readFormat(file);
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new PhotographReadException(file, "is not a readable image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new PhotographReadException(file, "is not an image format ImageIO reads");
        }
        int width = image.getWidth();
        int height = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY
                && image.getRaster().getDataBuffer() instanceof DataBufferByte) {
            FrameFormat format = checkedFormat(file, height, width, 1, 8);
            byte[] grey = new byte[width * height];
            image.getRaster().getDataElements(0, 0, width, height, grey);
            return new Photograph(format, new DecodedFrame(new Samples.Bytes(grey), "MONOCHROME2"));
        }
        if (image.getType() == BufferedImage.TYPE_USHORT_GRAY
                && image.getRaster().getDataBuffer() instanceof DataBufferUShort) {
            FrameFormat format = checkedFormat(file, height, width, 1, 16);
            short[] grey = new short[width * height];
            image.getRaster().getDataElements(0, 0, width, height, grey);
            return new Photograph(format, new DecodedFrame(new Samples.Shorts(grey), "MONOCHROME2"));
        }
        FrameFormat format = checkedFormat(file, height, width, 3, 8);
        byte[] rgb = new byte[width * height * 3];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0, o = y * width * 3; x < width; x++, o += 3) {
                int p = row[x];
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        return new Photograph(format, new DecodedFrame(new Samples.Bytes(rgb), "RGB"));
    }

    private FrameFormat checkedFormat(Path file, int rows, int columns, int samples, int bits) throws PhotographReadException {
        long bytes = (long) rows * columns * samples * (bits / 8);
        if (rows <= 0 || columns <= 0) {
            throw new PhotographReadException(file, "has no pixels (" + columns + "x" + rows + ")");
        }
        if (bytes > maxFrameBytes) {
            throw new PhotographReadException(file, "is " + columns + "x" + rows + ", which needs " + bytes
                    + " bytes, more than the limit of " + maxFrameBytes);
        }
        return new FrameFormat(rows, columns, samples, bits, bits, false, 0, samples == 3 ? "RGB" : "MONOCHROME2");
    }

    private static ImageReader readerFor(Path file, ImageInputStream in) throws PhotographReadException {
        if (in == null) {
            throw new PhotographReadException(file, "cannot be opened");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new PhotographReadException(file, "is not an image format ImageIO reads");
        }
        return readers.next();
    }
}
