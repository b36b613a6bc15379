package org.radmamba.viewer.fx.viewport;

import javafx.geometry.Point2D;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ViewportTransformTest {

    private static final double EPS = 1e-9;

    private static void assertPoint(double x, double y, Point2D p) {
        assertEquals(x, p.getX(), EPS, "x of " + p);
        assertEquals(y, p.getY(), EPS, "y of " + p);
    }

    @Test
    void fitting_scales_the_image_to_the_smaller_side_and_centres_it() {
        ViewportTransform t = ViewportTransform.fit();
        assertEquals(2.0, t.effectiveZoom(256, 256, 800, 512), EPS);
        assertPoint(144, 0, t.toScreen(256, 256, 800, 512).transform(0, 0));
        assertPoint(656, 512, t.toScreen(256, 256, 800, 512).transform(256, 256));
    }

    @Test
    void a_clockwise_quarter_turn_puts_the_top_left_corner_top_right() {
        ViewportTransform t = ViewportTransform.fit().rotateClockwise();
        assertPoint(100, 0, t.toScreen(100, 100, 100, 100).transform(0, 0));
    }

    @Test
    void flipping_horizontally_mirrors_left_and_right_even_after_rotation() {
        ViewportTransform t = ViewportTransform.fit().rotateClockwise().flippedHorizontally();
        // Rotated, the top-left corner is top right; mirrored on screen it comes back to the top left.
        assertPoint(0, 0, t.toScreen(100, 100, 100, 100).transform(0, 0));
    }

    @Test
    void zooming_about_a_point_keeps_that_image_point_under_it() {
        ViewportTransform t = ViewportTransform.fit();
        Point2D anchor = new Point2D(300, 120);
        Point2D before = t.toImage(anchor, 256, 256, 512, 512);
        ViewportTransform zoomed = t.zoomAbout(1.5, anchor, 256, 256, 512, 512);
        assertEquals(3.0, zoomed.zoom(), EPS);
        assertPoint(before.getX(), before.getY(), zoomed.toImage(anchor, 256, 256, 512, 512));
    }

    @Test
    void screen_to_image_inverts_image_to_screen_under_pan_zoom_rotation_and_aspect() {
        ViewportTransform t = ViewportTransform.fit(0.5).withZoom(3.2).panBy(17, -40).rotateCounterClockwise()
                .flippedVertically();
        Point2D screen = t.toScreen(300, 200, 640, 480).transform(12.5, 77.25);
        assertPoint(12.5, 77.25, t.toImage(screen, 300, 200, 640, 480));
    }

    @Test
    void actual_size_maps_one_image_pixel_to_one_screen_pixel() {
        ViewportTransform t = ViewportTransform.fit().actualSize();
        Point2D a = t.toScreen(256, 256, 1000, 700).transform(10, 10);
        Point2D b = t.toScreen(256, 256, 1000, 700).transform(11, 10);
        assertEquals(1.0, b.getX() - a.getX(), EPS);
    }

    @Test
    void non_square_pixels_are_stretched_by_the_aspect_ratio() {
        ViewportTransform t = ViewportTransform.fit(2.0).actualSize();
        Point2D a = t.toScreen(100, 100, 400, 400).transform(0, 0);
        Point2D b = t.toScreen(100, 100, 400, 400).transform(0, 1);
        assertEquals(2.0, b.getY() - a.getY(), EPS);
    }
}
