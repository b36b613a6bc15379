package org.radmamba.viewer.volume;

/**
 * A thick slab: the planes of the reformat grid within ±thickness/2 of the plane along its normal, combined pixel by
 * pixel. A thickness under two grid spacings is the plane alone.
 */
public record Slab(double thicknessMm, Mode mode) {

    /** How the planes of a slab combine; pixels outside the volume (NaN) are left out. */
    public enum Mode {
        /** Maximum intensity projection. */
        MIP,
        /** Minimum intensity projection. */
        MINIP,
        /** The mean. */
        AVERAGE;

        /** "MIP", "MinIP", "Avg": for corner text. */
        public String label() {
            return switch (this) {
                case MIP -> "MIP";
                case MINIP -> "MinIP";
                case AVERAGE -> "Avg";
            };
        }
    }

    /** The plane alone. */
    public static final Slab NONE = new Slab(0, Mode.AVERAGE);

    public Slab {
        if (!(thicknessMm >= 0) || Double.isInfinite(thicknessMm)) {
            throw new IllegalArgumentException("a slab thickness must be a finite number of mm, at least 0: " + thicknessMm);
        }
    }

    /** Planes of a grid with {@code spacing} mm along the normal that this slab combines: odd, at least one. */
    public int planes(double spacing) {
        return 2 * (int) Math.floor(thicknessMm / (2 * spacing) + 1e-6) + 1;
    }
}
