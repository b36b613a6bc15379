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
        ScanChunking c = ScanChunking.plan(1, 3136, 96, 3, 0);
        assertEquals(98, c.chunks()); // 384 threads x 176 would be 132 SMs x 512; chunks of 32 steps at least
        assertEquals(32, c.chunkLen());
        assertEquals(8, c.kernelRank());
        assertEquals(4L * 98 * 17 * 96, c.carryFloats(1, 96));
    }

    @Test
    void a_batch_that_fills_the_device_alone_is_scanned_in_one_chunk() {
        ScanChunking c = ScanChunking.plan(128, 3136, 96, 3, 0);
        assertEquals(1, c.chunks());
        assertEquals(3136, c.chunkLen());
        assertEquals(0, c.carryFloats(128, 96));
    }

    @Test
    void batch_64_of_medmamba_t_stage_1_walks_two_halves() {
        // 4 x 64 x 96 = 24576 threads: two chunks bring them to 49152, under 132 SMs x 512
        ScanChunking c = ScanChunking.plan(64, 3136, 96, 3, 0);
        assertEquals(2, c.chunks());
        assertEquals(1568, c.chunkLen());
    }

    @Test
    void chunks_cover_every_step_and_none_is_empty() {
        for (int batch : new int[] {1, 2, 8, 64}) {
            for (int length : new int[] {1, 7, 31, 49, 196, 784, 3136, 4096}) {
                for (int dInner : new int[] {16, 96, 768}) {
                    for (int lanes : new int[] {0, 1, 2, 4}) {
                        ScanChunking c = ScanChunking.plan(batch, length, dInner, 24, lanes);
                        assertTrue((long) c.chunks() * c.chunkLen() >= length, c.toString());
                        assertTrue((long) (c.chunks() - 1) * c.chunkLen() < length, c.toString());
                        assertTrue(c.chunks() == 1 || c.chunkLen() >= ScanChunking.MIN_CHUNK - 1, c.toString());
                        assertEquals(32, c.kernelRank());
                    }
                }
            }
        }
    }

    @Test
    void the_kernel_variant_holds_the_rank_and_only_d_state_16_is_chunked() {
        assertEquals(8, ScanChunking.plan(1, 64, 16, 1).kernelRank());
        assertEquals(16, ScanChunking.plan(1, 64, 16, 9).kernelRank());
        assertEquals(64, ScanChunking.plan(1, 64, 16, 48).kernelRank());
        assertTrue(ScanChunking.supports(16, 48));
        assertFalse(ScanChunking.supports(8, 4));
        assertFalse(ScanChunking.supports(16, 65));
        assertThrows(IllegalArgumentException.class, () -> ScanChunking.plan(1, 64, 16, 65));
    }

    @Test
    void a_block_scans_whole_warps_of_channels_from_64_up_to_128() {
        assertEquals(64, threadAChannel(16).blockThreads(16));
        assertEquals(64, threadAChannel(33).blockThreads(33));
        assertEquals(96, threadAChannel(96).blockThreads(96));
        assertEquals(128, threadAChannel(768).blockThreads(768));
        assertEquals(6, threadAChannel(768).channelBlocks(768));
        assertEquals("scan_chunk_out_r8", threadAChannel(96).outKernel());
        assertEquals("scan_chunk_state_r8", threadAChannel(96).stateKernel());
    }

    @Test
    void a_lane_a_state_gives_batch_8_of_medmamba_t_stage_1_sixteen_times_the_threads_and_one_walk() {
        // 4 x 8 x 96 sequences: 3072 threads would take 22 chunks; 16 lanes each are 49152, within 132 SMs x 512
        assertEquals(22, ScanChunking.plan(8, 3136, 96, 3, 0).chunks());
        ScanChunking c = ScanChunking.plan(8, 3136, 96, 3, 1);
        assertEquals(1, c.chunks());
        assertEquals(0, c.carryFloats(8, 96));
        assertEquals("scan_lanes_out_r8", c.outKernel());
        // batch 1: 6144 lanes, 11 chunks; a block is 8 channels of 16 lanes
        ScanChunking one = ScanChunking.plan(1, 3136, 96, 3, 1);
        assertEquals(11, one.chunks());
        assertEquals("scan_lanes_state_r8", one.stateKernel());
        assertEquals(128, one.blockThreads(96));
        assertEquals(12, one.channelBlocks(96));
        assertEquals(2, one.channelBlocks(16));
        // two states a lane: 8 lanes a channel, 64 threads a block of 8 channels
        assertEquals(64, ScanChunking.plan(8, 3136, 96, 3, 2).blockThreads(96));
        assertThrows(IllegalArgumentException.class, () -> ScanChunking.plan(8, 3136, 96, 3, 3));
    }

    private static ScanChunking threadAChannel(int dInner) {
        return ScanChunking.plan(1, 3136, dInner, 3, 0);
    }
}
