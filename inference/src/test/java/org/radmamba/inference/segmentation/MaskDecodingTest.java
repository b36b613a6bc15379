package org.radmamba.inference.segmentation;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MaskDecodingTest {

    @Test
    void bilinear_upscaling_matches_pytorch_interpolate_without_corner_alignment() {
        float[] map = {0, 1, 2, 3};

        float[] up = Resampling.bilinear(map, 2, 2, 4, 4);

        // torch.nn.functional.interpolate(x, size=(4, 4), mode="bilinear", align_corners=False)
        assertArrayEquals(new float[] {
                0.0f, 0.25f, 0.75f, 1.0f,
                0.5f, 0.75f, 1.25f, 1.5f,
                1.5f, 1.75f, 2.25f, 2.5f,
                2.0f, 2.25f, 2.75f, 3.0f}, up, 1e-6f);
    }

    @Test
    void bilinear_downscaling_by_two_averages_each_block() {
        float[] map = {
                0, 2, 4, 6,
                2, 4, 6, 8,
                1, 1, 3, 3,
                1, 1, 3, 3};

        assertArrayEquals(new float[] {2, 6, 1, 3}, Resampling.bilinear(map, 4, 4, 2, 2), 1e-6f);
    }

    @Test
    void one_class_probabilities_are_resized_before_thresholding() {
        // A 2x2 map with one confident pixel: its bilinear spread at 4x4 crosses 0.5 at exactly 4 pixels.
        ScoreMap scores = ScoreMap.probabilities(2, 2, new float[] {0.9f, 0.1f, 0.1f, 0.1f});

        LabelMask mask = MaskDecoding.toLabels(scores, MaskDecoding.DEFAULT_THRESHOLD, 4, 4);

        // Resized rows: [0.9 0.7 0.3 0.1], [0.7 0.55 0.25 0.1], [0.3 0.25 0.15 0.1], [0.1 0.1 0.1 0.1]
        assertEquals(4, mask.width());
        assertArrayEquals(new byte[] {
                1, 1, 0, 0,
                1, 1, 0, 0,
                0, 0, 0, 0,
                0, 0, 0, 0}, mask.labels());
    }

    @Test
    void a_higher_threshold_keeps_only_the_more_confident_pixels() {
        ScoreMap scores = ScoreMap.probabilities(2, 2, new float[] {0.9f, 0.1f, 0.1f, 0.1f});

        LabelMask mask = MaskDecoding.toLabels(scores, 0.6f, 4, 4);

        assertArrayEquals(new byte[] {
                1, 1, 0, 0,
                1, 0, 0, 0,
                0, 0, 0, 0,
                0, 0, 0, 0}, mask.labels());
    }

    @Test
    void a_threshold_outside_zero_to_one_is_refused() {
        ScoreMap scores = ScoreMap.probabilities(1, 1, new float[] {0.5f});

        assertThrows(IllegalArgumentException.class, () -> MaskDecoding.toLabels(scores, 1.5f, 1, 1));
    }

    @Test
    void several_classes_take_the_argmax_of_the_logits_and_resize_labels_by_nearest_neighbour() {
        // 3 classes on a 1x2 map: pixel 0 -> class 2, pixel 1 -> class 0 (tie with class 1 goes to the first).
        ScoreMap scores = ScoreMap.logits(3, 1, 2, new float[] {
                0.0f, 5.0f,
                1.0f, 5.0f,
                3.0f, -1.0f});

        LabelMask mask = MaskDecoding.toLabels(scores, MaskDecoding.DEFAULT_THRESHOLD, 4, 2);

        assertArrayEquals(new byte[] {
                2, 2, 0, 0,
                2, 2, 0, 0}, mask.labels());
    }

    @Test
    void softmax_of_logits_sums_to_one_at_every_pixel() {
        ScoreMap scores = ScoreMap.logits(2, 1, 2, new float[] {0.0f, 100.0f, 0.0f, 100.0f});

        float[] p = scores.softmax();

        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, p, 1e-6f);
    }

    @Test
    void nearest_label_resize_never_mixes_labels() {
        LabelMask mask = LabelMask.ofRows(new int[][] {{0, 3}, {1, 2}});

        LabelMask big = Resampling.nearest(mask, 3, 3);

        assertArrayEquals(new byte[] {0, 0, 3, 0, 0, 3, 1, 1, 2}, big.labels());
    }
}
