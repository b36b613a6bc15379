package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Broken compressed data is reported as a CodecException with a clear reason, quickly, and nothing else. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CorruptDataTest {

    private static final String[] ONE_FIXTURE_PER_CODEC_AND_LAYOUT = {
            "rle_mono8", "rle_mono16", "rle_rgb8", "rle32_rgb32",
            "jpeg_baseline_mono8", "jpeg_baseline_ybr422", "jpeg_extended_mono12",
            "jpeg_lossless_mono8_sv7", "jpeg_lossless_sv1_mono16", "jpeg_lossless_sv1_rgb8",
            "jpegls_mono8", "jpegls_mono16", "jpegls_rgb8_line", "jpegls_rgb8_sample", "jpegls_near2_mono8",
            "j2k_mono16", "j2k_rgb8", "j2k_lossy_mono8"};

    private static CodecException decodeFails(String fixtureName, byte[] encoded) {
        DicomFixture fixture = DicomFixture.load(fixtureName);
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(fixture.transferSyntax()).orElseThrow();
        return assertThrows(CodecException.class, () -> decoder.decode(encoded, fixture.format()));
    }

    private static byte[] firstFrame(String fixtureName) {
        return DicomFixture.load(fixtureName).frames().getFirst();
    }

    private static void assertMessageSays(CodecException e, String expected) {
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' does not say '" + expected + "'");
    }

    /**
     * The marker layer JPEG and JPEG-LS share (JpegMarkers): a segment that runs past the data, one that declares
     * fewer bytes than its fields, and a byte where a marker belongs, each told the same way by both decoders.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jpeg_baseline_mono8", "jpegls_mono8"})
    void a_broken_marker_segment_is_told_the_same_way_by_both_jpeg_decoders(String fixtureName) {
        String format = fixtureName.startsWith("jpegls") ? "JPEG-LS" : "JPEG";
        byte[] frame = firstFrame(fixtureName);
        // SOI, then the first marker segment: its marker at bytes 2-3, its length at 4-5.
        int length = (frame[4] & 0xFF) << 8 | (frame[5] & 0xFF);

        CodecException cut = decodeFails(fixtureName, Arrays.copyOf(frame, 4 + length / 2));
        org.junit.jupiter.api.Assertions.assertEquals(format + " marker segment at byte 4 declares " + length
                + " bytes, which runs past the end of the data: the data is truncated", cut.getMessage());

        byte[] tooShort = frame.clone();
        tooShort[4] = 0;
        tooShort[5] = 1;
        org.junit.jupiter.api.Assertions.assertEquals(format + " marker segment at byte 4 declares 1 bytes, which is"
                + " too short: the data is corrupt", decodeFails(fixtureName, tooShort).getMessage());

        byte[] noMarker = frame.clone();
        noMarker[2] = 0x12;
        org.junit.jupiter.api.Assertions.assertEquals(format + " data has byte 0x12 at 2 where a marker was"
                + " expected: the data is corrupt", decodeFails(fixtureName, noMarker).getMessage());
    }

    @Test
    void a_truncated_jpeg_ls_stream_is_reported_as_truncated() {
        byte[] frame = firstFrame("jpegls_mono16");
        assertMessageSays(decodeFails("jpegls_mono16", Arrays.copyOf(frame, frame.length / 2)), "truncated");
    }

    @Test
    void a_truncated_lossless_jpeg_stream_is_reported_as_truncated() {
        byte[] frame = firstFrame("jpeg_lossless_sv1_mono16");
        assertMessageSays(decodeFails("jpeg_lossless_sv1_mono16", Arrays.copyOf(frame, frame.length / 2)), "truncated");
    }

    @Test
    void a_truncated_baseline_jpeg_stream_is_reported_as_truncated() {
        byte[] frame = firstFrame("jpeg_baseline_mono8");
        assertMessageSays(decodeFails("jpeg_baseline_mono8", Arrays.copyOf(frame, frame.length * 2 / 3)), "truncated");
    }

    @Test
    void a_truncated_jpeg_2000_stream_is_reported_as_truncated() {
        byte[] frame = firstFrame("j2k_mono16");
        assertMessageSays(decodeFails("j2k_mono16", Arrays.copyOf(frame, frame.length - 100)), "truncated");
    }

    @Test
    void a_jpeg_2000_tile_part_longer_than_the_data_is_reported_as_truncated() {
        byte[] frame = firstFrame("j2k_lossy_mono8").clone();
        int sot = indexOf(frame, (byte) 0xFF, (byte) 0x90);
        frame[sot + 6] = (byte) 0x7F; // Psot: the tile-part now claims far more bytes than the frame has
        assertMessageSays(decodeFails("j2k_lossy_mono8", frame), "JPEG 2000 code stream is truncated");
    }

    @Test
    void an_rle_segment_offset_outside_the_data_is_reported() {
        byte[] frame = firstFrame("rle_mono16").clone();
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(8, frame.length + 10);
        assertMessageSays(decodeFails("rle_mono16", frame), "outside the " + frame.length + "-byte frame data");
    }

    @Test
    void an_rle_header_with_more_than_fifteen_segments_is_reported() {
        byte[] frame = firstFrame("rle_mono8").clone();
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 16);
        assertMessageSays(decodeFails("rle_mono8", frame), "16 segments; the standard allows 1 to 15");
    }

    @Test
    void an_rle_segment_count_that_does_not_fit_the_format_is_reported() {
        byte[] frame = firstFrame("rle_mono8").clone();
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 3);
        assertMessageSays(decodeFails("rle_mono8", frame), "need 1");
    }

    @Test
    void a_truncated_rle_segment_is_reported_as_truncated() {
        byte[] frame = firstFrame("rle_mono8");
        assertMessageSays(decodeFails("rle_mono8", Arrays.copyOf(frame, frame.length - 200)), "truncated");
    }

    @Test
    void a_jpeg_frame_larger_than_the_dataset_declares_is_refused_before_decoding() {
        byte[] frame = firstFrame("jpeg_baseline_mono8").clone();
        int sof = indexOf(frame, (byte) 0xFF, (byte) 0xC0);
        frame[sof + 5] = (byte) 0xEA; // height 0xEA60 = 60000
        frame[sof + 6] = 0x60;
        assertMessageSays(decodeFails("jpeg_baseline_mono8", frame), "64x60000 but the dataset declares 64x64");
    }

    @Test
    void a_jpeg_ls_frame_larger_than_the_dataset_declares_is_refused_before_decoding() {
        byte[] frame = firstFrame("jpegls_mono8").clone();
        int sof = indexOf(frame, (byte) 0xFF, (byte) 0xF7);
        frame[sof + 7] = (byte) 0xEA; // width 60000
        frame[sof + 8] = 0x60;
        assertMessageSays(decodeFails("jpegls_mono8", frame), "60000x64 but the dataset declares 64x64");
    }

    @Test
    void a_jpeg_ls_stream_with_an_hp_colour_transform_is_refused() {
        byte[] frame = firstFrame("jpegls_rgb8_line");
        byte[] app8 = {(byte) 0xFF, (byte) 0xE8, 0, 7, 'm', 'r', 'f', 'x', 1};
        byte[] withTransform = new byte[frame.length + app8.length];
        System.arraycopy(frame, 0, withTransform, 0, 2);
        System.arraycopy(app8, 0, withTransform, 2, app8.length);
        System.arraycopy(frame, 2, withTransform, 2 + app8.length, frame.length - 2);
        assertMessageSays(decodeFails("jpegls_rgb8_line", withTransform), "HP colour transform 1");
    }

    @Test
    void a_jpeg_2000_image_larger_than_the_dataset_declares_is_refused_before_decoding() {
        byte[] frame = firstFrame("j2k_mono16").clone();
        int siz = indexOf(frame, (byte) 0xFF, (byte) 0x51);
        ByteBuffer.wrap(frame).putInt(siz + 6, 60000); // Xsiz
        assertMessageSays(decodeFails("j2k_mono16", frame), "60000x48, larger than the 64x48 expected");
    }

    private static int indexOf(byte[] data, byte first, byte second) {
        for (int i = 0; i + 1 < data.length; i++) {
            if (data[i] == first && data[i + 1] == second) {
                return i;
            }
        }
        throw new AssertionError("marker not found");
    }

    @ParameterizedTest(name = "garbage is refused by the decoder of {0}")
    @ValueSource(strings = {"rle_mono16", "jpeg_baseline_mono8", "jpeg_lossless_sv1_mono16", "jpegls_mono8", "j2k_mono8"})
    void garbage_bytes_are_refused(String fixtureName) {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        decodeFails(fixtureName, garbage);
    }

    @ParameterizedTest(name = "garbage after a valid header of {0} is refused")
    @ValueSource(strings = {"jpeg_baseline_mono8", "jpeg_lossless_sv1_mono16", "jpegls_mono8", "jpegls_rgb8_sample"})
    void garbage_after_valid_headers_is_refused(String fixtureName) {
        byte[] frame = firstFrame(fixtureName).clone();
        int sos = indexOf(frame, (byte) 0xFF, (byte) 0xDA);
        int dataStart = sos + 2 + ((frame[sos + 2] & 0xFF) << 8 | (frame[sos + 3] & 0xFF));
        Random random = new Random(7);
        for (int i = dataStart; i < frame.length; i++) {
            frame[i] = (byte) (random.nextInt(255)); // never 0xFF: no marker, so the scan never ends cleanly
        }
        decodeFails(fixtureName, frame);
    }

    /** Cuts and flipped bytes anywhere: the result is a decoded frame or a CodecException, never another exception. */
    @Test
    void damaged_streams_fail_only_with_codec_exceptions() {
        Random random = new Random(2026);
        for (String name : ONE_FIXTURE_PER_CODEC_AND_LAYOUT) {
            DicomFixture fixture = DicomFixture.load(name);
            FrameDecoder decoder = FrameDecoders.forTransferSyntax(fixture.transferSyntax()).orElseThrow();
            byte[] frame = fixture.frames().getFirst();
            for (int trial = 0; trial < 120; trial++) {
                byte[] damaged = trial < 30 ? Arrays.copyOf(frame, random.nextInt(frame.length))
                        : trial < 60 ? flipBytes(frame, random)
                        : replaceHeaderByte(frame, random);
                try {
                    decoder.decode(damaged, fixture.format());
                    if (trial < 30 && damaged.length < frame.length * 9 / 10) {
                        fail(name + " cut to " + damaged.length + " of " + frame.length + " bytes decoded without error");
                    }
                } catch (CodecException expected) {
                    assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
                } catch (RuntimeException e) {
                    throw new AssertionError(name + " trial " + trial + " threw " + e, e);
                }
            }
        }
    }

    /** Marker segments and packet headers sit in the first few hundred bytes. */
    private static byte[] replaceHeaderByte(byte[] frame, Random random) {
        byte[] damaged = frame.clone();
        damaged[random.nextInt(Math.min(damaged.length, 400))] = (byte) random.nextInt(256);
        return damaged;
    }

    private static byte[] flipBytes(byte[] frame, Random random) {
        byte[] damaged = frame.clone();
        for (int i = 0; i < 4; i++) {
            damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
        }
        return damaged;
    }
}
