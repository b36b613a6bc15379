package org.radmamba.viewer.fx.model;

import org.junit.jupiter.api.Test;
import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.measure.PixelValues;
import org.radmamba.viewer.pixel.LookupTable;
import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.pixel.VoiFunction;
import org.radmamba.viewer.study.ImageGeometry;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The four corners' text, line by line, from what is in view. */
class CornerTextTest {

    @Test
    void top_left_is_the_patient_family_name_first_the_id_the_iso_date_and_the_study() {
        assertEquals("DOE, JANE Q\nID 0042\n2026-01-31\nCT chest",
                CornerText.topLeft("DOE^JANE^Q", "0042", "20260131", "CT chest"));
    }

    @Test
    void top_left_drops_a_missing_description_and_keeps_a_date_it_cannot_read_as_it_is() {
        assertEquals("DOE\nID 1\n2026", CornerText.topLeft("DOE^", "1", "2026", ""));
    }

    @Test
    void top_right_counts_images_from_one_and_gives_position_and_thickness_from_the_geometry() {
        // Axial: the normal is +z, so the position along it is the z of Image Position (Patient).
        ImageGeometry axial = new ImageGeometry(64, 64, new double[]{-10, -20, -37.25},
                new double[]{1, 0, 0, 0, 1, 0}, new double[]{0.5, 0.5}, 2.5);
        assertEquals("Lungs\nSeries 3\nImage 1 / 40\nPos -37.3 mm\nThick 2.5 mm",
                CornerText.topRight("Lungs", 3, 0, 40, axial));
    }

    @Test
    void top_right_without_geometry_or_thickness_has_no_such_lines() {
        assertEquals("Scout\nSeries 1\nImage 2 / 2", CornerText.topRight("Scout", 1, 1, 2, null));
        ImageGeometry noThickness = new ImageGeometry(8, 8, null, null, new double[]{1, 1}, Double.NaN);
        assertEquals("Scout\nSeries 1\nImage 2 / 2", CornerText.topRight("Scout", 1, 1, 2, noThickness));
    }

    @Test
    void bottom_left_gives_load_state_window_zoom_and_inversion_in_that_order() {
        Voi window = new Voi.Window(40, 400, VoiFunction.LINEAR, "SOFT TISSUE");
        assertEquals("Loading…\nW 400 L 40  SOFT TISSUE\nZoom 150%\nInverted",
                CornerText.bottomLeft("Loading…", window, true, 1.5, true));
        assertEquals("W 350.5 L -0.5", CornerText.bottomLeft(null, new Voi.Window(-0.5, 350.5), true, Double.NaN,
                false));
    }

    @Test
    void bottom_left_shows_no_window_for_colour_images_but_names_a_voi_lut() {
        assertEquals("Zoom 100%", CornerText.bottomLeft(null, new Voi.Window(40, 400), false, 1, false));
        Voi lut = new Voi.Lut(new LookupTable(0, 8, new int[]{0, 255}), "NORMAL");
        assertEquals("VOI LUT NORMAL", CornerText.bottomLeft(null, lut, true, Double.NaN, false));
    }

    @Test
    void the_probe_gives_pixel_stored_and_real_values_and_nothing_off_the_image() {
        PixelValues ct = new PixelValues() {
            public int width() {
                return 4;
            }

            public int height() {
                return 2;
            }

            public double stored(int x, int y) {
                return 1000 + x + 10 * y;
            }

            public double real(int x, int y) {
                return stored(x, y) - 1024.5;
            }

            public String unit() {
                return "HU";
            }
        };
        assertEquals("x 3 y 1  stored 1013  value -11.5 HU", CornerText.probe(ct, new ImagePoint(3.9, 1.2)));
        assertEquals("", CornerText.probe(ct, new ImagePoint(4.0, 0)));
        assertEquals("", CornerText.probe(ct, new ImagePoint(-0.1, 0)));
        assertEquals("", CornerText.probe(ct, null));
        assertEquals("", CornerText.probe(null, new ImagePoint(1, 1)));
    }
}
