package org.radmamba.inference.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmTilingTest {

    @Test
    void a_batch_64_stage_1_convolution_fills_the_device_unsplit() {
        // 64 x 56 x 56 positions, 48 output channels, K = 9 x 48: 3136 tiles, many waves
        GemmTiling t = GemmTiling.choose(64L * 56 * 56, 48, 9 * 48);
        assertFalse(t.split());
        assertEquals(9 * 48, t.kChunk());
    }

    @Test
    void a_batch_1_stage_1_projection_is_not_split() {
        // 3136 positions x 192 (in_proj of d_model 48): 49 x 3 = 147 tiles, K = 48 too shallow to split
        GemmTiling t = GemmTiling.choose(3136, 192, 48);
        assertEquals(1, t.splits());
        assertEquals(48, t.kChunk());
    }

    @Test
    void a_batch_1_stage_4_convolution_splits_its_deep_k_into_chunks_of_the_tile_depth() {
        // 49 positions x 384 channels, K = 9 x 384 = 3456: six tiles would walk 216 steps in sequence
        GemmTiling t = GemmTiling.choose(49, 384, 3456);
        assertTrue(t.splits() >= 16, t.toString());
        assertEquals(0, t.kChunk() % GemmTiling.DEPTH);
        assertTrue(t.kChunk() >= GemmTiling.MIN_SPLIT_K);
        assertTrue((long) t.splits() * t.kChunk() >= 3456, "the splits cover K");
        assertTrue((long) (t.splits() - 1) * t.kChunk() < 3456, "no split is empty");
        assertTrue(6L * t.splits() <= 2 * GemmTiling.WAVE, "about one wave of blocks");
    }

    @Test
    void every_split_covers_k_without_an_empty_split_for_all_shapes() {
        for (long m : new long[] {1, 7, 49, 64, 196, 784, 3136}) {
            for (int n : new int[] {3, 6, 48, 96, 384, 1536}) {
                for (int k : new int[] {4, 48, 127, 128, 256, 300, 768, 1728, 3456, 6912}) {
                    GemmTiling t = GemmTiling.choose(m, n, k);
                    assertTrue((long) t.splits() * t.kChunk() >= k, t + " for " + m + "x" + n + "x" + k);
                    assertTrue((long) (t.splits() - 1) * t.kChunk() < k, t + " for " + m + "x" + n + "x" + k);
                    assertTrue(t.splits() <= GemmTiling.MAX_SPLITS);
                    if (t.split()) {
                        assertEquals(0, t.kChunk() % GemmTiling.DEPTH);
                        assertTrue(t.kChunk() >= GemmTiling.MIN_SPLIT_K);
                    } else {
                        assertEquals(k, t.kChunk());
                    }
                }
            }
        }
    }

    @Test
    void an_empty_product_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> GemmTiling.choose(0, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> GemmTiling.choose(4, 4, 0));
    }
}
