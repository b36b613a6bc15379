package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.medmamba.MedMamba;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.preprocess.ClassificationPreprocessing;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifyCommandTest {

    @TempDir
    static Path dir;

    private static Path checkpoint;
    private static Path photo;

    private record Run(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void inputs() throws Exception {
        checkpoint = resource("/checkpoints/medmamba_tiny.pth");
        photo = dir.resolve("skin.png");
        BufferedImage img = new BufferedImage(90, 70, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 70; y++) {
            for (int x = 0; x < 90; x++) {
                img.setRGB(x, y, ((x * 3) % 256) << 16 | ((y * 5) % 256) << 8 | (x * y) % 256);
            }
        }
        ImageIO.write(img, "png", photo.toFile());
    }

    @Test
    void a_tensor_is_fed_as_it_is_and_its_logits_are_the_golden_ones() throws Exception {
        Run run = run(resource("/fixtures/medmamba_tiny.input.npy").toString(), "--model", checkpoint.toString(),
                "--json", "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode results = new ObjectMapper().readTree(run.out()).get("results");
        NpyArray golden = Npy.read(resource("/fixtures/medmamba_tiny.output.npy"));
        assertEquals(2, results.size());
        for (int b = 0; b < 2; b++) {
            JsonNode logits = results.get(b).get("logits");
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                assertEquals(golden.data()[b * 3 + c], logits.get(c).floatValue(), 1e-4 * 3);
                sum += results.get(b).get("probabilities").get("class " + c).asDouble();
            }
            assertEquals(1.0, sum, 1e-9);
        }
    }

    @Test
    void a_photograph_is_preprocessed_as_in_training_and_ranked_with_its_labels() throws Exception {
        Path labels = dir.resolve("labels.json");
        Files.writeString(labels, "{\"0\": \"naevus\", \"1\": \"melanoma\", \"2\": \"keratosis\"}");

        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--labels", labels.toString(), "--top", "2",
                "--json", "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode result = new ObjectMapper().readTree(run.out()).get("results").get(0);
        assertEquals(2, result.get("top").size());
        float[] expected = expectedLogits();
        int best = 0;
        for (int c = 0; c < 3; c++) {
            assertEquals(expected[c], result.get("logits").get(c).floatValue(), 1e-5);
            best = expected[c] > expected[best] ? c : best;
        }
        assertEquals(new String[] {"naevus", "melanoma", "keratosis"}[best], result.get("top").get(0).get("label").asText());
    }

    @Test
    void cuda_asked_for_on_a_machine_without_a_usable_gpu_is_an_error_with_the_engine_choices_reason() {
        String reason;
        try {
            org.radmamba.app.ai.GpuProbe.driver().probe();
            org.junit.jupiter.api.Assumptions.abort("a CUDA device answers here: the GPU engine would serve it");
            return;
        } catch (org.radmamba.inference.cuda.CudaUnavailableException e) {
            reason = e.getMessage();
        }
        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--device", "cuda");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode(), run.err());
        assertEquals("CUDA was asked for but cannot run: " + reason, run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void the_json_states_float32_the_default_precision() throws Exception {
        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--json", "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("float32", new ObjectMapper().readTree(run.out()).get("precision").asText());
        assertEquals("", run.err());
    }

    @Test
    void tf32_on_the_cpu_engine_runs_float32_says_so_on_stderr_and_the_json_states_what_ran() throws Exception {
        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--json", "--device", "cpu",
                "--precision", "tf32");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("float32", new ObjectMapper().readTree(run.out()).get("precision").asText());
        assertEquals("classify: ran in float32, not tf32: the CPU engine was chosen", run.err().strip());
    }

    @Test
    void an_unknown_precision_is_a_one_line_usage_error() {
        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--precision", "bogus");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("classify: precision 'bogus': expected float32 or tf32", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void plain_output_lists_the_top_classes_and_says_it_is_not_a_diagnosis() {
        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--top", "2", "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(2, run.out().lines().filter(l -> l.contains("% ") && l.contains("class ")).count(), run.out());
        assertTrue(run.out().contains("not for diagnosis"));
    }

    @Test
    void a_card_beside_the_checkpoint_for_segmentation_is_refused_in_one_line() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("segmenter-card"));
        Path weights = Files.copy(resource("/checkpoints/vmunet_tiny_binary.pth"), folder.resolve("tiny.pth"));
        Files.writeString(folder.resolve("card.json"), """
                {"id": "tiny-lesion", "name": "Tiny lesion (test)", "task": "segmentation", "architecture": "vmunet",
                 "checkpoint": "tiny.pth", "sha256": "%s", "input_size": [64, 64], "labels": ["lesion"],
                 "preprocessing": {"resize": "bilinear", "normalize": "vmunet-isic"}}
                """.formatted("0".repeat(64)));

        Run run = run(photo.toString(), "--model", weights.toString(), "--device", "cpu");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals(weights + ": the card beside it describes a segmentation model (tiny-lesion), not a"
                + " classification model", run.err().strip());
    }

    @Test
    void a_card_whose_hash_differs_from_the_checkpoint_is_refused_as_in_the_viewer() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("wrong-hash"));
        Path weights = Files.copy(checkpoint, folder.resolve("tiny.pth"));
        Files.writeString(folder.resolve("card.json"), """
                {"id": "tiny", "name": "Tiny (test)", "task": "classification", "architecture": "medmamba",
                 "checkpoint": "tiny.pth", "sha256": "%s", "input_size": [32, 32], "labels": ["a", "b", "c"],
                 "preprocessing": {"resize": "bilinear", "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5]}}
                """.formatted("0".repeat(64)));

        Run run = run(photo.toString(), "--model", weights.toString(), "--device", "cpu");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("differs from the card's " + "0".repeat(64)), run.err());
    }

    @Test
    void a_checkpoint_that_does_not_fit_is_one_line_naming_the_file_and_key() throws Exception {
        Path vmunet = dir.resolve("not_medmamba.pth");
        Files.copy(resource("/checkpoints/vmunet_tiny_binary.pth"), vmunet);

        Run run = run(photo.toString(), "--model", vmunet.toString(), "--device", "cpu");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("not_medmamba.pth") && run.err().contains("'patch_embed.proj.weight'"), run.err());
    }

    @Test
    void labels_that_do_not_match_the_classes_are_refused() throws Exception {
        Path labels = dir.resolve("two.json");
        Files.writeString(labels, "[\"a\", \"b\"]");

        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--labels", labels.toString(), "--device", "cpu");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertTrue(run.err().contains("two.json") && run.err().contains("3 classes"), run.err());
    }

    @Test
    void a_labels_file_that_is_not_json_is_refused_in_one_line_naming_it() throws Exception {
        Path labels = dir.resolve("broken.json");
        Files.writeString(labels, "[\"a\", ");

        Run run = run(photo.toString(), "--model", checkpoint.toString(), "--labels", labels.toString(), "--device", "cpu");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith(labels.toString()) && run.err().contains("not readable as JSON"), run.err());
    }

    @Test
    void an_unreadable_image_is_reported_by_name_and_the_others_still_classified() throws Exception {
        Path junk = dir.resolve("junk.png");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5});

        Run run = run(junk.toString(), photo.toString(), "--model", checkpoint.toString(), "--device", "cpu");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertTrue(run.err().contains("junk.png"), run.err());
        assertTrue(run.out().contains("skin.png"), run.out());
    }

    private static float[] expectedLogits() throws Exception {
        BufferedImage img = ImageIO.read(photo.toFile());
        byte[] rgb = new byte[90 * 70 * 3];
        for (int y = 0; y < 70; y++) {
            for (int x = 0; x < 90; x++) {
                int v = img.getRGB(x, y);
                int i = (y * 90 + x) * 3;
                rgb[i] = (byte) (v >> 16);
                rgb[i + 1] = (byte) (v >> 8);
                rgb[i + 2] = (byte) v;
            }
        }
        float[] input = ClassificationPreprocessing.MEDMAMBA.apply(new ByteImage(90, 70, 3, rgb));
        try (MedMamba model = MedMamba.load(checkpoint); Parallel parallel = new Parallel(2); CpuSimdScan scan = new CpuSimdScan(2)) {
            return model.run(input, 1, 224, 224, new ComputeContext(parallel, scan));
        }
    }

    @Test
    void a_model_card_beside_the_checkpoint_sets_the_input_size_and_the_labels() throws Exception {
        // The demo classifier takes 128x128 (its card); held-out image 002 is an effusion it gets right.
        Path demo = Path.of("..", "models", "demo", "medmamba-chest-phantom-demo");
        Run run = run(demo.resolve("heldout/002.png").toString(), "--model",
                demo.resolve("medmamba_chest_phantom_demo.pth").toString(), "--json", "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode top = new ObjectMapper().readTree(run.out()).get("results").get(0).get("top").get(0);
        assertEquals("effusion", top.get("label").asText(), run.out());
    }

    @Test
    void a_dicom_frame_is_classified_as_it_is_displayed_with_its_window() throws Exception {
        // The CT's modality LUT and first window give the display pixels that `export --format png` writes; the
        // classifier must see exactly those, replicated to three channels.
        Path ct = SyntheticCtSeries.write(dir.resolve("ct"), 1, 96, 128).get(0);
        Path shown = dir.resolve("ct-as-shown.png");
        InfoCommandTest.Run export = InfoCommandTest.run("export", ct.toString(), "--format", "png", "--out", shown.toString());
        assertEquals(ExitCodes.OK, export.exitCode(), export.err());

        Run dicom = run(ct.toString(), "--model", checkpoint.toString(), "--json", "--device", "cpu");
        Run png = run(shown.toString(), "--model", checkpoint.toString(), "--json", "--device", "cpu");

        assertEquals(ExitCodes.OK, dicom.exitCode(), dicom.err());
        JsonNode fromDicom = new ObjectMapper().readTree(dicom.out()).get("results").get(0);
        JsonNode fromPng = new ObjectMapper().readTree(png.out()).get("results").get(0);
        assertEquals(ct.toString(), fromDicom.get("image").asText());
        for (int c = 0; c < 3; c++) {
            assertEquals(fromPng.get("logits").get(c).floatValue(), fromDicom.get("logits").get(c).floatValue(), 1e-6);
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = org.radmamba.app.cli.RadMambaCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "classify";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cl.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(ClassifyCommandTest.class.getResource(name).toURI());
    }
}
