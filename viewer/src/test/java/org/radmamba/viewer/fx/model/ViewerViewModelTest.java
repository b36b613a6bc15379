package org.radmamba.viewer.fx.model;

import org.testfx.api.FxToolkit;
import javafx.scene.image.PixelReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.measure.Measurement;
import org.radmamba.viewer.fx.measure.Calibration;
import org.radmamba.viewer.fx.ProjectionImage;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.service.StudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.BackgroundTask;
import org.radmamba.viewer.fx.task.CurrentThreadTaskExecutor;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.fx.task.TaskContext;
import org.radmamba.viewer.fx.task.TaskExecutor;
import org.radmamba.viewer.fx.task.TaskHandle;
import org.radmamba.viewer.fx.viewport.WindowLevel;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;
import org.radmamba.viewer.study.ScanProgress;
import org.radmamba.viewer.study.ScanResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main view model on real generated files, with a current-thread executor: no window, no waiting. */
class ViewerViewModelTest {

    /** 64 px at 2 mm, 6 slices of 4 mm, no noise: pixel values are the phantom's HU exactly. */
    static final DemoStudy.Spec SPEC = new DemoStudy.Spec(64, 6, 2.0, 4, 0, false);

    @TempDir
    Path folder;

    private ViewerViewModel viewModel;

    @BeforeAll
    static void startToolkit() throws Exception {
        // Images need the JavaFX toolkit (headless Monocle in the test run), not a window. Started the way the
        // TestFX tests start it, so that test classes sharing the JVM see one consistent toolkit.
        FxToolkit.registerPrimaryStage();
    }

    @BeforeEach
    void createViewModel() {
        viewModel = new ViewerViewModel(new DicomStudyService(), new CurrentThreadTaskExecutor(),
                new ViewerSettings(new MemoryStore()), () -> folder);
    }

    private Path generatedSeries() throws IOException {
        Path study = folder.resolve("study");
        DemoStudy.generate(study, SPEC);
        return study;
    }

    /**
     * The HU the generator wrote at (col,row) of the file shown as slice {@code shown} (the series is ordered by
     * position along the slice normal, so the display order is not the generator's: ct-NNN.dcm names it).
     */
    private double hu(int shown, int col, int row) {
        SeriesEntry entry = viewModel.series().getFirst();
        String name = entry.instance(entry.slices().get(shown).instanceIndex()).file().getFileName().toString();
        int generated = Integer.parseInt(name.substring(3, 6)) - 1;
        double z = (double) generated / (SPEC.slices() - 1);
        return DemoStudy.slice(SPEC.size(), z)[row * SPEC.size() + col] - 1024;
    }

    /** DICOM's LINEAR window (PS3.3 C.11.2.1.2.1), written out here independently of the pipeline. */
    static int linear(double x, double c, double w) {
        if (x <= c - 0.5 - (w - 1) / 2) {
            return 0;
        }
        if (x > c - 0.5 + (w - 1) / 2) {
            return 255;
        }
        return (int) Math.round(((x - (c - 0.5)) / (w - 1) + 0.5) * 255);
    }

    private int displayed(ViewportViewModel vp, int col, int row) {
        PixelReader r = vp.imageProperty().get().getPixelReader();
        return r.getArgb(col, row) & 0xFF;
    }

    @Test
    void opening_a_folder_lists_its_series_and_shows_the_first_in_the_first_viewport() throws IOException {
        viewModel.open(List.of(generatedSeries()));
        assertEquals(1, viewModel.series().size());
        SeriesEntry entry = viewModel.series().getFirst();
        assertEquals("DEMO^PHANTOM", entry.patient().patientName());
        assertEquals(6, entry.slices().size());
        ViewportViewModel vp = viewModel.viewport(0);
        assertEquals(entry, vp.seriesProperty().get());
        assertNotNull(vp.imageProperty().get());
        assertEquals(64, (int) vp.imageProperty().get().getWidth());
        assertNotNull(entry.thumbnailProperty().get());
        assertTrue(vp.topLeftProperty().get().startsWith("DEMO, PHANTOM\nID DEMO-0001\n2026-01-01"),
                vp.topLeftProperty().get());
        assertTrue(vp.topRightProperty().get().contains("Image 1 / 6"), vp.topRightProperty().get());
        assertEquals("Ready", "Ready".equals(viewModel.statusProperty().get()) ? "Ready" : "1 series open".equals(
                viewModel.statusProperty().get()) ? "Ready" : viewModel.statusProperty().get());
    }

    @Test
    void the_file_window_is_applied_first_and_a_preset_follows_the_linear_formula() throws IOException {
        viewModel.open(List.of(generatedSeries()));
        ViewportViewModel vp = viewModel.viewport(0);
        int col = 32;
        int row = 20;
        // The file's first window is 40/400 (abdomen).
        assertEquals(linear(hu(0, col, row), 40, 400), displayed(vp, col, row));
        vp.applyWindow(new WindowLevel(-600, 1500, "Lung"));
        assertEquals(linear(hu(0, col, row), -600, 1500), displayed(vp, col, row));
    }

    @Test
    void a_window_drag_moves_width_and_centre_by_the_drag_and_the_pixels_follow() throws IOException {
        viewModel.open(List.of(generatedSeries()));
        ViewportViewModel vp = viewModel.viewport(0);
        vp.beginWindowDrag();
        vp.dragWindow(50, -20);
        vp.endWindowDrag();
        var w = (org.radmamba.viewer.pixel.Voi.Window) vp.voiProperty().get();
        // 12-bit stored range over the frame: about 2000 HU -> ~2 HU per screen pixel; exact factor from the drag.
        double perPixel = (w.width() - 400) / 50;
        assertEquals(40 - 20 * perPixel, w.center(), 1e-9);
        assertTrue(perPixel >= 1);
        for (int[] p : new int[][] {{32, 20}, {10, 32}, {32, 55}}) {
            assertEquals(linear(hu(0, p[0], p[1]), w.center(), w.width()), displayed(vp, p[0], p[1]));
        }
    }

    @Test
    void scrolling_shows_the_slice_it_names() throws IOException {
        viewModel.open(List.of(generatedSeries()));
        ViewportViewModel vp = viewModel.viewport(0);
        vp.applyWindow(new WindowLevel(0, 4096, "wide"));
        vp.scrollBy(3);
        assertEquals(3, vp.sliceProperty().get());
        int[] rendered = new int[64 * 64];
        int[] expected = new int[64 * 64];
        for (int row = 0; row < 64; row++) {
            for (int col = 0; col < 64; col++) {
                rendered[row * 64 + col] = displayed(vp, col, row);
                expected[row * 64 + col] = linear(hu(3, col, row), 0, 4096);
            }
        }
        assertTrue(Arrays.equals(expected, rendered), "slice 3 pixels");
        assertTrue(vp.topRightProperty().get().contains("Image 4 / 6"));
        assertTrue(vp.topRightProperty().get().contains("Pos -8.0 mm"), vp.topRightProperty().get());
        vp.lastSlice();
        assertEquals(5, vp.sliceProperty().get());
        vp.scrollBy(10);
        assertEquals(5, vp.sliceProperty().get(), "scrolling stops at the last slice");
    }

    @Test
    void a_distance_on_a_two_millimetre_grid_reads_millimetres() throws IOException {
        viewModel.open(List.of(generatedSeries()));
        ViewportViewModel vp = viewModel.viewport(0);
        viewModel.toolProperty().set(Tool.DISTANCE);
        vp.beginMeasurement(new ImagePoint(10, 10));
        vp.updateMeasurement(new ImagePoint(30, 10));
        vp.finishMeasurement(new ImagePoint(40, 50));
        Measurement m = vp.measurementsProperty().get().getFirst();
        assertEquals("100.0 mm", vp.labelOf(m));
    }

    @Test
    void a_distance_on_a_projection_image_with_only_imager_pixel_spacing_reads_millimetres_at_the_detector()
            throws IOException {
        viewModel.open(List.of(ProjectionImage.write(folder.resolve("dx"), 0.143, Double.NaN)));
        ViewportViewModel vp = viewModel.viewport(0);
        assertEquals(Calibration.Source.IMAGER_PIXEL_SPACING, vp.spacingProperty().get().source());
        viewModel.toolProperty().set(Tool.DISTANCE);
        vp.beginMeasurement(new ImagePoint(10, 20));
        vp.finishMeasurement(new ImagePoint(110, 20));
        Measurement m = vp.measurementsProperty().get().getFirst();
        // 100 columns of 0.143 mm at the detector.
        assertEquals("14.3 mm (at detector)", vp.labelOf(m));
    }

    @Test
    void pixel_spacing_is_preferred_to_imager_pixel_spacing_and_needs_no_note() throws IOException {
        viewModel.open(List.of(ProjectionImage.write(folder.resolve("dx-calibrated"), 0.143, 0.13)));
        ViewportViewModel vp = viewModel.viewport(0);
        viewModel.toolProperty().set(Tool.DISTANCE);
        vp.beginMeasurement(new ImagePoint(10, 20));
        vp.finishMeasurement(new ImagePoint(10, 70));
        assertEquals("6.5 mm", vp.labelOf(vp.measurementsProperty().get().getFirst()));
    }

    @Test
    void measurements_stay_on_their_slice_when_scrolling_away_and_back() throws IOException {
        viewModel.open(List.of(generatedSeries()));
        ViewportViewModel vp = viewModel.viewport(0);
        viewModel.toolProperty().set(Tool.RECTANGLE);
        vp.beginMeasurement(new ImagePoint(0, 0));
        vp.finishMeasurement(new ImagePoint(4, 4));
        assertEquals(1, vp.measurementsProperty().get().size());
        // The corner 4x4 pixels are air.
        assertTrue(vp.labelOf(vp.measurementsProperty().get().getFirst()).startsWith("mean -1000.0 HU SD 0.0"),
                vp.labelOf(vp.measurementsProperty().get().getFirst()));
        vp.scrollBy(1);
        assertEquals(0, vp.measurementsProperty().get().size());
        vp.scrollBy(-1);
        assertEquals(1, vp.measurementsProperty().get().size());
        // The measurement drawn last is selected until another is; scrolling away dropped the selection.
        vp.deleteSelectedMeasurement();
        assertEquals(1, vp.measurementsProperty().get().size());
        vp.clickAt(new ImagePoint(2, 2), 1);
        vp.deleteSelectedMeasurement();
        assertEquals(0, vp.measurementsProperty().get().size());
    }

    @Test
    void a_click_on_a_measurement_selects_it_and_delete_removes_that_one_only() throws IOException {
        viewModel.open(List.of(generatedSeries()));
        ViewportViewModel vp = viewModel.viewport(0);
        viewModel.toolProperty().set(Tool.DISTANCE);
        Measurement upper = draw(vp, new ImagePoint(10, 10), new ImagePoint(50, 10));
        Measurement lower = draw(vp, new ImagePoint(10, 40), new ImagePoint(50, 40));
        viewModel.toolProperty().set(Tool.RECTANGLE);
        Measurement box = draw(vp, new ImagePoint(20, 20), new ImagePoint(30, 30));
        assertEquals(box, vp.selectedMeasurementProperty().get(), "what was just drawn is selected");

        // Within the tolerance of the upper line, on the line's middle.
        vp.clickAt(new ImagePoint(30, 11.5), 2);
        assertEquals(upper, vp.selectedMeasurementProperty().get());
        // Inside the rectangle, far from its outline.
        vp.clickAt(new ImagePoint(25, 25), 2);
        assertEquals(box, vp.selectedMeasurementProperty().get());
        // Bare image: nothing.
        vp.clickAt(new ImagePoint(60, 60), 2);
        assertNull(vp.selectedMeasurementProperty().get());
        vp.deleteSelectedMeasurement();
        assertEquals(List.of(upper, lower, box), List.copyOf(vp.measurementsProperty().get()));

        vp.clickAt(new ImagePoint(12, 39), 2);
        assertEquals(lower, vp.selectedMeasurementProperty().get());
        vp.deleteSelectedMeasurement();
        assertEquals(List.of(upper, box), List.copyOf(vp.measurementsProperty().get()));
        assertNull(vp.selectedMeasurementProperty().get());

        vp.clearMeasurements();
        assertTrue(vp.measurementsProperty().get().isEmpty());
    }

    private static Measurement draw(ViewportViewModel vp, ImagePoint from, ImagePoint to) {
        vp.beginMeasurement(from);
        vp.updateMeasurement(to);
        vp.finishMeasurement(to);
        return vp.measurementsProperty().get().getLast();
    }

    @Test
    void the_probe_reads_stored_and_hounsfield_values() throws IOException {
        viewModel.open(List.of(generatedSeries()));
        ViewportViewModel vp = viewModel.viewport(0);
        vp.probe(new ImagePoint(0.5, 0.5));
        assertEquals("x 0 y 0  stored 24  value -1000 HU", vp.probeText());
        assertEquals(vp.probeText(), vp.bottomRightProperty().get());
    }

    @Test
    void broken_files_are_reported_with_their_names_and_the_good_series_still_opens() throws IOException {
        Path study = generatedSeries();
        Path notDicom = study.resolve("CT").resolve("notes.dcm");
        Files.writeString(notDicom, "this is not a DICOM file, whatever its name says");
        Path truncated = study.resolve("CT").resolve("truncated.dcm");
        byte[] good = Files.readAllBytes(study.resolve("CT").resolve("ct-001.dcm"));
        Files.write(truncated, Arrays.copyOf(good, good.length - 4000));
        viewModel.open(List.of(study));

        assertEquals(1, viewModel.series().size(), viewModel.series().toString());
        List<Path> failed = viewModel.failures().stream().map(FailedFile::file).toList();
        assertTrue(failed.contains(notDicom.toAbsolutePath().normalize()), viewModel.failures().toString());
        assertTrue(failed.contains(truncated.toAbsolutePath().normalize()), viewModel.failures().toString());
        assertEquals(2, failed.size(), viewModel.failures().toString());
        viewModel.failures().forEach(f -> assertTrue(!f.reason().isBlank(), f.toString()));
        // Every good slice shows.
        ViewportViewModel vp = viewModel.viewport(0);
        int shown = 0;
        for (int i = 0; i < vp.sliceCountProperty().get(); i++) {
            vp.setSlice(i);
            if (!vp.bottomLeftProperty().get().startsWith("Cannot display")) {
                shown++;
            }
        }
        assertEquals(6, shown);
        viewModel.dismissFailures();
        assertTrue(viewModel.failures().isEmpty());
    }

    @Test
    void the_demo_opens_from_its_source() throws IOException {
        DemoStudy.generate(folder, SPEC);
        viewModel.openDemo();
        assertEquals(1, viewModel.series().size());
        assertNotNull(viewModel.viewport(0).imageProperty().get());
    }

    @Test
    void closing_everything_empties_the_viewports_and_the_browser() throws IOException {
        viewModel.open(List.of(generatedSeries()));
        viewModel.closeAll();
        assertTrue(viewModel.series().isEmpty());
        assertNull(viewModel.viewport(0).seriesProperty().get());
        assertNull(viewModel.viewport(0).imageProperty().get());
    }

    @Test
    void closing_one_study_frees_its_viewports_and_measurements_and_leaves_the_other_open() throws IOException {
        viewModel.layoutProperty().set(Layout.ONE_BY_TWO);
        viewModel.open(List.of(generatedSeries(), ProjectionImage.write(folder.resolve("dx"), 0.143, Double.NaN)));
        assertEquals(2, viewModel.series().size());
        SeriesEntry ct = viewModel.series().stream().filter(e -> e.series().modality().equals("CT")).findFirst()
                .orElseThrow();
        SeriesEntry dx = viewModel.series().stream().filter(e -> e.series().modality().equals("DX")).findFirst()
                .orElseThrow();
        ViewportViewModel ctViewport = viewModel.viewports().stream()
                .filter(vp -> vp.seriesProperty().get() == ct).findFirst().orElseThrow();
        ViewportViewModel dxViewport = viewModel.viewports().stream()
                .filter(vp -> vp.seriesProperty().get() == dx).findFirst().orElseThrow();
        ctViewport.addMeasurement(new Measurement.Distance(new ImagePoint(1, 1), new ImagePoint(9, 9)));
        dxViewport.addMeasurement(new Measurement.Distance(new ImagePoint(1, 1), new ImagePoint(9, 9)));

        viewModel.closeStudy(ct.study());

        assertEquals(List.of(dx), List.copyOf(viewModel.series()));
        assertNull(ctViewport.seriesProperty().get());
        assertNull(ctViewport.imageProperty().get());
        assertEquals(dx, dxViewport.seriesProperty().get());
        assertNotNull(dxViewport.imageProperty().get());
        assertEquals(1, dxViewport.measurementsProperty().get().size());
        // Opened again, the study comes back without the measurements drawn before it was closed.
        viewModel.open(List.of(folder.resolve("study")));
        SeriesEntry reopened = viewModel.series().stream().filter(e -> e.series().modality().equals("CT"))
                .findFirst().orElseThrow();
        viewModel.showSeries(reopened, 0);
        assertTrue(viewModel.viewport(0).measurementsProperty().get().isEmpty());
    }

    @Test
    void the_status_bar_counts_the_headers_read_while_a_drop_is_scanned() throws Exception {
        Path study = generatedSeries();
        int files;
        try (var list = Files.list(study.resolve("CT"))) {
            files = (int) list.count();
        }
        List<Long> scanning = new ArrayList<>();
        // One worker: the loads and thumbnails of the series, which start as its first headers are read, wait until
        // the scan ends, and their progress does not come between the scan's on the status bar.
        // The headers after the first are held back until this thread has shown the count it was posted: at most
        // one progress update waits for the UI thread, and a scan that ran to its end first would replace it.
        UiThreadQueue uiQueue = new UiThreadQueue();
        org.radmamba.viewer.study.HeldBackHeaders reader = new org.radmamba.viewer.study.HeldBackHeaders();
        try (FxTaskExecutor workers = new FxTaskExecutor(1, uiQueue::add)) {
            ViewerViewModel vm = ViewerOverHeldBackHeaders.viewModel(reader, workers, folder);
            vm.progressProperty().addListener((obs, o, n) -> {
                if (vm.statusProperty().get().endsWith("reading headers")) {
                    scanning.add(Math.round(n.doubleValue() * files));
                }
            });
            vm.open(List.of(study));
            uiQueue.drain(() -> !scanning.isEmpty());
            reader.release();
            uiQueue.drain(() -> vm.runningTasksProperty().get() == 0 && !vm.series().isEmpty()
                    && vm.series().getFirst().slices().size() == SPEC.slices());
        }

        // Determinate from the moment the files are counted (0 of them read) up to all of them.
        assertEquals(0L, scanning.getFirst(), scanning.toString());
        assertEquals((long) files, scanning.getLast(), scanning.toString());
        assertEquals(scanning.stream().sorted().toList(), scanning);
    }

    @Test
    void scan_progress_reaches_the_status_bar_at_most_ten_times_a_second_besides_its_first_and_last_count()
            throws Exception {
        List<String> shown = new ArrayList<>();
        TaskContext ctx = new TaskContext() {
            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public void updateProgress(long done, long total) {
                shown.add(done + "/" + total);
            }

            @Override
            public void updateMessage(String message) {
            }

            @Override
            public <T> void publish(java.util.function.Consumer<T> consumer, T value) {
            }

            @Override
            public <T> java.util.function.Consumer<T> batchPublisher(java.util.function.Consumer<List<T>> consumer) {
                return value -> { };
            }
        };
        // Each call 0.1 ms after the one before (so 499 calls within 50 ms), then 100 ms pass before the 500th.
        long[] clock = {1_000_000_000L};
        ScanProgress progress = ViewerViewModel.everyTenthOfASecond(ctx, () -> clock[0]);
        for (int done = 0; done < 500; done++) {
            progress.filesRead(done, 1000);
            clock[0] += 100_000L;
        }
        clock[0] += 100_000_000L;
        for (int done = 500; done <= 1000; done++) {
            progress.filesRead(done, 1000);
            clock[0] += 100_000L;
        }
        assertEquals(List.of("0/1000", "500/1000", "1000/1000"), shown);
    }

    @Test
    void closing_a_study_cancels_its_loads_and_thumbnails_but_not_those_of_other_studies() throws Exception {
        UiThreadQueue uiQueue = new UiThreadQueue();
        Map<String, TaskHandle> handles = new ConcurrentHashMap<>();
        try (FxTaskExecutor workers = new FxTaskExecutor(1, uiQueue::add)) {
            TaskExecutor recording = new TaskExecutor() {
                @Override
                public <V> TaskHandle execute(BackgroundTask<V> task) {
                    TaskHandle handle = workers.execute(task);
                    handles.put(task.title(), handle);
                    return handle;
                }

                @Override
                public void runOnUiThread(Runnable action) {
                    workers.runOnUiThread(action);
                }

                @Override
                public void close() {
                    workers.close();
                }
            };
            ViewerViewModel vm = new ViewerViewModel(new DicomStudyService(), recording,
                    new ViewerSettings(new MemoryStore()), () -> folder);
            vm.layoutProperty().set(Layout.ONE_BY_TWO);
            vm.open(List.of(generatedSeries(), ProjectionImage.write(folder.resolve("dx"), 0.143, Double.NaN)));
            // This thread is the UI thread: run what the workers hand it until the scan has listed both series.
            uiQueue.drain(() -> vm.series().size() == 2);
            SeriesEntry ct = vm.series().stream().filter(e -> e.series().modality().equals("CT")).findFirst()
                    .orElseThrow();
            SeriesEntry dx = vm.series().stream().filter(e -> e.series().modality().equals("DX")).findFirst()
                    .orElseThrow();
            TaskHandle ctLoad = handles.get("Loading " + ct.description());
            TaskHandle ctThumbnail = handles.get("Thumbnail " + ct.description());
            assertNotNull(ctLoad, handles.keySet().toString());
            assertNotNull(ctThumbnail, handles.keySet().toString());

            vm.closeStudy(ct.study());

            assertTrue(ctLoad.isCancelled());
            assertTrue(ctThumbnail.isCancelled());
            uiQueue.drain(() -> handles.values().stream().allMatch(TaskHandle::isDone));
            assertFalse(handles.get("Loading " + dx.description()).isCancelled());
            assertFalse(handles.get("Thumbnail " + dx.description()).isCancelled());
            assertNotNull(dx.thumbnailProperty().get());
            assertNull(ct.thumbnailProperty().get(), "a cancelled thumbnail never arrives");
            assertEquals(0, vm.runningTasksProperty().get());
            assertEquals("1 series open", vm.statusProperty().get());
        }
    }

    @Test
    void decoded_slices_reach_the_ui_in_batches_each_once_in_decoding_order() throws Exception {
        UiThreadQueue uiQueue = new UiThreadQueue();
        try (FxTaskExecutor workers = new FxTaskExecutor(1, uiQueue::add)) {
            ViewerViewModel vm = onWorkers(workers);
            SeriesEntry entry = openGeneratedSeries(vm, uiQueue);
            SeriesImages images = vm.images(entry, 0);
            List<Integer> announced = new java.util.ArrayList<>();
            images.addArrivalListener(announced::add);
            uiQueue.drain(images::isComplete);

            // The load goes outwards from the slice in view (slice 0's instance); each slice is announced once. The
            // first file read (ct-001.dcm, the last slice) may have been decoded on its own as soon as its header was
            // read: first, or before this listener was added.
            List<Integer> expected = ViewerViewModel.outwardFrom(entry.slices().getFirst().instanceIndex(),
                            entry.series().instances().size()).stream()
                    .map(instance -> java.util.stream.IntStream.range(0, entry.slices().size())
                            .filter(s -> entry.slices().get(s).instanceIndex() == instance).findFirst().orElseThrow())
                    .toList();
            int firstRead = java.util.stream.IntStream.range(0, entry.slices().size()).filter(s -> entry.instance(
                    entry.slices().get(s).instanceIndex()).file().getFileName().toString().equals("ct-001.dcm"))
                    .findFirst().orElseThrow();
            List<Integer> rest = expected.stream().filter(s -> s != firstRead).toList();
            List<Integer> firstReadFirst = new ArrayList<>(List.of(firstRead));
            firstReadFirst.addAll(rest);
            assertTrue(announced.equals(expected) || announced.equals(firstReadFirst) || announced.equals(rest),
                    announced.toString());
            for (int s = 0; s < entry.slices().size(); s++) {
                assertTrue(images.isLoaded(s), "slice " + s);
                assertNotNull(images.image(s), "slice " + s);
            }
            assertNotNull(vm.viewport(0).imageProperty().get(), "the slice in view is shown");
            assertEquals(SPEC.slices(), images.arrivedInstances());
        }
    }

    @Test
    void a_loaded_series_keeps_its_slices_in_shared_arrays_each_with_its_own_pixels() throws Exception {
        UiThreadQueue uiQueue = new UiThreadQueue();
        try (FxTaskExecutor workers = new FxTaskExecutor(1, uiQueue::add)) {
            ViewerViewModel vm = onWorkers(workers);
            SeriesEntry entry = openGeneratedSeries(vm, uiQueue);
            SeriesImages images = vm.images(entry, 0);
            uiQueue.drain(images::isComplete);

            // The series' frames share slabs (FrameMemory): young collections never copy their pixels. The first
            // file read, decoded as soon as its header is read, may have one of its own; the rest of the series one.
            java.util.Set<short[]> slabs = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            java.util.Set<String> places = new java.util.HashSet<>();
            for (int s = 0; s < entry.slices().size(); s++) {
                Samples.Shorts slice = (Samples.Shorts) images.frame(s).samples();
                slabs.add(slice.array());
                places.add(System.identityHashCode(slice.array()) + "@" + slice.offset());
                // Each slice still holds exactly what its own file stores.
                Samples.Shorts own = (Samples.Shorts) new DicomStudyService().load(images.image(s).instance())
                        .frame(0).samples();
                assertArrayEquals(own.toArray(), slice.toArray(), "slice " + s);
            }
            assertTrue(slabs.size() <= 2, slabs.size() + " slabs");
            assertEquals(entry.slices().size(), places.size(), "each slice in a place of its own");
            assertEquals(entry.slices().size() * SPEC.size() * SPEC.size(),
                    slabs.stream().mapToInt(a -> a.length).sum(), "the slabs hold the series' frames, nothing more");
        }
    }

    @Test
    void a_loaded_series_keeps_its_frames_and_pipelines_but_not_the_loaded_files_and_their_headers() throws Exception {
        DicomStudyService real = new DicomStudyService();
        List<java.lang.ref.WeakReference<LoadedImage>> loadedFiles = new java.util.concurrent.CopyOnWriteArrayList<>();
        StudyService recording = withLoad(real, instance -> {
            LoadedImage image = real.load(instance);
            loadedFiles.add(new java.lang.ref.WeakReference<>(image));
            return image;
        });
        UiThreadQueue uiQueue = new UiThreadQueue();
        try (FxTaskExecutor workers = new FxTaskExecutor(1, uiQueue::add)) {
            ViewerViewModel vm = new ViewerViewModel(recording, workers, new ViewerSettings(new MemoryStore()),
                    () -> folder);
            SeriesEntry entry = openGeneratedSeries(vm, uiQueue);
            SeriesImages images = vm.images(entry, 0);
            uiQueue.drain(images::isComplete);
            assertTrue(loadedFiles.size() >= SPEC.slices(), "the series' files were loaded: " + loadedFiles.size());

            // Each slice displays as a fresh load of its file does.
            for (int s = 0; s < entry.slices().size(); s++) {
                LoadedImage kept = images.image(s);
                LoadedImage fresh = real.load(kept.instance());
                int[] keptArgb = new int[SPEC.size() * SPEC.size()];
                int[] freshArgb = new int[keptArgb.length];
                kept.pipeline(0).toArgb(images.frame(s), kept.pipeline(0).defaultVoi(images.frame(s)), keptArgb);
                fresh.pipeline(0).toArgb(fresh.frame(0), fresh.pipeline(0).defaultVoi(fresh.frame(0)), freshArgb);
                assertArrayEquals(freshArgb, keptArgb, "slice " + s);
                assertEquals(fresh.pipeline(0).units(), kept.pipeline(0).units());
            }
            // ...while nothing of the series holds on to a loaded file (and its parsed header) any longer.
            for (int attempt = 0; attempt < 20 && loadedFiles.stream().anyMatch(r -> r.get() != null); attempt++) {
                System.gc();
                Thread.sleep(50);
            }
            assertEquals(0, loadedFiles.stream().filter(r -> r.get() != null).count(),
                    "loaded files still reachable from the series");
            assertEquals(SPEC.slices(), images.arrivedInstances());
        }
    }

    @Test
    void the_progress_stays_determinate_when_another_task_starts_beside_a_load_that_reports_it() throws Exception {
        Path first = generatedSeries();
        Path second = folder.resolve("second");
        DemoStudy.generate(second, SPEC);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Path> holdAt = new java.util.concurrent.atomic.AtomicReference<>();
        DicomStudyService real = new DicomStudyService();
        // The series load waits before its second slice, after reporting the first: a load in progress.
        StudyService holding = withLoad(real, instance -> {
            if (instance.file().equals(holdAt.get())) {
                try {
                    release.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return real.load(instance);
        });
        UiThreadQueue uiQueue = new UiThreadQueue();
        try (FxTaskExecutor workers = new FxTaskExecutor(2, uiQueue::add)) {
            ViewerViewModel vm = new ViewerViewModel(holding, workers, new ViewerSettings(new MemoryStore()),
                    () -> folder);
            SeriesEntry[] entry = new SeriesEntry[1];
            vm.series().addListener((javafx.collections.ListChangeListener<SeriesEntry>) c -> {
                // The series once whole (it grows as its headers are read; its pixels load once they all are).
                if (entry[0] == null && !vm.series().isEmpty()
                        && vm.series().getFirst().slices().size() == SPEC.slices()) {
                    entry[0] = vm.series().getFirst();
                    holdAt.set(entry[0].instance(entry[0].slices().get(1).instanceIndex()).file());
                }
            });
            vm.open(List.of(first));
            uiQueue.drain(() -> entry[0] != null);
            SeriesImages loading = vm.images(entry[0], 0);
            uiQueue.drain(() -> !vm.scanningProperty().get() && loading.arrivedInstances() >= 1
                    && vm.progressProperty().get() > 0);
            List<Double> shown = new java.util.ArrayList<>();
            vm.progressProperty().addListener((obs, o, n) -> shown.add(n.doubleValue()));

            // Another study opens while the load is held: its scan and thumbnail tasks start beside the load.
            vm.open(List.of(second));
            uiQueue.drain(() -> vm.series().size() == 2);
            assertTrue(!loading.isComplete() && vm.runningTasksProperty().get() >= 1, "the load is still running");
            assertEquals(List.of(), shown.stream().filter(v -> v < 0).toList(),
                    "no switch back to indeterminate while a load reports progress: " + shown);

            release.countDown();
            uiQueue.drain(() -> loading.isComplete() && vm.runningTasksProperty().get() == 0);
            assertEquals(0, vm.progressProperty().get(), 1e-9);
        }
    }

    /** How a test service loads an instance (it may wait, or record what it loaded). */
    private interface Loader {
        LoadedImage load(Instance instance) throws IOException;
    }

    /** {@code real}, except that instances load through {@code loader}. */
    private static StudyService withLoad(DicomStudyService real, Loader loader) {
        return new StudyService() {
            @Override
            public ScanResult scan(List<Path> paths) {
                return real.scan(paths);
            }

            @Override
            public LoadedImage load(Instance instance) throws IOException {
                return loader.load(instance);
            }

            @Override
            public DicomDataset readHeader(Path file) throws IOException {
                return real.readHeader(file);
            }
        };
    }

    /** A view model whose tasks run on {@code workers}, their UI callbacks queued for this thread to drain. */
    private ViewerViewModel onWorkers(FxTaskExecutor workers) {
        return new ViewerViewModel(new DicomStudyService(), workers, new ViewerSettings(new MemoryStore()),
                () -> folder);
    }

    /**
     * Opens the generated series and waits until the browser lists it whole (it grows as its headers are read); this
     * thread is the UI thread.
     */
    private SeriesEntry openGeneratedSeries(ViewerViewModel vm, UiThreadQueue uiQueue)
            throws Exception {
        vm.open(List.of(generatedSeries()));
        uiQueue.drain(() -> !vm.series().isEmpty() && vm.series().getFirst().slices().size() == SPEC.slices());
        return vm.series().getFirst();
    }


    @Test
    void opened_folders_go_to_the_recent_list_most_recent_first() throws IOException {
        Path a = Files.createDirectories(folder.resolve("a"));
        Path b = generatedSeries();
        viewModel.open(List.of(a));
        viewModel.open(List.of(b));
        assertEquals(List.of(b.toAbsolutePath(), a.toAbsolutePath()), viewModel.recentPaths());
        assertEquals(b.toAbsolutePath(), viewModel.settings().lastFolder().orElseThrow());
    }

    @Test
    void loading_starts_at_the_slice_in_view_and_spreads_outwards() {
        assertEquals(List.of(2, 3, 1, 4, 0, 5), ViewerViewModel.outwardFrom(2, 6));
        assertEquals(List.of(0, 1, 2), ViewerViewModel.outwardFrom(0, 3));
    }
}
