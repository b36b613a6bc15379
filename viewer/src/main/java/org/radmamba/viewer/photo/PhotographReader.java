package org.radmamba.viewer.photo;

import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.memory.MemoryBudget;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Photographs (PNG, JPEG, BMP, TIFF) through the JDK's ImageIO, as single frames in the same form as DICOM
 * frames: 8-bit RGB pixel-interleaved, or 8/16-bit MONOCHROME2 for greyscale images. Alpha is dropped.
 *
 * <p>One reader per format, chosen on purpose: the JDK's own. Any ImageIO plugin on the class path (jai-imageio
 * was one until the own JPEG 2000 decoder replaced it; a RadMamba plugin's jar may bring one) registers second BMP
 * and TIFF readers, ImageIO's order between them is not fixed, and readers judge broken files differently
 * (jai-imageio's BMP reader allocated whatever a header's pixel-data offset claimed, 2 GB for a 58-byte file), so
 * the verdict on a file would change from run to run. The memory a decode needs is checked against
 * the {@link MemoryBudget} first.
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
        checkBitmapHeader(file);
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
        } catch (OutOfMemoryError e) {
            throw new PhotographReadException(file, "is not a readable image: its header claims more memory than there is", e);
        }
    }

    public Photograph read(Path file) throws PhotographReadException {
        FrameFormat header = readFormat(file);
        // The decoded image (up to 4 bytes a pixel, 8 for 16-bit samples) and our copy of it, at most 3 bytes a pixel.
        long needed = (long) header.rows() * header.columns() * 11;
        java.util.Optional<String> refusal = MemoryBudget.refusal(needed, "decoding it");
        if (refusal.isPresent()) {
            throw new PhotographReadException(file, refusal.get());
        }
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = readerFor(file, in);
            try {
                reader.setInput(in, true, true);
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (PhotographReadException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new PhotographReadException(file, "is not a readable image: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new PhotographReadException(file, "is not a readable image: decoding it ran out of memory", e);
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

    /** The reader of the file's format: the JDK's own where it has one, else the first by class name. */
    static ImageReader readerFor(Path file, ImageInputStream in) throws PhotographReadException {
        if (in == null) {
            throw new PhotographReadException(file, "cannot be opened");
        }
        List<ImageReader> readers = new ArrayList<>();
        ImageIO.getImageReaders(in).forEachRemaining(readers::add);
        if (readers.isEmpty()) {
            throw new PhotographReadException(file, "is not an image format ImageIO reads");
        }
        readers.sort(Comparator.comparing((ImageReader r) -> !r.getClass().getName().startsWith(JDK_READERS))
                .thenComparing(r -> r.getClass().getName()));
        readers.subList(1, readers.size()).forEach(ImageReader::dispose);
        return readers.get(0);
    }

    private static final String JDK_READERS = "com.sun.imageio.plugins.";

    /**
     * A BMP whose header puts the pixel data beyond the end of the file is refused before any reader sees it: one
     * reader allocates up to the claimed offset, the other reads to the end; neither has pixels to show.
     */
    private static void checkBitmapHeader(Path file) throws PhotographReadException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".bmp")) {
            return;
        }
        try (var channel = java.nio.channels.FileChannel.open(file)) {
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(14).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            while (header.hasRemaining() && channel.read(header) >= 0) {
                // Reads until the 14-byte file header is in or the file ends.
            }
            if (header.position() < 14 || header.get(0) != 'B' || header.get(1) != 'M') {
                return; // Not a Windows bitmap header: the reader judges it.
            }
            long offset = header.getInt(10) & 0xFFFFFFFFL;
            if (offset >= channel.size()) {
                throw new PhotographReadException(file, "is not a readable image: its header puts the pixel data at byte "
                        + offset + ", beyond the end of the file (" + channel.size() + " bytes)");
            }
        } catch (IOException e) {
            throw new PhotographReadException(file, "cannot be read: " + e.getMessage(), e);
        }
    }
}
