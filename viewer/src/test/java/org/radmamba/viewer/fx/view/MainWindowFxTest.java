package org.radmamba.viewer.fx.view;

import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries.Geometry;
import org.radmamba.viewer.fx.model.MprViewModel;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The main window, headless (Monocle), over a viewer view model with two real worker threads: the set-up and clean-up
 * the TestFX tests of the window share. TestFX looks for {@code @Start} on the test class itself, so each test keeps a
 * short {@code @Start} that calls {@link #show} (or {@link #create} and sets its own scene).
 */
abstract class MainWindowFxTest {

    protected FxTaskExecutor executor;
    protected ViewerViewModel viewModel;
    protected MainWindow window;

    /** The window over {@code model} (made on the workers), not yet in a scene. */
    void create(Function<FxTaskExecutor, ViewerViewModel> model) {
        executor = new FxTaskExecutor(2);
        viewModel = model.apply(executor);
        window = new MainWindow(viewModel);
    }

    /** The window over a viewer without a demo study, not yet in a scene. */
    void create() {
        create(ViewerWithoutDemo::viewModel);
    }

    /** The window over a viewer without a demo study, shown on {@code stage} at {@code width} × {@code height}. */
    void show(Stage stage, double width, double height) {
        show(stage, ViewerWithoutDemo::viewModel, width, height);
    }

    void show(Stage stage, Function<FxTaskExecutor, ViewerViewModel> model, double width, double height) {
        create(model);
        stage.setScene(window.createScene(width, height));
        stage.show();
    }

    @AfterEach
    void closeWindow() throws Exception {
        executor.close();
        // Stages left open would lie under the robot's mouse in the next test class.
        FxToolkit.cleanupStages();
    }

    /**
     * The MPR tests' volume: 32 × 24 axial slices, pixels 2 × 1 mm, 20 slices 3 mm apart; x = −16..15, y = −20..26,
     * z = 10..67.
     */
    static Geometry mprTestVolume() {
        return new Geometry(32, 24, new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {2, 1},
                Geometry.line(new double[] {-16, -20, 10}, new double[] {0, 0, 3}, 20));
    }

    /**
     * Drops {@code series} on the window, waits until it is scanned and shown, switches to the MPR layout and waits
     * until every plane shows an image; the MPR's view model.
     */
    MprViewModel openInMpr(FxRobot robot, Path series) throws Exception {
        robot.interact(() -> window.openDropped(List.of(series.toFile())));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !viewModel.series().isEmpty()
                && !viewModel.scanningProperty().get() && viewModel.viewport(0).imageProperty().get() != null);
        robot.interact(viewModel::toggleMpr);
        MprViewModel mpr = viewModel.mprProperty().get();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> onFx(() -> mpr.images().isComplete()
                && mpr.planes().stream().allMatch(p -> p.imageProperty().get() != null)));
        return mpr;
    }

    static <T> T onFx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }
}
