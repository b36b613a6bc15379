package org.radmamba.app.ai;

import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.gui.AiWindow;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.view.MainWindow;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * What the real main window's AI TestFX classes share: one CPU scan for the class, a fresh {@link AiWindowHarness}
 * (main window, AI window, no user models) for each test, closed after it. TestFX looks for {@code @Start} on the
 * test class itself only, so each subclass's {@code @Start} method calls {@link #open(Stage)} and shows the stage.
 */
abstract class AiWindowFxTest {

    @TempDir
    static Path temp;

    static CpuSimdScan scan;
    AiWindowHarness harness;
    ViewerViewModel viewModel;
    MainWindow window;
    AiWindow ai;

    @BeforeAll
    static void engine() {
        scan = new CpuSimdScan();
    }

    @AfterAll
    static void release() {
        scan.close();
    }

    /** The windows on {@code stage}, not yet shown. */
    void open(Stage stage) {
        harness = new AiWindowHarness(stage, scan, temp.resolve("no-user-models"));
        viewModel = harness.viewModel();
        window = harness.window();
        ai = harness.ai();
    }

    @AfterEach
    void closeWindows() throws Exception {
        harness.close();
    }

    static <T> T onFx(Callable<T> work) throws Exception {
        return WaitForAsyncUtils.asyncFx(work).get(30, TimeUnit.SECONDS);
    }
}
