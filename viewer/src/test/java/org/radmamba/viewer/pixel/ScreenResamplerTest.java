package org.radmamba.viewer.pixel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ScreenResamplerTest {

    private static final int BG = 0xFF000000;
    // 3 x 2 image: 1 2 3 / 4 5 6
    private static final int[] SRC = {1, 2, 3, 4, 5, 6};

    private static int[] resample(double[] toImage, int dw, int dh, boolean bilinear) {
        int[] dst = new int[dw * dh];
        new ScreenResampler().resample(SRC, 3, 2, toImage, dst, dw, dh, bilinear, BG);
        return dst;
    }

    @Test
    void identity_copies_and_fills_the_rest_with_the_background() {
        int[] dst = resample(new double[] {1, 0, 0, 0, 1, 0}, 4, 3, false);
        assertArrayEquals(new int[] {1, 2, 3, BG, 4, 5, 6, BG, BG, BG, BG, BG}, dst);
    }

    @Test
    void twice_the_size_repeats_each_pixel() {
        int[] dst = resample(new double[] {0.5, 0, 0, 0, 0.5, 0}, 6, 4, false);
        assertArrayEquals(new int[] {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 4, 4, 5, 5, 6, 6}, dst);
    }

    @Test
    void a_horizontal_flip_mirrors_columns() {
        // u = 3 - x
        int[] dst = resample(new double[] {-1, 0, 3, 0, 1, 0}, 3, 2, false);
        assertArrayEquals(new int[] {3, 2, 1, 6, 5, 4}, dst);
    }

    @Test
    void a_quarter_turn_clockwise_puts_the_first_column_on_top_read_from_the_bottom() {
        // Screen 2 x 3 showing the image turned clockwise: u = y, v = 2 - x.
        int[] dst = resample(new double[] {0, 1, 0, -1, 0, 2}, 2, 3, false);
        assertArrayEquals(new int[] {4, 1, 5, 2, 6, 3}, dst);
    }

    @Test
    void bilinear_at_a_pixel_centre_is_that_pixel_and_halfway_is_the_mean() {
        int[] src = {0xFF000000, 0xFF0000FF};
        int[] dst = new int[3];
        // Three screen pixels over the two image pixels: centres at u = 0.5, 1.0, 1.5.
        new ScreenResampler().resample(src, 2, 1, new double[] {0.5, 0, 0.25, 0, 1, 0}, dst, 3, 1, true, BG);
        assertEquals(0xFF000000, dst[0]);
        assertEquals(0xFF000080, dst[1]);
        assertEquals(0xFF0000FF, dst[2]);
    }
}
