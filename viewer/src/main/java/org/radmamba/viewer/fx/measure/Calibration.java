package org.radmamba.viewer.fx.measure;

import org.radmamba.viewer.study.ImageGeometry;

/**
 * How measurements are calibrated: the physical size of a pixel and which header it came from (a different thing
 * from the inference module's {@code PixelSpacing}, the header's value alone, which results carry).
 *
 * @param rowSpacingMm    distance between the centres of adjacent rows (first value of Pixel Spacing)
 * @param columnSpacingMm distance between the centres of adjacent columns (second value)
 * @param source          where the numbers came from; measurements say so when it is not Pixel Spacing
 */
public record Calibration(double rowSpacingMm, double columnSpacingMm, Source source) {

    public enum Source {
        /** (0028,0030): in the patient, the calibrated case. */
        PIXEL_SPACING(""),
        /** (0018,1164): at the detector; not corrected for geometric magnification. */
        IMAGER_PIXEL_SPACING("at detector"),
        /** No spacing: measurements are in pixels. */
        NONE("px");

        private final String note;

        Source(String note) {
            this.note = note;
        }

        /** A short note shown next to a measurement, empty for calibrated Pixel Spacing. */
        public String note() {
            return note;
        }
    }

    public static final Calibration UNKNOWN = new Calibration(1, 1, Source.NONE);

    public Calibration {
        if (!(rowSpacingMm > 0) || !(columnSpacingMm > 0)
                || Double.isInfinite(rowSpacingMm) || Double.isInfinite(columnSpacingMm)) {
            throw new IllegalArgumentException("pixel spacing must be positive, got " + rowSpacingMm + "\\"
                    + columnSpacingMm);
        }
    }

    /**
     * The spacing to measure with: Pixel Spacing when the file has it (in the patient), else Imager Pixel Spacing
     * (at the detector, so measurements carry {@link Source#IMAGER_PIXEL_SPACING}'s note), else {@link #UNKNOWN}
     * and measurements are in pixels.
     */
    public static Calibration of(ImageGeometry geometry) {
        if (geometry == null) {
            return UNKNOWN;
        }
        if (usable(geometry.pixelSpacing())) {
            return new Calibration(geometry.pixelSpacing()[0], geometry.pixelSpacing()[1], Source.PIXEL_SPACING);
        }
        if (usable(geometry.imagerPixelSpacing())) {
            return new Calibration(geometry.imagerPixelSpacing()[0], geometry.imagerPixelSpacing()[1],
                    Source.IMAGER_PIXEL_SPACING);
        }
        return UNKNOWN;
    }

    private static boolean usable(double[] spacing) {
        return spacing != null && spacing.length == 2 && spacing[0] > 0 && spacing[1] > 0
                && Double.isFinite(spacing[0]) && Double.isFinite(spacing[1]);
    }

    public boolean isCalibrated() {
        return source != Source.NONE;
    }

    /** Row spacing / column spacing: how much taller a pixel is than wide. */
    public double aspectRatio() {
        return rowSpacingMm / columnSpacingMm;
    }

    /** Length in mm (or pixels when uncalibrated) of the segment between two image points. */
    public double length(ImagePoint a, ImagePoint b) {
        double dx = (b.x() - a.x()) * columnSpacingMm;
        double dy = (b.y() - a.y()) * rowSpacingMm;
        return Math.hypot(dx, dy);
    }

    /** Unit of {@link #length}: "mm" or "px". */
    public String lengthUnit() {
        return isCalibrated() ? "mm" : "px";
    }

    public String areaUnit() {
        return isCalibrated() ? "mm²" : "px²";
    }
}
