package org.radmamba.app.plugin.testplugins;

import org.radmamba.app.ai.ModelCard;
import org.radmamba.plugins.api.Extension;
import org.radmamba.plugins.api.Plugin;
import org.radmamba.plugins.api.PluginApi;

import java.util.List;

/** Uses a class of the app, which its class loader does not lend. */
public final class ReachesIntoAppPlugin implements Plugin {
    @Override
    public String id() {
        return "reaches-in";
    }

    @Override
    public String name() {
        return "Reaches into the app";
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
        if (ModelCard.class.getName().isEmpty()) {
            return List.of();
        }
        return List.of(new ThrowingToolPlugin.Explode());
    }
}
