package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTJ2K (JPEG 2000 Part 15; transfer syntaxes 1.2.840.10008.1.2.4.201/.202/.203) against the field: every code
 * stream in src/test/resources/codec/jpeg2000/index.tsv with an HTJ2K transfer syntax was written by OpenJPH's
 * ojph_compress, and decoded by both OpenJPEG's opj_decompress and OpenJPH's ojph_expand, which agreed (exactly
 * for reversible streams, within 1 LSB for 9/7 irreversible ones: the tolerance asked of ours too); see
 * make-fixtures.sh there. Streams OpenJPEG cannot decode in full must fail with a one-line {@link CodecException}.
 */
class HtJ2kFieldDecodingTest {

    static Stream<Jpeg2000FieldFixture> decodable() {
        return Jpeg2000FieldFixture.all().stream().filter(f -> f.isHtj2k() && f.expectsDecoding());
    }

    static Stream<Jpeg2000FieldFixture> undecodable() {
        return Jpeg2000FieldFixture.all().stream().filter(f -> f.isHtj2k() && !f.expectsDecoding());
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

    @ParameterizedTest(name = "transfer syntax {0} has a registered decoder")
    @ValueSource(strings = {Jpeg2000FieldFixture.HTJ2K_LOSSLESS, Jpeg2000FieldFixture.HTJ2K_RPCL_LOSSLESS,
            Jpeg2000FieldFixture.HTJ2K})
    void every_htj2k_transfer_syntax_has_a_decoder(String transferSyntax) {
        assertTrue(FrameDecoders.forTransferSyntax(transferSyntax).isPresent(), "no decoder for " + transferSyntax);
        assertTrue(FrameDecoders.supportedTransferSyntaxes().contains(transferSyntax));
    }

    @Test
    void the_matrix_covers_every_htj2k_transfer_syntax_lossy_and_damaged_streams() {
        // Guards the fixtures: the cases above prove little if the index lost a family.
        assertTrue(decodable().count() >= 25, "decodable HTJ2K fixtures: " + decodable().count());
        for (String ts : Jpeg2000FieldFixture.PART15) {
            assertTrue(decodable().anyMatch(f -> f.transferSyntax().equals(ts)), "no fixture for " + ts);
        }
        assertTrue(decodable().anyMatch(f -> f.tolerance() == 1));
        assertFalse(undecodable().toList().isEmpty());
    }

    // --- the code stream disagrees with the dataset: the frame is refused, the message says what differs ---

    private static final Jpeg2000FieldFixture MONO12 = Jpeg2000FieldFixture.named("ht_g12_reversible");

    private static FrameFormat mono12Format(int rows, int columns, int samplesPerPixel) {
        return new FrameFormat(rows, columns, samplesPerPixel, 16, 12, false, 0, samplesPerPixel == 1 ? "MONOCHROME2" : "RGB");
    }

    @Test
    void a_stream_wider_than_the_dataset_states_is_refused_naming_both_widths() {
        Jpeg2000FieldChecks.assertRefused(Jpeg2000FieldChecks.decoderFor(MONO12.transferSyntax()), MONO12.frames().getFirst(),
                mono12Format(45, 64, 1), "67-column stream, 64-column dataset", "67", "64");
    }

    @Test
    void a_stream_taller_than_the_dataset_states_is_refused_naming_both_heights() {
        Jpeg2000FieldChecks.assertRefused(Jpeg2000FieldChecks.decoderFor(MONO12.transferSyntax()), MONO12.frames().getFirst(),
                mono12Format(40, 67, 1), "45-row stream, 40-row dataset", "45", "40");
    }

    @Test
    void a_greyscale_stream_in_a_colour_dataset_is_refused_naming_both_component_counts() {
        Jpeg2000FieldChecks.assertRefused(Jpeg2000FieldChecks.decoderFor(MONO12.transferSyntax()), MONO12.frames().getFirst(),
                mono12Format(45, 67, 3), "1-component stream, 3-sample dataset", "1", "3");
    }

    @Test
    void a_colour_stream_in_a_greyscale_dataset_is_refused_naming_both_component_counts() {
        Jpeg2000FieldFixture rgb = Jpeg2000FieldFixture.named("ht_rgb8_reversible_no_colour_transform");
        Jpeg2000FieldChecks.assertRefused(Jpeg2000FieldChecks.decoderFor(rgb.transferSyntax()), rgb.frames().getFirst(),
                new FrameFormat(45, 67, 1, 8, 8, false, 0, "MONOCHROME2"), "3-component stream, 1-sample dataset", "3", "1");
    }

    @Test
    void a_16_bit_stream_in_an_8_bit_dataset_is_refused_naming_both_depths() {
        Jpeg2000FieldFixture mono16 = Jpeg2000FieldFixture.named("ht_g16_reversible");
        Jpeg2000FieldChecks.assertRefused(Jpeg2000FieldChecks.decoderFor(mono16.transferSyntax()), mono16.frames().getFirst(),
                new FrameFormat(80, 96, 1, 8, 8, false, 0, "MONOCHROME2"), "16-bit stream, 8-bit dataset", "16", "8");
    }
}
