package org.radmamba.viewer.fx.view;

import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.study.FlatGreySeries;
import org.radmamba.viewer.study.HeldBackHeaders;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder dropped on the window whose scan stops partway (the later headers held back): the user scrolls to a slice
 * whose header is known and whose pixels are not read yet, and the screen shows that slice's pixels, as an
 * independent decode of its file gives them, while the scan still runs. It used to show "Loading…" until the scan
 * ended. Headless (Monocle), real worker threads, real files; only the timing of the headers is the test's.
 */
@ExtendWith(ApplicationExtension.class)
class SliceScrolledToDuringTheScanTest extends HeldBackScanWindowTest {

    private static final int SLICES = 40;
    /** Headers read before the rest are held back: those of the first files by name. */
    private static final int KNOWN = 24;
    private static final int SCROLLED_TO = 7;

    @TempDir
    static Path temp;

    SliceScrolledToDuringTheScanTest() {
        super(HeldBackHeaders.firstByName(KNOWN));
    }

    @Start
    void start(Stage stage) {
        show(stage, temp);
    }

    /** The display grey of {@code instance}'s frame under its file's window, decoded here, apart from the viewer. */
    private static int decodedGrey(Instance instance) throws Exception {
        LoadedImage image = new ImageLoader().load(instance);
        DecodedFrame frame = image.frame(0);
        PixelPipeline pipeline = image.pipeline(0);
        byte[] grey = new byte[pipeline.format().rows() * pipeline.format().columns()];
        pipeline.toGrey(frame, pipeline.defaultVoi(frame), grey);
        for (byte b : grey) {
            assertEquals(grey[0], b, "a flat slice");
        }
        return grey[0] & 0xFF;
    }

    @Test
    void a_slice_scrolled_to_while_the_scan_runs_is_on_screen_before_the_scan_ends(FxRobot robot) throws Exception {
        Path folder = temp.resolve("held-partway");
        List<Path> files = FlatGreySeries.writeOwnGreys(folder, SLICES, -1);
        robot.interact(() -> viewModel.cornerTextVisibleProperty().set(false));
        ViewportViewModel viewport = viewModel.viewport(0);

        robot.interact(() -> window.openDropped(List.of(new File(folder.toString()))));
        // The known headers have joined the series, and the loads of its first part are over: only the scan runs.
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> viewport.sliceCountProperty().get() == KNOWN
                && viewport.imageProperty().get() != null && viewModel.runningTasksProperty().get() == 1));
        assertTrue(onFx(() -> viewModel.scanningProperty().get()), "the later headers are still held back");
        SeriesEntry partway = onFx(() -> viewport.seriesProperty().get());
        int slice = sliceOf(partway, files.get(SCROLLED_TO));
        assertFalse(onFx(() -> viewModel.images(partway, 0).isLoaded(slice)), "its pixels are not read yet");
        Instance scrolledTo = partway.instance(partway.slices().get(slice).instanceIndex());
        int expected = decodedGrey(scrolledTo);
        assertEquals(FlatGreySeries.ownGrey(SCROLLED_TO), expected, "the file's own grey, under its window");

        robot.interact(() -> viewport.setSlice(slice));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> pixelsOfGrey(robot, expected) > 10_000);
        WaitForAsyncUtils.waitForFxEvents();

        assertTrue(onFx(() -> viewModel.scanningProperty().get()), "on screen before the scan ends");
        assertTrue(pixelsOfGrey(robot, expected) > 10_000, "the slice's own pixels are on screen");
        assertEquals(0, pixelsOfGrey(robot, FlatGreySeries.ownGrey(0)), "no pixel of the first slice remains");
        String corner = onFx(() -> window.viewportViews().getFirst().viewport().bottomLeftTextProperty().get());
        assertFalse(corner.contains("Loading"), corner);
        assertEquals(scrolledTo.file(), onFx(() -> viewport.instanceProperty().get().file()));

        reader.release();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> !viewModel.scanningProperty().get()
                && viewModel.series().getFirst().slices().size() == SLICES));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(pixelsOfGrey(robot, expected) > 10_000, "the slice stays on screen as the scan ends");
        assertTrue(onFx(() -> viewModel.failures().isEmpty()), onFx(() -> viewModel.failures().toString()));
    }

    private static int sliceOf(SeriesEntry entry, Path file) {
        for (int s = 0; s < entry.slices().size(); s++) {
            if (entry.instance(entry.slices().get(s).instanceIndex()).file().equals(file)) {
                return s;
            }
        }
        throw new AssertionError(file + " is not in the series yet: " + entry);
    }
}
