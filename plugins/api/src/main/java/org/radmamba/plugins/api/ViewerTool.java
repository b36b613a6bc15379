package org.radmamba.plugins.api;

/**
 * An action or measurement on the image on screen, offered as a button in the viewer. The host runs it away from
 * the UI thread and shows the {@link ToolResult}.
 */
public non-sealed interface ViewerTool extends Extension {

    @Override
    default Kind kind() {
        return Kind.TOOL;
    }

    /** The button's text, e.g. "Histogram". */
    String label();

    /** Measures {@code view}; must not keep the image after returning. */
    ToolResult run(ImageView view);
}
