package org.radmamba.viewer.pixel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.codec.FrameMemory;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.dicom.pixelmed.PixelMedDicomReader;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Colour images: samples normalised to pixel-interleaved full resolution, and shown as the right ARGB. */
class PhotometricInterpretationTest {

    @TempDir
    Path dir;

    private final PixelMedDicomReader reader = new PixelMedDicomReader();

    private DicomBuilder colour(String syntax, String photometric, int planar, int rows, int columns) {
        return DicomBuilder.image(syntax, rows, columns, 8, false)
                .us(Tag.SAMPLES_PER_PIXEL, 3).str(Tag.PHOTOMETRIC_INTERPRETATION, "CS", photometric)
                .us(Tag.PLANAR_CONFIGURATION, planar);
    }

    private int[] argb(DicomFile file) throws Exception {
        PixelPipeline pipeline = PixelPipeline.fromDataset(file.dataset(), file.frameFormat().orElseThrow(), 0);
        assertTrue(pipeline.isColour());
        int[] out = new int[file.frameFormat().orElseThrow().rows() * file.frameFormat().orElseThrow().columns()];
        pipeline.toArgb(file.frame(0), pipeline.defaultVoi(file.frame(0)), out);
        return out;
    }

    private static final byte[] RGB_INTERLEAVED = {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255, 10, 20, 30};

    @Test
    void rgb_pixel_interleaved_is_read_as_stored() throws Exception {
        for (String syntax : new String[] {TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
                TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN}) {
            DicomFile file = reader.open(colour(syntax, "RGB", 0, 2, 2).pixels8(RGB_INTERLEAVED).write(dir.resolve("rgb.dcm")));

            assertArrayEquals(RGB_INTERLEAVED, ((Samples.Bytes) file.frame(0).samples()).data(), syntax);
            assertArrayEquals(new int[] {0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFF0A141E}, argb(file), syntax);
        }
    }

    @Test
    void rgb_colour_by_plane_is_normalised_to_pixel_interleaved() throws Exception {
        byte[] planes = {(byte) 255, 0, 0, 10, /* G */ 0, (byte) 255, 0, 20, /* B */ 0, 0, (byte) 255, 30};
        DicomFile file = reader.open(colour(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, "RGB", 1, 2, 2).pixels8(planes)
                .write(dir.resolve("planar.dcm")));

        assertArrayEquals(RGB_INTERLEAVED, ((Samples.Bytes) file.frame(0).samples()).data());
    }

    @Test
    void sixteen_bit_rgb_is_shown_from_its_top_eight_bits() throws Exception {
        short[] values = {(short) 0xFFFF, 0x0100, 0x0000, 0x1234, 0x5678, (short) 0x9ABC};
        DicomFile file = reader.open(DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 1, 2, 16, false)
                .us(Tag.SAMPLES_PER_PIXEL, 3).str(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "RGB").us(Tag.PLANAR_CONFIGURATION, 0)
                .pixels16(values).write(dir.resolve("rgb16.dcm")));

        assertArrayEquals(values, ((Samples.Shorts) file.frame(0).samples()).toArray());
        assertArrayEquals(new int[] {0xFFFF0100, 0xFF12569A}, argb(file));
    }

    @Test
    void sixteen_bit_rgb_by_plane_read_for_a_series_keeps_only_the_interleaved_frame_in_the_series_memory()
            throws Exception {
        short[] planes = {(short) 0xFFFF, 0x1234, /* G */ 0x0100, 0x5678, /* B */ 0x0000, (short) 0x9ABC};
        Path file = DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 1, 2, 16, false)
                .us(Tag.SAMPLES_PER_PIXEL, 3).str(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "RGB").us(Tag.PLANAR_CONFIGURATION, 1)
                .pixels16(planes).write(dir.resolve("rgb16-planar.dcm"));
        FrameMemory memory = new FrameMemory(2);

        Samples.Shorts frame = memory.call(() -> (Samples.Shorts) reader.open(file).frame(0).samples());

        assertArrayEquals(new short[] {(short) 0xFFFF, 0x0100, 0x0000, 0x1234, 0x5678, (short) 0x9ABC}, frame.toArray());
        // The by-plane copy as read was temporary: the interleaved frame is the first in the series' slab.
        Samples.Shorts next = memory.allocate(6);
        assertSame(next.array(), frame.array());
        assertEquals(0, frame.offset());
        assertEquals(6, next.offset());
    }

    @Test
    void ybr_full_is_converted_to_rgb_for_display() throws Exception {
        // (76, 85, 255): R = 76 + 1.402*127 = 254.05, G = 76 + 0.344136*43 - 0.714136*127 = 0.10, B = 76 - 1.772*43 < 0.
        byte[] ybr = {(byte) 128, (byte) 128, (byte) 128, 76, 85, (byte) 255};
        DicomFile file = reader.open(colour(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, "YBR_FULL", 0, 1, 2).pixels8(ybr)
                .write(dir.resolve("ybr.dcm")));

        assertArrayEquals(ybr, ((Samples.Bytes) file.frame(0).samples()).data());
        assertArrayEquals(new int[] {0xFF808080, 0xFFFE0000}, argb(file));
    }

    @Test
    void uncompressed_ybr_full_422_is_upsampled_to_full_resolution() throws Exception {
        // Two rows of two pixels: Y0 Y1 Cb Cr per pair.
        byte[] stored = {10, 20, 100, (byte) 200, 30, 40, 50, 60};
        DicomFile file = reader.open(colour(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, "YBR_FULL_422", 0, 2, 2)
                .pixels8(stored).write(dir.resolve("ybr422.dcm")));

        byte[] expected = {10, 100, (byte) 200, 20, 100, (byte) 200, 30, 50, 60, 40, 50, 60};
        assertArrayEquals(expected, ((Samples.Bytes) file.frame(0).samples()).data());
        int[] argb = argb(file);
        assertArrayEquals(new int[] {Colour.ybrFullToArgb(10, 100, 200), Colour.ybrFullToArgb(20, 100, 200),
                Colour.ybrFullToArgb(30, 50, 60), Colour.ybrFullToArgb(40, 50, 60)}, argb);
    }

    private DicomBuilder palette(int[] descriptor) {
        return DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 1, 4, 8, false)
                .str(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "PALETTE COLOR")
                .us(Tag.RED_PALETTE_LUT_DESCRIPTOR, descriptor).us(Tag.GREEN_PALETTE_LUT_DESCRIPTOR, descriptor)
                .us(Tag.BLUE_PALETTE_LUT_DESCRIPTOR, descriptor);
    }

    @Test
    void palette_colour_with_16_bit_tables_is_looked_up_per_channel() throws Exception {
        DicomFile file = reader.open(palette(new int[] {4, 0, 16})
                .ow(Tag.RED_PALETTE_LUT_DATA, 0, 0xFFFF, 0, 0x8000)
                .ow(Tag.GREEN_PALETTE_LUT_DATA, 0, 0, 0xFFFF, 0x8000)
                .ow(Tag.BLUE_PALETTE_LUT_DATA, 0xFFFF, 0, 0, 0x8000)
                .pixels8(new byte[] {0, 1, 2, 3}).write(dir.resolve("pal16.dcm")));

        assertArrayEquals(new int[] {0xFF0000FF, 0xFFFF0000, 0xFF00FF00, 0xFF808080}, argb(file));
    }

    @Test
    void palette_colour_with_8_bit_tables_reads_one_entry_per_word_or_two_packed() throws Exception {
        DicomFile unpacked = reader.open(palette(new int[] {4, 0, 8})
                .ow(Tag.RED_PALETTE_LUT_DATA, 1, 2, 3, 4).ow(Tag.GREEN_PALETTE_LUT_DATA, 5, 6, 7, 8)
                .ow(Tag.BLUE_PALETTE_LUT_DATA, 9, 10, 11, 12)
                .pixels8(new byte[] {0, 1, 2, 3}).write(dir.resolve("pal8.dcm")));
        DicomFile packed = reader.open(palette(new int[] {4, 0, 8})
                .ow(Tag.RED_PALETTE_LUT_DATA, 0x0201, 0x0403).ow(Tag.GREEN_PALETTE_LUT_DATA, 0x0605, 0x0807)
                .ow(Tag.BLUE_PALETTE_LUT_DATA, 0x0A09, 0x0C0B)
                .pixels8(new byte[] {0, 1, 2, 3}).write(dir.resolve("pal8p.dcm")));

        int[] expected = {0xFF010509, 0xFF02060A, 0xFF03070B, 0xFF04080C};
        assertArrayEquals(expected, argb(unpacked));
        assertArrayEquals(expected, argb(packed));
    }

    @Test
    void segmented_palette_tables_are_expanded() throws Exception {
        // Discrete 0, 1000, then linear to 5000 in 4 steps: 0, 1000, 2000, 3000, 4000, 5000; shown >> 8.
        int[] segments = {0, 2, 0, 1000, 1, 4, 5000};
        DicomFile file = reader.open(palette(new int[] {6, 0, 16})
                .ow(Tag.SEGMENTED_RED_PALETTE_LUT_DATA, segments).ow(Tag.SEGMENTED_GREEN_PALETTE_LUT_DATA, segments)
                .ow(Tag.SEGMENTED_BLUE_PALETTE_LUT_DATA, segments)
                .pixels8(new byte[] {0, 1, 3, 5}).write(dir.resolve("seg.dcm")));

        assertArrayEquals(new int[] {0xFF000000, 0xFF030303, 0xFF0B0B0B, 0xFF131313}, argb(file));
    }
}
