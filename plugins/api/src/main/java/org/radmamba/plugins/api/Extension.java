package org.radmamba.plugins.api;

import java.util.Locale;

/**
 * Something a plugin adds: a {@link ModelArchitecture}, an {@link ImageFormat} or a {@link ViewerTool}. The host
 * addresses it as {@code pluginId.kind.name} (see {@link PluginApi#extensionId}).
 */
public sealed interface Extension permits ModelArchitecture, ImageFormat, ViewerTool {

    /** The kinds of extension, with the word used in extension ids. */
    enum Kind {
        MODEL, SOURCE, TOOL;

        /** The kind as it appears in an extension id: {@code model}, {@code source}, {@code tool}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The name within the plugin and kind ({@link PluginApi#EXTENSION_NAME}), e.g. {@code histogram}. */
    String name();

    Kind kind();
}
