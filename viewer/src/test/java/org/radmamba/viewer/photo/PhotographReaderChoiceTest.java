package org.radmamba.viewer.photo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * One reader per photograph format, chosen on purpose: any ImageIO plugin on the class path (jai-imageio was one,
 * until the own JPEG 2000 decoder replaced it; a RadMamba plugin's jar may bring another) registers second BMP and
 * TIFF readers beside the JDK's, and ImageIO's order between them is not fixed. Here such a second reader is
 * registered, one that accepts anything, and both orders are forced; the reader and the verdict on a broken file
 * must not change.
 */
class PhotographReaderChoiceTest {

    @TempDir
    Path dir;

    private final List<Runnable> undo = new ArrayList<>();
    private final AcceptingEverythingReaderSpi competitor = new AcceptingEverythingReaderSpi();

    @BeforeEach
    void registerACompetingReader() {
        IIORegistry.getDefaultInstance().registerServiceProvider(competitor, ImageReaderSpi.class);
    }

    @AfterEach
    void restoreOrder() {
        undo.forEach(Runnable::run);
        IIORegistry.getDefaultInstance().deregisterServiceProvider(competitor, ImageReaderSpi.class);
    }

    /** A second BMP/TIFF reader, as a plugin's jar could register: it claims every input and reads a 1x1 image. */
    private static final class AcceptingEverythingReaderSpi extends ImageReaderSpi {
        AcceptingEverythingReaderSpi() {
            super("test", "1", new String[] {"bmp", "BMP", "tiff", "TIFF", "tif"}, new String[] {"bmp", "tif", "tiff"},
                    new String[] {"image/bmp", "image/tiff"}, AcceptingEverythingReader.class.getName(),
                    new Class<?>[] {ImageInputStream.class}, null, false, null, null, null, null, false, null, null,
                    null, null);
        }

        @Override
        public boolean canDecodeInput(Object source) {
            return true;
        }

        @Override
        public ImageReader createReaderInstance(Object extension) {
            return new AcceptingEverythingReader(this);
        }

        @Override
        public String getDescription(Locale locale) {
            return "a second reader that accepts everything";
        }
    }

    private static final class AcceptingEverythingReader extends ImageReader {
        AcceptingEverythingReader(ImageReaderSpi spi) {
            super(spi);
        }

        @Override public int getNumImages(boolean allowSearch) { return 1; }
        @Override public int getWidth(int imageIndex) { return 1; }
        @Override public int getHeight(int imageIndex) { return 1; }
        @Override public java.util.Iterator<javax.imageio.ImageTypeSpecifier> getImageTypes(int imageIndex) {
            return List.of(javax.imageio.ImageTypeSpecifier.createFromBufferedImageType(
                    java.awt.image.BufferedImage.TYPE_3BYTE_BGR)).iterator();
        }
        @Override public javax.imageio.metadata.IIOMetadata getStreamMetadata() { return null; }
        @Override public javax.imageio.metadata.IIOMetadata getImageMetadata(int imageIndex) { return null; }
        @Override public java.awt.image.BufferedImage read(int imageIndex, javax.imageio.ImageReadParam param) {
            return new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        }
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
            assertTrue(orderReaders("bmp", jdkFirst).size() >= 2, "a second BMP reader is registered");
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
        String otherFirst = verdict(bmp);
        undo.forEach(Runnable::run);
        undo.clear();
        orderReaders("bmp", true);
        String jdkFirst = verdict(bmp);

        assertEquals(jdkFirst, otherFirst);
        assertTrue(jdkFirst.startsWith("refused: "), jdkFirst);
    }

    @Test
    void a_bmp_claiming_its_pixels_beyond_its_end_is_refused_before_any_reader_allocates() throws Exception {
        Path bomb = HostileFiles.bitmapWithHugePixelOffset(dir.resolve("bomb.bmp"));
        orderReaders("bmp", false);

        PhotographReadException e = assertThrows(PhotographReadException.class, () -> new PhotographReader(256L << 20).read(bomb));
        assertTrue(e.reason().contains("2147483632") && e.reason().contains("beyond the end of the file (58 bytes)"), e.reason());
    }
}
