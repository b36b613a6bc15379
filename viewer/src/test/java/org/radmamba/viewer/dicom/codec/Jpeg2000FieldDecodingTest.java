package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JPEG 2000 Part 1 (transfer syntaxes 1.2.840.10008.1.2.4.90/.91) against the field: every code stream in
 * src/test/resources/codec/jpeg2000/index.tsv was written by OpenJPEG's opj_compress or GDCM's gdcmconv, covering
 * each encoder option family, and its reference is what opj_decompress (and gdcmconv --raw for the DICOM files)
 * decoded; make-fixtures.sh there says how. Reversible streams must decode exactly, 9/7 irreversible ones within
 * 1 LSB of OpenJPEG; streams OpenJPEG cannot decode in full must fail with a one-line {@link CodecException}.
 * The case names say what each fixture covers.
 */
class Jpeg2000FieldDecodingTest {

    static Stream<Jpeg2000FieldFixture> decodable() {
        return Jpeg2000FieldFixture.all().stream().filter(f -> f.isPart1() && f.expectsDecoding());
    }

    static Stream<Jpeg2000FieldFixture> undecodable() {
        return Jpeg2000FieldFixture.all().stream().filter(f -> f.isPart1() && !f.expectsDecoding());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodable")
    void decodes_like_the_reference_decoders(Jpeg2000FieldFixture fixture) {
        Jpeg2000FieldChecks.assertDecodesToReference(fixture);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("undecodable")
    void is_refused_with_a_one_line_message_where_the_reference_decoders_cannot_decode_it_in_full(
            Jpeg2000FieldFixture fixture) {
        Jpeg2000FieldChecks.assertRefusedWithOneLineMessage(fixture);
    }

    @Test
    void the_matrix_covers_lossless_lossy_damaged_and_dicom_files() {
        // Guards the fixtures: the cases above prove little if the index lost a family.
        assertTrue(decodable().count() >= 60, "decodable Part 1 fixtures: " + decodable().count());
        assertTrue(decodable().anyMatch(f -> f.tolerance() == 1));
        assertTrue(decodable().anyMatch(f -> f.isDicom() && f.reference().startsWith("sha256:")));
        assertFalse(undecodable().toList().isEmpty());
    }

    // --- the code stream disagrees with the dataset: the frame is refused, the message says what differs ---

    private static final Jpeg2000FieldFixture MONO12 = Jpeg2000FieldFixture.named("p1_g12_default");

    private static FrameFormat mono12Format(int rows, int columns, int samplesPerPixel, int bitsAllocated, int bitsStored) {
        return new FrameFormat(rows, columns, samplesPerPixel, bitsAllocated, bitsStored, false, 0,
                samplesPerPixel == 1 ? "MONOCHROME2" : "RGB");
    }

    @Test
    void a_stream_wider_than_the_dataset_states_is_refused_naming_both_widths() {
        Jpeg2000FieldChecks.assertRefused(Jpeg2000FieldChecks.decoderFor(MONO12.transferSyntax()), MONO12.frames().getFirst(),
                mono12Format(45, 64, 1, 16, 12), "67-column stream, 64-column dataset", "67", "64");
    }

    @Test
    void a_stream_taller_than_the_dataset_states_is_refused_naming_both_heights() {
        Jpeg2000FieldChecks.assertRefused(Jpeg2000FieldChecks.decoderFor(MONO12.transferSyntax()), MONO12.frames().getFirst(),
                mono12Format(40, 67, 1, 16, 12), "45-row stream, 40-row dataset", "45", "40");
    }

    @Test
    void a_greyscale_stream_in_a_colour_dataset_is_refused_naming_both_component_counts() {
        Jpeg2000FieldChecks.assertRefused(Jpeg2000FieldChecks.decoderFor(MONO12.transferSyntax()), MONO12.frames().getFirst(),
                mono12Format(45, 67, 3, 16, 12), "1-component stream, 3-sample dataset", "1", "3");
    }

    @Test
    void a_colour_stream_in_a_greyscale_dataset_is_refused_naming_both_component_counts() {
        Jpeg2000FieldFixture rgb = Jpeg2000FieldFixture.named("p1_rgb8_no_mct");
        Jpeg2000FieldChecks.assertRefused(Jpeg2000FieldChecks.decoderFor(rgb.transferSyntax()), rgb.frames().getFirst(),
                new FrameFormat(45, 67, 1, 8, 8, false, 0, "MONOCHROME2"), "3-component stream, 1-sample dataset", "3", "1");
    }

    @Test
    void a_16_bit_stream_in_an_8_bit_dataset_is_refused_naming_both_depths() {
        Jpeg2000FieldFixture mono16 = Jpeg2000FieldFixture.named("p1_g16_default");
        Jpeg2000FieldChecks.assertRefused(Jpeg2000FieldChecks.decoderFor(mono16.transferSyntax()), mono16.frames().getFirst(),
                new FrameFormat(80, 96, 1, 8, 8, false, 0, "MONOCHROME2"), "16-bit stream, 8-bit dataset", "16", "8");
    }

    @Test
    void bytes_that_are_no_code_stream_are_refused() {
        Jpeg2000FieldChecks.assertRefused(Jpeg2000FieldChecks.decoderFor(TransferSyntax.JPEG_2000_LOSSLESS),
                "not a JPEG 2000 code stream at all, just some text".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                mono12Format(45, 67, 1, 16, 12), "text");
    }
}
