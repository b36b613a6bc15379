package org.radmamba.plugins.api;

/** The physical size of a pixel in mm: between rows (vertical) and between columns (horizontal). */
public record PixelSpacing(double rowMm, double columnMm) {
    public PixelSpacing {
        if (!(rowMm > 0) || !(columnMm > 0) || Double.isInfinite(rowMm) || Double.isInfinite(columnMm)) {
            throw new IllegalArgumentException("pixel spacing must be positive, got " + rowMm + " x " + columnMm);
        }
    }

    /** The area of one pixel in mm². */
    public double pixelAreaMm2() {
        return rowMm * columnMm;
    }
}
