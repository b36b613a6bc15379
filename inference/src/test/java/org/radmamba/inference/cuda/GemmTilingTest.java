package org.radmamba.inference.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GemmTilingTest {

    @Test
    void a_batch_64_stage_1_convolution_of_48_outputs_takes_the_128_by_64_tile() {
        // 64 x 56 x 56 positions, 48 output channels: a 128-wide tile would be 62 % empty, a 64-wide one is 25 %
        GemmTiling t = GemmTiling.choose(64L * 56 * 56, 48, 9 * 48);
        assertEquals(GemmTiling.Kernel.TALL, t.kernel());
        assertEquals("gemm_nt_tall", t.kernel().function());
        assertFalse(t.split());
        assertEquals(9 * 48, t.kChunk());
    }

    @Test
    void a_batch_64_stage_2_convolution_fills_the_device_with_128_tiles() {
        // 64 x 28 x 28 positions, 96 output channels, K = 9 x 96: 392 x 1 tiles of 128 x 128
        GemmTiling t = GemmTiling.choose(64L * 28 * 28, 96, 9 * 96);
        assertEquals(GemmTiling.Kernel.BIG, t.kernel());
        assertEquals(128, t.kernel().tileN());
        assertFalse(t.split());
    }

    @Test
    void a_narrow_product_too_small_to_fill_the_device_with_128_row_tiles_keeps_64_tiles() {
        // batch 1, stage 1: 3136 positions x 48 outputs, 25 tiles of 128 x 64
        assertEquals(GemmTiling.Kernel.SMALL, GemmTiling.choose(3136, 48, 9 * 48).kernel());
    }

    @Test
    void a_batch_1_stage_1_projection_keeps_64_tiles_unsplit() {
        // 3136 positions x 192 (in_proj of d_model 48): 49 x 3 = 147 small tiles, K = 48 too shallow to split
        GemmTiling t = GemmTiling.choose(3136, 192, 48);
        assertEquals(GemmTiling.Kernel.SMALL, t.kernel());
        assertEquals(64, t.kernel().tileM());
        assertEquals(1, t.splits());
    }

    @Test
    void a_batch_1_stage_4_convolution_splits_its_deep_k_into_chunks_of_the_tile_depth() {
        // 49 positions x 384 channels, K = 9 x 384 = 3456: six 64x64 tiles would walk 216 steps in sequence
        GemmTiling t = GemmTiling.choose(49, 384, 3456);
        assertEquals(GemmTiling.Kernel.SMALL, t.kernel());
        assertTrue(t.splits() >= 16, t.toString());
        assertEquals(0, t.kChunk() % GemmTiling.SMALL_DEPTH);
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
                        assertEquals(GemmTiling.Kernel.SMALL, t.kernel());
                        assertEquals(0, t.kChunk() % GemmTiling.SMALL_DEPTH);
                    }
                }
            }
        }
    }

    @Test
    void every_kernel_is_found_by_its_function_name_and_an_unknown_one_is_refused() {
        for (GemmTiling.Kernel kernel : GemmTiling.Kernel.values()) {
            assertEquals(kernel, GemmTiling.Kernel.named(kernel.function()));
        }
        assertThrows(IllegalArgumentException.class, () -> GemmTiling.Kernel.named("gemm_nt_huge"));
    }

    @Test
    void an_empty_product_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> GemmTiling.choose(0, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> GemmTiling.choose(4, 4, 0));
    }
}
