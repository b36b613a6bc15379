package org.radmamba.app.ai;

import org.radmamba.app.ViewerWithoutDemo;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.stage.Stage;
import org.radmamba.app.gui.AiWindow;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.ScanDevice;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelection;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.SettingsStore;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.fx.view.MainWindow;
import org.radmamba.viewer.study.ImageLoader;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real main window with the AI window docked, as the TestFX tests of this package build it in their
 * {@code @Start}: a viewer with in-memory settings and no demo, and an inference service that always runs on the
 * given CPU scan. Shared so that every AI window test exercises the same wiring; the stage is left unshown so a
 * test can bind more to the scene first.
 */
final class AiWindowHarness {

    private final FxTaskExecutor executor;
    private final ViewerViewModel viewModel;
    private final MainWindow window;
    private final AiWindow ai;

    /** Builds the windows and puts them on the stage's scene; {@code userModels} is the (empty) user model folder. */
    AiWindowHarness(Stage stage, CpuSimdScan scan, Path userModels) {
        this(stage, scan, userModels, new MemoryStore());
    }

    /** As above, the viewer's settings in {@code store} (as a user's earlier session left them). */
    AiWindowHarness(Stage stage, CpuSimdScan scan, Path userModels, SettingsStore store) {
        executor = new FxTaskExecutor(2);
        viewModel = ViewerWithoutDemo.viewModel(new DicomStudyService(), executor, store);
        window = new MainWindow(viewModel);
        InferenceService service = new InferenceService(p -> new ScanSelection(scan, ScanDevice.CPU, "CPU: test"),
                ScanDevicePreference.AUTO, 8, 2);
        ai = new AiWindow(window, new ImageLoader(), service, new ModelLibrary(userModels,
                AiWindowHarness.class.getClassLoader()));
        stage.setScene(window.createScene(1200, 780));
    }

    ViewerViewModel viewModel() {
        return viewModel;
    }

    MainWindow window() {
        return window;
    }

    AiWindow ai() {
        return ai;
    }

    @SuppressWarnings("unchecked")
    ComboBox<ModelEntry> modelChoice() {
        return (ComboBox<ModelEntry>) window.lookup("#ai-model-choice");
    }

    /**
     * Picks model {@code modelId} in the AI panel, fires the run button {@code buttonId} ("#ai-run-image" or
     * "#ai-run-series"), waits for the job (at most 300 s) and then for the FX events it posted.
     */
    void run(String modelId, String buttonId) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            ComboBox<ModelEntry> choice = modelChoice();
            choice.getSelectionModel().select(choice.getItems().stream()
                    .filter(m -> m.card().id().equals(modelId)).findFirst().orElseThrow());
            ((Button) window.lookup(buttonId)).fire();
            return null;
        }).get(30, TimeUnit.SECONDS);
        InferenceService.await(WaitForAsyncUtils.asyncFx(() -> ai.panel().currentJob()).get(30, TimeUnit.SECONDS), 300);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Closes the AI window and the task executor, then the stages; for {@code @AfterEach}. */
    void close() throws Exception {
        ai.close();
        executor.close();
        FxToolkit.cleanupStages();
    }
}
