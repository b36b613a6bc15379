package org.radmamba.viewer.fx.measure;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MeasurementTest {

    /** real = 2 × x + 10 × y - 1000, stored = x + y: easy to sum by hand. */
    static final PixelValues GRADIENT = new PixelValues() {
        @Override public int width() { return 20; }
        @Override public int height() { return 10; }
        @Override public double stored(int x, int y) { return x + y; }
        @Override public double real(int x, int y) { return 2.0 * x + 10.0 * y - 1000; }
        @Override public String unit() { return "HU"; }
    };

    private static final Calibration HALF_MM = new Calibration(0.5, 0.25, Calibration.Source.PIXEL_SPACING);

    @Test
    void a_distance_uses_row_spacing_vertically_and_column_spacing_horizontally() {
        Measurement.Distance horizontal = new Measurement.Distance(new ImagePoint(0, 0), new ImagePoint(100, 0));
        Measurement.Distance vertical = new Measurement.Distance(new ImagePoint(0, 0), new ImagePoint(0, 100));
        assertEquals(25.0, horizontal.length(HALF_MM), 1e-12);
        assertEquals(50.0, vertical.length(HALF_MM), 1e-12);
        assertEquals("50.0 mm", vertical.label(HALF_MM, GRADIENT));
    }

    @Test
    void a_distance_from_imager_pixel_spacing_says_it_is_at_the_detector() {
        Calibration imager = new Calibration(0.2, 0.2, Calibration.Source.IMAGER_PIXEL_SPACING);
        Measurement.Distance d = new Measurement.Distance(new ImagePoint(0, 0), new ImagePoint(30, 40));
        assertEquals("10.0 mm (at detector)", d.label(imager, GRADIENT));
    }

    @Test
    void without_spacing_a_distance_is_in_pixels() {
        Measurement.Distance d = new Measurement.Distance(new ImagePoint(0, 0), new ImagePoint(3, 4));
        assertEquals("5.0 px", d.label(Calibration.UNKNOWN, GRADIENT));
    }

    @Test
    void an_angle_is_measured_in_physical_space() {
        Measurement.Angle right = new Measurement.Angle(new ImagePoint(10, 0), new ImagePoint(0, 0),
                new ImagePoint(0, 10));
        assertEquals(90.0, right.degrees(HALF_MM), 1e-9);
        // One pixel right and one down is not 45° when rows are twice as far apart as columns.
        Measurement.Angle skew = new Measurement.Angle(new ImagePoint(1, 0), new ImagePoint(0, 0),
                new ImagePoint(1, 1));
        assertEquals(Math.toDegrees(Math.atan2(0.5, 0.25)), skew.degrees(HALF_MM), 1e-9);
    }

    @Test
    void rectangle_statistics_cover_the_pixels_whose_centres_are_inside() {
        // Columns 2..5, rows 1..2: 8 pixels.
        Measurement.RectangleRoi roi = new Measurement.RectangleRoi(new ImagePoint(6, 3), new ImagePoint(2, 1));
        RoiStatistics s = RoiStatistics.of(roi, GRADIENT, HALF_MM);
        assertEquals(8, s.pixelCount());
        double mean = 2 * 3.5 + 10 * 1.5 - 1000;
        assertEquals(mean, s.mean(), 1e-9);
        assertEquals(2 * 2 + 10 - 1000, s.min(), 1e-9);
        assertEquals(2 * 5 + 20 - 1000, s.max(), 1e-9);
        double sumSq = 0;
        for (int y = 1; y <= 2; y++) {
            for (int x = 2; x <= 5; x++) {
                double d = 2.0 * x + 10.0 * y - 1000 - mean;
                sumSq += d * d;
            }
        }
        assertEquals(Math.sqrt(sumSq / 7), s.sd(), 1e-9);
        assertEquals(8 * 0.5 * 0.25, s.area(), 1e-12);
        assertEquals("mm²", s.areaUnit());
    }

    @Test
    void an_ellipse_has_the_area_of_an_ellipse_and_leaves_the_corners_out() {
        Measurement.EllipseRoi roi = new Measurement.EllipseRoi(new ImagePoint(0, 0), new ImagePoint(10, 10));
        RoiStatistics s = RoiStatistics.of(roi, GRADIENT, Calibration.UNKNOWN);
        assertEquals(Math.PI * 25, s.area(), 1e-9);
        assertEquals(false, roi.contains(0.5, 0.5));
        assertEquals(true, roi.contains(5.5, 5.5));
        // Pixel-centre count of a radius-5 disc on a 10x10 grid.
        assertEquals(80, s.pixelCount());
    }

    @Test
    void a_region_outside_the_image_has_no_pixels_and_says_so() {
        Measurement.RectangleRoi roi = new Measurement.RectangleRoi(new ImagePoint(50, 50), new ImagePoint(60, 60));
        RoiStatistics s = RoiStatistics.of(roi, GRADIENT, Calibration.UNKNOWN);
        assertEquals(0, s.pixelCount());
        assertEquals("area 100.0 px² (no pixels)", s.describe());
    }
}
