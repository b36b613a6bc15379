package org.radmamba.app.plugin.testplugins;

import org.radmamba.plugins.api.Extension;
import org.radmamba.plugins.api.ImageView;
import org.radmamba.plugins.api.Plugin;
import org.radmamba.plugins.api.PluginApi;
import org.radmamba.plugins.api.ToolResult;
import org.radmamba.plugins.api.ViewerTool;

import java.util.List;

/** Starts fine; its tool throws when used. */
public final class ThrowingToolPlugin implements Plugin {
    @Override
    public String id() {
        return "throwing-tool";
    }

    @Override
    public String name() {
        return "Throws when used";
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
        return List.of(new Explode());
    }

    public static final class Explode implements ViewerTool {
        @Override
        public String name() {
            return "explode";
        }

        @Override
        public String label() {
            return "Explode";
        }

        @Override
        public ToolResult run(ImageView view) {
            throw new IllegalStateException("no pixels today");
        }
    }
}
