package org.radmamba.viewer.dicom.codec.jpeg2000;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The HT code-block decoder against OpenJPH's and OpenJPEG's decodings of single-code-block code streams made by
 * ojph_compress (fixtures and their script in codec/htj2k-unit), and against hostile blocks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HtBlockDecoderTest {

    private static final String DIR = "/codec/htj2k-unit/";

    @ParameterizedTest
    @ValueSource(strings = {"r8_64x64", "r8_37x29", "r8_1x17", "r8_17x1", "r8_5x3", "r12_64x64", "r12_33x62",
            "r16_48x40", "r16_64x64_flat"})
    void reversibleBlocksDecodeToTheSourceImageExactly(String name) throws Exception {
        SingleCodeBlockHtStream stream = SingleCodeBlockHtStream.parse(resource(name + ".j2c"));
        PnmImage source = PnmImage.read(resource(name + ".pgm"));
        assertEquals(source.width(), stream.width);
        assertEquals(source.height(), stream.height);
        assertArrayEquals(source.samples(), stream.samples(), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"i8_64x64", "i8_37x29", "i12_64x64", "i16_41x64"})
    void irreversibleBlocksMatchOpenJpegExactlyAndOpenJphWithinOne(String name) throws Exception {
        SingleCodeBlockHtStream stream = SingleCodeBlockHtStream.parse(resource(name + ".j2c"));
        int[] decoded = stream.samples();
        int[] openJpeg = PnmImage.read(resource(name + ".opj.pgm")).samples();
        int[] openJph = PnmImage.read(resource(name + ".ojph.pgm")).samples();
        assertArrayEquals(openJpeg, decoded, name + " against opj_decompress");
        for (int i = 0; i < decoded.length; i++) {
            if (Math.abs(decoded[i] - openJph[i]) > 1) {
                fail(name + " sample " + i + ": " + decoded[i] + " but ojph_expand gives " + openJph[i]);
            }
        }
        // the lossy streams are not trivially flat: the source differs from the decoding, but not by much
        int[] source = PnmImage.read(resource(name + ".pgm")).samples();
        assertTrue(!Arrays.equals(source, decoded), name + " should be lossy");
    }

    /**
     * Every HT code-block of small T.803 conformance streams, replayed from what OpenJPEG's block decoder got and
     * produced (opj-blocks/make_block_dumps.sh): covers the SigProp and MagRef passes, stripe ends, 1-sample
     * blocks and irreversible bands; the ds1 streams use stripe-causal contexts (of ds1_ht_05_b11, the 120 first
     * refined blocks at least 4x5, whose SigProp depends on it).
     */
    @ParameterizedTest
    @ValueSource(strings = {"ds0_ht_09_b11", "ds0_ht_11_b10", "ds0_ht_12_b11", "ds0_ht_13_b11", "ds0_ht_14_b11",
            "ds1_ht_06_b11", "ds1_ht_05_b11"})
    void everyBlockOfConformanceStreamsMatchesOpenJpeg(String name) throws Exception {
        java.nio.ByteBuffer dump = java.nio.ByteBuffer.wrap(resource("opj-blocks/" + name + ".htdump"))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int blocks = 0;
        int refined = 0;
        while (dump.hasRemaining()) {
            assertEquals(0x48544442, dump.getInt(), "record magic");
            int width = dump.getInt();
            int height = dump.getInt();
            int style = dump.getInt();
            int numbps = dump.getInt();
            int mb = dump.getInt();
            int segments = dump.getInt();
            int total = dump.getInt();
            int[] lengths = new int[Math.max(2, segments)];
            int[] passes = new int[Math.max(2, segments)];
            for (int i = 0; i < segments; i++) {
                lengths[i] = dump.getInt();
                passes[i] = dump.getInt();
            }
            byte[] data = new byte[total];
            dump.get(data);
            int[] expected = new int[width * height];
            dump.asIntBuffer().get(expected);
            dump.position(dump.position() + 4 * expected.length);
            int[] out = new int[width * height];
            HtBlockDecoder.decode(data, total, lengths, passes, total == 0 ? 0 : segments, numbps, mb, width,
                    height, style, out);
            assertArrayEquals(expected, out, name + " block " + blocks + " (" + width + "x" + height + ", "
                    + (passes[0] + passes[1]) + " passes)");
            blocks++;
            refined += passes[0] + passes[1] > 1 ? 1 : 0;
        }
        assertTrue(blocks > 0);
        if (!name.equals("ds0_ht_11_b10") && !name.equals("ds0_ht_13_b11")) {
            assertTrue(refined > 0, name + " has blocks with refinement passes");
        }
    }

    @Test
    void aBlockNoPacketIncludedDecodesToZeros() throws Exception {
        int[] out = new int[16];
        Arrays.fill(out, 7);
        HtBlockDecoder.decode(new byte[0], 0, new int[2], new int[2], 0, 8, 8, 4, 4, 0x40, out);
        assertArrayEquals(new int[16], out);
    }

    @Test
    void malformedLengthsAreRejectedWithTheirReason() {
        byte[] data = new byte[10];
        Jpeg2000Exception e = assertThrows(Jpeg2000Exception.class, () -> HtBlockDecoder.decode(data, 10,
                new int[] {20, 0}, new int[] {1, 0}, 1, 8, 8, 4, 4, 0x40, new int[16]));
        assertTrue(e.getMessage().contains("segment lengths"), e.getMessage());
        // Scup (the MEL+VLC length in the last 12 bits) larger than the segment
        data[9] = (byte) 0xFF;
        e = assertThrows(Jpeg2000Exception.class, () -> HtBlockDecoder.decode(data, 10,
                new int[] {10, 0}, new int[] {1, 0}, 1, 8, 8, 4, 4, 0x40, new int[16]));
        assertTrue(e.getMessage().contains("MEL+VLC length"), e.getMessage());
    }

    @Test
    void tooManyMissingBitPlanesOrPassesAreRejected() {
        byte[] data = {0, 0x20, 0};
        Jpeg2000Exception e = assertThrows(Jpeg2000Exception.class, () -> HtBlockDecoder.decode(data, 3,
                new int[] {3, 0}, new int[] {1, 0}, 1, -2, 8, 4, 4, 0x40, new int[16]));
        assertTrue(e.getMessage().contains("missing bit planes"), e.getMessage());
        e = assertThrows(Jpeg2000Exception.class, () -> HtBlockDecoder.decode(data, 3,
                new int[] {1, 2}, new int[] {1, 3}, 2, 8, 8, 4, 4, 0x40, new int[16]));
        assertTrue(e.getMessage().contains("coding passes"), e.getMessage());
        e = assertThrows(Jpeg2000Exception.class, () -> HtBlockDecoder.decode(data, 3,
                new int[] {3, 0}, new int[] {1, 0}, 1, 8, 8, 2048, 4, 0x40, new int[16]));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    /** Flipped, truncated and refinement-pass-faked blocks fail with Jpeg2000Exception or decode, never worse. */
    @ParameterizedTest
    @ValueSource(strings = {"r8_64x64", "r8_37x29", "r16_48x40", "i12_64x64", "r8_5x3"})
    void hostileBlocksFailCleanlyOrDecodeWithinBounds(String name) throws Exception {
        SingleCodeBlockHtStream stream = SingleCodeBlockHtStream.parse(resource(name + ".j2c"));
        Random random = new Random(name.hashCode());
        int[] out = new int[stream.width * stream.height];
        int failures = 0;
        for (int trial = 0; trial < 3000; trial++) {
            byte[] data = stream.blockData.clone();
            int len1 = stream.segmentLengths[0];
            int len2 = 0;
            int passes2 = 0;
            int count = 1;
            switch (trial % 4) {
                case 0 -> {
                    for (int k = 1 + random.nextInt(4); k > 0; k--) {
                        data[random.nextInt(data.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> len1 = 2 + random.nextInt(len1 - 1);
                case 2 -> {
                    // random bytes as a SigProp/MagRef segment after the genuine cleanup segment
                    len2 = 1 + random.nextInt(64);
                    data = Arrays.copyOf(data, len1 + len2);
                    for (int k = len1; k < data.length; k++) {
                        data[k] = (byte) random.nextInt(256);
                    }
                    passes2 = 1 + random.nextInt(2);
                    count = 2;
                }
                default -> {
                    for (int k = 0; k < data.length; k++) {
                        data[k] = (byte) random.nextInt(256);
                    }
                }
            }
            try {
                HtBlockDecoder.decode(data, len1 + len2, new int[] {len1, len2}, new int[] {1, passes2}, count,
                        stream.numbps, stream.mb, stream.width, stream.height, stream.codeBlockStyle, out);
            } catch (Jpeg2000Exception e) {
                failures++;
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            }
        }
        assertTrue(failures > 0, "some hostile blocks of " + name + " are rejected");
    }

    /** The decoder keeps its scratch state per thread: blocks decoding in parallel give the sequential result. */
    @Test
    void parallelDecodingMatchesSequential() throws Exception {
        String[] names = {"r8_64x64", "r12_64x64", "r16_48x40", "i8_37x29", "i16_41x64"};
        SingleCodeBlockHtStream[] streams = new SingleCodeBlockHtStream[names.length];
        int[][] expected = new int[names.length][];
        for (int i = 0; i < names.length; i++) {
            streams[i] = SingleCodeBlockHtStream.parse(resource(names[i] + ".j2c"));
            expected[i] = streams[i].coefficients();
        }
        java.util.stream.IntStream.range(0, 400).parallel().forEach(k -> {
            int i = k % names.length;
            try {
                assertArrayEquals(expected[i], streams[i].coefficients(), names[i]);
            } catch (Jpeg2000Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    static byte[] resource(String name) {
        try (InputStream in = HtBlockDecoderTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + DIR + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
