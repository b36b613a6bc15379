package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.segmentation.LabelMask;
import org.radmamba.inference.segmentation.MaskDecoding;
import org.radmamba.inference.segmentation.ScoreMap;
import org.radmamba.inference.vmunet.VmUnet;
import org.radmamba.inference.vmunet.VmUnetPreprocessing;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentCommandTest {

    private static final int WIDTH = 100;
    private static final int HEIGHT = 80;

    @TempDir
    static Path dir;

    private static Path checkpoint;
    private static Path photo;

    /** Output of one run of the command. */
    private record Run(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void inputs() throws Exception {
        checkpoint = resource("/checkpoints/vmunet_tiny_binary.pth");
        photo = dir.resolve("lesion.png");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int r = (int) (127 + 120 * Math.sin(x * 0.11 + y * 0.05));
                int g = (int) (127 + 120 * Math.cos(x * 0.07 - y * 0.13));
                int b = (x * 7 + y * 3) % 256;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ImageIO.write(img, "png", photo.toFile());
    }

    @Test
    void a_photograph_gives_the_label_mask_of_the_library_pipeline_at_its_own_size() throws Exception {
        Path out = dir.resolve("mask.png");

        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--out", out.toString(), "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        BufferedImage mask = ImageIO.read(out.toFile());
        assertEquals(WIDTH, mask.getWidth());
        assertEquals(HEIGHT, mask.getHeight());
        byte[] written = new byte[WIDTH * HEIGHT];
        mask.getRaster().getDataElements(0, 0, WIDTH, HEIGHT, written);
        assertArrayEquals(expectedMask().labels(), written);
    }

    @Test
    void the_json_states_the_precision_that_ran_float32_on_the_cpu_even_when_tf32_was_asked() throws Exception {
        Path out = dir.resolve("mask-precision.png");

        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--out", out.toString(), "--json",
                "--device", "cpu", "--precision", "tf32");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("float32", new ObjectMapper().readTree(run.out()).get("precision").asText());
        assertEquals("segment: ran in float32, not tf32: the CPU engine was chosen", run.err().strip());
    }

    @Test
    void an_unknown_precision_is_a_one_line_usage_error() {
        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--out", dir.resolve("never.png").toString(),
                "--precision", "fp16");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("segment: precision 'fp16': expected float32 or tf32", run.err().strip());
    }

    @Test
    void json_reports_the_foreground_area_of_the_written_mask() throws Exception {
        Path out = dir.resolve("mask-json.png");

        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--out", out.toString(), "--json", "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        JsonNode foreground = report.get("per_class").get(0);
        long expectedArea = 0;
        for (byte label : expectedMask().labels()) {
            expectedArea += label;
        }
        assertEquals(1, foreground.get("label").asInt());
        assertEquals(expectedArea, foreground.get("area_px").asLong());
        long sum = 0;
        for (JsonNode region : foreground.get("regions")) {
            sum += region.get("area_px").asLong();
            assertTrue(region.get("bbox").get("width").asInt() >= 1);
        }
        assertEquals(expectedArea, sum);
        assertEquals(foreground.get("regions").size(), foreground.get("components").asInt());
        assertTrue(report.get("pixel_spacing_mm").isNull());
        assertEquals("sigmoid probabilities", report.get("scores").asText());
    }

    @Test
    void a_dicom_frame_is_segmented_at_its_size_with_areas_in_square_millimetres() throws Exception {
        Path ct = SyntheticCtSeries.write(dir.resolve("ct"), 1, 96, 128).get(0);
        Path out = dir.resolve("ct-mask.png");

        Run run = run(ct.toString(), "--model", checkpoint.toString(), "--out", out.toString(), "--json", "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        BufferedImage mask = ImageIO.read(out.toFile());
        assertEquals(128, mask.getWidth());
        assertEquals(96, mask.getHeight());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals(0.9765625, report.get("pixel_spacing_mm").get(0).asDouble());
        JsonNode foreground = report.get("per_class").get(0);
        double pixelArea = 0.9765625 * 0.9765625;
        assertEquals(foreground.get("area_px").asLong() * pixelArea, foreground.get("area_mm2").asDouble(), 1e-9);
        for (JsonNode region : foreground.get("regions")) {
            assertEquals(region.get("area_px").asLong() * pixelArea, region.get("area_mm2").asDouble(), 1e-9);
        }
    }

    @Test
    void a_model_card_beside_the_checkpoint_sets_the_input_size_and_the_threshold() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("carded"));
        Path carded = Files.copy(checkpoint, folder.resolve("tiny.pth"));
        Files.writeString(folder.resolve("card.json"), """
                {"id": "tiny-lesion", "name": "Tiny lesion (test)", "task": "segmentation", "architecture": "vmunet",
                 "checkpoint": "tiny.pth", "sha256": "%s", "input_size": [64, 64], "labels": ["lesion"],
                 "preprocessing": {"resize": "bilinear", "normalize": "vmunet-isic", "antialias": false},
                 "threshold": 0.3, "demo": true}
                """.formatted(sha256(carded)));
        Path out = dir.resolve("carded.png");

        Run run = run(photo.toString(), "--model", carded.toString(), "--out", out.toString(), "--json", "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals("tiny-lesion", report.get("model_card").asText());
        assertEquals(0.3, report.get("threshold").asDouble(), 1e-6);
        assertEquals(64, report.get("network_size").get("width").asInt());
        BufferedImage mask = ImageIO.read(out.toFile());
        byte[] written = new byte[WIDTH * HEIGHT];
        mask.getRaster().getDataElements(0, 0, WIDTH, HEIGHT, written);
        float[] input = VmUnetPreprocessing.ISIC2018.withSize(64, 64).apply(photoPixels());
        assertArrayEquals(expectedMask(input, 64, 0.3f).labels(), written);
    }

    @Test
    void an_npy_tensor_is_fed_as_it_is_and_the_npy_output_is_the_official_one() throws Exception {
        Path out = dir.resolve("probabilities.npy");

        Run run = run(resource("/fixtures/vmunet_tiny_binary.input.npy").toString(), "--model", checkpoint.toString(),
                "--out", out.toString(), "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        NpyArray written = Npy.read(out);
        NpyArray golden = Npy.read(resource("/fixtures/vmunet_tiny_binary.output.npy"));
        assertArrayEquals(new long[] {1, 64, 64}, written.shape());
        assertArrayEquals(golden.data(), written.data(), 1e-4f);
    }

    @Test
    void an_image_that_cannot_be_read_exits_3_naming_the_file() throws Exception {
        Path broken = dir.resolve("broken.png");
        Files.writeString(broken, "not an image");

        Run run = run(broken.toString(), "--model", checkpoint.toString(), "--out", dir.resolve("x.png").toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertTrue(run.err().contains("broken.png"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void a_file_that_is_not_a_checkpoint_exits_3_naming_it() throws Exception {
        Path notACheckpoint = dir.resolve("weights.pth");
        Files.writeString(notACheckpoint, "plain text");

        Run run = run(photo.toString(), "--model", notACheckpoint.toString(), "--out", dir.resolve("y.png").toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertTrue(run.err().startsWith("weights.pth"), run.err());
    }

    @Test
    void an_output_that_is_neither_png_nor_npy_is_a_usage_error() {
        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--out", dir.resolve("mask.jpg").toString());

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains(".png") && run.err().contains(".npy"), run.err());
    }

    @Test
    void a_threshold_outside_zero_to_one_is_a_usage_error() {
        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--out", dir.resolve("t.png").toString(),
                "--threshold", "1.5");

        assertEquals(ExitCodes.USAGE, run.exitCode());
    }

    /** The same pipeline through the library: ISIC preprocessing, the network, resize and threshold. */
    private static LabelMask expectedMask() throws IOException {
        return expectedMask(VmUnetPreprocessing.ISIC2018.apply(photoPixels()), 256, MaskDecoding.DEFAULT_THRESHOLD);
    }

    private static LabelMask expectedMask(float[] input, int side, float threshold) {
        try (VmUnet model = VmUnet.load(checkpoint); Parallel parallel = new Parallel(2); CpuSimdScan scan = new CpuSimdScan(2)) {
            ScoreMap scores = model.segment(input, 3, side, side, new ComputeContext(parallel, scan));
            return MaskDecoding.toLabels(scores, threshold, WIDTH, HEIGHT);
        }
    }

    /** The card must name the checkpoint's SHA-256: the command line verifies it as the viewer does. */
    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));
    }

    private static ByteImage photoPixels() throws IOException {
        BufferedImage img = ImageIO.read(photo.toFile());
        byte[] rgb = new byte[3 * WIDTH * HEIGHT];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int p = img.getRGB(x, y);
                int i = 3 * (y * WIDTH + x);
                rgb[i] = (byte) (p >> 16);
                rgb[i + 1] = (byte) (p >> 8);
                rgb[i + 2] = (byte) p;
            }
        }
        return new ByteImage(WIDTH, HEIGHT, 3, rgb);
    }

    private static Run run(String... args) {
        CommandLine cl = RadMambaCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(prepend("segment", args));
        return new Run(code, out.toString(), err.toString());
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(SegmentCommandTest.class.getResource(name).toURI());
    }
}
