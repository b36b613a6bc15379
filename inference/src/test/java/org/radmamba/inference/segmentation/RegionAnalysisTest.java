package org.radmamba.inference.segmentation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RegionAnalysisTest {

    private static final LabelMask TWO_BLOBS = LabelMask.ofRows(new int[][] {
            {0, 0, 0, 0, 0, 0, 0, 0},
            {0, 1, 1, 1, 0, 0, 0, 0},
            {0, 1, 1, 1, 0, 0, 1, 0},
            {0, 0, 0, 0, 0, 1, 1, 1},
            {0, 0, 0, 0, 0, 0, 1, 0},
    });

    private static final LabelMask RING = LabelMask.ofRows(new int[][] {
            {0, 0, 0, 0, 0, 0, 0},
            {0, 1, 1, 1, 1, 1, 0},
            {0, 1, 0, 0, 0, 1, 0},
            {0, 1, 0, 0, 0, 1, 0},
            {0, 1, 0, 0, 0, 1, 0},
            {0, 1, 1, 1, 1, 1, 0},
    });

    @Test
    void two_blobs_make_two_components_with_their_areas_and_boxes() {
        ClassRegions foreground = only(RegionAnalysis.analyse(TWO_BLOBS, 1, Connectivity.EIGHT, Optional.empty()));

        assertEquals(2, foreground.componentCount());
        assertEquals(6, foreground.regions().get(0).areaPixels());
        assertEquals(5, foreground.regions().get(1).areaPixels());
        assertEquals(11, foreground.areaPixels());
        assertEquals(new BoundingBox(1, 1, 3, 2), foreground.regions().get(0).bounds());
        assertEquals(new BoundingBox(5, 2, 3, 3), foreground.regions().get(1).bounds());
        assertFalse(foreground.areaMm2().isPresent());
    }

    @Test
    void a_rectangle_outline_is_its_four_corners_clockwise_in_pixel_edge_coordinates() {
        Contour outline = only(RegionAnalysis.analyse(TWO_BLOBS, 1, Connectivity.EIGHT, Optional.empty()))
                .regions().get(0).outline();

        assertArrayEquals(new int[] {1, 4, 4, 1}, outline.xs());
        assertArrayEquals(new int[] {1, 1, 3, 3}, outline.ys());
    }

    @Test
    void a_plus_shaped_outline_has_twelve_corners_and_encloses_its_pixels() {
        Region plus = only(RegionAnalysis.analyse(TWO_BLOBS, 1, Connectivity.EIGHT, Optional.empty())).regions().get(1);

        assertEquals(12, plus.outline().size());
        assertEquals(5.0, plus.outline().enclosedArea());
        assertArrayEquals(new int[] {6, 7, 7, 8, 8, 7, 7, 6, 6, 5, 5, 6}, plus.outline().xs());
        assertArrayEquals(new int[] {2, 2, 3, 3, 4, 4, 5, 5, 4, 4, 3, 3}, plus.outline().ys());
    }

    @Test
    void a_ring_is_one_component_whose_area_leaves_out_the_hole_and_whose_outline_surrounds_it() {
        ClassRegions foreground = only(RegionAnalysis.analyse(RING, 1, Connectivity.EIGHT, Optional.empty()));

        assertEquals(1, foreground.componentCount());
        Region ring = foreground.regions().get(0);
        assertEquals(16, ring.areaPixels());
        assertEquals(new BoundingBox(1, 1, 5, 5), ring.bounds());
        assertEquals(4, ring.outline().size());
        assertEquals(25.0, ring.outline().enclosedArea());
    }

    @Test
    void a_spacing_of_half_a_millimetre_gives_a_quarter_of_the_pixel_count_in_square_millimetres() {
        ClassRegions foreground = only(RegionAnalysis.analyse(TWO_BLOBS, 1, Connectivity.EIGHT,
                Optional.of(PixelSpacing.isotropic(0.5))));

        assertEquals(6 / 4.0, foreground.regions().get(0).areaMm2().orElseThrow(), 1e-12);
        assertEquals(5 / 4.0, foreground.regions().get(1).areaMm2().orElseThrow(), 1e-12);
        assertEquals(11 / 4.0, foreground.areaMm2().orElseThrow(), 1e-12);
    }

    @Test
    void anisotropic_spacing_multiplies_row_and_column_spacing() {
        ClassRegions foreground = only(RegionAnalysis.analyse(RING, 1, Connectivity.EIGHT,
                Optional.of(new PixelSpacing(0.5, 0.2))));

        assertEquals(16 * 0.1, foreground.areaMm2().orElseThrow(), 1e-12);
    }

    @Test
    void pixels_touching_at_a_corner_are_one_component_under_eight_connectivity_and_two_under_four() {
        LabelMask diagonal = LabelMask.ofRows(new int[][] {
                {1, 1, 0},
                {1, 1, 0},
                {0, 0, 1},
        });

        ClassRegions eight = only(RegionAnalysis.analyse(diagonal, 1, Connectivity.EIGHT, Optional.empty()));
        ClassRegions four = only(RegionAnalysis.analyse(diagonal, 1, Connectivity.FOUR, Optional.empty()));

        assertEquals(1, eight.componentCount());
        assertEquals(5, eight.regions().get(0).areaPixels());
        assertEquals(5.0, eight.regions().get(0).outline().enclosedArea());
        assertEquals(2, four.componentCount());
        assertEquals(4.0, four.regions().get(0).outline().enclosedArea());
        assertEquals(1.0, four.regions().get(1).outline().enclosedArea());
    }

    @Test
    void each_class_is_reported_separately_and_an_absent_class_has_no_components() {
        LabelMask mask = LabelMask.ofRows(new int[][] {
                {1, 1, 0, 2},
                {0, 0, 0, 2},
                {1, 0, 0, 0},
        });

        List<ClassRegions> classes = RegionAnalysis.analyse(mask, 3, Connectivity.EIGHT, Optional.empty());

        assertEquals(3, classes.size());
        assertEquals(2, classes.get(0).componentCount());
        assertEquals(3, classes.get(0).areaPixels());
        assertEquals(1, classes.get(1).componentCount());
        assertEquals(2, classes.get(1).areaPixels());
        assertEquals(2, classes.get(1).label());
        assertEquals(0, classes.get(2).componentCount());
        assertEquals(0, classes.get(2).areaPixels());
    }

    @Test
    void a_component_filling_a_large_image_is_labelled_without_overflowing_the_stack() {
        LabelMask full = new LabelMask(1500, 1200, filled(1500 * 1200));

        ClassRegions foreground = only(RegionAnalysis.analyse(full, 1, Connectivity.EIGHT, Optional.empty()));

        assertEquals(1, foreground.componentCount());
        assertEquals(1500L * 1200, foreground.areaPixels());
        assertEquals(1500.0 * 1200, foreground.regions().get(0).outline().enclosedArea());
    }

    @Test
    void a_negative_pixel_spacing_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> new PixelSpacing(-0.5, 0.5));
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 1);
        return b;
    }

    private static ClassRegions only(List<ClassRegions> classes) {
        assertEquals(1, classes.size());
        return classes.get(0);
    }
}
