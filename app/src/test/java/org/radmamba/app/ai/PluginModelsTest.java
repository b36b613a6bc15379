package org.radmamba.app.ai;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.ScanDevice;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelection;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The library's models get their networks through the plugin registry, like a plugin's would. */
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
                     ScanDevicePreference.AUTO, 4, Runnable::run, 2, plugins)) {
            byte[] grey = new byte[48 * 40];
            for (int i = 0; i < grey.length; i++) {
                grey[i] = (byte) (i * 7);
            }
            AiImage image = new AiImage("grey", new ByteImage(48, 40, 1, grey), Optional.empty());
            InferenceService.Job job = service.submit("image", model, List.of(ImageSource.of(image, "grey")),
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
}
