package org.radmamba.viewer.fx.model;

/** What the left mouse button does in a viewport. Right-drag is always window/level, middle-drag pan. */
public enum Tool {
    WINDOW_LEVEL("Window/level"),
    PAN("Pan"),
    ZOOM("Zoom"),
    DISTANCE("Distance"),
    ANGLE("Angle"),
    RECTANGLE("Rectangle ROI"),
    ELLIPSE("Ellipse ROI");

    private final String label;

    Tool(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean measures() {
        return this == DISTANCE || this == ANGLE || this == RECTANGLE || this == ELLIPSE;
    }
}
