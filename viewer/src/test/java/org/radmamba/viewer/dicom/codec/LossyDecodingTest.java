package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lossy fixtures decode within the tolerances of docs/decisions/0003-pixel-data-codecs.md: the standard's
 * guarantee for JPEG-LS near-lossless (|error| ≤ NEAR), agreement with libjpeg for the DCT processes, and a
 * PSNR floor against the uncompressed source for DCT and JPEG 2000.
 */
class LossyDecodingTest {

    @ParameterizedTest(name = "{0} stays within NEAR={2} of {1}")
    @CsvSource({
            "jpegls_near2_mono8, src_mono8, 2",
            "jpegls_near3_mono16, src_mono16, 3",
            "jpegls_near2_rgb8_sample, src_rgb8, 2",
            "jpegls_near2_rgb8_line, src_rgb8, 2",
            "jpegls_near2_mono6, src_mono6, 2",
            "jpegls_near6_mono7_strip, src_mono7_strip, 6",
    })
    void near_lossless_jpeg_ls_never_deviates_more_than_near(String fixture, String source, int near) throws CodecException {
        Comparison c = compare(DicomFixture.load(fixture), DicomFixture.load(source), false);
        assertTrue(c.maxAbsError <= near, fixture + ": max |error| " + c.maxAbsError + " exceeds NEAR=" + near);
        assertTrue(c.maxAbsError > 0, fixture + " decoded without any error: the fixture is not near-lossless");
    }

    /**
     * 6- and 7-bit near-lossless streams from dcmcjpls (CharLS 1.x), which codes samples below 128 with thresholds
     * other than T.87's defaults and writes no LSE segment saying so: they decode exactly as dcmdjpls decodes them.
     * T.87's thresholds alone refused the first and turned the second, without an error, into samples up to 106 off.
     */
    @ParameterizedTest(name = "{0} decodes exactly as dcmdjpls does")
    @CsvSource({"jpegls_near2_mono6", "jpegls_near6_mono7_strip"})
    void near_lossless_jpeg_ls_below_8_bits_from_old_charls_decodes_as_charls_does(String fixture)
            throws CodecException {
        Comparison c = compare(DicomFixture.load(fixture), DicomFixture.load("charls1_" + fixture), false);
        assertEquals(0, c.maxAbsError, fixture + ": max |error| against dcmdjpls");
    }

    /** A stream of that kind that both sets of thresholds decode to the end, to different images: not guessed. */
    @Test
    void near_lossless_jpeg_ls_that_decodes_two_ways_is_refused_in_one_line() {
        DicomFixture fixture = DicomFixture.load("jpegls_near6_mono7_ambiguous");
        CodecException refused = assertThrows(CodecException.class, () -> FrameDecoders.forTransferSyntax(
                fixture.transferSyntax()).orElseThrow().decode(fixture.frames().getFirst(), fixture.format()));
        assertEquals("JPEG-LS scan of 7-bit samples without preset thresholds decodes to two different images (with"
                + " T.87's default thresholds and with old CharLS encoders'); it is refused rather than guessed",
                refused.getMessage());
    }

    @ParameterizedTest(name = "{0} agrees with libjpeg''s decode {1} within {2}")
    @CsvSource({
            "jpeg_baseline_mono8, ijg_jpeg_baseline_mono8, 0",
            "jpeg_extended_mono12, ijg_jpeg_extended_mono12, 0",
            "jpeg_baseline_restart_mono8, ijg_jpeg_baseline_restart_mono8, 0",
            "jpeg_baseline_ybr422, ijg_ybr_jpeg_baseline_ybr422, 0",
            "jpeg_baseline_restart_ybr420, ijg_ybr_jpeg_baseline_restart_ybr420, 0",
            // 3 pixels wide: chroma 2 samples wide, which libjpeg replicates instead of interpolating
            "jpeg_baseline_ybr422_narrow, ijg_ybr_jpeg_baseline_ybr422_narrow, 0",
    })
    void dct_jpeg_agrees_with_libjpeg(String fixture, String reference, int tolerance) throws CodecException {
        Comparison c = compare(DicomFixture.load(fixture), DicomFixture.load(reference), false);
        assertTrue(c.maxAbsError <= tolerance, fixture + ": max |error| against libjpeg is " + c.maxAbsError);
    }

    @ParameterizedTest(name = "{0} is at least {2} dB PSNR of {1}")
    @CsvSource({
            "jpeg_baseline_mono8, src_mono8, 36",
            "jpeg_extended_mono12, src_mono12, 55",
            "jpeg_baseline_rgb, src_rgb8, 35",
            "jpeg_baseline_ybr422, src_rgb8, 31",
            "j2k_lossy_mono8, src_mono8, 37",
            "j2k_lossy_mono16, src_mono16, 36",
            "j2k_lossy_rgb8, src_rgb8, 37",
            "j2k_ict_rgb8, src_rgb8, 37",
            "jpeg_baseline_restart_ybr420, ijg_jpeg_baseline_restart_ybr420, 55",
    })
    void lossy_fixtures_stay_close_to_their_source(String fixture, String source, double minimumPsnr) throws CodecException {
        Comparison c = compare(DicomFixture.load(fixture), DicomFixture.load(source), true);
        assertTrue(c.psnr >= minimumPsnr, fixture + ": PSNR " + c.psnr + " dB is below " + minimumPsnr);
    }

    @Test
    void ycbcr_jpeg_comes_back_as_ycbcr_and_rgb_coded_jpeg_as_rgb() throws CodecException {
        assertEquals("YBR_FULL", decodeFirst("jpeg_baseline_ybr422").photometricInterpretation());
        assertEquals("RGB", decodeFirst("jpeg_baseline_rgb").photometricInterpretation());
        assertEquals("RGB", decodeFirst("j2k_lossy_rgb8").photometricInterpretation());
    }

    @Test
    void jpeg_2000_with_a_component_transform_comes_back_as_rgb() throws CodecException {
        assertEquals("YBR_RCT", DicomFixture.load("j2k_rct_rgb8").format().photometricInterpretation());
        assertEquals("RGB", decodeFirst("j2k_rct_rgb8").photometricInterpretation());
        assertEquals("YBR_ICT", DicomFixture.load("j2k_ict_rgb8").format().photometricInterpretation());
        assertEquals("RGB", decodeFirst("j2k_ict_rgb8").photometricInterpretation());
    }

    private static DecodedFrame decodeFirst(String name) throws CodecException {
        DicomFixture fixture = DicomFixture.load(name);
        return FrameDecoders.forTransferSyntax(fixture.transferSyntax()).orElseThrow()
                .decode(fixture.frames().getFirst(), fixture.format());
    }

    record Comparison(int maxAbsError, double psnr) {
    }

    /** Decodes every frame; colour decoded as YBR_FULL is turned into RGB (T.81 JFIF equations) when asked. */
    static Comparison compare(DicomFixture fixture, DicomFixture reference, boolean toRgb) throws CodecException {
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(fixture.transferSyntax()).orElseThrow();
        assertEquals(reference.frames().size(), fixture.frames().size());
        int maxAbs = 0;
        double squares = 0;
        long count = 0;
        boolean signed = fixture.format().signed();
        int bits = fixture.format().bitsStored();
        for (int f = 0; f < fixture.frames().size(); f++) {
            DecodedFrame decoded = decoder.decode(fixture.frames().get(f), fixture.format());
            int[] actual = DicomFixture.rawBits(decoded.samples());
            if (toRgb && decoded.photometricInterpretation().equals("YBR_FULL")) {
                actual = ybrToRgb(actual);
            }
            int[] expected = reference.nativeRawBits(f);
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                int e = value(expected[i], bits, signed);
                int a = value(actual[i], bits, signed);
                int d = Math.abs(a - e);
                maxAbs = Math.max(maxAbs, d);
                squares += (double) d * d;
                count++;
            }
        }
        double peak = (1 << bits) - 1;
        double psnr = 10 * Math.log10(peak * peak / (squares / count));
        System.out.printf("%s vs %s: max |error| %d, PSNR %.1f dB%n", fixture.name(), reference.name(), maxAbs, psnr);
        return new Comparison(maxAbs, psnr);
    }

    private static int value(int raw, int bits, boolean signed) {
        int masked = bits == 32 ? raw : raw & ((1 << bits) - 1);
        return signed ? masked << (32 - bits) >> (32 - bits) : masked;
    }

    private static int[] ybrToRgb(int[] ybr) {
        int[] rgb = new int[ybr.length];
        for (int i = 0; i < ybr.length; i += 3) {
            double y = ybr[i];
            double cb = ybr[i + 1] - 128;
            double cr = ybr[i + 2] - 128;
            rgb[i] = clamp(y + 1.402 * cr);
            rgb[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
            rgb[i + 2] = clamp(y + 1.772 * cb);
        }
        return rgb;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
