package org.radmamba.plugins.example;

import org.radmamba.plugins.api.Extension;
import org.radmamba.plugins.api.Plugin;
import org.radmamba.plugins.api.PluginApi;

import java.util.List;

/**
 * The example plugin: one extension of each kind — {@code example.tool.histogram}, {@code example.source.pgm} and
 * {@code example.model.mean-colour}.
 */
public final class ExamplePlugin implements Plugin {

    @Override
    public String id() {
        return "example";
    }

    @Override
    public String name() {
        return "Example: image statistics and PGM";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public int apiVersion() {
        return PluginApi.VERSION;
    }

    @Override
    public List<Extension> extensions() {
        return List.of(new HistogramTool(), new PgmFormat(), new MeanColourClassifier());
    }
}
