package org.radmamba.viewer.fx.settings;

/**
 * The colours of the viewer's panels, menus and dialogs (never of the images). Dark by default: reading rooms are
 * dark, and a bright frame around a dark image makes the eye adapt to the frame; RadiAnt, Horos, OHIF and Weasis
 * all start dark.
 */
public enum Theme {
    DARK("Dark"),
    LIGHT("Light");

    private final String label;

    Theme(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
