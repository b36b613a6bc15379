package org.radmamba.app.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.radmamba.app.ExitCodes;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.Tag;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code radmamba export} end to end, on real Part-10 files of every transfer syntax and photometric interpretation
 * of issue 2: the command line, the study scanner, the PixelMed adapter behind the port, the image loader, the
 * codecs and the npy/png writers, all as a user runs them. The compressed fixtures are the codec fixtures of the
 * viewer module ({@code viewer/src/test/resources/dicom/compressed}, made by independent encoders: dcmtk, CharLS,
 * OpenJPEG, libjpeg; see make-fixtures.sh there); the expected values are read from their uncompressed twins
 * ({@code src_*.dcm}) by {@link NativeSource}, a parser of this test that shares no code with the reader under
 * test. Native syntaxes use the generated fuzz seeds written by the viewer's test-only DicomBuilder; MONOCHROME1,
 * YBR_FULL and 8/32-bit signed files are written here with {@link DicomFileWriter}.
 */
class ExportEndToEndTest {

    private static final Path VIEWER_TEST_RESOURCES = Path.of(System.getProperty("user.dir")).resolveSibling("viewer")
            .resolve("src/test/resources");
    private static final Path COMPRESSED = VIEWER_TEST_RESOURCES.resolve("dicom/compressed");
    private static final Path SEEDS = VIEWER_TEST_RESOURCES.resolve("org/radmamba/viewer/dicom/pixelmed/DicomReaderFuzzTestInputs"
            + "/any_bytes_read_or_fail_with_a_message_naming_the_file");

    @TempDir
    static Path dir;

    @BeforeAll
    static void fixturesAreThere() {
        assertTrue(Files.isRegularFile(COMPRESSED.resolve("src_mono8.dcm")), "no codec fixtures in " + COMPRESSED);
        assertTrue(Files.isRegularFile(SEEDS.resolve("palette.dcm")), "no native seeds in " + SEEDS);
    }

    // ---------------------------------------------------------------- lossless: pixel-exact, every frame

    @ParameterizedTest(name = "{0} exports exactly the stored values of {1}")
    @CsvFileSource(files = "../viewer/src/test/resources/dicom/compressed/lossless.csv")
    // the sources themselves: Explicit VR Little Endian, 8/16/32-bit, signed and unsigned, RGB, multi-frame
    @CsvSource({
            "src_mono8, src_mono8",
            "src_mono16s, src_mono16s",
            "src_mono32, src_mono32",
            "src_rgb8, src_rgb8",
    })
    void a_lossless_file_exports_every_frame_exactly(String fixture, String source) throws Exception {
        NativeSource expected = NativeSource.read(COMPRESSED.resolve(source + ".dcm"));
        for (int frame = 0; frame < expected.frames(); frame++) {
            Npy npy = exportNpy(COMPRESSED.resolve(fixture + ".dcm"), frame);
            assertEquals(expected.dtype(), npy.dtype(), fixture + " dtype");
            assertArrayEquals(expected.shape(), npy.shape(), fixture + " shape");
            assertSame(fixture, frame, expected.values(frame, 0), npy.values(), 0);
        }
    }

    @Test
    void a_jpeg_lossless_point_transform_exports_the_high_bits_exactly() throws Exception {
        NativeSource expected = NativeSource.read(COMPRESSED.resolve("src_mono12.dcm"));
        for (int frame = 0; frame < expected.frames(); frame++) {
            Npy npy = exportNpy(COMPRESSED.resolve("jpeg_lossless_mono12_sv5_pt2.dcm"), frame);
            assertSame("jpeg_lossless_mono12_sv5_pt2", frame, expected.values(frame, 2), npy.values(), 0);
        }
    }

    // ---------------------------------------------------------------- lossy: stated tolerances

    @ParameterizedTest(name = "{0}: every sample within {2} of {1}")
    @CsvSource({
            // JPEG-LS near-lossless: the standard's guarantee, |error| <= NEAR
            "jpegls_near2_mono8, src_mono8, 2",
            "jpegls_near3_mono16, src_mono16, 3",
            "jpegls_near2_rgb8_sample, src_rgb8, 2",
            "jpegls_near2_rgb8_line, src_rgb8, 2",
            // DCT JPEG against libjpeg's decode of the same file (dcmdjpeg): at most 1 apart (IDCT rounding)
            "jpeg_baseline_mono8, ijg_jpeg_baseline_mono8, 1",
            "jpeg_extended_mono12, ijg_jpeg_extended_mono12, 1",
            "jpeg_baseline_restart_mono8, ijg_jpeg_baseline_restart_mono8, 1",
    })
    void a_near_lossless_or_dct_file_exports_within_its_tolerance(String fixture, String reference, int tolerance)
            throws Exception {
        NativeSource expected = NativeSource.read(COMPRESSED.resolve(reference + ".dcm"));
        for (int frame = 0; frame < expected.frames(); frame++) {
            Npy npy = exportNpy(COMPRESSED.resolve(fixture + ".dcm"), frame);
            assertEquals(expected.dtype(), npy.dtype(), fixture + " dtype");
            assertArrayEquals(expected.shape(), npy.shape(), fixture + " shape");
            int maxError = assertSame(fixture, frame, expected.values(frame, 0), npy.values(), tolerance);
            if (fixture.startsWith("jpegls_near")) {
                assertTrue(maxError > 0, fixture + " exported without any error: the fixture is not near-lossless");
            }
        }
    }

    @ParameterizedTest(name = "{0} exports as {2} at least {3} dB PSNR of {1}")
    @CsvSource({
            "jpeg_baseline_mono8, src_mono8, |u1, 36",
            "jpeg_extended_mono12, src_mono12, <u2, 55",
            "jpeg_baseline_rgb, src_rgb8, |u1, 35",
            // YBR_FULL_422 JPEG (dcmcjpeg), exported converted to RGB
            "jpeg_baseline_ybr422, src_rgb8, |u1, 31",
            // YBR_FULL_422 4:2:0 JPEG (cjpeg), exported as RGB, against libjpeg's own RGB decode (dcmdjpeg)
            "jpeg_baseline_restart_ybr420, ijg_jpeg_baseline_restart_ybr420, |u1, 40",
            "j2k_lossy_mono8, src_mono8, |u1, 37",
            "j2k_lossy_mono16, src_mono16, <u2, 36",
            "j2k_lossy_rgb8, src_rgb8, |u1, 37",
            // YBR_ICT JPEG 2000, exported as RGB
            "j2k_ict_rgb8, src_rgb8, |u1, 37",
    })
    void a_lossy_file_exports_close_to_its_source(String fixture, String source, String dtype, double minimumPsnr)
            throws Exception {
        NativeSource expected = NativeSource.read(COMPRESSED.resolve(source + ".dcm"));
        double squares = 0;
        long count = 0;
        for (int frame = 0; frame < expected.frames(); frame++) {
            Npy npy = exportNpy(COMPRESSED.resolve(fixture + ".dcm"), frame);
            assertEquals(dtype, npy.dtype(), fixture + " dtype");
            assertArrayEquals(expected.shape(), npy.shape(), fixture + " shape (RGB: rows, cols, 3)");
            long[] e = expected.values(frame, 0);
            for (int i = 0; i < e.length; i++) {
                double d = npy.values()[i] - e[i];
                squares += d * d;
                count++;
            }
        }
        double peak = (1L << expected.bitsStored()) - 1;
        double psnr = 10 * Math.log10(peak * peak / (squares / count));
        assertTrue(psnr >= minimumPsnr, fixture + ": PSNR " + psnr + " dB is below " + minimumPsnr);
    }

    @Test
    void ycbcr_jpeg_exports_rgb_matching_libjpegs_ycbcr_decode_converted_here() throws Exception {
        // dcmdjpeg +cn left these in YCbCr (libjpeg's upsampling); converted with T.81's equations, they are the
        // RGB the export must write, within 3 (1 of IDCT difference in Y, Cb, Cr grows to at most 1 + 1.772).
        for (String[] pair : new String[][] {{"jpeg_baseline_ybr422", "ijg_ybr_jpeg_baseline_ybr422"},
                {"jpeg_baseline_restart_ybr420", "ijg_ybr_jpeg_baseline_restart_ybr420"}}) {
            NativeSource ybr = NativeSource.read(COMPRESSED.resolve(pair[1] + ".dcm"));
            for (int frame = 0; frame < ybr.frames(); frame++) {
                Npy npy = exportNpy(COMPRESSED.resolve(pair[0] + ".dcm"), frame);
                assertEquals("|u1", npy.dtype());
                assertArrayEquals(new int[] {ybr.rows(), ybr.columns(), 3}, npy.shape());
                assertSame(pair[0], frame, ybrToRgb(ybr.values(frame, 0)), npy.values(), 3);
            }
        }
    }

    // ---------------------------------------------------------------- native transfer syntaxes

    @ParameterizedTest(name = "{0} exports exactly the values written")
    @CsvSource({
            "ct-1.2.840.10008.1.2.dcm",      // Implicit VR Little Endian
            "ct-1.2.840.10008.1.2.1.dcm",    // Explicit VR Little Endian
            "ct-1.2.840.10008.1.2.2.dcm",    // Explicit VR Big Endian
            "ct-1.2.840.10008.1.2.1.99.dcm", // Deflated Explicit VR Little Endian
    })
    void every_native_transfer_syntax_exports_exactly(String seed) throws Exception {
        // The values FuzzSeeds wrote: 4x4, 16-bit signed.
        long[] written = {-1024, -500, 0, 40, 100, 700, 1500, 3000, 1, 2, 3, 4, 5, 6, 7, 8};

        Npy npy = exportNpy(SEEDS.resolve(seed), 0);

        assertEquals("<i2", npy.dtype());
        assertArrayEquals(new int[] {4, 4}, npy.shape());
        assertArrayEquals(written, npy.values());
    }

    @Test
    void signed_8_bit_exports_as_int8_and_shows_from_black_to_white() throws Exception {
        byte[] values = {-128, -1, 0, 1, 100, 127};
        Path file = dir.resolve("signed8.dcm");
        DicomFileWriter.write(file, SECONDARY_CAPTURE, "2.25.81", image(2, 3, 1, "MONOCHROME2", 8, 8, true)
                .otherBytes(Tag.PIXEL_DATA, values));

        Npy npy = exportNpy(file, 0);
        assertEquals("|i1", npy.dtype());
        assertArrayEquals(new long[] {-128, -1, 0, 1, 100, 127}, npy.values());

        int[] grey = exportPngGrey(file, 2, 3);
        assertFullRangeWindow(new long[] {-128, -1, 0, 1, 100, 127}, grey, false);
    }

    @Test
    void signed_32_bit_exports_as_int32() throws Exception {
        int[] values = {Integer.MIN_VALUE, -2_000_000_000, -1, 0, 1, Integer.MAX_VALUE};
        ByteBuffer bytes = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(values);
        Path file = dir.resolve("signed32.dcm");
        DicomFileWriter.write(file, SECONDARY_CAPTURE, "2.25.321", image(3, 2, 1, "MONOCHROME2", 32, 32, true)
                .otherBytes(Tag.PIXEL_DATA, bytes.array()));

        Npy npy = exportNpy(file, 0);

        assertEquals("<i4", npy.dtype());
        assertArrayEquals(new int[] {3, 2}, npy.shape());
        assertArrayEquals(java.util.Arrays.stream(values).asLongStream().toArray(), npy.values());
    }

    // ---------------------------------------------------------------- photometric interpretations

    @Test
    void monochrome1_exports_its_stored_values_and_shows_them_inverted() throws Exception {
        short[] values = {0, 1000, 2000, 4095, 3000, 10};
        Path file = dir.resolve("mono1.dcm");
        DicomFileWriter.write(file, SECONDARY_CAPTURE, "2.25.1", image(2, 3, 1, "MONOCHROME1", 16, 12, false)
                .otherWords(Tag.PIXEL_DATA, values));

        Npy npy = exportNpy(file, 0);
        assertEquals("<u2", npy.dtype());
        assertArrayEquals(new long[] {0, 1000, 2000, 4095, 3000, 10}, npy.values());

        int[] grey = exportPngGrey(file, 2, 3);
        assertEquals(255, grey[0], "the smallest value is white in MONOCHROME1");
        assertEquals(0, grey[3], "the largest value is black in MONOCHROME1");
        assertFullRangeWindow(new long[] {0, 1000, 2000, 4095, 3000, 10}, grey, true);
    }

    @Test
    void native_ybr_full_exports_as_rgb() throws Exception {
        // (76, 85, 255): R = 76 + 1.402*127 = 254.05, G = 76 + 0.344136*43 - 0.714136*127 = 0.10, B = 76 - 1.772*43 < 0
        byte[] ybr = {(byte) 128, (byte) 128, (byte) 128, 76, 85, (byte) 255, (byte) 200, 30, 40};
        Path file = dir.resolve("ybr_full.dcm");
        DicomFileWriter.write(file, SECONDARY_CAPTURE, "2.25.2", image(1, 3, 3, "YBR_FULL", 8, 8, false)
                .unsignedShort(Tag.PLANAR_CONFIGURATION, 0).otherBytes(Tag.PIXEL_DATA, ybr));

        Npy npy = exportNpy(file, 0);

        assertEquals("|u1", npy.dtype());
        assertArrayEquals(new int[] {1, 3, 3}, npy.shape());
        assertArrayEquals(ybrToRgb(new long[] {128, 128, 128, 76, 85, 255, 200, 30, 40}), npy.values());
        assertArrayEquals(new long[] {128, 128, 128, 254, 0, 0}, java.util.Arrays.copyOf(npy.values(), 6));
        assertPngRgb(file, 1, 3, npy.values());
    }

    @Test
    void native_ybr_full_422_exports_upsampled_rgb() throws Exception {
        // The seed: 2x2 pixels stored as Y0 Y1 Cb Cr per pair of pixels of a row.
        long[] fullResolution = {10, 100, 200, 20, 100, 200, 30, 50, 60, 40, 50, 60};

        Npy npy = exportNpy(SEEDS.resolve("ybr422.dcm"), 0);

        assertEquals("|u1", npy.dtype());
        assertArrayEquals(new int[] {2, 2, 3}, npy.shape());
        assertArrayEquals(ybrToRgb(fullResolution), npy.values());
        assertPngRgb(SEEDS.resolve("ybr422.dcm"), 2, 2, npy.values());
    }

    @Test
    void palette_colour_exports_its_indices_as_npy_and_its_colours_as_png() throws Exception {
        Path file = SEEDS.resolve("palette.dcm");

        Npy npy = exportNpy(file, 0);
        assertEquals("|u1", npy.dtype());
        assertArrayEquals(new int[] {1, 4}, npy.shape());
        assertArrayEquals(new long[] {0, 1, 2, 3}, npy.values());

        // Red 0, FFFF, 0, 8000; green 0, 0, FFFF, 8000 (16-bit entries, shown >> 8); blue segmented: discrete
        // 0, 1000, then linear to 5000 in 2 steps: 0, 1000, 3000, 5000 → 0, 3, 11, 19.
        assertPngRgb(file, 1, 4, new long[] {0, 0, 0, 255, 0, 3, 0, 255, 11, 128, 128, 19});
    }

    @ParameterizedTest(name = "{0} shows as the RGB of {1}")
    @CsvSource({"j2k_rct_rgb8, src_rgb8", "rle_rgb8_planar1, src_rgb8", "jpegls_rgb8_line, src_rgb8"})
    void lossless_colour_shows_exactly_as_its_rgb(String fixture, String source) throws Exception {
        NativeSource expected = NativeSource.read(COMPRESSED.resolve(source + ".dcm"));
        assertPngRgb(COMPRESSED.resolve(fixture + ".dcm"), expected.rows(), expected.columns(), expected.values(0, 0));
    }

    @ParameterizedTest(name = "{0} shows with a full-range window")
    @CsvSource({"jpeg_lossless_mono8_sv1, src_mono8", "jpegls_mono16s, src_mono16s", "rle32_mono32, src_mono32"})
    void lossless_greyscale_without_a_window_shows_with_a_full_range_window(String fixture, String source) throws Exception {
        NativeSource expected = NativeSource.read(COMPRESSED.resolve(source + ".dcm"));
        int[] grey = exportPngGrey(COMPRESSED.resolve(fixture + ".dcm"), expected.rows(), expected.columns());
        assertFullRangeWindow(expected.values(0, 0), grey, false);
    }

    @Test
    void a_non_image_file_exits_3_with_one_line_naming_it() throws Exception {
        String rtPlan = "1.2.840.10008.5.1.4.1.1.481.5";
        Path file = dir.resolve("plan.dcm");
        DicomFileWriter.write(file, rtPlan, "2.25.99", new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", rtPlan).string(Tag.SOP_INSTANCE_UID, "UI", "2.25.99")
                .string(Tag.MODALITY, "CS", "RTPLAN").string(0x300A0002, "SH", "PLAN1"));

        InfoCommandTest.Run run = InfoCommandTest.run("export", file.toString(), "--format", "npy", "--out",
                dir.resolve("plan.npy").toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith(file + ": has no pixel data"), run.err());
        assertTrue(Files.notExists(dir.resolve("plan.npy")));
    }

    // ---------------------------------------------------------------- helpers

    private static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";

    private static DicomFileWriter.Dataset image(int rows, int columns, int samples, String photometric, int bitsAllocated,
                                                 int bitsStored, boolean signed) {
        return new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", SECONDARY_CAPTURE)
                .string(Tag.SOP_INSTANCE_UID, "UI", "2.25." + Math.abs((photometric + bitsAllocated + signed).hashCode()))
                .string(Tag.MODALITY, "CS", "OT")
                .string(Tag.PATIENT_NAME, "PN", "Export^Test")
                .string(Tag.PATIENT_ID, "LO", "EXPORT")
                .string(Tag.STUDY_INSTANCE_UID, "UI", "2.25.11")
                .string(Tag.SERIES_INSTANCE_UID, "UI", "2.25.12")
                .unsignedShort(Tag.SAMPLES_PER_PIXEL, samples)
                .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", photometric)
                .unsignedShort(Tag.ROWS, rows)
                .unsignedShort(Tag.COLUMNS, columns)
                .unsignedShort(Tag.BITS_ALLOCATED, bitsAllocated)
                .unsignedShort(Tag.BITS_STORED, bitsStored)
                .unsignedShort(Tag.HIGH_BIT, bitsStored - 1)
                .unsignedShort(Tag.PIXEL_REPRESENTATION, signed ? 1 : 0);
    }

    private static int counter;

    private static Npy exportNpy(Path file, int frame) throws IOException {
        Path out = dir.resolve("out-" + (counter++) + ".npy");
        InfoCommandTest.Run run = InfoCommandTest.run("export", file.toString(), "--frame", String.valueOf(frame),
                "--format", "npy", "--out", out.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), file.getFileName() + " frame " + frame + ": " + run.err());
        return Npy.read(out);
    }

    private static BufferedImage exportPng(Path file) throws IOException {
        Path out = dir.resolve("out-" + (counter++) + ".png");
        InfoCommandTest.Run run = InfoCommandTest.run("export", file.toString(), "--format", "png", "--out", out.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), file.getFileName() + ": " + run.err());
        return ImageIO.read(out.toFile());
    }

    private static int[] exportPngGrey(Path file, int rows, int columns) throws IOException {
        BufferedImage png = exportPng(file);
        assertEquals(columns, png.getWidth());
        assertEquals(rows, png.getHeight());
        assertEquals(1, png.getRaster().getNumBands(), "a greyscale PNG");
        assertEquals(8, png.getColorModel().getComponentSize(0), "8-bit");
        int[] grey = new int[rows * columns];
        png.getRaster().getSamples(0, 0, columns, rows, 0, grey);
        return grey;
    }

    private static void assertPngRgb(Path file, int rows, int columns, long[] rgb) throws IOException {
        BufferedImage png = exportPng(file);
        assertEquals(columns, png.getWidth());
        assertEquals(rows, png.getHeight());
        for (int p = 0; p < rows * columns; p++) {
            int argb = png.getRGB(p % columns, p / columns);
            long[] actual = {(argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF};
            long[] expected = {rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]};
            assertArrayEquals(expected, actual, file.getFileName() + " pixel " + p);
        }
    }

    /**
     * A LINEAR window from the frame's smallest to its largest value maps the smallest to 0 and the largest to
     * 255, linearly in between: within 1 of {@code 255 (v - min) / (max - min)} (rounding at the window edges).
     */
    private static void assertFullRangeWindow(long[] stored, int[] grey, boolean inverted) {
        long min = java.util.Arrays.stream(stored).min().orElseThrow();
        long max = java.util.Arrays.stream(stored).max().orElseThrow();
        for (int i = 0; i < stored.length; i++) {
            double ideal = 255.0 * (stored[i] - min) / (max - min);
            if (inverted) {
                ideal = 255 - ideal;
            }
            assertTrue(Math.abs(grey[i] - ideal) <= 1, "pixel " + i + ": value " + stored[i] + " shown as " + grey[i]
                    + ", expected " + ideal + " ± 1");
        }
    }

    /** Compares sample by sample; returns the largest |difference| seen (at most {@code tolerance}, or fails). */
    private static int assertSame(String fixture, int frame, long[] expected, long[] actual, int tolerance) {
        assertEquals(expected.length, actual.length, fixture + " frame " + frame + " sample count");
        int max = 0;
        for (int i = 0; i < expected.length; i++) {
            long d = Math.abs(expected[i] - actual[i]);
            if (d > tolerance) {
                fail(fixture + " frame " + frame + ": sample " + i + " is " + actual[i] + ", expected " + expected[i]
                        + (tolerance > 0 ? " ± " + tolerance : ""));
            }
            max = (int) Math.max(max, d);
        }
        return max;
    }

    /** T.81 (JFIF) YCbCr to RGB, rounded and clamped: written here, independently of the viewer's Colour. */
    private static long[] ybrToRgb(long[] ybr) {
        long[] rgb = new long[ybr.length];
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

    private static long clamp(double v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    /** A NumPy .npy file: dtype, shape and the values as longs (C order). */
    record Npy(String dtype, int[] shape, long[] values) {

        private static final Pattern HEADER = Pattern.compile(
                "\\{'descr': '([<|][iu][124])', 'fortran_order': False, 'shape': \\(([0-9, ]*)\\), }\\s*");

        static Npy read(Path file) throws IOException {
            byte[] npy = Files.readAllBytes(file);
            assertEquals("\u0093NUMPY", new String(npy, 0, 6, StandardCharsets.ISO_8859_1), "npy magic");
            int headerLength = ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
            String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
            Matcher m = HEADER.matcher(header);
            assertTrue(m.matches(), "npy header: " + header);
            int[] shape = java.util.Arrays.stream(m.group(2).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .mapToInt(Integer::parseInt).toArray();
            String dtype = m.group(1);
            int width = dtype.charAt(2) - '0';
            boolean signed = dtype.charAt(1) == 'i';
            int count = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            ByteBuffer data = ByteBuffer.wrap(npy, 10 + headerLength, npy.length - 10 - headerLength)
                    .order(ByteOrder.LITTLE_ENDIAN);
            assertEquals((long) count * width, data.remaining(), "npy data length");
            long[] values = new long[count];
            for (int i = 0; i < count; i++) {
                values[i] = switch (width) {
                    case 1 -> signed ? data.get() : data.get() & 0xFF;
                    case 2 -> signed ? data.getShort() : data.getShort() & 0xFFFF;
                    default -> signed ? data.getInt() : data.getInt() & 0xFFFFFFFFL;
                };
            }
            return new Npy(dtype, shape, values);
        }
    }

    /**
     * An uncompressed Explicit VR Little Endian Part-10 file as the fixture script writes them (no sequences), read
     * just far enough for the expected values: the Image Pixel attributes and the native Pixel Data.
     */
    record NativeSource(int rows, int columns, int samples, int bitsAllocated, int bitsStored, boolean signed,
                        int frames, byte[] pixels) {

        static NativeSource read(Path file) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals("DICM", new String(b.array(), 128, 4, StandardCharsets.US_ASCII), file + " is not Part 10");
            b.position(132);
            int rows = 0;
            int columns = 0;
            int samples = 1;
            int bitsAllocated = 0;
            int bitsStored = 0;
            boolean signed = false;
            int frames = 1;
            byte[] pixels = null;
            while (b.remaining() >= 8) {
                int tag = (b.getShort() & 0xFFFF) << 16 | (b.getShort() & 0xFFFF);
                String vr = new String(new byte[] {b.get(), b.get()}, StandardCharsets.US_ASCII);
                long length;
                if (java.util.Set.of("OB", "OW", "OL", "OF", "OD", "OV", "SQ", "UN", "UT", "UC", "UR").contains(vr)) {
                    b.getShort();
                    length = b.getInt() & 0xFFFFFFFFL;
                } else {
                    length = b.getShort() & 0xFFFF;
                }
                assertTrue(length != 0xFFFFFFFFL, file + ": undefined length in a native source");
                byte[] value = new byte[(int) length];
                b.get(value);
                ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
                switch (tag) {
                    case Tag.SAMPLES_PER_PIXEL -> samples = v.getShort() & 0xFFFF;
                    case Tag.NUMBER_OF_FRAMES -> frames = Integer.parseInt(new String(value, StandardCharsets.US_ASCII).trim());
                    case Tag.ROWS -> rows = v.getShort() & 0xFFFF;
                    case Tag.COLUMNS -> columns = v.getShort() & 0xFFFF;
                    case Tag.BITS_ALLOCATED -> bitsAllocated = v.getShort() & 0xFFFF;
                    case Tag.BITS_STORED -> bitsStored = v.getShort() & 0xFFFF;
                    case Tag.PIXEL_REPRESENTATION -> signed = (v.getShort() & 0xFFFF) == 1;
                    case Tag.PIXEL_DATA -> pixels = value;
                    default -> { }
                }
            }
            assertTrue(pixels != null, file + " has no native pixel data");
            return new NativeSource(rows, columns, samples, bitsAllocated, bitsStored, signed, frames, pixels);
        }

        String dtype() {
            char kind = signed ? 'i' : 'u';
            return switch (bitsAllocated) {
                case 8 -> "|" + kind + "1";
                case 16 -> "<" + kind + "2";
                default -> "<" + kind + "4";
            };
        }

        int[] shape() {
            return samples == 3 ? new int[] {rows, columns, 3} : new int[] {rows, columns};
        }

        /** Frame {@code f}'s values, pixel-interleaved, with the {@code droppedLowBits} lowest bits cleared. */
        long[] values(int f, int droppedLowBits) {
            int count = rows * columns * samples;
            int width = bitsAllocated / 8;
            ByteBuffer b = ByteBuffer.wrap(pixels, f * count * width, count * width).order(ByteOrder.LITTLE_ENDIAN);
            long mask = ~((1L << droppedLowBits) - 1);
            long[] values = new long[count];
            for (int i = 0; i < count; i++) {
                long raw = switch (width) {
                    case 1 -> b.get() & 0xFF;
                    case 2 -> b.getShort() & 0xFFFF;
                    default -> b.getInt() & 0xFFFFFFFFL;
                };
                if (signed && bitsStored < 64) {
                    raw = raw << (64 - bitsStored) >> (64 - bitsStored);
                }
                values[i] = raw & mask;
            }
            return values;
        }
    }
}
