package com.example.radmamba;

import org.radmamba.plugins.api.Extension;
import org.radmamba.plugins.api.ImageView;
import org.radmamba.plugins.api.Plugin;
import org.radmamba.plugins.api.PluginApi;
import org.radmamba.plugins.api.RasterImage;
import org.radmamba.plugins.api.ToolResult;
import org.radmamba.plugins.api.ViewerTool;

import java.util.List;

/**
 * A minimal plugin: one viewer tool, {@code mean-brightness.tool.mean}, that states the mean brightness of the
 * image on screen. Listed in {@code META-INF/services/org.radmamba.plugins.api.Plugin}.
 */
public final class MeanBrightnessPlugin implements Plugin {

    @Override
    public String id() {
        return "mean-brightness";
    }

    @Override
    public String name() {
        return "Mean brightness";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public int apiVersion() {
        return PluginApi.VERSION; // copied in at compile time: the API this plugin was built against
    }

    @Override
    public List<Extension> extensions() {
        return List.of(new MeanTool());
    }

    /** The tool: one measurement, the mean of the displayed brightness (0..255). */
    public static final class MeanTool implements ViewerTool {
        @Override
        public String name() {
            return "mean";
        }

        @Override
        public String label() {
            return "Mean brightness";
        }

        @Override
        public ToolResult run(ImageView view) {
            RasterImage image = view.image();
            double sum = 0;
            for (int y = 0; y < image.height(); y++) {
                for (int x = 0; x < image.width(); x++) {
                    sum += image.luminance(x, y);
                }
            }
            double mean = sum / ((double) image.width() * image.height());
            return new ToolResult("Mean brightness", List.of(new ToolResult.Measurement("mean", mean, "")), List.of());
        }
    }
}
