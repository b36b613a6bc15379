package org.radmamba.app.ai;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.ScanDevice;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelection;
import org.radmamba.inference.segmentation.PixelSpacing;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.StudyScanner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceServiceTest {

    /** This machine as the driver sees it: no NVIDIA driver. */
    private static final GpuProbe NO_DRIVER = () -> {
        throw new CudaUnavailableException("no NVIDIA driver found (libcuda.so.1 could not be loaded)");
    };

    @TempDir
    Path folder;

    private CpuSimdScan scan;
    private InferenceService service;

    @BeforeEach
    void start() {
        scan = new CpuSimdScan(1);
        service = new InferenceService(p -> new ScanSelection(scan, ScanDevice.CPU, "CPU: test"), NO_DRIVER,
                ScanDevicePreference.AUTO, 1, 2, PluginRegistry.builtIns());
    }

    @AfterEach
    void stop() {
        service.close();
        scan.close();
    }

    private static List<ImageSource> randomImages(int count, List<String> readOn) {
        List<ImageSource> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int seed = i;
            out.add(new ImageSource("img-" + i, "image " + i, () -> {
                readOn.add(Thread.currentThread().getName());
                byte[] px = new byte[90 * 70];
                new Random(seed).nextBytes(px);
                return new AiImage("img-" + seed, new ByteImage(90, 70, 1, px), Optional.empty());
            }));
        }
        return out;
    }

    @Test
    void a_series_run_reports_each_image_off_the_calling_thread_and_keeps_the_order() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        List<String> readOn = new CopyOnWriteArrayList<>();
        List<Integer> progress = new CopyOnWriteArrayList<>();
        InferenceService.Job job = InferenceJobs.submit(service, "series", model, randomImages(4, readOn), new InferenceService.Listener() {
            @Override
            public void progress(InferenceService.Job j, int done, AiResult latest) {
                progress.add(done);
            }
        });
        List<AiResult> results = InferenceService.await(job, 120);

        assertEquals(List.of(1, 2, 3, 4), progress);
        assertEquals(List.of("img-0", "img-1", "img-2", "img-3"), results.stream().map(AiResult::imageId).toList());
        // Read on the service's reading threads (the next batch while this one runs), never on the caller's thread.
        String caller = Thread.currentThread().getName();
        assertTrue(readOn.stream().allMatch(t -> t.startsWith("radmamba-ai-read") && !t.equals(caller)), readOn.toString());
        assertEquals(InferenceService.Job.State.DONE, job.state());
        ClassificationResult first = (ClassificationResult) results.getFirst();
        assertEquals(1.0, java.util.Arrays.stream(first.probabilities()).sum(), 1e-9);
        assertEquals(List.of("normal", "nodule", "effusion"), first.labels());
        assertEquals("Tiny classifier — research use, not for diagnosis", first.attribution());
        assertEquals("Engine: CPU (float32) — no NVIDIA driver found (libcuda.so.1 could not be loaded)",
                service.engine().orElseThrow().text());
        assertEquals(EngineChoice.Kind.CPU, job.engine().kind());
        assertTrue(job.imagesPerSecond() > 0, "images per second: " + job.imagesPerSecond());
    }

    @Test
    void a_second_run_of_the_same_images_comes_from_the_session_cache() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        List<String> readOn = new CopyOnWriteArrayList<>();
        List<AiResult> first = InferenceService.await(InferenceJobs.submit(service, "a", model, randomImages(2, readOn), new InferenceService.Listener() { }), 120);
        List<AiResult> second = InferenceService.await(InferenceJobs.submit(service, "b", model, randomImages(2, readOn), new InferenceService.Listener() { }), 120);

        assertSame(first.get(1), second.get(1));
        assertEquals(2, readOn.size(), "the cached images are not read again");
        assertTrue(service.cached("img-0", model, NetworkPrecision.FLOAT32).isPresent());
    }

    @Test
    void cancelling_a_series_halfway_stops_it_before_the_next_image() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        InferenceService.Job job = InferenceJobs.submit(service, "series", model, randomImages(6, new ArrayList<>()), new InferenceService.Listener() {
            @Override
            public void progress(InferenceService.Job j, int done, AiResult latest) {
                if (done == 3) {
                    j.cancel();
                }
            }
        });
        InferenceService.await(job, 120);
        assertEquals(InferenceService.Job.State.CANCELLED, job.state());
        assertEquals(3, job.done());
        assertEquals(3, job.results().size());
    }

    @Test
    void the_queue_shows_waiting_jobs_and_refuses_more_than_it_holds() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch reading = new CountDownLatch(1);
        List<ImageSource> blocking = List.of(new ImageSource("blocked", "blocked", () -> {
            reading.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new AiImage("blocked", new ByteImage(64, 64, 1, new byte[64 * 64]), Optional.empty());
        }));
        InferenceService.Job running = InferenceJobs.submit(service, "running", model, blocking, new InferenceService.Listener() { });
        // Its image is read only once the worker has taken the job off the queue.
        assertTrue(reading.await(60, TimeUnit.SECONDS), "the first job runs");
        assertEquals(InferenceService.Job.State.RUNNING, running.state());
        InferenceService.Job waiting = InferenceJobs.submit(service, "waiting", model, randomImages(1, new ArrayList<>()), new InferenceService.Listener() { });
        assertEquals(List.of(running, waiting), service.queue());
        ModelException full = assertThrows(ModelException.class,
                () -> InferenceJobs.submit(service, "third", model, randomImages(1, new ArrayList<>()), new InferenceService.Listener() { }));
        assertTrue(full.getMessage().startsWith("the inference queue is full"), full.getMessage());
        release.countDown();
        InferenceService.await(waiting, 120);
        assertEquals(List.of(), service.queue());
    }

    @Test
    void an_unreadable_image_is_reported_by_name_and_the_others_still_run() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        List<ImageSource> images = new ArrayList<>(randomImages(2, new ArrayList<>()));
        images.add(1, new ImageSource("broken", "broken.dcm", () -> {
            throw new IOException("broken.dcm: the pixel data is truncated");
        }));
        InferenceService.Job job = InferenceJobs.submit(service, "mixed", model, images, new InferenceService.Listener() { });
        InferenceService.await(job, 120);
        assertEquals(2, job.results().size());
        assertEquals(List.of("broken.dcm: broken.dcm: the pixel data is truncated"), job.failures());
        assertEquals(InferenceService.Job.State.DONE, job.state());
    }

    @Test
    void a_model_whose_weights_differ_from_its_card_is_not_queued() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        Files.write(model.checkpoint(), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        ModelEntry listed = ModelLibrary.entry(model.checkpoint().getParent(), ModelEntry.Origin.USER);
        ModelException e = assertThrows(ModelException.class,
                () -> InferenceJobs.submit(service, "x", listed, randomImages(1, new ArrayList<>()), new InferenceService.Listener() { }));
        assertTrue(e.getMessage().contains("differs from the card's"), e.getMessage());
    }

    @Test
    void a_ct_series_is_segmented_at_source_geometry_with_areas_in_mm2_and_a_volume() throws Exception {
        List<Path> files = DemoStudy.generate(folder.resolve("study"), new DemoStudy.Spec(64, 3, 0.5, 2.0, 0, false));
        List<Instance> instances = new StudyScanner().scan(files).instances();
        ViewerImages images = new ViewerImages(new ImageLoader());
        ModelEntry model = TestModels.tinySegmenter(folder.resolve("models"));
        InferenceService.Job job = InferenceJobs.submit(service, "ct", model, images.sources(instances), new InferenceService.Listener() { });
        List<SegmentationResult> slices = InferenceService.await(job, 120).stream().map(SegmentationResult.class::cast).toList();

        assertEquals(List.of(), job.failures());
        assertEquals(3, slices.size());
        SegmentationResult s = slices.getFirst();
        assertEquals(64, s.mask().width());
        assertEquals(64 * 64, s.pixelCounts()[0] + s.pixelCounts()[1]);
        assertEquals(s.pixels(1) * 0.25, s.areaMm2(1).orElseThrow(), 1e-9);
        assertEquals(2.0, ViewerImages.sliceSpacing(instances).orElseThrow(), 1e-9);
        double areas = slices.stream().mapToDouble(r -> r.areaMm2(1).orElseThrow()).sum();
        assertEquals(areas * 2.0, SegmentationResult.volumeMm3(slices, 1, 2.0).orElseThrow(), 1e-9);
    }

    @Test
    void a_photograph_without_spacing_has_no_area_in_mm2() {
        SegmentationResult r = SegmentationResult.of("p", "m", "M", List.of("lesion"),
                org.radmamba.inference.segmentation.LabelMask.ofRows(new int[][] {{0, 1}, {1, 1}}), Optional.empty());
        assertEquals(3, r.pixels(1));
        assertEquals(OptionalDouble.empty(), r.areaMm2(1));
        SegmentationResult mm = SegmentationResult.of("p", "m", "M", List.of("lesion"),
                org.radmamba.inference.segmentation.LabelMask.ofRows(new int[][] {{0, 1}, {1, 1}}),
                Optional.of(new PixelSpacing(0.5, 2.0)));
        assertEquals(3.0, mm.areaMm2(1).orElseThrow(), 1e-12);
        assertFalse(mm.attribution().isEmpty());
    }

    @Test
    void the_view_model_runs_jobs_in_turn_and_a_waiting_job_holds_no_worker() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        // The view model is UI-thread only: a single thread plays the FX thread, two workers do the work.
        java.util.concurrent.ExecutorService ui = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (var executor = new org.radmamba.viewer.fx.task.FxTaskExecutor(2, ui::execute)) {
            var viewModel = new org.radmamba.app.gui.ai.AiViewModel(executor, new org.radmamba.app.gui.ai.AiViewModel.ImageScope() {
                @Override
                public ImageSource current() {
                    return null;
                }

                @Override
                public List<ImageSource> series() {
                    return List.of();
                }

                @Override
                public List<ImageSource> study() {
                    return List.of();
                }

                @Override
                public OptionalDouble sliceSpacing() {
                    return OptionalDouble.empty();
                }

                @Override
                public void show(String sourceId) {
                }
            });
            CountDownLatch release = new CountDownLatch(1);
            List<String> events = new CopyOnWriteArrayList<>();
            CountDownLatch reading = new CountDownLatch(1);
            List<ImageSource> blocking = List.of(new ImageSource("blocked", "blocked", () -> {
                events.add("first reads");
                reading.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new AiImage("blocked", new ByteImage(64, 64, 1, new byte[64 * 64]), Optional.empty());
            }));
            CountDownLatch bothEnded = new CountDownLatch(2);
            InferenceService.Listener listener = new InferenceService.Listener() {
                @Override
                public void finished(InferenceService.Job job) {
                    events.add(job.title() + " " + job.state());
                    bothEnded.countDown();
                }
            };
            InferenceService.Job first = ui.submit(() -> viewModel.runInference(service, "first", model, blocking, listener)).get();
            assertTrue(reading.await(60, TimeUnit.SECONDS), "the first job runs");
            List<String> secondRead = new ArrayList<>();
            InferenceService.Job second = ui.submit(() -> viewModel.runInference(service, "second", model,
                    randomImages(1, secondRead), listener)).get();
            // The other worker is free for listing or an export while the second job waits its turn.
            CountDownLatch otherWork = new CountDownLatch(1);
            ui.submit(() -> viewModel.background("other", () -> "done", v -> otherWork.countDown(), e -> { })).get();
            assertTrue(otherWork.await(30, TimeUnit.SECONDS), "a waiting inference job must not hold the second worker");
            assertEquals(InferenceService.Job.State.QUEUED, second.state());
            assertSame(second, ui.submit(() -> viewModel.currentJobProperty().get()).get());

            release.countDown();
            assertTrue(bothEnded.await(120, TimeUnit.SECONDS));
            assertEquals(List.of("first reads", "first DONE", "second DONE"), events);
            assertEquals(InferenceService.Job.State.DONE, first.state());
            assertEquals(1, second.results().size());
        } finally {
            ui.shutdownNow();
        }
    }
}
