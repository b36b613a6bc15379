package org.radmamba.plugins.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiTest {

    @Test
    void a_raster_image_cannot_be_changed_through_the_array_it_was_made_from_or_hands_out() {
        byte[] pixels = {10, 20, 30, 40};
        RasterImage image = new RasterImage(2, 2, 1, pixels);
        pixels[0] = 99;
        image.copyPixels()[1] = 99;
        assertArrayEquals(new byte[] {10, 20, 30, 40}, image.copyPixels());
        assertEquals(30, image.sample(0, 1, 0));
    }

    @Test
    void a_raster_image_with_too_few_bytes_is_refused_with_the_sizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RasterImage(3, 2, 3, new byte[6]));
        assertEquals("a 3x2x3 image needs 18 bytes, got 6", e.getMessage());
    }

    @Test
    void the_luminance_of_an_rgb_pixel_is_rec_601_luma() {
        RasterImage image = new RasterImage(1, 1, 3, new byte[] {(byte) 200, 100, 50});
        assertEquals(Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50), image.luminance(0, 0));
    }

    @Test
    void an_extension_is_addressed_as_plugin_kind_name() {
        ViewerTool tool = new ViewerTool() {
            @Override
            public String name() {
                return "ruler";
            }

            @Override
            public String label() {
                return "Ruler";
            }

            @Override
            public ToolResult run(ImageView view) {
                return new ToolResult("Ruler", List.of(), List.of());
            }
        };
        assertEquals("acme.tool.ruler", PluginApi.extensionId("acme", tool));
        assertTrue(PluginApi.PLUGIN_ID.matcher("acme-2").matches());
        assertTrue(!PluginApi.PLUGIN_ID.matcher("Acme.x").matches());
    }

    @Test
    void measurements_show_whole_numbers_plainly_and_others_with_two_decimals() {
        assertEquals("pixels: 2048", new ToolResult.Measurement("pixels", 2048, "").formatted());
        assertEquals("area: 12.35 mm²", new ToolResult.Measurement("area", 12.345678, "mm²").formatted());
    }
}
