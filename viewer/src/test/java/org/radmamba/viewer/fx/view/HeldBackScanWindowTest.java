package org.radmamba.viewer.fx.view;

import javafx.scene.SnapshotParameters;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.radmamba.viewer.fx.model.ViewerOverHeldBackHeaders;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.study.HeldBackHeaders;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main window, headless, over a view model whose scan's headers the test holds back: what the TestFX tests of a
 * folder opened while its headers are still being read share. TestFX looks for {@code @Start} on the test class
 * itself, so each test keeps a two-line {@code @Start} that calls {@link #show}.
 */
abstract class HeldBackScanWindowTest {

    protected final HeldBackHeaders reader;
    protected FxTaskExecutor executor;
    protected ViewerViewModel viewModel;
    protected MainWindow window;

    HeldBackScanWindowTest(HeldBackHeaders reader) {
        this.reader = reader;
    }

    /** Shows the window on {@code stage}, two worker threads; {@code demoFolder}: what File ▸ Open demo would open. */
    void show(Stage stage, Path demoFolder) {
        executor = new FxTaskExecutor(2);
        viewModel = ViewerOverHeldBackHeaders.viewModel(reader, executor, demoFolder);
        window = new MainWindow(viewModel);
        stage.setScene(window.createScene(900, 700));
        stage.show();
    }

    @AfterEach
    void releaseAndClose() throws Exception {
        reader.release();
        executor.close();
        FxToolkit.cleanupStages();
    }

    static <T> T onFx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    /** Pixels of the first viewport, as rendered on screen, within 2 of {@code grey}. */
    int pixelsOfGrey(FxRobot robot, int grey) {
        AtomicReference<WritableImage> shot = new AtomicReference<>();
        robot.interact(() -> shot.set(window.viewportViews().getFirst().viewport()
                .snapshot(new SnapshotParameters(), null)));
        PixelReader pixels = shot.get().getPixelReader();
        int count = 0;
        for (int y = 0; y < (int) shot.get().getHeight(); y++) {
            for (int x = 0; x < (int) shot.get().getWidth(); x++) {
                int argb = pixels.getArgb(x, y);
                if (Math.abs((argb >> 16 & 0xFF) - grey) <= 2 && Math.abs((argb >> 8 & 0xFF) - grey) <= 2
                        && Math.abs((argb & 0xFF) - grey) <= 2) {
                    count++;
                }
            }
        }
        return count;
    }
}
