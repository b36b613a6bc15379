package org.radmamba.app.plugin.testplugins;

import org.radmamba.plugins.api.Extension;
import org.radmamba.plugins.api.Plugin;
import org.radmamba.plugins.api.PluginApi;

import java.util.List;

/** Throws from its constructor, as a plugin that misses a file it needs. */
public final class FailingStartPlugin implements Plugin {

    public FailingStartPlugin() {
        throw new IllegalStateException("the licence file is missing");
    }

    @Override
    public String id() {
        return "failing-start";
    }

    @Override
    public String name() {
        return "Fails to start";
    }

    @Override
    public String version() {
        return "1.0";
    }

    @Override
    public int apiVersion() {
        return PluginApi.VERSION;
    }

    @Override
    public List<Extension> extensions() {
        return List.of();
    }
}
