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
