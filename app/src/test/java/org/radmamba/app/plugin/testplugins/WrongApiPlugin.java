package org.radmamba.app.plugin.testplugins;

import org.radmamba.plugins.api.Extension;
import org.radmamba.plugins.api.Plugin;

import java.util.List;

/** Says it was built against plugin API 99. */
public final class WrongApiPlugin implements Plugin {
    @Override
    public String id() {
        return "wrong-api";
    }

    @Override
    public String name() {
        return "From the future";
    }

    @Override
    public String version() {
        return "9.0";
    }

    @Override
    public int apiVersion() {
        return 99;
    }

    @Override
    public List<Extension> extensions() {
        return List.of(new ThrowingToolPlugin.Explode());
    }
}
