package org.radmamba.app.cli;

import org.radmamba.app.plugin.PluginRegistry;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The plugin folder options of the commands that use plugins ({@code --plugins DIR}, {@code --no-plugins}). */
public final class PluginOptions {

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "the plugin folder: its jars and folders are loaded as plugins (default: ~/.radmamba/plugins)")
    Path folder;

    @Option(names = "--no-plugins", description = "load no plugins from the plugin folder, only the built-ins")
    boolean none;

    /** The folder plugins are loaded from, or null with {@code --no-plugins}. */
    public Path folder() {
        return none ? null : folder != null ? folder : PluginRegistry.userFolder();
    }

    /** The built-ins and the plugins of the folder; close it when done. */
    public PluginRegistry open() {
        return PluginRegistry.discover(PluginOptions.class.getClassLoader(), folder());
    }
}
