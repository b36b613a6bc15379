package org.radmamba.app.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.cli.RadMambaCommand;
import org.radmamba.app.plugin.PluginJars;
import org.radmamba.app.plugin.PluginPictureFormats;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.picture.PictureFormats;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.StudyScanner;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The viewer and the command line run a model the same way, so they give the same numbers: each image goes through
 * the viewer's entry point (an {@link ImageSource} of {@link ViewerImages}, run by the {@link InferenceService} as the
 * AI panel does; no screen needed) and through {@code radmamba classify} / {@code radmamba segment}, and the
 * probabilities and mask pixels must be equal, not merely close. Inputs: the demo models' held-out photographs, a
 * synthetic CT frame (DICOM, rendered with its window), and a plugin's architecture loaded from a plugin folder.
 */
class FrontEndsAgreeTest {

    private static final Path DEMO = Path.of("..", "models", "demo");

    @TempDir
    static Path temp;

    @Test
    void the_demo_classifier_gives_the_same_probabilities_in_the_viewer_and_on_the_command_line() throws Exception {
        Path ct = SyntheticCtSeries.write(temp.resolve("ct-classify"), 1, 96, 128).get(0);
        Path folder = DEMO.resolve(DemoModelsTest.CLASSIFIER);
        Path checkpoint = folder.resolve("medmamba_chest_phantom_demo.pth");
        for (Path image : List.of(folder.resolve("heldout/002.png"), ct)) {
            ClassificationResult viewer = (ClassificationResult) viewerRun(bundled(DemoModelsTest.CLASSIFIER),
                    image, PluginRegistry.builtIns());
            assertCommandLineAgrees(viewer, cli("classify", image.toString(), "--model", checkpoint.toString(),
                    "--json", "--device", "cpu", "--no-plugins"));
        }
    }

    @Test
    void the_demo_segmenter_gives_the_same_mask_in_the_viewer_and_on_the_command_line() throws Exception {
        Path ct = SyntheticCtSeries.write(temp.resolve("ct-segment"), 1, 96, 128).get(0);
        Path folder = DEMO.resolve(DemoModelsTest.SEGMENTER);
        Path checkpoint = folder.resolve("vmunet_lesion_demo.pth");
        Path heldout = Files.list(folder.resolve("heldout")).filter(p -> p.toString().endsWith(".png"))
                .filter(p -> !p.getFileName().toString().contains("mask")).sorted().findFirst().orElseThrow();
        int n = 0;
        for (Path image : List.of(heldout, ct)) {
            SegmentationResult viewer = (SegmentationResult) viewerRun(bundled(DemoModelsTest.SEGMENTER),
                    image, PluginRegistry.builtIns());
            Path mask = temp.resolve("mask-" + n++ + ".png");
            Run run = cli("segment", image.toString(), "--model", checkpoint.toString(), "--out", mask.toString(),
                    "--device", "cpu", "--no-plugins");
            assertEquals(ExitCodes.OK, run.exitCode(), run.err());
            BufferedImage written = ImageIO.read(mask.toFile());
            byte[] labels = new byte[written.getWidth() * written.getHeight()];
            written.getRaster().getDataElements(0, 0, written.getWidth(), written.getHeight(), labels);
            assertEquals(viewer.mask().width(), written.getWidth());
            assertEquals(viewer.mask().height(), written.getHeight());
            assertArrayEquals(viewer.mask().labels(), labels, image.toString());
        }
    }

    @Test
    void a_plugins_architecture_gives_the_same_probabilities_in_the_viewer_and_on_the_command_line() throws Exception {
        Path pluginFolder = temp.resolve("plugins");
        PluginJars.example(pluginFolder, "radmamba-plugin-example.jar");
        Path modelFolder = PluginModelsTest.installMeanColourModel(temp.resolve("models"), "mean-colour",
                "example.model.mean-colour");
        Path image = temp.resolve("colours.png");
        BufferedImage picture = new BufferedImage(20, 14, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 14; y++) {
            for (int x = 0; x < 20; x++) {
                picture.setRGB(x, y, (x * 12) << 16 | (y * 18) << 8 | (x + y) * 6);
            }
        }
        ImageIO.write(picture, "png", image.toFile());
        try (PluginRegistry plugins = PluginRegistry.discover(getClass().getClassLoader(), pluginFolder)) {
            ModelEntry model = new ModelLibrary(temp.resolve("models"), new ClassLoader(null) { }, plugins)
                    .require("mean-colour");
            ClassificationResult viewer = (ClassificationResult) viewerRun(model, image, plugins);
            assertCommandLineAgrees(viewer, cli("classify", image.toString(), "--model",
                    modelFolder.resolve("weights.bin").toString(), "--json", "--device", "cpu",
                    "--plugins", pluginFolder.toString()));
        }
    }

    /** A demo model as the viewer's library offers it (from the class path, no user models). */
    private static ModelEntry bundled(String id) throws ModelException {
        return new ModelLibrary(temp.resolve("no-user-models"), FrontEndsAgreeTest.class.getClassLoader()).require(id);
    }

    /**
     * The probabilities and logits of the command line's JSON, label by label, bit-equal to the viewer's: the CPU
     * engine gives the same bits run to run (MedMambaRepeatabilityTest), so any difference is a real one.
     */
    private static void assertCommandLineAgrees(ClassificationResult viewer, Run run) throws Exception {
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode result = new ObjectMapper().readTree(run.out()).get("results").get(0);
        for (int c = 0; c < viewer.labels().size(); c++) {
            assertEquals(viewer.probabilities()[c], result.get("probabilities").get(viewer.labels().get(c)).doubleValue(),
                    viewer.imageId() + ": " + viewer.labels().get(c));
            assertEquals(viewer.logits()[c], result.get("logits").get(c).floatValue(),
                    viewer.imageId() + ": logit " + c);
        }
    }

    /** One image as the viewer's AI panel runs it: read as displayed, then a job of the inference service. */
    private static AiResult viewerRun(ModelEntry model, Path file, PluginRegistry plugins) throws Exception {
        PictureFormats pictures = new PluginPictureFormats(plugins);
        Instance instance = new StudyScanner(pictures).scan(List.of(file)).instances().getFirst();
        ImageSource source = new ViewerImages(new ImageLoader(pictures)).source(instance, 0, Optional.empty());
        try (InferenceService service = new InferenceService(ScanDevicePreference.parse("cpu"), 1, plugins)) {
            InferenceService.Job job = InferenceJobs.submit(service, "agreement", model, List.of(source), new InferenceService.Listener() { });
            List<AiResult> results = InferenceService.await(job, 300);
            assertEquals(List.of(), job.failures());
            return results.getFirst();
        }
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = RadMambaCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
