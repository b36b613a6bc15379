package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The FrameDecoder adapter of the own JPEG 2000 decoder: what it accepts of a code stream for a given frame and
 * what it refuses, with which message. Streams come from codec/jpeg2000-unit (see its make-fixtures.sh).
 */
class Jpeg2000DecoderTest {

    private final Jpeg2000Decoder decoder = new Jpeg2000Decoder();

    @Test
    void a_jp2_file_in_a_frame_decodes_like_its_raw_code_stream() throws Exception {
        FrameFormat rgb = new FrameFormat(40, 48, 3, 8, 8, false, 0, "RGB");
        DecodedFrame fromJp2 = decoder.decode(read("c8_jp2.jp2"), rgb);
        DecodedFrame fromJ2k = decoder.decode(read("c8_rct.j2k"), new FrameFormat(40, 48, 3, 8, 8, false, 0, "YBR_RCT"));
        assertArrayEquals(bytes(fromJ2k), bytes(fromJp2));
        assertEquals("RGB", fromJp2.photometricInterpretation());
    }

    @Test
    void samples_are_pixel_interleaved_in_the_frame() throws Exception {
        DecodedFrame frame = decoder.decode(read("c8_no_mct.j2k"), new FrameFormat(40, 48, 3, 8, 8, false, 0, "RGB"));
        byte[] samples = bytes(frame);
        assertEquals(40 * 48 * 3, samples.length);
        assertEquals((byte) pgxSample("c8_no_mct_1.pgx", 0), samples[1]);
        assertEquals((byte) pgxSample("c8_no_mct_2.pgx", 5), samples[5 * 3 + 2]);
    }

    @Test
    void a_stream_without_eoc_decodes_and_padding_after_eoc_is_ignored() throws Exception {
        FrameFormat mono16 = new FrameFormat(40, 48, 1, 16, 16, false, 0, "MONOCHROME2");
        byte[] whole = read("m16_lossless.j2k");
        Samples reference = decoder.decode(whole, mono16).samples();
        Samples noEoc = decoder.decode(read("m16_no_eoc.j2k"), mono16).samples();
        Samples padded = decoder.decode(Arrays.copyOf(whole, whole.length + 1), mono16).samples();
        for (int i = 0; i < 40 * 48; i++) {
            assertEquals(reference.rawBits(i), noEoc.rawBits(i));
            assertEquals(reference.rawBits(i), padded.rawBits(i));
        }
    }

    @Test
    void a_truncated_stream_is_refused_not_shown_degraded() throws IOException {
        CodecException e = assertThrows(CodecException.class, () -> decoder.decode(read("c12_truncated.j2k"),
                new FrameFormat(53, 61, 3, 16, 12, false, 0, "RGB")));
        assertEquals("JPEG 2000 code stream is truncated: its data end before the image does", e.getMessage());
    }

    @Test
    void a_precision_above_bits_allocated_is_refused() throws IOException {
        CodecException e = assertThrows(CodecException.class, () -> decoder.decode(read("m12_odd_3levels.j2k"),
                new FrameFormat(45, 67, 1, 8, 8, false, 0, "MONOCHROME2")));
        assertEquals("JPEG 2000 component 0 has 12-bit samples but the dataset allocates 8 bits", e.getMessage());
    }

    @Test
    void a_smaller_image_than_the_frame_is_refused() throws IOException {
        CodecException e = assertThrows(CodecException.class, () -> decoder.decode(read("m8_lossless.j2k"),
                new FrameFormat(65, 64, 1, 8, 8, false, 0, "MONOCHROME2")));
        assertEquals("JPEG 2000 code stream is 64x64 but the dataset declares 64x65", e.getMessage());
    }

    @Test
    void ybr_ict_without_a_transform_in_the_stream_is_ycbcr_and_ybr_rct_without_one_is_refused() throws Exception {
        FrameFormat ict = new FrameFormat(40, 48, 3, 8, 8, false, 0, "YBR_ICT");
        assertEquals("YBR_FULL", decoder.decode(read("c8_no_mct.j2k"), ict).photometricInterpretation());
        FrameFormat rct = new FrameFormat(40, 48, 3, 8, 8, false, 0, "YBR_RCT");
        CodecException e = assertThrows(CodecException.class, () -> decoder.decode(read("c8_no_mct.j2k"), rct));
        assertEquals("JPEG 2000 frame is declared YBR_RCT but its code stream has no component transform, so its "
                + "colour cannot be known", e.getMessage());
    }

    private static byte[] bytes(DecodedFrame frame) {
        return ((Samples.Bytes) frame.samples()).data();
    }

    private static int pgxSample(String name, int index) throws IOException {
        byte[] file = read(name);
        int eol = 0;
        while (file[eol] != '\n') {
            eol++;
        }
        return file[eol + 1 + index] & 0xFF;
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = Jpeg2000DecoderTest.class.getResourceAsStream("/codec/jpeg2000-unit/" + name)) {
            return in.readAllBytes();
        }
    }
}
