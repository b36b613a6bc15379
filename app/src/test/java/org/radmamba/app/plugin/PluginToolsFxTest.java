package org.radmamba.app.plugin;

import org.radmamba.app.ViewerWithoutDemo;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ai.InferenceService;
import org.radmamba.app.ai.ModelLibrary;
import org.radmamba.app.gui.AiWindow;
import org.radmamba.app.gui.plugins.PluginToolsPane;
import org.radmamba.app.plugin.testplugins.ThrowingToolPlugin;
import org.radmamba.app.plugin.testplugins.WrongApiPlugin;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.fx.view.MainWindow;
import org.radmamba.viewer.study.ImageLoader;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real main window with the AI panel and the plugin tools docked (headless Monocle): the example plugin, loaded
 * from a plugin folder, measures the photograph on screen and its result is shown; a broken plugin is listed in the
 * plugin panel with its reason; with no plugins the window still works.
 */
@ExtendWith(ApplicationExtension.class)
class PluginToolsFxTest {

    @TempDir
    Path temp;

    private FxTaskExecutor executor;
    private ViewerViewModel viewModel;
    private MainWindow window;
    private AiWindow ai;
    private PluginRegistry registry;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor(2);
        viewModel = ViewerWithoutDemo.viewModel(executor);
        window = new MainWindow(viewModel);
        stage.setScene(window.createScene(1200, 780));
        stage.show();
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

    /** Docks the AI panel and the plugin tools of the plugins in {@code folder}, as the app does. */
    private PluginToolsPane dock(Path folder) throws Exception {
        registry = PluginRegistry.discover(getClass().getClassLoader(), folder);
        return onFx(() -> {
            ai = new AiWindow(window, new ImageLoader(), new InferenceService(ScanDevicePreference.AUTO, 4,
                    registry), new ModelLibrary(temp.resolve("no-user-models"), getClass().getClassLoader()));
            return PluginToolsPane.dock(window, registry, ai::imageOnScreen, folder);
        });
    }

    /**
     * A 40 x 20 grey photograph: the left 10 columns at 30, the rest at 200 — 200 pixels of 30, 600 of 200.
     */
    private void openTwoToneImage() throws Exception {
        BufferedImage image = new BufferedImage(40, 20, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                image.getRaster().setSample(x, y, 0, x < 10 ? 30 : 200);
            }
        }
        Path png = temp.resolve("two-tone.png");
        ImageIO.write(image, "png", png.toFile());
        onFx(() -> {
            viewModel.open(List.of(png));
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> viewModel.viewport(0).imageProperty().get() != null);
    }

    private String text(String id) throws Exception {
        return onFx(() -> ((Label) window.lookup("#" + id)).getText());
    }

    private void fire(String id) throws Exception {
        onFx(() -> {
            ((Button) window.lookup("#" + id)).fire();
            return null;
        });
    }

    @Test
    void the_example_histogram_from_the_plugin_folder_measures_the_image_on_screen_and_shows_its_result() throws Exception {
        Path folder = temp.resolve("plugins");
        PluginJars.example(folder, "radmamba-plugin-example.jar");
        PluginToolsPane tools = dock(folder);
        openTwoToneImage();

        fire(PluginToolsPane.buttonId("example.tool.histogram"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(tools::lastResult) != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Histogram of the displayed image", text("plugin-tool-title"));
        assertEquals(String.join("\n", "pixels: 800", "mean: 157.50", "standard deviation: 73.61", "minimum: 30",
                "median: 200", "maximum: 200"), text("plugin-tool-result"));
        assertEquals("Histogram (Example: image statistics and PGM) on two-tone.png", text("plugin-tool-status"));
        assertTrue(onFx(() -> window.lookup("#plugin-tool-chart").isVisible()), "the histogram is drawn");
        double[] bins = tools.lastResult().series().getFirst().values();
        assertEquals(200, bins[30]);
        assertEquals(600, bins[200]);
    }

    @Test
    void a_broken_plugin_is_reported_in_the_plugin_panel_and_a_tool_that_throws_is_disabled_without_harm() throws Exception {
        Path folder = temp.resolve("plugins");
        PluginJars.example(folder, "radmamba-plugin-example.jar");
        PluginJars.write(folder, "future.jar", WrongApiPlugin.class, WrongApiPlugin.class, ThrowingToolPlugin.class);
        PluginJars.write(folder, "throwing.jar", ThrowingToolPlugin.class, ThrowingToolPlugin.class);
        PluginToolsPane tools = dock(folder);
        openTwoToneImage();

        String explode = PluginToolsPane.buttonId("throwing-tool.tool.explode");
        fire(explode);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> text("plugin-tool-status").contains("failed"));
        assertEquals("throwing-tool.tool.explode failed: IllegalStateException: no pixels today; the plugin"
                + " throwing-tool is disabled", text("plugin-tool-status"));
        assertNull(onFx(() -> window.lookup("#" + explode)), "the disabled plugin's button is gone");

        fire(PluginToolsPane.buttonId("example.tool.histogram"));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(tools::lastResult) != null);

        fire("plugins-open");
        @SuppressWarnings("unchecked")
        TableView<PluginInfo> table = onFx(() -> (TableView<PluginInfo>) tools.pluginsDialog().getScene().lookup("#plugins-table"));
        assertTrue(onFx(() -> tools.pluginsDialog().isShowing()));
        // Built-ins first, then the folder's jars in file name order.
        List<String> rows = onFx(() -> table.getItems().stream()
                .map(p -> p.id() + " | " + p.source() + " | " + p.status() + " | " + (p.enabled() ? "" : p.reason())).toList());
        assertEquals(List.of(
                "radmamba | built in | enabled | ",
                "wrong-api | future.jar | disabled | built for plugin API 99; this RadMamba has plugin API 1",
                "example | radmamba-plugin-example.jar | enabled | ",
                "throwing-tool | throwing.jar | disabled | throwing-tool.tool.explode failed: IllegalStateException: no pixels today"),
                rows);
    }

    @Test
    void with_no_plugins_the_window_offers_no_tools_and_the_ai_panel_still_lists_the_models() throws Exception {
        PluginToolsPane tools = dock(temp.resolve("empty-plugin-folder"));
        Node none = onFx(() -> window.lookup("#plugin-tools-none"));
        assertTrue(none instanceof Label l && l.getText().equals("No plugin tools installed."));
        @SuppressWarnings("unchecked")
        ComboBox<?> models = onFx(() -> (ComboBox<Object>) window.lookup("#ai-model-choice"));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !models.getItems().isEmpty());

        fire("plugins-open");
        @SuppressWarnings("unchecked")
        TableView<PluginInfo> table = onFx(() -> (TableView<PluginInfo>) tools.pluginsDialog().getScene().lookup("#plugins-table"));
        assertEquals(List.of("radmamba"), onFx(() -> table.getItems().stream().map(PluginInfo::id).toList()));
    }
}
