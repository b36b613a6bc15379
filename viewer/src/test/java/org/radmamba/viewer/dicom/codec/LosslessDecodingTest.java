package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every lossless fixture decodes, frame by frame, to exactly the stored values of its uncompressed source.
 * The fixtures were made by independent encoders (dcmtk, CharLS, OpenJPEG through gdcm): see make-fixtures.sh.
 */
class LosslessDecodingTest {

    @ParameterizedTest(name = "{0} decodes to exactly {1}")
    @CsvFileSource(resources = "/dicom/compressed/lossless.csv")
    void a_lossless_fixture_decodes_to_its_source_exactly(String fixtureName, String sourceName) throws CodecException {
        DicomFixture fixture = DicomFixture.load(fixtureName);
        DicomFixture source = DicomFixture.load(sourceName);
        assertDecodesTo(fixture, source, 0);
    }

    @org.junit.jupiter.api.Test
    void rle_colour_stating_planar_configuration_1_is_the_by_plane_fixture_it_claims_to_be() {
        // Guards the fixture: the case above is only meaningful if the file really states 1 and differs from
        // rle_rgb8 in nothing else.
        assertEquals(1, DicomFixture.load("rle_rgb8_planar1").format().planarConfiguration());
        assertEquals(0, DicomFixture.load("rle_rgb8").format().planarConfiguration());
    }

    @ParameterizedTest(name = "{0} keeps all but the {1} low bits of {2}")
    @CsvSource("jpeg_lossless_mono12_sv5_pt2, 2, src_mono12")
    void a_point_transform_keeps_the_high_bits_exactly(String fixtureName, int pointTransform, String sourceName)
            throws CodecException {
        assertDecodesTo(DicomFixture.load(fixtureName), DicomFixture.load(sourceName), pointTransform);
    }

    static void assertDecodesTo(DicomFixture fixture, DicomFixture source, int droppedLowBits) throws CodecException {
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(fixture.transferSyntax())
                .orElseThrow(() -> new AssertionError("no decoder for " + fixture.transferSyntax()));
        assertEquals(source.frames().size(), fixture.frames().size(), "frame count");
        assertTrue(fixture.frames().size() >= 1);
        for (int f = 0; f < fixture.frames().size(); f++) {
            DecodedFrame decoded = decoder.decode(fixture.frames().get(f), fixture.format());
            int[] actual = DicomFixture.rawBits(decoded.samples());
            int[] expected = source.nativeRawBits(f);
            assertEquals(expected.length, actual.length, fixture.name() + " frame " + f + " sample count");
            int mask = ~((1 << droppedLowBits) - 1);
            for (int i = 0; i < expected.length; i++) {
                if ((expected[i] & mask) != actual[i]) {
                    int pixel = i / fixture.format().samplesPerPixel();
                    fail(fixture.name() + " frame " + f + ": sample " + i + " (row " + pixel / fixture.format().columns()
                            + ", column " + pixel % fixture.format().columns() + ") is " + actual[i] + ", expected "
                            + (expected[i] & mask));
                }
            }
            assertEquals(sampleArrayType(fixture.format()), decoded.samples().getClass(), "sample array width");
        }
    }

    private static Class<?> sampleArrayType(FrameFormat format) {
        return switch (format.bitsAllocated()) {
            case 8 -> Samples.Bytes.class;
            case 16 -> Samples.Shorts.class;
            default -> Samples.Ints.class;
        };
    }
}
