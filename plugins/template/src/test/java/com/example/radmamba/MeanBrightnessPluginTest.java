package com.example.radmamba;

import org.junit.jupiter.api.Test;
import org.radmamba.plugins.api.ImageView;
import org.radmamba.plugins.api.PluginApi;
import org.radmamba.plugins.api.RasterImage;
import org.radmamba.plugins.api.ToolResult;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MeanBrightnessPluginTest {

    @Test
    void the_plugin_is_found_by_the_service_loader_as_radmamba_finds_it() {
        var plugins = ServiceLoader.load(org.radmamba.plugins.api.Plugin.class).stream().toList();
        assertEquals(1, plugins.size());
        assertEquals(PluginApi.VERSION, plugins.getFirst().get().apiVersion());
    }

    @Test
    void the_mean_of_a_two_pixel_image_is_the_average_of_its_values() {
        RasterImage image = new RasterImage(2, 1, 1, new byte[] {10, 30});
        ToolResult result = new MeanBrightnessPlugin.MeanTool().run(ImageView.of(image));
        assertEquals("mean: 20", result.measurements().getFirst().formatted());
    }
}
