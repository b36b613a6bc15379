package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A series' 16-bit frames share slabs sized to the series, and decoders write into their own slice only. */
class FrameMemoryTest {

    @Test
    void the_frames_a_series_expects_share_one_slab_of_exactly_their_size() {
        FrameMemory memory = new FrameMemory(3);

        Samples.Shorts a = memory.allocate(10);
        Samples.Shorts b = memory.allocate(10);
        Samples.Shorts c = memory.allocate(10);

        assertSame(a.array(), b.array());
        assertSame(a.array(), c.array());
        assertEquals(30, a.array().length);
        assertEquals(0, a.offset());
        assertEquals(10, b.offset());
        assertEquals(20, c.offset());
        assertEquals(10, c.length());
    }

    @Test
    void frames_beyond_those_expected_get_slabs_of_one_frame() {
        FrameMemory memory = new FrameMemory(1);
        Samples.Shorts expected = memory.allocate(8);

        Samples.Shorts extra = memory.allocate(8);

        assertNotSame(expected.array(), extra.array());
        assertEquals(8, extra.array().length);
    }

    @Test
    void a_frame_larger_than_the_rest_of_the_slab_starts_a_new_one() {
        FrameMemory memory = new FrameMemory(4);
        Samples.Shorts small = memory.allocate(10);

        Samples.Shorts large = memory.allocate(35);

        assertNotSame(small.array(), large.array());
        assertEquals(0, large.offset());
        assertEquals(35 * 3, large.array().length, "sized for the three frames the series still expects");
    }

    @Test
    void a_slab_holds_at_most_32_mib_of_whole_frames() {
        int frame = 512 * 512;
        FrameMemory memory = new FrameMemory(500);

        Samples.Shorts first = memory.allocate(frame);

        assertEquals(63 * frame, first.array().length);
        assertEquals(true, first.array().length * (long) Short.BYTES <= 32L << 20);
    }

    @Test
    void without_a_series_in_scope_each_frame_has_its_own_array() throws Exception {
        Samples.Shorts unbound = FrameMemory.shorts(6);
        FrameMemory memory = new FrameMemory(2);

        Samples.Shorts[] bound = memory.call(() -> new Samples.Shorts[] {FrameMemory.shorts(6), FrameMemory.shorts(6)});

        assertEquals(6, unbound.array().length);
        assertSame(bound[0].array(), bound[1].array());
        assertEquals(6, bound[1].offset());
    }

    @Test
    void a_slice_reads_only_its_own_samples() {
        short[] slab = {1, 2, 3, 4, 5, 6};
        Samples.Shorts second = new Samples.Shorts(slab, 3, 3);

        assertEquals(4, second.rawBits(0));
        assertEquals(6, second.rawBits(2));
        assertThrows(IndexOutOfBoundsException.class, () -> second.rawBits(3));
        assertArrayEquals(new short[] {4, 5, 6}, second.toArray());
        assertThrows(IndexOutOfBoundsException.class, () -> new Samples.Shorts(slab, 4, 3));
    }

    /** RLE adds byte planes with |=, the others store lines: all must write at their offset, into zeroes. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rle_mono16", "rle_mono16s", "jpeg_lossless_mono16_sv4", "jpegls_mono16", "j2k_mono16"})
    void a_16_bit_frame_decodes_exactly_behind_another_frame_of_its_series(String name) throws Exception {
        DicomFixture fixture = DicomFixture.load(name);
        DicomFixture source = DicomFixture.load(name.endsWith("s") ? "src_mono16s" : "src_mono16");
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(fixture.transferSyntax()).orElseThrow();
        int samples = (int) fixture.format().sampleCount();
        FrameMemory memory = new FrameMemory(2);
        Samples.Shorts before = memory.allocate(samples);
        Arrays.fill(before.array(), before.offset(), before.offset() + samples, (short) 0x5A5A);

        DecodedFrame decoded = memory.call(() -> decoder.decode(fixture.frames().get(0), fixture.format()));

        Samples.Shorts frame = (Samples.Shorts) decoded.samples();
        assertSame(before.array(), frame.array(), "decoded into the series' slab");
        assertEquals(samples, frame.offset());
        assertArrayEquals(source.nativeRawBits(0), DicomFixture.rawBits(frame));
        short[] untouched = new short[samples];
        Arrays.fill(untouched, (short) 0x5A5A);
        assertArrayEquals(untouched, before.toArray(), "the frame before is untouched");
    }
}
