package org.radmamba.viewer.dicom.codec.jpeg2000;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder against OpenJPEG 2.5's opj_decompress, sample for sample, on small code streams that exercise one
 * feature each (resources codec/jpeg2000-unit, made by its make-fixtures.sh, which says how each was made).
 */
class Jpeg2000ReaderTest {

    private static final String DIR = "/codec/jpeg2000-unit/";
    private static final Jpeg2000Limits ANY = new Jpeg2000Limits(4096, 4096, 16);

    @ParameterizedTest(name = "{0} decodes exactly as opj_decompress does")
    @ValueSource(strings = {
        "m8_lossless.j2k", "m12_odd_3levels.j2k", "m16_lossless.j2k", "s16_signed.j2k", "s12_signed_lossy.j2k",
        "c8_rct.j2k", "c8_no_mct.j2k", "c8_ict_lossy.j2k", "m12_lossy_97.j2k", "m8_layers.j2k",
        "c12_LRCP.j2k", "c12_RLCP.j2k", "c12_RPCL.j2k", "c12_PCRL.j2k", "c12_CPRL.j2k",
        "m16_tiles_offsets.j2k", "c12_tiles_rpcl.j2k", "m8_cblk_4x8.j2k",
        "m16_mode1.j2k", "m16_mode2.j2k", "m16_mode4.j2k", "m16_mode8.j2k", "m16_mode16.j2k", "m16_mode32.j2k",
        "m16_mode63.j2k", "m16_mode63_lossy.j2k", "m8_roi.j2k", "m8_sop_eph.j2k", "c8_tileparts.j2k",
        "m8_tlm_plt.j2k", "c8_poc.j2k", "c8_jp2.jp2", "m8_one_resolution.j2k", "m8_subsampled.j2k",
        "c8_psot_zero.j2k", "c8_tnsot_wrong.j2k", "m16_no_eoc.j2k", "c12_truncated.j2k", "m8_ppt.j2k", "m8_ppm.j2k"})
    void decodes_exactly_as_openjpeg(String name) throws Exception {
        Jpeg2000Image image = Jpeg2000Reader.decode(read(name), ANY);
        assertSameAsReference(name, image);
    }

    @Test
    void the_reversible_and_irreversible_component_transforms_are_reported_as_undone() throws Exception {
        assertTrue(Jpeg2000Reader.decode(read("c8_rct.j2k"), ANY).componentTransformUndone());
        assertTrue(Jpeg2000Reader.decode(read("c8_ict_lossy.j2k"), ANY).componentTransformUndone());
        assertFalse(Jpeg2000Reader.decode(read("c8_no_mct.j2k"), ANY).componentTransformUndone());
    }

    @Test
    void a_stream_cut_inside_its_packets_decodes_as_far_as_its_data_go_and_says_it_is_incomplete() throws Exception {
        assertFalse(Jpeg2000Reader.decode(read("c12_truncated.j2k"), ANY).complete());
        assertTrue(Jpeg2000Reader.decode(read("c12_RPCL.j2k"), ANY).complete());
    }

    @Test
    void a_missing_eoc_or_a_psot_of_zero_or_a_wrong_tnsot_leave_the_image_complete() throws Exception {
        assertTrue(Jpeg2000Reader.decode(read("m16_no_eoc.j2k"), ANY).complete());
        assertTrue(Jpeg2000Reader.decode(read("c8_psot_zero.j2k"), ANY).complete());
        assertTrue(Jpeg2000Reader.decode(read("c8_tnsot_wrong.j2k"), ANY).complete());
    }

    @Test
    void subsampled_components_keep_their_own_size() throws Exception {
        Jpeg2000Image image = Jpeg2000Reader.decode(read("m8_subsampled.j2k"), ANY);
        assertArrayEquals(new int[] {32, 16}, image.componentWidths());
        assertArrayEquals(new int[] {32, 16}, image.componentHeights());
    }

    @Test
    void the_signedness_and_precision_of_siz_are_reported() throws Exception {
        Jpeg2000Image image = Jpeg2000Reader.decode(read("s12_signed_lossy.j2k"), ANY);
        assertTrue(image.signed()[0]);
        assertEquals(12, image.precision()[0]);
    }

    @Test
    void a_size_beyond_the_callers_limits_is_refused_before_decoding() throws IOException {
        Jpeg2000Exception e = assertThrows(Jpeg2000Exception.class,
                () -> Jpeg2000Reader.decode(read("m16_lossless.j2k"), Jpeg2000Limits.exactly(47, 40, 1)));
        assertEquals("JPEG 2000 image is 48x40, larger than the 47x40 expected", e.getMessage());
        Jpeg2000Exception c = assertThrows(Jpeg2000Exception.class,
                () -> Jpeg2000Reader.decode(read("c8_rct.j2k"), Jpeg2000Limits.exactly(48, 40, 1)));
        assertEquals("JPEG 2000 image has 3 components, expected at most 1", c.getMessage());
    }

    @Test
    void an_htj2k_stream_goes_through_the_same_pipeline() throws Exception {
        Jpeg2000Image image = Jpeg2000Reader.decode(read("ht8_lossless.j2k"), ANY);
        assertSameAsReference("ht8_lossless.j2k", image);
    }

    @Test
    void data_that_is_no_code_stream_is_refused_with_a_reason() {
        byte[] garbage = new byte[2048];
        new Random(7).nextBytes(garbage);
        Jpeg2000Exception e = assertThrows(Jpeg2000Exception.class, () -> Jpeg2000Reader.decode(garbage, ANY));
        assertEquals("JPEG 2000 data does not start with an SOC marker or a JP2 signature box", e.getMessage());
    }

    @ParameterizedTest(name = "every prefix of {0} decodes or fails with a reason")
    @ValueSource(strings = {"m8_sop_eph.j2k", "c8_poc.j2k", "m16_mode63.j2k", "c8_jp2.jp2"})
    @Timeout(60)
    void every_prefix_decodes_or_fails_with_a_reason(String name) throws IOException {
        byte[] full = read(name);
        // Every cut in the headers and first packets, then a sample of the rest (the build machine is small).
        for (int length = 0; length <= full.length; length += length < 400 ? 1 : 29) {
            decodesOrFailsWithReason(Arrays.copyOf(full, length));
        }
    }

    @ParameterizedTest(name = "corrupted bytes of {0} decode or fail with a reason")
    @ValueSource(strings = {"m8_sop_eph.j2k", "c8_poc.j2k", "m16_mode63_lossy.j2k", "c8_tileparts.j2k"})
    @Timeout(60)
    void corrupted_bytes_decode_or_fail_with_a_reason(String name) throws IOException {
        byte[] full = read(name);
        Random random = new Random(name.hashCode());
        int[] values = {0x00, 0xFF, 0x7F, 0x80, 0x01};
        for (int i = 0; i < full.length; i += i < 300 ? 1 : 31) {
            byte[] corrupt = full.clone();
            corrupt[i] = (byte) (i % 3 == 0 ? values[random.nextInt(values.length)] : random.nextInt(256));
            decodesOrFailsWithReason(corrupt);
        }
    }

    private static void decodesOrFailsWithReason(byte[] data) {
        try {
            Jpeg2000Reader.decode(data, ANY);
        } catch (Jpeg2000Exception e) {
            assertTrue(e.getMessage().startsWith("JPEG 2000") || e.getMessage().startsWith("JP2")
                    || e.getMessage().startsWith("HTJ2K"), e.getMessage());
        }
    }

    private static void assertSameAsReference(String name, Jpeg2000Image image) throws IOException {
        String base = name.substring(0, name.lastIndexOf('.'));
        for (int c = 0; c < image.components(); c++) {
            Pgx ref = Pgx.read(read(base + "_" + c + ".pgx"));
            assertEquals(ref.width, image.componentWidths()[c], name + " component " + c + " width");
            assertEquals(ref.height, image.componentHeights()[c], name + " component " + c + " height");
            assertEquals(ref.signed, image.signed()[c], name + " component " + c + " signedness");
            assertEquals(ref.depth, image.precision()[c], name + " component " + c + " precision");
            assertArrayEquals(ref.samples, image.samples()[c], name + " component " + c + " samples");
        }
    }

    static byte[] read(String name) throws IOException {
        try (InputStream in = Jpeg2000ReaderTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IOException("fixture " + name + " is missing; run make-fixtures.sh");
            }
            return in.readAllBytes();
        }
    }

    /** OpenJPEG's PGX output: "PG ML [+|-] depth width height\n", then big-endian samples of 1 or 2 bytes. */
    private record Pgx(int width, int height, int depth, boolean signed, int[] samples) {
        static Pgx read(byte[] file) {
            int eol = 0;
            while (file[eol] != '\n') {
                eol++;
            }
            String[] f = new String(file, 0, eol, StandardCharsets.US_ASCII).trim().split("\\s+");
            boolean signed = f[2].equals("-");
            int depth = Integer.parseInt(f[3]);
            int width = Integer.parseInt(f[4]);
            int height = Integer.parseInt(f[5]);
            int bytes = depth <= 8 ? 1 : 2;
            int[] s = new int[width * height];
            for (int i = 0, at = eol + 1; i < s.length; i++, at += bytes) {
                int v = bytes == 1 ? file[at] & 0xFF : (file[at] & 0xFF) << 8 | (file[at + 1] & 0xFF);
                if (signed) {
                    v = bytes == 1 ? (byte) v : (short) v;
                }
                s[i] = v;
            }
            return new Pgx(width, height, depth, signed, s);
        }
    }
}
