package org.radmamba.app.ai;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.radmamba.app.plugin.PluginJars;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.app.plugin.testplugins.ThrowingToolPlugin;
import org.radmamba.app.plugin.testplugins.WrongApiPlugin;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.ScanDevice;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelection;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The library's models get their networks through the plugin registry: the built-ins, and a plugin's architecture
 * named by a card (the example plugin's mean-colour classifier, loaded from a plugin folder).
 */
class PluginModelsTest {

    @TempDir
    static Path temp;

    private static CpuSimdScan scan;

    @BeforeAll
    static void engine() {
        scan = new CpuSimdScan();
    }

    @AfterAll
    static void release() {
        scan.close();
    }

    @Test
    void with_an_empty_plugin_folder_the_built_in_classifier_runs_through_the_registry() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(temp.resolve("models"));
        try (PluginRegistry plugins = PluginRegistry.discover(getClass().getClassLoader(), temp.resolve("no-plugins"));
             InferenceService service = new InferenceService(p -> new ScanSelection(scan, ScanDevice.CPU, "CPU: test"),
                     ScanDevicePreference.AUTO, 4, 2, plugins)) {
            byte[] grey = new byte[48 * 40];
            for (int i = 0; i < grey.length; i++) {
                grey[i] = (byte) (i * 7);
            }
            AiImage image = new AiImage("grey", new ByteImage(48, 40, 1, grey), Optional.empty());
            InferenceService.Job job = InferenceJobs.submit(service, "image", model, List.of(ImageSource.of(image, "grey")),
                    new InferenceService.Listener() { });
            List<AiResult> results = InferenceService.await(job, 120);
            assertEquals(List.of(), job.failures());
            ClassificationResult result = (ClassificationResult) results.getFirst();
            assertEquals(List.of("normal", "nodule", "effusion"), result.labels());
            assertEquals(1.0, result.probabilities()[0] + result.probabilities()[1] + result.probabilities()[2], 1e-5);
        }
    }

    @Test
    void without_the_built_in_plugin_in_the_registry_a_model_cannot_be_opened() throws Exception {
        ModelEntry model = TestModels.tinySegmenter(temp.resolve("models-2"));
        try (URLClassLoader empty = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
             PluginRegistry none = PluginRegistry.discover(empty, null)) {
            assertEquals(List.of(), none.plugins());
            ModelException e = assertThrows(ModelException.class, () -> LoadedModel.open(model, none));
            assertEquals("no plugin offers radmamba.model.vmunet", e.getMessage());
        }
        try (LoadedModel loaded = LoadedModel.open(model, PluginRegistry.builtIns())) {
            assertEquals(1, loaded.network().classes());
        }
    }

    // ---- a plugin's architecture named by a card ----

    /** Weights (3 classes x mean R, G, B) and biases of the mean-colour checkpoint the tests write. */
    private static final float[][] W = {{2, 0, -1}, {-1, 3, 0}, {0, 0, 5}};
    private static final float[] B = {0.1f, 0, -0.5f};

    /**
     * A library model in {@code userFolder}: the example plugin's mean-colour classifier with the checkpoint format
     * its docs describe (MEANLIN1, k, W, b; big-endian), and a card naming {@code architecture}. The transform is
     * v/255 with mean 0 and std 1, so the network sees the colour in [0, 1].
     */
    static Path installMeanColourModel(Path userFolder, String id, String architecture) throws IOException {
        Path folder = Files.createDirectories(userFolder.resolve(id));
        Path weights = folder.resolve("weights.bin");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(weights))) {
            out.writeBytes("MEANLIN1");
            out.writeInt(B.length);
            for (float[] row : W) {
                for (float w : row) {
                    out.writeFloat(w);
                }
            }
            for (float b : B) {
                out.writeFloat(b);
            }
        }
        ObjectNode pre = ModelCard.JSON.createObjectNode();
        pre.put("resize", "bilinear");
        pre.putArray("mean").add(0.0).add(0.0).add(0.0);
        pre.putArray("std").add(1.0).add(1.0).add(1.0);
        ModelCard card = new ModelCard(id, "Mean colour (plugin)", ModelTask.CLASSIFICATION,
                ArchitectureId.parse(architecture), "weights.bin", Sha256.of(weights), Files.size(weights), 12L,
                List.of(8, 8), pre, List.of("red", "green", "blue"), null, true, "tests", "written by the test", null, null);
        Files.writeString(folder.resolve(ModelCard.FILE_NAME), card.toJson());
        return folder;
    }

    /** A 16 x 12 image of one colour. */
    private static AiImage uniform(int r, int g, int b) {
        byte[] rgb = new byte[16 * 12 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) r;
            rgb[i + 1] = (byte) g;
            rgb[i + 2] = (byte) b;
        }
        return new AiImage("uniform-" + r + "-" + g + "-" + b, new ByteImage(16, 12, 3, rgb), Optional.empty());
    }

    /** The softmax of W m + b, computed here on its own. */
    private static double[] expectedProbabilities(double... mean) {
        double[] logits = new double[B.length];
        double sum = 0;
        for (int j = 0; j < B.length; j++) {
            logits[j] = B[j];
            for (int c = 0; c < 3; c++) {
                logits[j] += W[j][c] * mean[c];
            }
        }
        double max = Arrays.stream(logits).max().orElseThrow();
        double[] p = new double[logits.length];
        for (int j = 0; j < p.length; j++) {
            p[j] = Math.exp(logits[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < p.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /** A library of the user's models only (no demo models: a class loader without resources). */
    private static ModelLibrary library(Path userFolder, PluginRegistry plugins) {
        return new ModelLibrary(userFolder, new ClassLoader(null) { }, plugins);
    }

    @Test
    void a_card_naming_the_example_plugins_architecture_runs_through_the_registry_and_inference_service() throws Exception {
        Path pluginFolder = temp.resolve("mean-plugins");
        PluginJars.example(pluginFolder, "radmamba-plugin-example.jar");
        Path userModels = temp.resolve("mean-models");
        installMeanColourModel(userModels, "mean-colour", "example.model.mean-colour");
        try (PluginRegistry plugins = PluginRegistry.discover(getClass().getClassLoader(), pluginFolder);
             InferenceService service = new InferenceService(p -> new ScanSelection(scan, ScanDevice.CPU, "CPU: test"),
                     ScanDevicePreference.AUTO, 4, 2, plugins)) {
            ModelLibrary.Listing listing = library(userModels, plugins).list();
            assertEquals(List.of(), listing.problems());
            ModelEntry model = listing.find("mean-colour").orElseThrow();
            assertTrue(model.runnable(), model.problem());
            assertEquals("example.model.mean-colour", model.card().architecture().extensionId());
            assertEquals(Optional.empty(), model.card().architecture().builtIn());

            InferenceService.Job job = InferenceJobs.submit(service, "two colours", model,
                    List.of(ImageSource.of(uniform(255, 0, 51), "pink"), ImageSource.of(uniform(0, 102, 255), "blue")),
                    new InferenceService.Listener() { });
            List<AiResult> results = InferenceService.await(job, 60);
            assertEquals(List.of(), job.failures());
            assertEquals(2, results.size());
            ClassificationResult pink = (ClassificationResult) results.get(0);
            ClassificationResult blue = (ClassificationResult) results.get(1);
            assertEquals(List.of("red", "green", "blue"), pink.labels());
            assertEquals("mean-colour", pink.modelId());
            // Mean colours (1, 0, 0.2) and (0, 0.4, 1): logits (1.9, -1, 0.5) and (-0.9, 1.2, 4.5).
            assertArrayEquals(expectedProbabilities(1, 0, 0.2), pink.probabilities(), 1e-5);
            assertArrayEquals(expectedProbabilities(0, 0.4, 1), blue.probabilities(), 1e-5);
            assertEquals(0, argmax(pink.probabilities()));
            assertEquals(2, argmax(blue.probabilities()));
            assertArrayEquals(new float[] {1.9f, -1f, 0.5f}, pink.logits(), 1e-5f);
        }
    }

    @Test
    void a_plugins_architecture_keeps_the_cpu_engine_on_a_usable_gpu_and_says_why() throws Exception {
        Path pluginFolder = temp.resolve("mean-plugins-gpu");
        PluginJars.example(pluginFolder, "radmamba-plugin-example.jar");
        Path userModels = temp.resolve("mean-models-gpu");
        installMeanColourModel(userModels, "mean-colour", "example.model.mean-colour");
        GpuDevice h100 = new GpuDevice("NVIDIA H100 80GB HBM3", 9, 0, 80L << 30, 78L << 30);
        try (PluginRegistry plugins = PluginRegistry.discover(getClass().getClassLoader(), pluginFolder);
             InferenceService service = new InferenceService(p -> new ScanSelection(scan, ScanDevice.CPU, "CPU: test"),
                     () -> h100, (weights, precision) -> {
                         throw new AssertionError("a plugin's network is not loaded on the device");
                     }, ScanDevicePreference.AUTO, 4, 2, plugins)) {
            ModelEntry model = library(userModels, plugins).list().find("mean-colour").orElseThrow();
            InferenceService.Job job = InferenceJobs.submit(service, "pink", model,
                    List.of(ImageSource.of(uniform(255, 0, 51), "pink")), new InferenceService.Listener() { });
            List<AiResult> results = InferenceService.await(job, 60);

            assertEquals(List.of(), job.failures());
            assertEquals("Engine: CPU (float32) — the plugin architecture example.model.mean-colour runs on the CPU engine only;"
                    + " the GPU engine runs the built-in MedMamba and VM-UNet", service.engine().orElseThrow().text());
            assertArrayEquals(new float[] {1.9f, -1f, 0.5f}, ((ClassificationResult) results.getFirst()).logits(), 1e-5f);
        }
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void without_its_plugin_the_model_is_listed_not_runnable_with_the_reason_and_never_queued() throws Exception {
        Path userModels = temp.resolve("orphan-models");
        installMeanColourModel(userModels, "mean-colour", "example.model.mean-colour");
        try (PluginRegistry plugins = PluginRegistry.discover(getClass().getClassLoader(), temp.resolve("no-plugins-here"));
             InferenceService service = new InferenceService(p -> new ScanSelection(scan, ScanDevice.CPU, "CPU: test"),
                     ScanDevicePreference.AUTO, 4, 2, plugins)) {
            ModelLibrary.Listing listing = library(userModels, plugins).list();
            ModelEntry model = listing.find("mean-colour").orElseThrow();
            assertEquals(ModelEntry.HashStatus.VERIFIED, model.hashStatus());
            assertFalse(model.runnable());
            assertEquals("mean-colour cannot run: its architecture example.model.mean-colour comes from the plugin"
                    + " \"example\", which is not installed", model.problem());
            ModelException refused = assertThrows(ModelException.class, () -> InferenceJobs.submit(service, "x", model,
                    List.of(ImageSource.of(uniform(1, 2, 3), "x")), new InferenceService.Listener() { }));
            assertEquals(model.problem(), refused.getMessage());
            ModelException opened = assertThrows(ModelException.class, () -> LoadedModel.open(model, plugins));
            assertEquals("no plugin offers example.model.mean-colour", opened.getMessage());
        }
    }

    @Test
    void a_model_of_a_disabled_plugin_or_of_an_architecture_its_plugin_lacks_is_not_runnable() throws Exception {
        Path pluginFolder = temp.resolve("mixed-plugins");
        PluginJars.example(pluginFolder, "radmamba-plugin-example.jar");
        PluginJars.write(pluginFolder, "future.jar", WrongApiPlugin.class, WrongApiPlugin.class, ThrowingToolPlugin.class);
        Path userModels = temp.resolve("mixed-models");
        installMeanColourModel(userModels, "of-disabled", "wrong-api.model.mean-colour");
        installMeanColourModel(userModels, "of-missing-name", "example.model.resnet");
        installMeanColourModel(userModels, "builtin-spelled-out", "radmamba.model.medmamba");
        try (PluginRegistry plugins = PluginRegistry.discover(getClass().getClassLoader(), pluginFolder)) {
            ModelLibrary.Listing listing = library(userModels, plugins).list();
            assertEquals("of-disabled cannot run: its architecture wrong-api.model.mean-colour comes from the plugin"
                    + " \"wrong-api\" (future.jar), which is disabled: built for plugin API 99; this RadMamba has plugin API 1",
                    listing.find("of-disabled").orElseThrow().problem());
            assertEquals("of-missing-name cannot run: the plugin \"example\" 1.0.0 offers no architecture"
                    + " example.model.resnet (it offers example.model.mean-colour)",
                    listing.find("of-missing-name").orElseThrow().problem());
            // The built-in MedMamba by its full id: available (the weights simply are not MedMamba's).
            ModelEntry builtIn = listing.find("builtin-spelled-out").orElseThrow();
            assertTrue(builtIn.runnable(), builtIn.problem());
            assertEquals(Optional.of(ModelFamily.MEDMAMBA), builtIn.card().architecture().builtIn());
        }
    }

    @Test
    void a_card_whose_architecture_is_neither_built_in_nor_a_plugin_id_is_refused_with_the_forms_it_may_take() throws Exception {
        Path userModels = temp.resolve("bad-models");
        Path folder = installMeanColourModel(userModels, "bad", "example.model.mean-colour");
        Path card = folder.resolve(ModelCard.FILE_NAME);
        Files.writeString(card, Files.readString(card).replace("example.model.mean-colour", "ResNet50"));
        ModelLibrary.Listing listing = library(userModels, PluginRegistry.builtIns()).list();
        assertEquals(List.of(), listing.models());
        assertEquals(List.of(card + ": \"architecture\" must be medmamba, vmunet or a plugin's architecture id"
                + " pluginId.model.name (lower-case letters, digits, '-'), got ResNet50"), listing.problems());
    }

    @Test
    void the_shipped_cards_spelling_of_the_built_ins_reads_and_writes_back_unchanged() throws Exception {
        try (var in = getClass().getClassLoader().getResourceAsStream(ModelLibrary.BUNDLED_ROOT + "/medmamba-chest-phantom-demo/card.json")) {
            if (in == null) {
                throw new IOException("the demo card is not on the class path");
            }
            ModelCard card = ModelCard.read(in, "demo card");
            assertEquals(Optional.of(ModelFamily.MEDMAMBA), card.architecture().builtIn());
            assertEquals("radmamba.model.medmamba", card.architecture().extensionId());
            assertTrue(card.toJson().contains("\"architecture\" : \"medmamba\""), card.toJson());
        }
    }
}
