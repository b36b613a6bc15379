package org.radmamba.app.plugin;

import java.util.List;
import java.util.Objects;

/**
 * What the plugin panel shows of one plugin.
 *
 * @param id         the plugin's id (or, when it could not even say that, its jar's or folder's name)
 * @param source     "built in", or the jar or folder it came from
 * @param reason     why it is disabled; null when enabled
 * @param extensions the ids ({@code pluginId.kind.name}) of what it adds
 */
public record PluginInfo(String id, String name, String version, String source, boolean builtIn, String reason,
                         List<String> extensions) {
    public PluginInfo {
        Objects.requireNonNull(id, "id");
        extensions = List.copyOf(extensions);
    }

    public boolean enabled() {
        return reason == null;
    }

    /** "enabled" or "disabled". */
    public String status() {
        return enabled() ? "enabled" : "disabled";
    }
}
