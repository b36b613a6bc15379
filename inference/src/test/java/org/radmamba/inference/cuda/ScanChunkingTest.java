package org.radmamba.inference.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScanChunkingTest {

    @Test
    void medmamba_t_stage_1_at_batch_1_is_cut_into_chunks_of_at_least_32_steps() {
        // 56 x 56 = 3136 steps, d_inner 96, dt_rank 3: 384 threads alone would walk 3136 steps each
        ScanChunking c = ScanChunking.plan(1, 3136, 96, 3);
        assertEquals(98, c.chunks()); // 384 threads x 128 would be the target; chunks of 32 steps at least
        assertEquals(32, c.chunkLen());
        assertEquals(4, c.kernelRank());
        assertEquals(4L * 98 * 17 * 96, c.carryFloats(1, 96));
    }

    @Test
    void a_batch_that_fills_the_device_alone_is_scanned_in_one_chunk() {
        ScanChunking c = ScanChunking.plan(128, 3136, 96, 3);
        assertEquals(1, c.chunks());
        assertEquals(3136, c.chunkLen());
        assertEquals(0, c.carryFloats(128, 96));
    }

    @Test
    void batch_64_of_medmamba_t_stage_1_is_walked_once() {
        // 4 x 64 x 96 = 24576 threads, half the target: one walk (1244 µs on an H100) beat two halves (1326)
        ScanChunking c = ScanChunking.plan(64, 3136, 96, 3);
        assertEquals(1, c.chunks());
        assertEquals(3136, c.chunkLen());
    }

    @Test
    void batch_32_of_medmamba_t_stage_1_is_cut_into_four_chunks() {
        // 12288 threads, a quarter of the target
        assertEquals(4, ScanChunking.plan(32, 3136, 96, 3).chunks());
    }

    @Test
    void batch_8_of_medmamba_t_stage_1_runs_its_out_pass_in_one_wave_of_blocks() {
        // 3072 threads: 16 chunks of 196 steps, 512 blocks of 96 threads (five an H100 multiprocessor holds: 660);
        // 22 chunks (704 blocks, two waves) measured 27 % slower
        ScanChunking c = ScanChunking.plan(8, 3136, 96, 3);
        assertEquals(16, c.chunks());
        assertEquals(196, c.chunkLen());
        assertTrue(32L * c.chunks() <= 132 * 5);
    }

    @Test
    void chunks_cover_every_step_and_none_is_empty() {
        for (int batch : new int[] {1, 2, 8, 64}) {
            for (int length : new int[] {1, 7, 31, 49, 196, 784, 3136, 4096}) {
                for (int dInner : new int[] {16, 96, 768}) {
                    ScanChunking c = ScanChunking.plan(batch, length, dInner, 24);
                    assertTrue((long) c.chunks() * c.chunkLen() >= length, c.toString());
                    assertTrue((long) (c.chunks() - 1) * c.chunkLen() < length, c.toString());
                    assertTrue(c.chunks() == 1 || c.chunkLen() >= ScanChunking.MIN_CHUNK - 1, c.toString());
                    assertEquals(32, c.kernelRank());
                }
            }
        }
    }

    @Test
    void the_kernel_variant_holds_the_rank_and_only_d_state_16_is_chunked() {
        assertEquals(4, ScanChunking.plan(1, 64, 16, 1).kernelRank());
        assertEquals(4, ScanChunking.plan(1, 64, 16, 4).kernelRank());
        assertEquals(8, ScanChunking.plan(1, 64, 16, 5).kernelRank());
        assertEquals(16, ScanChunking.plan(1, 64, 16, 9).kernelRank());
        assertEquals(64, ScanChunking.plan(1, 64, 16, 48).kernelRank());
        assertTrue(ScanChunking.supports(16, 48));
        assertFalse(ScanChunking.supports(8, 4));
        assertFalse(ScanChunking.supports(16, 65));
        assertThrows(IllegalArgumentException.class, () -> ScanChunking.plan(1, 64, 16, 65));
    }

    @Test
    void a_block_scans_whole_warps_of_channels_from_64_up_to_128() {
        assertEquals(64, ScanChunking.blockThreads(16));
        assertEquals(64, ScanChunking.blockThreads(33));
        assertEquals(96, ScanChunking.blockThreads(96));
        assertEquals(128, ScanChunking.blockThreads(768));
    }

    @Test
    void a_scan_beyond_the_kernels_32_bit_offsets_is_refused_with_the_way_out() {
        // MedMamba-T stage 1 (3136 steps, 192 channels, dt_rank 6): batch 891 is the last whose y fits 2^31 floats
        assertEquals(1, ScanChunking.plan(891, 3136, 192, 6).chunks());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScanChunking.plan(892, 3136, 192, 6));
        assertEquals("a scan of batch 892, 3136 steps, 192 channels exceeds the scan kernels' 32-bit element offsets:"
                + " run it in smaller batches", e.getMessage());
    }
}
