package org.radmamba.viewer.photo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.HostileFiles;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One reader per photograph format, chosen on purpose: jai-imageio registers second BMP and TIFF readers beside
 * the JDK's, and ImageIO's order between them is not fixed. Here both orders are forced; the reader and the verdict
 * on a broken file must not change.
 */
class PhotographReaderChoiceTest {

    @TempDir
    Path dir;

    private final List<Runnable> undo = new ArrayList<>();

    @AfterEach
    void restoreOrder() {
        undo.forEach(Runnable::run);
    }

    /** The registered readers of {@code format}, the JDK's first or last. */
    private List<ImageReaderSpi> orderReaders(String format, boolean jdkFirst) {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        List<ImageReaderSpi> spis = new ArrayList<>();
        registry.getServiceProviders(ImageReaderSpi.class, true).forEachRemaining(spi -> {
            if (Arrays.stream(spi.getFormatNames()).anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(format))) {
                spis.add(spi);
            }
        });
        for (ImageReaderSpi a : spis) {
            for (ImageReaderSpi b : spis) {
                boolean aJdk = a.getClass().getName().startsWith("com.sun.imageio.");
                boolean bJdk = b.getClass().getName().startsWith("com.sun.imageio.");
                if (aJdk && !bJdk) {
                    ImageReaderSpi first = jdkFirst ? a : b;
                    ImageReaderSpi second = jdkFirst ? b : a;
                    registry.unsetOrdering(ImageReaderSpi.class, second, first);
                    registry.setOrdering(ImageReaderSpi.class, first, second);
                    undo.add(() -> registry.unsetOrdering(ImageReaderSpi.class, first, second));
                }
            }
        }
        return spis;
    }

    private static String chosenReader(Path file) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = PhotographReader.readerFor(file, in);
            try {
                return reader.getClass().getName();
            } finally {
                reader.dispose();
            }
        }
    }

    /** A 4x4 24-bit BMP whose header says 4x4 but whose pixel rows stop after 5 bytes. */
    private Path truncatedBitmap() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(59).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(59).putShort((short) 0).putShort((short) 0).putInt(54);
        b.putInt(40).putInt(4).putInt(4).putShort((short) 1).putShort((short) 24).putInt(0).putInt(48)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        b.put(new byte[] {1, 2, 3, 4, 5});
        return Files.write(dir.resolve("truncated.bmp"), b.array());
    }

    private static String verdict(Path file) {
        try {
            PhotographReader.Photograph photo = new PhotographReader(256L << 20).read(file);
            return "read " + photo.format().columns() + "x" + photo.format().rows();
        } catch (PhotographReadException e) {
            return "refused: " + e.reason();
        }
    }

    @Test
    void the_jdk_reader_reads_bmp_and_tiff_whichever_order_imageio_has() throws Exception {
        Path bmp = truncatedBitmap();
        Path tiff = dir.resolve("small.tif");
        ImageIO.write(new java.awt.image.BufferedImage(3, 2, java.awt.image.BufferedImage.TYPE_3BYTE_BGR), "tiff", tiff.toFile());
        List<String> chosen = new ArrayList<>();
        for (boolean jdkFirst : new boolean[] {false, true}) {
            assertTrue(orderReaders("bmp", jdkFirst).size() >= 2, "jai-imageio's BMP reader is registered too");
            orderReaders("tiff", jdkFirst);
            chosen.add(chosenReader(bmp) + " " + chosenReader(tiff));
        }
        assertEquals("com.sun.imageio.plugins.bmp.BMPImageReader com.sun.imageio.plugins.tiff.TIFFImageReader", chosen.get(0));
        assertEquals(chosen.get(0), chosen.get(1));
    }

    @Test
    void a_broken_bmp_gets_the_same_verdict_whichever_order_imageio_has() throws Exception {
        Path bmp = truncatedBitmap();
        orderReaders("bmp", false);
        String jaiFirst = verdict(bmp);
        undo.forEach(Runnable::run);
        undo.clear();
        orderReaders("bmp", true);
        String jdkFirst = verdict(bmp);

        assertEquals(jdkFirst, jaiFirst);
    }

    @Test
    void a_bmp_claiming_its_pixels_beyond_its_end_is_refused_before_any_reader_allocates() throws Exception {
        Path bomb = HostileFiles.bitmapWithHugePixelOffset(dir.resolve("bomb.bmp"));
        orderReaders("bmp", false);

        PhotographReadException e = assertThrows(PhotographReadException.class, () -> new PhotographReader(256L << 20).read(bomb));
        assertTrue(e.reason().contains("2147483632") && e.reason().contains("beyond the end of the file (58 bytes)"), e.reason());
    }
}
