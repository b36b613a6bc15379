package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Broken progressive and arithmetic-coded JPEG is a {@link CodecException} with a one-line reason, quickly: a
 * stream cut inside a scan or after a whole scan, scans out of order, damaged bytes. Never another exception, and
 * never a frame from a stream missing a third of its bytes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JpegProgressiveCorruptDataTest {

    private static CodecException decodeFails(String name, byte[] encoded) {
        DicomFixture fixture = JpegProgressiveDecodingTest.fixture(name);
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(fixture.transferSyntax()).orElseThrow();
        CodecException e = assertThrows(CodecException.class, () -> decoder.decode(encoded, fixture.format()));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank() && !e.getMessage().contains("\n"),
                "message is not one line: " + e.getMessage());
        return e;
    }

    private static byte[] frame(String name) {
        return JpegProgressiveDecodingTest.fixture(name).frames().getFirst();
    }

    private static void assertMessageSays(CodecException e, String expected) {
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' does not say '" + expected + "'");
    }

    /** Offsets of the SOS markers (start of each scan). */
    private static List<Integer> scanStarts(byte[] jpeg) {
        List<Integer> starts = new ArrayList<>();
        int p = 2;
        while (p + 3 < jpeg.length) {
            int marker = jpeg[p + 1] & 0xFF;
            if (marker == 0xDA) {
                starts.add(p);
                // Skip the entropy-coded data: to the next marker that is neither stuffing nor RSTn.
                p += 2 + ((jpeg[p + 2] & 0xFF) << 8 | (jpeg[p + 3] & 0xFF));
                while (p + 1 < jpeg.length && !((jpeg[p] & 0xFF) == 0xFF && jpeg[p + 1] != 0
                        && ((jpeg[p + 1] & 0xFF) < 0xD0 || (jpeg[p + 1] & 0xFF) > 0xD7))) {
                    p++;
                }
            } else if (marker == 0xD9) {
                break;
            } else {
                p += 2 + ((jpeg[p + 2] & 0xFF) << 8 | (jpeg[p + 3] & 0xFF));
            }
        }
        return starts;
    }

    private static byte[] withEoi(byte[] head) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head);
        out.write(0xFF);
        out.write(0xD9);
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0} cut inside a scan is reported as truncated")
    @ValueSource(strings = {"prog_grey", "prog_ycc420", "prog_script_ycc420", "dcmtk_prog_grey12", "arith_grey",
            "arith_ycc420", "arith_prog_ycc420", "arith_restart_ycc422", "lossless_arith_grey12", "lossless_arith_rgb8"})
    void a_stream_cut_inside_a_scan_is_truncated(String name) {
        byte[] jpeg = frame(name);
        assertMessageSays(decodeFails(name, Arrays.copyOf(jpeg, jpeg.length * 2 / 3)), "truncated");
    }

    /** A cut between scans leaves a well-formed but blurred image: that must not pass as the image. */
    @ParameterizedTest(name = "{0} without its last scans is reported as truncated")
    @ValueSource(strings = {"prog_grey", "prog_ycc420", "prog_script_grey", "dcmtk_spectral_ycc422",
            "arith_prog_grey", "arith_prog_script_grey"})
    void a_stream_ending_after_a_whole_scan_is_truncated(String name) {
        byte[] jpeg = frame(name);
        List<Integer> scans = scanStarts(jpeg);
        assertTrue(scans.size() > 2, name + " has " + scans.size() + " scans");
        for (int keep = 1; keep < scans.size(); keep++) {
            byte[] cut = withEoi(Arrays.copyOf(jpeg, scans.get(keep)));
            assertMessageSays(decodeFails(name, cut), "truncated");
        }
    }

    @Test
    void ac_scans_before_the_dc_scan_are_refused() {
        byte[] jpeg = frame("prog_grey");
        List<Integer> scans = scanStarts(jpeg);
        // Drop the first scan (DC first), keep everything else.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, scans.get(0));
        out.write(jpeg, scans.get(1), jpeg.length - scans.get(1));
        assertMessageSays(decodeFails("prog_grey", out.toByteArray()), "out of order");
    }

    @Test
    void a_scan_repeated_is_refused() {
        byte[] jpeg = frame("prog_grey");
        List<Integer> scans = scanStarts(jpeg);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, scans.get(2));
        out.write(jpeg, scans.get(1), jpeg.length - scans.get(1));
        assertMessageSays(decodeFails("prog_grey", out.toByteArray()), "out of order");
    }

    @Test
    void a_progressive_ac_scan_of_two_components_is_refused() {
        byte[] jpeg = frame("prog_ycc444").clone();
        for (int sos : scanStarts(jpeg)) {
            int count = jpeg[sos + 4] & 0xFF;
            int ss = jpeg[sos + 5 + 2 * count] & 0xFF;
            if (count == 1 && ss > 0) {
                // Turn an AC scan of one component into one claiming two (its length no longer matches either).
                jpeg[sos + 4] = 2;
                break;
            }
        }
        decodeFails("prog_ycc444", jpeg);
    }

    @Test
    void hierarchical_jpeg_is_named_as_unsupported() {
        byte[] jpeg = frame("arith_grey").clone();
        for (int p = 2; p + 1 < jpeg.length; p++) {
            if ((jpeg[p] & 0xFF) == 0xFF && (jpeg[p + 1] & 0xFF) == 0xC9) {
                jpeg[p + 1] = (byte) 0xCD;
                break;
            }
        }
        assertMessageSays(decodeFails("arith_grey", jpeg), "hierarchical");
    }

    @ParameterizedTest(name = "garbage after the headers of {0} is refused")
    @ValueSource(strings = {"prog_grey", "prog_ycc420", "arith_prog_ycc420"})
    void garbage_scan_data_is_refused(String name) {
        byte[] jpeg = frame(name).clone();
        int sos = scanStarts(jpeg).getFirst();
        int dataStart = sos + 2 + ((jpeg[sos + 2] & 0xFF) << 8 | (jpeg[sos + 3] & 0xFF));
        Random random = new Random(7);
        for (int i = dataStart; i < jpeg.length; i++) {
            jpeg[i] = (byte) random.nextInt(255);
        }
        decodeFails(name, jpeg);
    }

    /** Cuts, flipped bytes and damaged headers: a frame or a CodecException, nothing else, and cuts never pass. */
    @Test
    void damaged_streams_fail_only_with_codec_exceptions() {
        Random random = new Random(2026);
        for (String name : new String[] {"prog_grey", "prog_script_ycc420", "prog_restart_ycc420", "dcmtk_prog_grey12",
                "arith_grey", "arith_prog_ycc420", "arith_prog_restart_ycc444", "arith_restart_ycc422",
                "lossless_arith_grey8", "lossless_arith_restart_grey8", "dnl_grey8"}) {
            DicomFixture fixture = JpegProgressiveDecodingTest.fixture(name);
            FrameDecoder decoder = FrameDecoders.forTransferSyntax(fixture.transferSyntax()).orElseThrow();
            byte[] jpeg = fixture.frames().getFirst();
            for (int trial = 0; trial < 150; trial++) {
                byte[] damaged;
                if (trial < 50) {
                    damaged = Arrays.copyOf(jpeg, random.nextInt(jpeg.length));
                } else if (trial < 100) {
                    damaged = jpeg.clone();
                    for (int i = 0; i < 4; i++) {
                        damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
                    }
                } else {
                    damaged = jpeg.clone();
                    damaged[random.nextInt(Math.min(damaged.length, 700))] = (byte) random.nextInt(256);
                }
                try {
                    decoder.decode(damaged, fixture.format());
                    if (trial < 50 && damaged.length < jpeg.length * 9 / 10) {
                        fail(name + " cut to " + damaged.length + " of " + jpeg.length + " bytes decoded without error");
                    }
                } catch (CodecException expected) {
                    assertFalse(expected.getMessage() == null || expected.getMessage().isBlank() || expected.getMessage().contains("\n"));
                } catch (RuntimeException e) {
                    throw new AssertionError(name + " trial " + trial + " threw " + e, e);
                }
            }
        }
    }
}
