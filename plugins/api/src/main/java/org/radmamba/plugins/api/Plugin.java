package org.radmamba.plugins.api;

import java.util.List;

/**
 * A plugin: a named, versioned set of extensions. The host finds implementations with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.radmamba.plugins.api.Plugin} in the plugin's jar), creates each through its public
 * no-argument constructor, checks {@link #apiVersion()}, then asks for {@link #extensions()} once.
 *
 * <p>A plugin whose constructor or {@code extensions()} throws, or whose API version differs from the host's, is
 * disabled and listed with the reason; so is a plugin whose extension throws when used.
 */
public interface Plugin {

    /** The plugin's id ({@link PluginApi#PLUGIN_ID}), the first part of its extensions' ids. */
    String id();

    /** A name for people, e.g. "Image statistics". */
    String name();

    /** The plugin's own version, e.g. "1.2.0". */
    String version();

    /**
     * Implement as {@code return PluginApi.VERSION;} — the constant is copied into the plugin when it is compiled,
     * so this says which API the plugin was built against.
     */
    int apiVersion();

    /** What the plugin adds; names must be unique per kind within the plugin. */
    List<Extension> extensions();
}
