package org.radmamba.inference.vmunet;

import org.junit.jupiter.api.Test;
import org.radmamba.inference.preprocess.ByteImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class VmUnetPreprocessingTest {

    private static final VmUnetPreprocessing ONE_BY_TWO = VmUnetPreprocessing.ISIC2018.withSize(1, 2);

    @Test
    void the_image_is_stretched_to_0_255_over_all_channels_without_dividing_by_255() {
        byte[] rgb = {10, 60, 110, 35, 85, 20}; // two pixels; min 10, max 110

        float[] x = ONE_BY_TWO.apply(new ByteImage(2, 1, 3, rgb));

        // Channel-major (1, 3, 1, 2): R = (10, 35), G = (60, 85), B = (110, 20), each (v - 10) / 100 * 255.
        assertArrayEquals(new float[] {0f, 63.75f, 127.5f, 191.25f, 255f, 25.5f}, x, 1e-3f);
    }

    @Test
    void mean_and_std_cancel_in_the_stretch_so_isic2017_and_isic2018_agree() {
        byte[] rgb = {(byte) 200, 60, 110, 35, 85, (byte) 250};

        assertArrayEquals(VmUnetPreprocessing.ISIC2017.withSize(1, 2).apply(new ByteImage(2, 1, 3, rgb)),
                ONE_BY_TWO.apply(new ByteImage(2, 1, 3, rgb)), 1e-3f);
    }

    @Test
    void a_grey_image_is_replicated_to_three_channels() {
        byte[] grey = {0, (byte) 255};

        assertArrayEquals(new float[] {0f, 255f, 0f, 255f, 0f, 255f}, ONE_BY_TWO.apply(new ByteImage(2, 1, 1, grey)), 1e-3f);
    }

    @Test
    void the_stretched_image_is_resized_bilinearly_to_the_input_size() {
        // 4x4 grey with a left half 0 and a right half 255, to 2x2: each output averages a 2x2 block.
        byte[] grey = new byte[16];
        for (int y = 0; y < 4; y++) {
            grey[y * 4 + 2] = (byte) 255;
            grey[y * 4 + 3] = (byte) 255;
        }

        float[] x = VmUnetPreprocessing.ISIC2018.withSize(2, 2).apply(new ByteImage(4, 4, 1, grey));

        assertEquals(12, x.length);
        assertArrayEquals(new float[] {0f, 255f, 0f, 255f}, java.util.Arrays.copyOfRange(x, 0, 4), 1e-3f);
    }

    @Test
    void the_isic_defaults_are_the_official_test_statistics_at_256() {
        assertEquals(149.034, VmUnetPreprocessing.ISIC2018.mean());
        assertEquals(32.022, VmUnetPreprocessing.ISIC2018.std());
        assertEquals(148.429, VmUnetPreprocessing.ISIC2017.mean());
        assertEquals(25.748, VmUnetPreprocessing.ISIC2017.std());
        assertEquals(256, VmUnetPreprocessing.ISIC2018.height());
        assertEquals(256, VmUnetPreprocessing.ISIC2018.width());
    }

    @Test
    void a_constant_image_becomes_black_rather_than_nan() {
        assertArrayEquals(new float[6], ONE_BY_TWO.apply(new ByteImage(2, 1, 1, new byte[] {7, 7})), 0f);
    }
}
