package org.radmamba.viewer.fx.measure;

/**
 * Statistics of the real-world values of the pixels whose centres lie inside a region; pixels without a value
 * (NaN: outside a reformatted volume, in a gap) are left out.
 *
 * @param pixelCount number of pixels inside
 * @param mean       arithmetic mean (NaN when no pixel is inside)
 * @param sd         sample standard deviation (n - 1; 0 for one pixel)
 * @param area       geometric area of the region in {@code areaUnit}
 */
public record RoiStatistics(long pixelCount, double mean, double sd, double min, double max, double area,
                            String areaUnit, String valueUnit) {

    public static RoiStatistics of(Measurement.Region region, PixelValues values, Calibration spacing) {
        int x0 = (int) Math.max(0, Math.floor(region.minX()));
        int x1 = (int) Math.min(values.width() - 1, Math.ceil(region.maxX()));
        int y0 = (int) Math.max(0, Math.floor(region.minY()));
        int y1 = (int) Math.min(values.height() - 1, Math.ceil(region.maxY()));
        long n = 0;
        double mean = 0;
        double m2 = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                if (!region.contains(x + 0.5, y + 0.5)) {
                    continue;
                }
                double v = values.real(x, y);
                if (Double.isNaN(v)) {
                    continue; // no value there (outside a reformatted volume, a gap): not a pixel of the region
                }
                n++;
                // Welford: one pass, no catastrophic cancellation for large HU offsets.
                double delta = v - mean;
                mean += delta / n;
                m2 += delta * (v - mean);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double area = region.areaPixels() * spacing.rowSpacingMm() * spacing.columnSpacingMm();
        if (n == 0) {
            return new RoiStatistics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, area, spacing.areaUnit(),
                    values.unit());
        }
        double sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
        return new RoiStatistics(n, mean, sd, min, max, area, spacing.areaUnit(), values.unit());
    }

    /** Two short lines for the overlay. */
    public String describe() {
        String unit = valueUnit.isEmpty() ? "" : " " + valueUnit;
        if (pixelCount == 0) {
            return String.format("area %.1f %s (no pixels)", area, areaUnit);
        }
        return String.format("mean %.1f%s SD %.1f%nmin %.0f max %.0f area %.1f %s", mean, unit, sd, min, max, area,
                areaUnit);
    }
}
