package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progressive (SOF2, DICOM's retired .53/.55) and arithmetic-coded (SOF9/SOF10, .52/.56) JPEG written by real
 * encoders (libjpeg-turbo's cjpeg and jpegtran, DCMTK's dcmcjpeg, the ISO reference software for 12-bit arithmetic;
 * see src/test/resources/codec/jpeg/make-fixtures.sh) decode to exactly libjpeg's pixels: tolerance 0 against
 * dcmdjpeg (IJG libjpeg 6b; for arithmetic coding, of a Huffman-coded twin with the same coefficients) and, for
 * 8-bit grey, against libjpeg-turbo's {@code djpeg -dct int -nosmooth}. Arithmetic lossless (SOF11) is exact. Exact agreement is possible because {@link JpegIdct} is
 * libjpeg's integer IDCT and the chroma upsampling is libjpeg's; colour stays YCbCr (YBR_FULL).
 */
class JpegProgressiveDecodingTest {

    static final String[] PROGRESSIVE = {
            "prog_grey", "prog_restart_grey", "prog_script_grey", "prog_ycc420", "prog_ycc422", "prog_ycc444",
            "prog_restart_ycc420", "prog_script_ycc420", "prog_jpegtran_ycc422",
            "dcmtk_prog_grey12", "dcmtk_spectral_grey12", "dcmtk_prog_ycc422", "dcmtk_spectral_ycc422"};
    static final String[] ARITHMETIC = {
            "arith_grey", "arith_ycc420", "arith_restart_ycc422", "arith_prog_grey", "arith_prog_ycc420",
            "arith_prog_restart_ycc444", "arith_prog_script_grey", "arith_jpegtran_ycc422",
            "arith_prog_jpegtran_ycc422", "arith12_grey", "arith12_prog_grey"};

    static DicomFixture fixture(String name) {
        try {
            var url = JpegProgressiveDecodingTest.class.getResource("/codec/jpeg/" + name + ".dcm");
            if (url == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return DicomFixture.read(Path.of(url.toURI()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static DecodedFrame decode(DicomFixture fixture) throws CodecException {
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(fixture.transferSyntax()).orElseThrow(
                () -> new AssertionError("no decoder for " + fixture.transferSyntax()));
        return decoder.decode(fixture.frames().getFirst(), fixture.format());
    }

    @ParameterizedTest(name = "{0} equals dcmdjpeg''s decode")
    @ValueSource(strings = {
            "prog_grey", "prog_restart_grey", "prog_script_grey", "prog_ycc420", "prog_ycc422", "prog_ycc444",
            "prog_restart_ycc420", "prog_script_ycc420", "prog_jpegtran_ycc422",
            "dcmtk_prog_grey12", "dcmtk_spectral_grey12", "dcmtk_prog_ycc422", "dcmtk_spectral_ycc422",
            "arith_grey", "arith_ycc420", "arith_restart_ycc422", "arith_prog_grey", "arith_prog_ycc420",
            "arith_prog_restart_ycc444", "arith_prog_script_grey", "arith_jpegtran_ycc422",
            "arith_prog_jpegtran_ycc422", "arith12_grey", "arith12_prog_grey"})
    void every_sample_equals_libjpeg_6b(String name) throws CodecException {
        DicomFixture fixture = fixture(name);
        DecodedFrame decoded = decode(fixture);
        int[] expected = fixture(name + ".ref").nativeRawBits(0);
        int[] actual = DicomFixture.rawBits(decoded.samples());
        assertSamplesEqual(name, expected, actual, fixture.format().columns() * fixture.format().samplesPerPixel());
        assertEquals(fixture.format().samplesPerPixel() == 3 ? "YBR_FULL" : "MONOCHROME2",
                decoded.photometricInterpretation());
    }

    @ParameterizedTest(name = "{0} equals djpeg -dct int")
    @ValueSource(strings = {"prog_grey", "prog_restart_grey", "prog_script_grey", "arith_grey", "arith_prog_grey",
            "arith_prog_script_grey"})
    void every_sample_equals_libjpeg_turbo(String name) throws CodecException, IOException {
        DicomFixture fixture = fixture(name);
        int[] expected = readPgm(name);
        assertSamplesEqual(name, expected, DicomFixture.rawBits(decode(fixture).samples()), fixture.format().columns());
    }

    /** Arithmetic-coded lossless (SOF11, TS .58), written by the ISO reference software: exact against the source. */
    @ParameterizedTest(name = "{0} equals its source")
    @ValueSource(strings = {"lossless_arith_grey8", "lossless_arith_grey12", "lossless_arith_rgb8",
            "lossless_arith_restart_grey8"})
    void arithmetic_lossless_jpeg_is_exact(String name) throws CodecException {
        DicomFixture fixture = fixture(name);
        assertEquals(0xCB, frameMarker(fixture));
        assertEquals("1.2.840.10008.1.2.4.58", fixture.transferSyntax());
        DecodedFrame decoded = decode(fixture);
        assertSamplesEqual(name, fixture(name + ".ref").nativeRawBits(0), DicomFixture.rawBits(decoded.samples()),
                fixture.format().columns() * fixture.format().samplesPerPixel());
        assertEquals(fixture.format().photometricInterpretation(), decoded.photometricInterpretation());
    }

    @Test
    void the_fixtures_are_what_their_names_say() {
        for (String name : PROGRESSIVE) {
            assertEquals(0xC2, frameMarker(fixture(name)), name);
        }
        for (String name : ARITHMETIC) {
            assertEquals(name.contains("_prog") ? 0xCA : 0xC9, frameMarker(fixture(name)), name);
        }
        assertEquals(12, fixture("dcmtk_prog_grey12").format().bitsStored());
        assertEquals(12, fixture("arith12_prog_grey").format().bitsStored());
        assertEquals("1.2.840.10008.1.2.4.53", fixture("dcmtk_spectral_grey12").transferSyntax());
        assertEquals("1.2.840.10008.1.2.4.56", fixture("arith_prog_ycc420").transferSyntax());
    }

    private static int frameMarker(DicomFixture fixture) {
        byte[] jpeg = fixture.frames().getFirst();
        int p = 2;
        while (p + 3 < jpeg.length) {
            int marker = jpeg[p + 1] & 0xFF;
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xCC && marker != 0xC8) {
                return marker;
            }
            p += 2 + ((jpeg[p + 2] & 0xFF) << 8 | (jpeg[p + 3] & 0xFF));
        }
        throw new AssertionError(fixture.name() + " has no frame header");
    }

    private static void assertSamplesEqual(String name, int[] expected, int[] actual, int samplesPerRow) {
        assertEquals(expected.length, actual.length, name + ": sample count");
        if (!Arrays.equals(expected, actual)) {
            int maxError = 0;
            int first = -1;
            for (int i = 0; i < expected.length; i++) {
                if (expected[i] != actual[i] && first < 0) {
                    first = i;
                }
                maxError = Math.max(maxError, Math.abs(expected[i] - actual[i]));
            }
            assertArrayEquals(expected, actual, name + ": first difference at row " + first / samplesPerRow
                    + ", sample " + first % samplesPerRow + "; max |error| " + maxError);
        }
        assertTrue(Arrays.stream(actual).distinct().count() > 50, name + " decoded to a nearly flat image");
    }

    /** The samples of a binary 8-bit PGM as djpeg writes it ("P5\nW H\n255\n" then the rows). */
    private static int[] readPgm(String name) throws IOException {
        try (InputStream in = JpegProgressiveDecodingTest.class.getResourceAsStream("/codec/jpeg/" + name + ".pgm")) {
            byte[] file = in.readAllBytes();
            int newlines = 0;
            int p = 0;
            while (newlines < 3) {
                if (file[p++] == '\n') {
                    newlines++;
                }
            }
            String[] header = new String(file, 0, p, StandardCharsets.US_ASCII).trim().split("\\s+");
            assertEquals("P5", header[0]);
            assertEquals("255", header[3]);
            int count = Integer.parseInt(header[1]) * Integer.parseInt(header[2]);
            int[] samples = new int[count];
            for (int i = 0; i < count; i++) {
                samples[i] = file[p + i] & 0xFF;
            }
            return samples;
        }
    }
}
