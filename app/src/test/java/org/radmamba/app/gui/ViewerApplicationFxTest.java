package org.radmamba.app.gui;

import javafx.application.Application;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.view.MainWindow;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The application as {@code radmamba} starts it (headless Monocle): with paths on the command line it opens them,
 * without any it opens the demo study, which it generates into the cache folder. The build points that folder
 * (XDG_CACHE_HOME) and the preferences at target/ for the tests.
 */
class ViewerApplicationFxTest {

    @TempDir
    static Path temp;

    private Application application;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void close() throws Exception {
        if (application != null) {
            FxToolkit.cleanupApplication(application);
        }
        FxToolkit.cleanupStages();
    }

    private MainWindow start(String... args) throws Exception {
        application = FxToolkit.setupApplication(ViewerApplication.class, args);
        Stage stage = FxToolkit.toolkitContext().getRegisteredStage();
        MainWindow window = WaitForAsyncUtils.asyncFx(() -> find(stage.getScene().getRoot())).get(10, TimeUnit.SECONDS);
        assertNotNull(window, "no main window in the stage");
        assertEquals("RadMamba", WaitForAsyncUtils.asyncFx(stage::getTitle).get());
        ViewerViewModel vm = window.viewModel();
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !vm.series().isEmpty()
                && vm.viewport(0).imageProperty().get() != null && vm.runningTasksProperty().get() == 0);
        return window;
    }

    private static MainWindow find(Node node) {
        if (node instanceof MainWindow window) {
            return window;
        }
        if (node instanceof Parent parent) {
            for (Node child : parent.getChildrenUnmodifiable()) {
                MainWindow found = find(child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static List<Path> files(MainWindow window) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> window.viewModel().series().stream()
                .flatMap(s -> s.series().instances().stream().map(i -> i.file()))
                .toList()).get();
    }

    @Test
    void the_paths_on_the_command_line_open_and_show_their_first_image() throws Exception {
        Path folder = temp.resolve("given");
        DemoStudy.generate(folder, new DemoStudy.Spec(64, 4, 1, 2, 0, false));
        MainWindow window = start(folder.toString());

        List<Path> files = files(window);
        assertEquals(4, files.size(), files.toString());
        assertTrue(files.stream().allMatch(f -> f.startsWith(folder)), files.toString());
        SeriesEntry shown = WaitForAsyncUtils.asyncFx(() -> window.viewModel().viewport(0).seriesProperty().get()).get();
        assertEquals("CT", shown.series().modality());
    }

    @Test
    void without_paths_the_demo_study_opens_from_the_cache_folder() throws Exception {
        MainWindow window = start();

        Path cache = DemoStudy.defaultCacheFolder();
        assertTrue(cache.startsWith(Path.of("target").toAbsolutePath()),
                "the build points the cache into target/, not the user's: " + cache);
        List<Path> files = files(window);
        assertTrue(files.stream().allMatch(f -> f.startsWith(cache)), files.toString());
        List<String> modalities = WaitForAsyncUtils.asyncFx(() -> window.viewModel().series().stream()
                .map(s -> s.series().modality()).toList()).get();
        assertTrue(modalities.contains("CT"), modalities.toString());
        assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".png")), "the photographs too: " + files);
    }

    @Test
    void help_show_log_folder_shows_the_log_folders_path_where_the_desktop_cannot_open_it() throws Exception {
        Path folder = temp.resolve("given-for-help");
        DemoStudy.generate(folder, new DemoStudy.Spec(32, 1, 1, 2, 0, false));
        MainWindow window = start(folder.toString());
        javafx.scene.control.MenuItem item = WaitForAsyncUtils.asyncFx(() -> window.helpMenu().getItems().stream()
                .filter(i -> "Show log folder".equals(i.getText())).findFirst().orElseThrow()).get();
        assertTrue(WaitForAsyncUtils.asyncFx(() -> window.helpMenu().isVisible()).get());

        // The tests run with java.awt.headless=true: no desktop to open folders, so the dialog shows the path.
        WaitForAsyncUtils.asyncFx(item::fire).get();
        WaitForAsyncUtils.waitForFxEvents();

        String shown = WaitForAsyncUtils.asyncFx(() -> javafx.stage.Window.getWindows().stream()
                .map(w -> w.getScene() == null ? null : w.getScene().getRoot())
                .filter(r -> r instanceof javafx.scene.control.DialogPane)
                .flatMap(r -> r.lookupAll(".text-field").stream())
                .map(n -> ((javafx.scene.control.TextField) n).getText())
                .findFirst().orElse(null)).get();
        assertEquals(org.radmamba.app.logging.Logging.logFolder().toString(), shown);
        assertTrue(shown.startsWith(Path.of("target").toAbsolutePath().toString()), shown);
    }
}
