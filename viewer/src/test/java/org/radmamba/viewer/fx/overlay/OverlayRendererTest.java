package org.radmamba.viewer.fx.overlay;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OverlayRendererTest {

    /** A 6×5 mask with a 4×3 block of label 1 at (1, 1) and one pixel of label 2 at (5, 4). */
    private static LabelMaskImage mask() {
        byte[] labels = new byte[6 * 5];
        for (int y = 1; y <= 3; y++) {
            for (int x = 1; x <= 4; x++) {
                labels[y * 6 + x] = 1;
            }
        }
        labels[4 * 6 + 5] = 2;
        return new LabelMaskImage(6, 5, labels, List.of("lesion", "cyst"));
    }

    @Test
    void mask_pixels_get_their_class_colour_at_the_opacity_and_background_stays_transparent() {
        int[] argb = OverlayRenderer.render(mask(), new OverlayStyle(0.5, false, true));
        int alpha = 128 << 24;
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 6; x++) {
                int label = mask().label(x, y);
                int expected = label == 0 ? 0 : alpha | LabelColours.rgb(label);
                assertEquals(expected, argb[y * 6 + x], "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void outline_only_leaves_the_inside_of_a_region_transparent() {
        int[] argb = OverlayRenderer.render(mask(), new OverlayStyle(1, true, true));
        assertEquals(0, argb[2 * 6 + 2], "inside the block");
        assertEquals(0, argb[2 * 6 + 3], "inside the block");
        assertEquals(0xFF000000 | LabelColours.rgb(1), argb[6 + 1], "corner of the block");
        assertEquals(0xFF000000 | LabelColours.rgb(2), argb[4 * 6 + 5], "single pixel on the edge");
        assertEquals(0, argb[0], "background");
    }

    @Test
    void a_hidden_overlay_draws_nothing() {
        int[] argb = OverlayRenderer.render(mask(), OverlayStyle.DEFAULT.withVisible(false));
        for (int v : argb) {
            assertEquals(0, v);
        }
    }

    @Test
    void classes_get_distinct_colours() {
        for (int a = 1; a < 40; a++) {
            for (int b = a + 1; b < 40; b++) {
                assertNotEquals(LabelColours.rgb(a), LabelColours.rgb(b), a + " vs " + b);
            }
        }
    }

    @Test
    void a_mask_of_the_wrong_size_is_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LabelMaskImage(4, 4, new byte[15], List.of("x")));
        assertEquals("a 4x4 mask needs 16 labels, got 15", e.getMessage());
    }
}
