package org.radmamba.viewer.fx.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.study.HeldBackHeaders;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;

/**
 * What the view-model tests of a folder opened while its headers are held back share: the folder, the reader that
 * holds them back, the queue this thread runs the UI thread's work from, and the view model over them.
 */
abstract class HeldBackScanModelTest {

    @TempDir
    Path folder;

    protected final UiThreadQueue uiQueue = new UiThreadQueue();
    protected final HeldBackHeaders reader;

    HeldBackScanModelTest(HeldBackHeaders reader) {
        this.reader = reader;
    }

    @BeforeAll
    static void toolkit() throws Exception {
        // The viewport renders into JavaFX images: the toolkit (headless Monocle), not a window.
        FxToolkit.registerPrimaryStage();
    }

    ViewerViewModel viewModel(FxTaskExecutor workers) {
        return ViewerOverHeldBackHeaders.viewModel(reader, workers, folder);
    }
}
