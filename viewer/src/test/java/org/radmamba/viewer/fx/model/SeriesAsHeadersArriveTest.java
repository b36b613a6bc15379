package org.radmamba.viewer.fx.model;

import javafx.scene.image.PixelReader;
import org.junit.jupiter.api.Test;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.FlatGreySeries;
import org.radmamba.viewer.study.HeldBackHeaders;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder opened in the viewer shows its first image while the other headers are still being read (held back
 * here), then its series grows to every slice: the viewport's slice count grows and never shrinks, the files that
 * cannot be read are listed once each with a one-line reason, and the viewport ends on the first slice. Closing
 * during the scan stops it, leaves no scan thread, and what it had not read yet never comes back. This thread is the
 * UI thread: it runs what the workers hand it.
 */
class SeriesAsHeadersArriveTest extends HeldBackScanModelTest {

    private static final int SLICES = 40;

    SeriesAsHeadersArriveTest() {
        super(new HeldBackHeaders());
    }

    @Test
    void the_first_image_shows_before_the_other_headers_are_read_then_the_series_fills_in() throws Exception {
        List<Path> slices = FlatGreySeries.write(folder.resolve("series"), SLICES);
        try (FxTaskExecutor workers = new FxTaskExecutor(2, uiQueue::add)) {
            ViewerViewModel vm = viewModel(workers);
            ViewportViewModel viewport = vm.viewport(0);
            List<Integer> counts = new ArrayList<>();
            viewport.sliceCountProperty().addListener((obs, o, n) -> counts.add(n.intValue()));

            vm.open(List.of(folder.resolve("series")));
            uiQueue.drain(() -> viewport.imageProperty().get() != null);

            assertTrue(vm.scanningProperty().get(), "the other headers are still held back");
            assertEquals(1, vm.series().size());
            assertEquals(1, vm.series().getFirst().slices().size());
            assertEquals(slices.getFirst(), viewport.instanceProperty().get().file());
            assertEquals(FlatGreySeries.FIRST_GREY, grey(viewport, 10, 10), "the first slice's pixels, as stored");
            assertEquals(FlatGreySeries.FIRST_GREY, grey(viewport, 60, 33));
            assertTrue(vm.failures().isEmpty());

            reader.release();
            uiQueue.drain(() -> !vm.scanningProperty().get());
            uiQueue.drain(() -> vm.series().getFirst().thumbnailProperty().get() != null);

            assertEquals(1, vm.series().size(), "one series, grown: " + vm.series());
            SeriesEntry whole = vm.series().getFirst();
            assertEquals(SLICES, whole.slices().size());
            assertEquals(SLICES, viewport.sliceCountProperty().get());
            assertEquals(whole, viewport.seriesProperty().get());
            assertEquals(1, counts.getFirst(), "the first image's series had one slice: " + counts);
            assertEquals(SLICES, counts.getLast());
            assertEquals(counts.stream().sorted().toList(), counts, "the slice count only grows");
            assertEquals(0, viewport.sliceProperty().get());
            assertEquals(slices.getFirst(), viewport.instanceProperty().get().file());
            assertEquals(FlatGreySeries.brokenNames(), vm.failures().stream()
                    .map(f -> f.file().getFileName().toString()).sorted().toList(), "each bad file once");
            for (FailedFile failure : vm.failures()) {
                assertFalse(failure.reason().isBlank() || failure.reason().contains("\n"), failure.reason());
            }
            // The slices that arrived later are theirs: the last one is the other grey.
            viewport.lastSlice();
            uiQueue.drain(() -> viewport.imageProperty().get() != null);
            assertEquals(FlatGreySeries.OTHER_GREY, grey(viewport, 10, 10));
        }
    }

    @Test
    void closing_during_the_scan_stops_it_and_leaves_no_scan_thread() throws Exception {
        FlatGreySeries.write(folder.resolve("series"), SLICES);
        try (FxTaskExecutor workers = new FxTaskExecutor(2, uiQueue::add)) {
            ViewerViewModel vm = viewModel(workers);
            vm.open(List.of(folder.resolve("series")));
            uiQueue.drain(() -> vm.viewport(0).imageProperty().get() != null && scanThreads() > 0);

            vm.closeAll();
            uiQueue.drain(() -> scanThreads() == 0 && vm.runningTasksProperty().get() == 0);

            reader.release();
            Thread.sleep(300);
            uiQueue.runQueued();
            assertTrue(vm.series().isEmpty(), "nothing of the cancelled scan comes back: " + vm.series());
            assertFalse(vm.scanningProperty().get());
            assertTrue(vm.failures().isEmpty(), "a cancelled scan is no failure: " + vm.failures());
        }
    }

    @Test
    void a_study_closed_during_its_scan_does_not_come_back() throws Exception {
        FlatGreySeries.write(folder.resolve("series"), SLICES);
        try (FxTaskExecutor workers = new FxTaskExecutor(2, uiQueue::add)) {
            ViewerViewModel vm = viewModel(workers);
            vm.open(List.of(folder.resolve("series")));
            uiQueue.drain(() -> vm.viewport(0).imageProperty().get() != null);

            vm.closeStudy(vm.series().getFirst().study());
            reader.release();
            uiQueue.drain(() -> !vm.scanningProperty().get());

            assertTrue(vm.series().isEmpty(), "the closed study stays closed: " + vm.series());
            assertEquals(FlatGreySeries.brokenNames(), vm.failures().stream()
                    .map(f -> f.file().getFileName().toString()).sorted().toList(), "its bad files are still told");
        }
    }

    private static int grey(ViewportViewModel viewport, int x, int y) {
        PixelReader pixels = viewport.imageProperty().get().getPixelReader();
        assertNotNull(pixels);
        return pixels.getArgb(x, y) & 0xFF;
    }

    private static long scanThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("radmamba-scan") && t.isAlive()).count();
    }

}
