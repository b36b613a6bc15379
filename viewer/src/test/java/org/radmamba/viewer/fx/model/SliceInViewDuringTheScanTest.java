package org.radmamba.viewer.fx.model;

import javafx.scene.image.PixelReader;
import org.junit.jupiter.api.Test;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.FlatGreySeries;
import org.radmamba.viewer.study.HeldBackHeaders;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A slice the user scrolls to while the folder's other headers are still held back shows its own pixels once its
 * file is decoded, not once the scan ends: "Loading…" until then, "Cannot display: <reason>" for a slice that cannot
 * be decoded, and the slices nobody looks at wait for the scan's end as before. It used to wait for the scan's end
 * (the slices that joined a running scan were read by no load). The slices scrolled past on the way are dropped
 * from the loads unless their reading has begun. This thread is the UI thread: it runs what the workers hand it.
 */
class SliceInViewDuringTheScanTest extends HeldBackScanModelTest {

    private static final int SLICES = 40;
    /** Headers read before the rest are held back: those of the first files by name. */
    private static final int KNOWN = 24;
    /** The slice (and file) the user scrolls to, and one that cannot be decoded: both among the first read. */
    private static final int SCROLLED_TO = 5;
    private static final int UNDECODABLE = 9;
    /** A slice whose header is known that nobody looks at. */
    private static final int LEFT_ALONE = 14;

    SliceInViewDuringTheScanTest() {
        super(HeldBackHeaders.firstByName(KNOWN));
    }

    @Test
    void a_slice_scrolled_to_during_the_scan_shows_its_pixels_before_the_scan_ends() throws Exception {
        List<Path> files = FlatGreySeries.writeOwnGreys(folder.resolve("series"), SLICES, UNDECODABLE);
        try (FxTaskExecutor workers = new FxTaskExecutor(2, uiQueue::add)) {
            ViewerViewModel vm = viewModel(workers);
            ViewportViewModel viewport = vm.viewport(0);
            vm.open(List.of(folder.resolve("series")));
            // The known headers have joined the series, and the loads of its first part are over: only the scan runs.
            uiQueue.drain(() -> viewport.sliceCountProperty().get() == KNOWN && viewport.imageProperty().get() != null
                    && vm.runningTasksProperty().get() == 1);
            assertTrue(vm.scanningProperty().get(), "the other headers are still held back");
            SeriesEntry partway = viewport.seriesProperty().get();
            SeriesImages images = vm.images(partway, 0);
            int scrolledTo = sliceOf(partway, files.get(SCROLLED_TO));
            int leftAlone = sliceOf(partway, files.get(LEFT_ALONE));
            assertFalse(images.isLoaded(scrolledTo), "its header is known, its pixels are not read yet");

            viewport.setSlice(scrolledTo);
            assertEquals("Loading…", viewport.bottomLeftProperty().get().lines().findFirst().orElse(""),
                    "until its file is decoded");
            uiQueue.drain(() -> viewport.imageProperty().get() != null);

            assertTrue(vm.scanningProperty().get(), "shown before the scan ends");
            assertEquals(files.get(SCROLLED_TO), viewport.instanceProperty().get().file());
            assertEquals(FlatGreySeries.ownGrey(SCROLLED_TO), grey(viewport, 10, 10), "its pixels, as stored");
            assertEquals(FlatGreySeries.ownGrey(SCROLLED_TO), grey(viewport, 50, 40));
            assertFalse(viewport.bottomLeftProperty().get().contains("Loading"), viewport.bottomLeftProperty().get());
            assertEquals("", viewport.cannotDisplayProperty().get());
            assertFalse(images.isLoaded(leftAlone), "a slice nobody looks at waits for the scan's end");

            int undecodable = sliceOf(viewport.seriesProperty().get(), files.get(UNDECODABLE));
            viewport.setSlice(undecodable);
            uiQueue.drain(() -> !viewport.cannotDisplayProperty().get().isEmpty());
            assertTrue(vm.scanningProperty().get());
            String reason = viewport.cannotDisplayProperty().get();
            assertTrue(reason.startsWith("Cannot display: ") && reason.contains("segment"), reason);
            assertTrue(viewport.bottomLeftProperty().get().contains("Cannot display"),
                    viewport.bottomLeftProperty().get());

            reader.release();
            uiQueue.drain(() -> !vm.scanningProperty().get() && vm.images(vm.series().getFirst(), 0).isComplete());
            SeriesEntry whole = vm.series().getFirst();
            assertEquals(SLICES, whole.slices().size());
            assertEquals(List.of(files.get(UNDECODABLE)), vm.failures().stream().map(FailedFile::file).toList(),
                    "the undecodable file, told once");
            for (int i = 0; i < SLICES; i++) {
                viewport.setSlice(sliceOf(whole, files.get(i)));
                if (i == UNDECODABLE) {
                    assertTrue(viewport.cannotDisplayProperty().get().startsWith("Cannot display: "));
                } else {
                    assertEquals(FlatGreySeries.ownGrey(i), grey(viewport, 10, 10), "slice " + i);
                }
            }
        }
    }

    @Test
    void the_slices_scrolled_past_during_the_scan_do_not_hold_up_the_one_scrolled_to() throws Exception {
        List<Path> files = FlatGreySeries.writeOwnGreys(folder.resolve("series"), SLICES, UNDECODABLE);
        int stop = 20;
        try (FxTaskExecutor workers = new FxTaskExecutor(2, uiQueue::add)) {
            ViewerViewModel vm = viewModel(workers);
            ViewportViewModel viewport = vm.viewport(0);
            vm.open(List.of(folder.resolve("series")));
            uiQueue.drain(() -> viewport.sliceCountProperty().get() == KNOWN && viewport.imageProperty().get() != null
                    && vm.runningTasksProperty().get() == 1);
            SeriesEntry partway = viewport.seriesProperty().get();
            SeriesImages images = vm.images(partway, 0);
            assertEquals(0, viewport.sliceProperty().get());

            // The scan holds one of the two workers and this task the other, so that no load of a slice scrolled
            // past begins before the user scrolls on: a free worker could start each one as soon as it is asked for,
            // and on a busy machine the scroll itself can be that slow.
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch scrolled = new java.util.concurrent.CountDownLatch(1);
            workers.execute(org.radmamba.viewer.fx.task.BackgroundTask.wrap(() -> {
                holding.countDown();
                return scrolled.await(60, java.util.concurrent.TimeUnit.SECONDS);
            }));
            assertTrue(holding.await(30, java.util.concurrent.TimeUnit.SECONDS), "the second worker is held");

            // A quick scroll, one slice at a time, in one turn of the UI thread: each slice asks for its file.
            for (int i = 0; i < stop; i++) {
                viewport.scrollBy(1);
            }
            scrolled.countDown();
            Path stoppedAt = partway.instance(partway.slices().get(stop).instanceIndex()).file();
            assertEquals(stoppedAt, viewport.instanceProperty().get().file());
            uiQueue.drain(() -> viewport.imageProperty().get() != null);
            Thread.sleep(300);
            uiQueue.runQueued();

            assertTrue(vm.scanningProperty().get());
            assertEquals(FlatGreySeries.ownGrey(files.indexOf(stoppedAt)), grey(viewport, 10, 10),
                    "the pixels of " + stoppedAt.getFileName());
            int readOnTheWay = 0;
            for (int slice = 1; slice < stop; slice++) {
                if (images.isLoaded(slice) || images.failure(slice) != null) {
                    readOnTheWay++;
                }
            }
            // None had begun when the user scrolled on, so all were dropped.
            assertEquals(0, readOnTheWay, readOnTheWay + " of the " + (stop - 1) + " slices scrolled past read");

            reader.release();
            uiQueue.drain(() -> !vm.scanningProperty().get() && vm.images(vm.series().getFirst(), 0).isComplete());
            assertEquals(SLICES, vm.series().getFirst().slices().size());
        }
    }

    private static int sliceOf(SeriesEntry entry, Path file) {
        for (int s = 0; s < entry.slices().size(); s++) {
            if (entry.instance(entry.slices().get(s).instanceIndex()).file().equals(file)) {
                return s;
            }
        }
        throw new AssertionError(file + " is not in the series yet: " + entry);
    }

    private static int grey(ViewportViewModel viewport, int x, int y) {
        assertNotNull(viewport.imageProperty().get(), "an image is shown");
        PixelReader pixels = viewport.imageProperty().get().getPixelReader();
        return pixels.getArgb(x, y) & 0xFF;
    }

}
