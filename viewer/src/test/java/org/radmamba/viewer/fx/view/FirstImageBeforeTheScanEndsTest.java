package org.radmamba.viewer.fx.view;

import javafx.scene.SnapshotParameters;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.fx.model.ViewerOverHeldBackHeaders;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.study.FlatGreySeries;
import org.radmamba.viewer.study.HeldBackHeaders;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder of many slices dropped on the window shows its first image on screen while the other headers are still
 * held back, then the series fills in to every slice, and the unreadable files are listed. Headless (Monocle), real
 * worker threads, real files; only the timing of the headers after the first is the test's.
 */
@ExtendWith(ApplicationExtension.class)
class FirstImageBeforeTheScanEndsTest {

    private static final int SLICES = 120;

    @TempDir
    static Path temp;

    private final HeldBackHeaders reader = new HeldBackHeaders();
    private FxTaskExecutor executor;
    private ViewerViewModel viewModel;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor(2);
        viewModel = ViewerOverHeldBackHeaders.viewModel(reader, executor, temp);
        window = new MainWindow(viewModel);
        stage.setScene(window.createScene(900, 700));
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        reader.release();
        executor.close();
        FxToolkit.cleanupStages();
    }

    private static <T> T onFx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    /** Pixels of the first viewport, as rendered on screen, within 2 of {@code grey}. */
    private int pixelsOfGrey(FxRobot robot, int grey) {
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

    @Test
    void a_dropped_folder_shows_its_first_image_before_the_other_headers_are_read(FxRobot robot) throws Exception {
        Path folder = temp.resolve("many-slices");
        FlatGreySeries.write(folder, SLICES);
        robot.interact(() -> viewModel.cornerTextVisibleProperty().set(false));

        robot.interact(() -> window.openDropped(List.of(new File(folder.toString()))));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> viewModel.viewport(0).imageProperty().get() != null));
        WaitForAsyncUtils.waitForFxEvents();

        // The other headers are still held back, and the first image is on screen.
        assertTrue(onFx(() -> viewModel.scanningProperty().get()));
        assertEquals(1, (int) onFx(() -> viewModel.viewport(0).sliceCountProperty().get()));
        int firstGrey = pixelsOfGrey(robot, FlatGreySeries.FIRST_GREY);
        assertTrue(firstGrey > 10_000, "the first image is on screen: " + firstGrey + " pixels of its grey");

        reader.release();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> !viewModel.scanningProperty().get()
                && viewModel.series().size() == 1 && viewModel.series().getFirst().slices().size() == SLICES));
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(SLICES, (int) onFx(() -> viewModel.viewport(0).sliceCountProperty().get()));
        assertEquals(0, (int) onFx(() -> viewModel.viewport(0).sliceProperty().get()));
        assertTrue(pixelsOfGrey(robot, FlatGreySeries.FIRST_GREY) > 10_000, "the first image stays on screen");
        assertEquals(FlatGreySeries.brokenNames(), onFx(() -> viewModel.failures().stream()
                .map(f -> f.file().getFileName().toString()).sorted().toList()));
        // The last slice is the other grey, as its file stores it.
        robot.interact(() -> viewModel.viewport(0).lastSlice());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> pixelsOfGrey(robot, FlatGreySeries.OTHER_GREY) > 10_000);
    }
}
