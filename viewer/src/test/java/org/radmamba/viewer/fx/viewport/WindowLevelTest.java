package org.radmamba.viewer.fx.viewport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WindowLevelTest {

    @Test
    void dragging_right_widens_and_dragging_down_raises_the_centre_scaled_by_the_value_range() {
        WindowLevelDrag drag = new WindowLevelDrag(new WindowLevel(40, 400), 4096);
        assertEquals(4.0, drag.unitsPerPixel(), 1e-12);
        WindowLevel after = drag.dragTo(10, -5);
        assertEquals(440, after.width(), 1e-9);
        assertEquals(20, after.center(), 1e-9);
    }

    @Test
    void the_window_never_narrows_below_one() {
        WindowLevel after = new WindowLevelDrag(new WindowLevel(40, 80), 255).dragTo(-1000, 0);
        assertEquals(1, after.width(), 1e-12);
    }

    @Test
    void a_width_below_one_is_rejected_with_the_values() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WindowLevel(0, 0.5));
        assertEquals("window width must be at least 1 and centre finite, got C=0.0 W=0.5", e.getMessage());
    }

    @Test
    void ct_presets_hold_the_usual_values() {
        assertEquals(new WindowLevel(-600, 1500, "Lung"), CtPresets.ALL.get(3));
        assertEquals(new WindowLevel(400, 1800, "Bone"), CtPresets.ALL.get(7));
    }
}
