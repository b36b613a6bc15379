package org.radmamba.app.plugin;

import org.radmamba.app.ViewerWithoutDemo;
import javafx.scene.control.Button;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ai.InferenceService;
import org.radmamba.app.ai.ModelLibrary;
import org.radmamba.app.gui.AiWindow;
import org.radmamba.app.gui.plugins.PluginToolsPane;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.plugins.api.ToolResult;
import org.radmamba.viewer.dicom.pixelmed.PixelMedDicomReader;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.fx.view.MainWindow;
import org.radmamba.viewer.picture.PictureFormats;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.InstanceKind;
import org.radmamba.viewer.study.StudyScanner;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PGM opened in the real main window (headless Monocle), wired as {@code ViewerApplication} wires it: with the
 * example plugin in the plugin folder, its image source reads the file through the viewer's picture port and the
 * window shows its pixels (and the plugin's histogram measures them); without it, the file is listed as a failure
 * saying no enabled plugin reads .pgm files.
 */
@ExtendWith(ApplicationExtension.class)
class PluginPicturesFxTest {

    @TempDir
    Path temp;

    private Stage stage;
    private FxTaskExecutor executor;
    private ViewerViewModel viewModel;
    private MainWindow window;
    private AiWindow ai;
    private PluginRegistry registry;

    /** 8 x 5: value (x * 30 + y * 7) % 256. */
    private static final int W = 8;
    private static final int H = 5;

    private static int value(int x, int y) {
        return (x * 30 + y * 7) % 256;
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        executor = new FxTaskExecutor(2);
    }

    @AfterEach
    void stop() throws Exception {
        if (ai != null) {
            ai.close();
        }
        if (registry != null) {
            registry.close();
        }
        executor.close();
        FxToolkit.cleanupStages();
    }

    private static <T> T onFx(Callable<T> work) throws Exception {
        return WaitForAsyncUtils.asyncFx(work).get(30, TimeUnit.SECONDS);
    }

    /** The main window with the plugins of {@code folder}, wired as the app does. */
    private PluginToolsPane openWindow(Path folder) throws Exception {
        registry = PluginRegistry.discover(getClass().getClassLoader(), folder);
        PictureFormats pictures = new PluginPictureFormats(registry);
        return onFx(() -> {
            viewModel = ViewerWithoutDemo.viewModel(new DicomStudyService(new StudyScanner(pictures), new ImageLoader(pictures),
                    new PixelMedDicomReader()), executor);
            window = new MainWindow(viewModel);
            stage.setScene(window.createScene(1200, 780));
            stage.show();
            ai = new AiWindow(window, new ImageLoader(pictures), new InferenceService(ScanDevicePreference.AUTO, 4,
                    registry), new ModelLibrary(temp.resolve("no-user-models"),
                    getClass().getClassLoader(), registry));
            return PluginToolsPane.dock(window, registry, ai::imageOnScreen, folder);
        });
    }

    private Path pgm() throws IOException {
        byte[] header = ("P5\n" + W + " " + H + "\n255\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(header, header.length + W * H);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                all[header.length + y * W + x] = (byte) value(x, y);
            }
        }
        return Files.write(temp.resolve("ramp.pgm"), all);
    }

    private void open(Path file) throws Exception {
        onFx(() -> {
            viewModel.open(List.of(file));
            return null;
        });
    }

    @Test
    void with_the_example_plugin_a_pgm_shows_with_its_pixel_values_and_the_histogram_measures_them() throws Exception {
        Path folder = temp.resolve("plugins");
        PluginJars.example(folder, "radmamba-plugin-example.jar");
        PluginToolsPane tools = openWindow(folder);
        open(pgm());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> viewModel.viewport(0).imageProperty().get() != null);

        assertEquals(List.of(), onFx(() -> List.copyOf(viewModel.failures())));
        assertEquals(InstanceKind.PHOTOGRAPH, onFx(() -> viewModel.viewport(0).instanceProperty().get().kind()));
        WritableImage shown = onFx(() -> viewModel.viewport(0).imageProperty().get());
        assertEquals(W, (int) shown.getWidth());
        assertEquals(H, (int) shown.getHeight());
        PixelReader pixels = shown.getPixelReader();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int argb = pixels.getArgb(x, y);
                int v = value(x, y);
                assertEquals(0xFF000000 | v << 16 | v << 8 | v, argb, "pixel (" + x + ", " + y + ")");
            }
        }

        onFx(() -> {
            ((Button) window.lookup("#" + PluginToolsPane.buttonId("example.tool.histogram"))).fire();
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(tools::lastResult) != null);
        ToolResult histogram = onFx(tools::lastResult);
        double[] bins = histogram.series().getFirst().values();
        double[] expected = new double[256];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                expected[value(x, y)]++;
            }
        }
        assertTrue(Arrays.equals(expected, bins), "the histogram counts the PGM's grey levels");
    }

    @Test
    void without_the_plugin_the_pgm_is_listed_as_a_failure_saying_no_plugin_reads_it() throws Exception {
        openWindow(temp.resolve("empty-plugin-folder"));
        Path file = pgm();
        open(file);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> !viewModel.failures().isEmpty()));
        List<FailedFile> failures = onFx(() -> List.copyOf(viewModel.failures()));
        assertEquals(1, failures.size());
        assertEquals(file.toAbsolutePath() + ": is not a DICOM file or a photograph (PNG, JPEG, BMP, TIFF), and no"
                + " enabled plugin reads .pgm files", failures.getFirst().message());
        assertEquals(null, onFx(() -> viewModel.viewport(0).imageProperty().get()));
    }
}
