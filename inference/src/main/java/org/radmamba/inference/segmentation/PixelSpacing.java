package org.radmamba.inference.segmentation;

/**
 * Physical size of one pixel in millimetres, as DICOM's Pixel Spacing (0028,0030): the distance between rows
 * (vertical) and between columns (horizontal).
 */
public record PixelSpacing(double rowSpacingMm, double columnSpacingMm) {

    public PixelSpacing {
        if (!(rowSpacingMm > 0) || !(columnSpacingMm > 0) || Double.isInfinite(rowSpacingMm)
                || Double.isInfinite(columnSpacingMm)) {
            throw new IllegalArgumentException("pixel spacing must be positive and finite, got "
                    + rowSpacingMm + " x " + columnSpacingMm + " mm");
        }
    }

    public static PixelSpacing isotropic(double mm) {
        return new PixelSpacing(mm, mm);
    }

    /** Area of one pixel in mm². */
    public double pixelAreaMm2() {
        return rowSpacingMm * columnSpacingMm;
    }
}
