package org.radmamba.viewer.pixel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.dicom.pixelmed.PixelMedDicomReader;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The pipeline against values computed by hand from the PS3.3 C.11 formulas. */
class PixelPipelineTest {

    @TempDir
    Path dir;

    private final PixelMedDicomReader reader = new PixelMedDicomReader();

    /** A 1-row image of the given signed 16-bit stored values, with extra attributes. */
    private DicomFile ct(short[] values, java.util.function.UnaryOperator<DicomBuilder> extra) throws Exception {
        DicomBuilder b = DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 1, values.length, 16, true);
        return reader.open(extra.apply(b).pixels16(values).write(dir.resolve("ct" + System.nanoTime() + ".dcm")));
    }

    private static PixelPipeline pipeline(DicomFile file) {
        return PixelPipeline.fromDataset(file.dataset(), file.frameFormat().orElseThrow(), 0);
    }

    private static int[] grey(PixelPipeline pipeline, DecodedFrame frame, Voi voi) {
        byte[] out = new byte[frame.samples().length()];
        pipeline.toGrey(frame, voi, out);
        int[] values = new int[out.length];
        for (int i = 0; i < out.length; i++) {
            values[i] = out[i] & 0xFF;
        }
        return values;
    }

    @Test
    void rescale_slope_and_intercept_give_hounsfield_units() throws Exception {
        DicomFile file = ct(new short[] {0, 1024, 600}, b -> b.ds(Tag.RESCALE_SLOPE, 2).ds(Tag.RESCALE_INTERCEPT, -1000));
        PixelPipeline pipeline = pipeline(file);
        DecodedFrame frame = file.frame(0);

        assertEquals(-1000, pipeline.modalityValue(frame, 0, 0).orElseThrow());
        assertEquals(1048, pipeline.modalityValue(frame, 1, 0).orElseThrow());
        assertEquals(200, pipeline.modalityValue(frame, 2, 0).orElseThrow());
        assertEquals("HU", pipeline.units());
        float[] hu = new float[3];
        pipeline.toModalityValues(frame, hu);
        assertArrayEquals(new float[] {-1000, 1048, 200}, hu);
    }

    @Test
    void a_linear_window_follows_the_ps3_3_formula() throws Exception {
        // c=10, w=4: x <= 8 -> 0; x > 11 -> 255; else ((x - 9.5) / 3 + 0.5) * 255.
        DicomFile file = ct(new short[] {8, 9, 10, 11, 12}, b -> b.ds(Tag.WINDOW_CENTER, 10).ds(Tag.WINDOW_WIDTH, 4));
        PixelPipeline pipeline = pipeline(file);

        Voi voi = pipeline.defaultVoi(file.frame(0));

        assertEquals(new Voi.Window(10, 4, VoiFunction.LINEAR, "Window 1"), voi);
        // x=9: (-0.5/3 + 0.5) * 255 = 85; x=10: (0.5/3 + 0.5) * 255 = 170; x=11: 255.
        assertArrayEquals(new int[] {0, 85, 170, 255, 255}, grey(pipeline, file.frame(0), voi));
    }

    @Test
    void a_frame_that_shares_its_array_with_another_shows_its_own_values() throws Exception {
        DicomFile file = ct(new short[] {8, 9, 10, 11, 12}, b -> b.ds(Tag.WINDOW_CENTER, 10).ds(Tag.WINDOW_WIDTH, 4));
        PixelPipeline pipeline = pipeline(file);
        // As a series' frames are stored (FrameMemory): this frame's five samples after another frame's.
        short[] slab = {12, 12, 12, 12, 12, 8, 9, 10, 11, 12};
        DecodedFrame second = new DecodedFrame(new Samples.Shorts(slab, 5, 5), "MONOCHROME2");
        Voi voi = pipeline.defaultVoi(file.frame(0));

        assertArrayEquals(grey(pipeline, file.frame(0), voi), grey(pipeline, second, voi));
        assertArrayEquals(new int[] {0, 85, 170, 255, 255}, grey(pipeline, second, voi));
        assertEquals(pipeline.fullRangeWindow(file.frame(0)), pipeline.fullRangeWindow(second));
    }

    @Test
    void linear_exact_uses_the_exact_window_edges() throws Exception {
        DicomFile file = ct(new short[] {8, 9, 10, 11, 12, 13},
                b -> b.ds(Tag.WINDOW_CENTER, 10).ds(Tag.WINDOW_WIDTH, 4).str(Tag.VOI_LUT_FUNCTION, "CS", "LINEAR_EXACT"));
        PixelPipeline pipeline = pipeline(file);

        // x <= 8 -> 0; x > 12 -> 255; else ((x - 10) / 4 + 0.5) * 255: 63.75, 127.5, 191.25, 255.
        assertArrayEquals(new int[] {0, 64, 128, 191, 255, 255}, grey(pipeline, file.frame(0), pipeline.defaultVoi(file.frame(0))));
    }

    @Test
    void sigmoid_follows_the_logistic_formula() throws Exception {
        DicomFile file = ct(new short[] {8, 10, 11},
                b -> b.ds(Tag.WINDOW_CENTER, 10).ds(Tag.WINDOW_WIDTH, 4).str(Tag.VOI_LUT_FUNCTION, "CS", "SIGMOID"));
        PixelPipeline pipeline = pipeline(file);

        // 255 / (1 + exp(-4 (x - 10) / 4)): x=8 -> 30.40, x=10 -> 127.5, x=11 -> 186.42.
        assertArrayEquals(new int[] {30, 128, 186}, grey(pipeline, file.frame(0), pipeline.defaultVoi(file.frame(0))));
    }

    @Test
    void the_window_applies_to_rescaled_values() throws Exception {
        // Stored 1064 with intercept -1024 is 40 HU, the centre of a 40/400 window: (0.5/399 + 0.5) * 255 = 127.8.
        DicomFile file = ct(new short[] {1064, 0},
                b -> b.ds(Tag.RESCALE_INTERCEPT, -1024).ds(Tag.RESCALE_SLOPE, 1).ds(Tag.WINDOW_CENTER, 40).ds(Tag.WINDOW_WIDTH, 400));
        PixelPipeline pipeline = pipeline(file);

        assertArrayEquals(new int[] {128, 0}, grey(pipeline, file.frame(0), pipeline.defaultVoi(file.frame(0))));
    }

    @Test
    void monochrome1_is_shown_inverted() throws Exception {
        DicomFile file = ct(new short[] {8, 9, 10, 11},
                b -> b.str(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME1").ds(Tag.WINDOW_CENTER, 10).ds(Tag.WINDOW_WIDTH, 4));
        PixelPipeline pipeline = pipeline(file);

        assertArrayEquals(new int[] {255, 170, 85, 0}, grey(pipeline, file.frame(0), pipeline.defaultVoi(file.frame(0))));
    }

    @Test
    void several_windows_keep_their_explanations_in_file_order() throws Exception {
        DicomFile file = ct(new short[] {0},
                b -> b.ds(Tag.WINDOW_CENTER, 40, 300).ds(Tag.WINDOW_WIDTH, 400, 1500)
                        .str(Tag.WINDOW_CENTER_WIDTH_EXPLANATION, "LO", "SOFT TISSUE\\BONE"));

        List<Voi> vois = pipeline(file).vois();

        assertEquals(List.of(new Voi.Window(40, 400, VoiFunction.LINEAR, "SOFT TISSUE"),
                new Voi.Window(300, 1500, VoiFunction.LINEAR, "BONE")), vois);
    }

    @Test
    void a_voi_lut_maps_values_through_its_table_and_scales_to_8_bits() throws Exception {
        // Descriptor: 4 entries, first mapped 100, 12 bits; data 0, 1365, 2730, 4095.
        DicomFile file = ct(new short[] {99, 100, 101, 102, 103, 500}, b -> b.sequence(Tag.VOI_LUT_SEQUENCE,
                b.item().us(Tag.LUT_DESCRIPTOR, 4, 100, 12).ow(Tag.LUT_DATA, 0, 1365, 2730, 4095)
                        .str(Tag.LUT_EXPLANATION, "LO", "CUSTOM")));
        PixelPipeline pipeline = pipeline(file);

        Voi voi = pipeline.defaultVoi(file.frame(0));

        assertInstanceOf(Voi.Lut.class, voi);
        assertEquals("CUSTOM", voi.explanation());
        // v * 255 / 4095: 0, 85, 170, 255; below and above the table clamp to its ends.
        assertArrayEquals(new int[] {0, 0, 85, 170, 255, 255}, grey(pipeline, file.frame(0), voi));
    }

    @Test
    void a_modality_lut_sequence_replaces_rescale() throws Exception {
        DicomFile file = ct(new short[] {0, 1, 2, 7}, b -> b.ds(Tag.RESCALE_SLOPE, 5)
                .sequence(Tag.MODALITY_LUT_SEQUENCE, b.item().us(Tag.LUT_DESCRIPTOR, 3, 0, 16)
                        .ow(Tag.LUT_DATA, 1000, 2000, 3000).str(Tag.MODALITY_LUT_TYPE, "LO", "OD")));
        PixelPipeline pipeline = pipeline(file);
        DecodedFrame frame = file.frame(0);

        assertEquals(1000, pipeline.modalityValue(frame, 0, 0).orElseThrow());
        assertEquals(2000, pipeline.modalityValue(frame, 1, 0).orElseThrow());
        assertEquals(3000, pipeline.modalityValue(frame, 2, 0).orElseThrow());
        assertEquals(3000, pipeline.modalityValue(frame, 3, 0).orElseThrow());
        assertEquals("OD", pipeline.units());
    }

    @Test
    void without_a_window_the_full_range_maps_the_smallest_value_to_black_and_the_largest_to_white() throws Exception {
        DicomFile file = ct(new short[] {-500, 0, 1500}, b -> b);
        PixelPipeline pipeline = pipeline(file);
        DecodedFrame frame = file.frame(0);

        Voi voi = pipeline.defaultVoi(frame);

        assertEquals("Full range", voi.explanation());
        int[] grey = grey(pipeline, frame, voi);
        assertEquals(0, grey[0]);
        assertEquals(255, grey[2]);
        // 0 is a quarter of the way: ((0 - (1000.5 - 0.5)) / 2000 + 0.5) * 255 = 63.75.
        assertEquals(64, grey[1]);
    }

    @Test
    void argb_output_repeats_the_grey_value_in_each_channel() throws Exception {
        DicomFile file = ct(new short[] {8, 9, 10, 11}, b -> b.ds(Tag.WINDOW_CENTER, 10).ds(Tag.WINDOW_WIDTH, 4));
        PixelPipeline pipeline = pipeline(file);
        int[] argb = new int[4];

        pipeline.toArgb(file.frame(0), pipeline.defaultVoi(file.frame(0)), argb);

        assertArrayEquals(new int[] {0xFF000000, 0xFF555555, 0xFFAAAAAA, 0xFFFFFFFF}, argb);
    }

    @Test
    void bits_above_bits_stored_are_ignored_and_the_sign_comes_from_the_high_bit() throws Exception {
        // 12 bits stored, signed: 0xF800 has overlay junk in the top nibble and is -2048 in 12 bits; 0x17FF is 2047.
        DicomFile file = ct(new short[] {(short) 0xF800, (short) 0x17FF}, b -> b.us(Tag.BITS_STORED, 12).us(Tag.HIGH_BIT, 11));
        PixelPipeline pipeline = pipeline(file);

        assertEquals(-2048, pipeline.modalityValue(file.frame(0), 0, 0).orElseThrow());
        assertEquals(2047, pipeline.modalityValue(file.frame(0), 1, 0).orElseThrow());
    }

    @Test
    void thirty_two_bit_images_are_windowed_without_a_table() throws Exception {
        DicomBuilder b = DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 1, 3, 32, true)
                .ds(Tag.WINDOW_CENTER, 10).ds(Tag.WINDOW_WIDTH, 4);
        DicomFile file = reader.open(b.pixels32(new int[] {-100000, 10, 100000}).write(dir.resolve("i32.dcm")));
        PixelPipeline pipeline = pipeline(file);

        assertArrayEquals(new int[] {0, 170, 255}, grey(pipeline, file.frame(0), pipeline.defaultVoi(file.frame(0))));
    }
}
