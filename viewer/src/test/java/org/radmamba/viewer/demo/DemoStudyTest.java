package org.radmamba.viewer.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomFileWriter;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoStudyTest {

    @TempDir
    Path folder;

    private static final DemoStudy.Spec SMALL = new DemoStudy.Spec(64, 5, 2.0, 4, 0, false);

    @Test
    void each_slice_is_a_part_10_file_with_explicit_vr_little_endian_meta() throws IOException {
        List<Path> files = DemoStudy.generate(folder, SMALL);
        assertEquals(5, files.size());
        byte[] bytes = Files.readAllBytes(files.getFirst());
        assertEquals("DICM", new String(bytes, 128, 4, StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x0002, b.getShort(132));
        assertEquals(0x0000, b.getShort(134));
        assertEquals("UL", new String(bytes, 136, 2, StandardCharsets.US_ASCII));
        int groupLength = b.getInt(140);
        String meta = new String(bytes, 144, groupLength, StandardCharsets.US_ASCII);
        assertTrue(meta.contains(DicomFileWriter.EXPLICIT_VR_LITTLE_ENDIAN), meta);
        assertTrue(meta.contains(DemoStudy.CT_IMAGE_STORAGE), meta);
    }

    @Test
    void the_pixel_data_ends_the_file_and_holds_hu_plus_1024() throws IOException {
        List<Path> files = DemoStudy.generate(folder, SMALL);
        byte[] bytes = Files.readAllBytes(files.get(2));
        int pixelBytes = 64 * 64 * 2;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int header = bytes.length - pixelBytes - 12;
        assertEquals((short) 0x7FE0, b.getShort(header));
        assertEquals((short) 0x0010, b.getShort(header + 2));
        assertEquals("OW", new String(bytes, header + 4, 2, StandardCharsets.US_ASCII));
        assertEquals(pixelBytes, b.getInt(header + 8));
        short[] expected = DemoStudy.slice(64, 0.5);
        short[] actual = new short[64 * 64];
        b.position(header + 12);
        b.asShortBuffer().get(actual);
        assertArrayEquals(expected, actual);
        // The corner is air: -1000 HU stored as 24.
        assertEquals(24, actual[0]);
    }

    @Test
    void the_phantom_has_air_lung_soft_tissue_and_bone_where_the_anatomy_puts_them() {
        assertEquals(-1000, CtPhantom.hounsfield(-0.99, -0.99, 0.2));
        assertEquals(-850, CtPhantom.hounsfield(-0.38, -0.05, 0.1), 900, "lung or lung vessel");
        assertEquals(-850, CtPhantom.hounsfield(-0.45, -0.1, 0.1));
        assertEquals(1000, CtPhantom.hounsfield(0.0, 0.42 + 0.105, 0.5), "vertebral cortex");
        assertEquals(60, CtPhantom.hounsfield(-0.38, 0.0, 0.8), "liver");
    }

    @Test
    void the_demo_photographs_are_a_dermoscopy_an_endoscopy_and_an_ultrasound_screenshot() throws IOException {
        DemoStudy.generate(folder, new DemoStudy.Spec(32, 1, 1, 1, 0, true));
        Path photos = folder.resolve("photographs");
        try (var files = Files.list(photos)) {
            assertEquals(List.of("dermoscopy-lesion.png", "endoscopy-colon.png", "ultrasound-screenshot.png"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }

        BufferedImage endoscopy = ImageIO.read(photos.resolve("endoscopy-colon.png").toFile());
        assertEquals(480, endoscopy.getWidth());
        assertEquals(400, endoscopy.getHeight());
        // Black outside the round field of view, reddish mucosa inside, darker towards the lumen.
        assertEquals(0, endoscopy.getRGB(3, 3) & 0xFFFFFF);
        assertEquals(0, endoscopy.getRGB(476, 396) & 0xFFFFFF);
        int[] mucosa = channels(endoscopy.getRGB(120, 300));
        assertTrue(mucosa[0] > 100 && mucosa[0] > mucosa[1] + 50 && mucosa[0] > mucosa[2] + 50,
                "mucosa " + java.util.Arrays.toString(mucosa));
        int lumen = channels(endoscopy.getRGB((int) (480 * 0.57), (int) (400 * 0.44)))[0];
        assertTrue(lumen < 30, "lumen red " + lumen);

        BufferedImage ultrasound = ImageIO.read(photos.resolve("ultrasound-screenshot.png").toFile());
        assertEquals(640, ultrasound.getWidth());
        assertEquals(480, ultrasound.getHeight());
        // The screen around the sector is black; the sector is grey speckle, brighter near the probe.
        assertEquals(0, ultrasound.getRGB(20, 400) & 0xFFFFFF);
        double near = meanGrey(ultrasound, 300, 90, 40, 20);
        double deep = meanGrey(ultrasound, 300, 400, 40, 20);
        assertTrue(near > deep && deep > 10, "near " + near + ", deep " + deep);
        int[] sector = channels(ultrasound.getRGB(300, 150));
        assertEquals(sector[0], sector[1]);
        assertEquals(sector[1], sector[2]);
        // The cyst is anechoic: near black amid the speckle.
        double cyst = meanGrey(ultrasound, 346, 235, 10, 10);
        assertTrue(cyst < 15 && cyst < near / 4, "cyst " + cyst + ", tissue " + near);
        // The grey-scale bar runs from white at the top to black at the bottom.
        assertEquals(255, channels(ultrasound.getRGB(620, 96))[0]);
        assertEquals(0, channels(ultrasound.getRGB(620, 383))[0]);
    }

    private static int[] channels(int rgb) {
        return new int[] {rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF};
    }

    private static double meanGrey(BufferedImage image, int x0, int y0, int w, int h) {
        double sum = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                sum += image.getRGB(x, y) & 0xFF;
            }
        }
        return sum / (w * h);
    }

    @Test
    void generation_is_skipped_once_the_cache_is_complete() throws IOException {
        Path demo = DemoStudy.ensureGenerated(folder);
        Path slice = demo.resolve("CT").resolve("ct-001.dcm");
        long modified = Files.getLastModifiedTime(slice).toMillis();
        assertEquals(demo, DemoStudy.ensureGenerated(folder));
        assertEquals(modified, Files.getLastModifiedTime(slice).toMillis());
        assertEquals(48, Files.list(demo.resolve("CT")).count());
        BufferedImage lesion = ImageIO.read(demo.resolve("photographs").resolve("dermoscopy-lesion.png").toFile());
        assertEquals(480, lesion.getWidth());
        // The lesion centre is darker than the skin at the edge.
        int centre = lesion.getRGB(250, 172) >> 16 & 0xFF;
        int edge = lesion.getRGB(10, 180) >> 16 & 0xFF;
        assertTrue(centre < edge - 50, "centre red " + centre + ", edge red " + edge);
    }
}
