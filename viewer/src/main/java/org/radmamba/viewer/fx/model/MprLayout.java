package org.radmamba.viewer.fx.model;

/** How the MPR layout places its viewports. */
public enum MprLayout {
    /** Axial, coronal and sagittal side by side. */
    ONE_BY_THREE("1×3"),
    /** Axial and coronal above, sagittal and the acquired images (the viewport the MPR was opened from) below. */
    TWO_BY_TWO("2×2 with the acquired images");

    private final String label;

    MprLayout(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
