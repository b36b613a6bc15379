package org.radmamba.viewer.fx.view;

import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.study.FlatGreySeries;
import org.radmamba.viewer.study.HeldBackHeaders;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder of many slices dropped on the window shows its first image on screen while the other headers are still
 * held back, then the series fills in to every slice, and the unreadable files are listed. Headless (Monocle), real
 * worker threads, real files; only the timing of the headers after the first is the test's.
 */
@ExtendWith(ApplicationExtension.class)
class FirstImageBeforeTheScanEndsTest extends HeldBackScanWindowTest {

    private static final int SLICES = 120;

    @TempDir
    static Path temp;

    FirstImageBeforeTheScanEndsTest() {
        super(new HeldBackHeaders());
    }

    @Start
    void start(Stage stage) {
        show(stage, temp);
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
