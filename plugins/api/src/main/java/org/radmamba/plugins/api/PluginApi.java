package org.radmamba.plugins.api;

import java.util.regex.Pattern;

/**
 * The version of this API and the shape of the names in it.
 *
 * <p>A plugin's {@link Plugin#apiVersion()} returns {@link #VERSION}; since it is a compile-time constant, the
 * compiler copies it into the plugin's class file, so the host sees the version the plugin was <em>built</em>
 * against and refuses a plugin built against another one.
 */
public final class PluginApi {

    /** Raised on every incompatible change of any type in this package. */
    public static final int VERSION = 1;

    /** A plugin id: lower-case letters, digits and '-', starting with a letter, at most 40 characters. */
    public static final Pattern PLUGIN_ID = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    /** An extension's name within its plugin and kind: the same shape as a plugin id. */
    public static final Pattern EXTENSION_NAME = PLUGIN_ID;

    private PluginApi() {
    }

    /** The id {@code pluginId.kind.name} by which the host addresses an extension, e.g. {@code example.tool.histogram}. */
    public static String extensionId(String pluginId, Extension extension) {
        return pluginId + "." + extension.kind().id() + "." + extension.name();
    }
}
