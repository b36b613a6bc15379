package org.radmamba.app.ai;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.control.Label;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Pane;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.scene.transform.Affine;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.gui.ai.ClassificationPanel;
import org.radmamba.app.gui.ai.Overlays;
import org.radmamba.app.gui.ai.Screenshots;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.ScanDevice;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelection;
import org.radmamba.viewer.fx.overlay.MaskOverlayLayer;
import org.radmamba.viewer.fx.overlay.OverlayStyle;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Headless TestFX: the AI panels and the mask overlay with the demo models' real outputs, and a series run's FX pulses. */
@ExtendWith(ApplicationExtension.class)
class AiPanelsFxTest {

    private static Parallel parallel;
    private static CpuSimdScan scan;
    private Stage stage;

    @TempDir
    static Path noUserModels;

    @BeforeAll
    static void engine() {
        parallel = new Parallel(2);
        scan = new CpuSimdScan();
    }

    @AfterAll
    static void release() {
        scan.close();
        parallel.close();
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        stage.setScene(new Scene(new StackPane(), 400, 300));
        stage.show();
    }

    private static <T> T onFx(Callable<T> work) throws Exception {
        return WaitForAsyncUtils.asyncFx(work).get(30, TimeUnit.SECONDS);
    }

    private AiResult runDemo(String id, String image) throws Exception {
        ModelEntry entry = new ModelLibrary(noUserModels, getClass().getClassLoader()).require(id);
        try (LoadedModel model = LoadedModel.open(entry)) {
            return model.run(DemoHeldout.image(DemoHeldout.folder(id).resolve(image)), new ComputeContext(parallel, scan));
        }
    }

    @Test
    void the_demo_classifier_shows_bars_that_sum_to_100_percent_under_the_model_name() throws Exception {
        ClassificationResult result = (ClassificationResult) runDemo(DemoModelsTest.CLASSIFIER, "000.png");
        ClassificationPanel panel = onFx(() -> {
            ClassificationPanel p = new ClassificationPanel();
            p.show(result);
            stage.getScene().setRoot(p);
            return p;
        });
        List<Double> percents = onFx(() -> panel.lookupAll(".ai-percent").stream()
                .map(n -> Double.parseDouble(((Label) n).getText().replace(" %", ""))).toList());
        assertEquals(3, percents.size());
        assertEquals(100.0, percents.stream().mapToDouble(Double::doubleValue).sum(), 0.15);
        for (int i = 1; i < percents.size(); i++) {
            assertTrue(percents.get(i - 1) >= percents.get(i), "sorted: " + percents);
        }
        String attribution = onFx(() -> ((Label) panel.lookup("#ai-attribution")).getText());
        assertEquals("MedMamba chest-phantom classifier (demo) — demo model — not for diagnosis", attribution);
        assertTrue(ClassificationPanel.cornerText(result).startsWith(result.top().label() + " "));
    }

    @Test
    void the_demo_segmenter_mask_is_drawn_in_colour_inside_and_nowhere_outside_and_the_screenshot_png_keeps_it() throws Exception {
        SegmentationResult result = (SegmentationResult) runDemo(DemoModelsTest.SEGMENTER, "000.png");
        int w = result.mask().width();
        int h = result.mask().height();
        assertTrue(result.pixels(1) > 100, "the lesion is found: " + result.pixels(1) + " px");
        WritableImage shot = onFx(() -> {
            MaskOverlayLayer layer = new MaskOverlayLayer();
            layer.setStyle(new OverlayStyle(1, false, true));
            layer.setMask(Overlays.mask(result));
            layer.follow(new Affine()); // image pixel (x, y) at screen (x, y)
            Pane canvas = new Pane(layer);
            canvas.setStyle("-fx-background-color: black;");
            canvas.setPrefSize(w, h);
            stage.getScene().setRoot(canvas);
            SnapshotParameters params = new SnapshotParameters();
            params.setFill(Color.BLACK);
            return canvas.snapshot(params, null);
        });
        java.awt.image.BufferedImage captured = onFx(() -> Screenshots.capture(stage.getScene().getRoot()));
        Path png = noUserModels.resolve("screenshot.png");
        Screenshots.writePng(captured, png);
        java.awt.image.BufferedImage reread = javax.imageio.ImageIO.read(png.toFile());
        int inside = 0;
        int outsideColoured = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = shot.getPixelReader().getArgb(x, y) & 0xFFFFFF;
                assertEquals(argb, reread.getRGB(x, y) & 0xFFFFFF, "screenshot PNG pixel " + x + "," + y);
                if (result.mask().label(x, y) == 1) {
                    inside += argb != 0 ? 1 : 0;
                } else {
                    outsideColoured += argb != 0 ? 1 : 0;
                }
            }
        }
        assertEquals(result.pixels(1), inside, "every mask pixel is coloured");
        assertEquals(0, outsideColoured, "no colour outside the mask");
    }

    @Test
    void the_side_panel_runs_a_series_lists_each_image_and_shows_a_mask_that_the_shortcut_hides() throws Exception {
        Path folder = noUserModels.resolve("panel-models");
        TestModels.tinyClassifier(folder);
        TestModels.tinySegmenter(folder);
        ModelLibrary.Listing listing = new ModelLibrary(folder, new ClassLoader(null) { }).list();
        List<ImageSource> images = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] px = new byte[64 * 64];
            new java.util.Random(i).nextBytes(px);
            images.add(ImageSource.of(new AiImage("p" + i, new org.radmamba.inference.preprocess.ByteImage(64, 64, 1, px),
                    java.util.Optional.empty()), "image " + i));
        }
        List<String> jumped = new java.util.concurrent.CopyOnWriteArrayList<>();
        // A pre-Volta card, as the driver would report it: the job falls back to the CPU and the panel says why.
        GpuProbe pascal = () -> new GpuDevice("Quadro P4000", 6, 1, 8L << 30, 7L << 30);
        try (InferenceService service = new InferenceService(p -> new ScanSelection(scan, ScanDevice.CPU, "CPU: test"),
                pascal, ScanDevicePreference.AUTO, 4, 2, org.radmamba.app.plugin.PluginRegistry.builtIns())) {
            var executor = new org.radmamba.viewer.fx.task.CurrentThreadTaskExecutor();
            var viewModel = new org.radmamba.app.gui.ai.AiViewModel(executor, scopeOver(images, jumped::add));
            org.radmamba.app.gui.ai.AiSidePanel panel = onFx(() -> {
                viewModel.activeImageProperty().set("p0"); // the first image is on screen
                var p = new org.radmamba.app.gui.ai.AiSidePanel(service, viewModel);
                p.showModels(listing);
                stage.getScene().setRoot(new javafx.scene.layout.HBox(p));
                ((javafx.scene.control.Button) p.lookup("#ai-run-series")).fire();
                return p;
            });
            InferenceService.await(onFx(panel::currentJob), 120);
            WaitForAsyncUtils.waitForFxEvents();
            var table = onFx(() -> (javafx.scene.control.TableView<?>) panel.lookup("#ai-series-table"));
            assertEquals(3, onFx(() -> table.getItems().size()));
            String status = onFx(() -> ((Label) panel.lookup("#ai-status")).getText());
            assertTrue(status.matches("series done after 3 of 3 at [0-9]+\\.[0-9] images/s"), status);
            assertEquals("Engine: CPU (float32) — Quadro P4000 has compute capability 6.1; the GPU engine needs 7.0 (Volta) or newer",
                    onFx(() -> ((Label) panel.lookup("#ai-device")).getText()));
            onFx(() -> {
                table.getSelectionModel().select(1);
                return null;
            });
            assertEquals(List.of("p1"), jumped);

            onFx(() -> {
                @SuppressWarnings("unchecked")
                var choice = (javafx.scene.control.ComboBox<ModelEntry>) panel.lookup("#ai-model-choice");
                choice.getSelectionModel().select(listing.find("tiny-segmenter").orElseThrow());
                ((javafx.scene.control.Button) panel.lookup("#ai-run-image")).fire();
                return null;
            });
            InferenceService.await(onFx(panel::currentJob), 120);
            WaitForAsyncUtils.waitForFxEvents();
            assertEquals(64, onFx(() -> viewModel.shownProperty().get().mask().width()));
            assertTrue(onFx(() -> viewModel.overlayStyleProperty().get().visible()));
            onFx(() -> {
                panel.toggleOverlay();
                return null;
            });
            assertTrue(!onFx(() -> viewModel.overlayStyleProperty().get().visible()), "the shortcut's action hides the mask");
            assertFalse(onFx(() -> ((javafx.scene.control.ToggleButton) panel.lookup("#ai-visible")).isSelected()),
                    "the panel's toggle follows");
        }
    }

    @Test
    void the_engine_line_of_a_gpu_job_names_the_precision_it_ran_in() throws Exception {
        Path folder = noUserModels.resolve("tf32-models");
        TestModels.tinyClassifier(folder);
        ModelLibrary.Listing listing = new ModelLibrary(folder, new ClassLoader(null) { }).list();
        byte[] px = new byte[64 * 64];
        new java.util.Random(3).nextBytes(px);
        List<ImageSource> images = List.of(ImageSource.of(new AiImage("p0",
                new org.radmamba.inference.preprocess.ByteImage(64, 64, 1, px), java.util.Optional.empty()), "image 0"));
        GpuProbe h100 = () -> new GpuDevice("NVIDIA H100 80GB HBM3", 9, 0, 80L << 30, 78L << 30);
        List<DeviceNetworkStandIn> loaded = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (InferenceService service = new InferenceService(p -> new ScanSelection(scan, ScanDevice.CPU, "CPU: test"),
                h100, DeviceNetworkStandIn.into(loaded), ScanDevicePreference.AUTO, 4, 2,
                org.radmamba.app.plugin.PluginRegistry.builtIns())) {
            service.setPrecision(NetworkPrecision.TF32);
            var viewModel = new org.radmamba.app.gui.ai.AiViewModel(
                    new org.radmamba.viewer.fx.task.CurrentThreadTaskExecutor(), scopeOver(images, id -> { }));
            org.radmamba.app.gui.ai.AiSidePanel panel = onFx(() -> {
                var p = new org.radmamba.app.gui.ai.AiSidePanel(service, viewModel);
                p.showModels(listing);
                stage.getScene().setRoot(new javafx.scene.layout.HBox(p));
                ((javafx.scene.control.Button) p.lookup("#ai-run-image")).fire();
                return p;
            });
            InferenceService.await(onFx(panel::currentJob), 120);
            WaitForAsyncUtils.waitForFxEvents();

            assertEquals(List.of(NetworkPrecision.TF32), loaded.stream().map(n -> n.precision).toList());
            assertEquals("Engine: CUDA (tf32) on NVIDIA H100 80GB HBM3 (compute 9.0), 78.0 GiB free of 80.0 GiB",
                    onFx(() -> ((Label) panel.lookup("#ai-device")).getText()));
        }
    }

    @Test
    void a_series_run_cancelled_halfway_stops_and_the_fx_thread_keeps_pulsing() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(noUserModels.resolve("series-models"));
        AtomicLong last = new AtomicLong();
        AtomicLong maxGap = new AtomicLong();
        AnimationTimer pulses = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long previous = last.getAndSet(now);
                if (previous != 0) {
                    maxGap.accumulateAndGet(now - previous, Math::max);
                }
            }
        };
        onFx(() -> {
            pulses.start();
            return null;
        });
        try (InferenceService service = new InferenceService(p -> new ScanSelection(scan, ScanDevice.CPU, "CPU: test"),
                ScanDevicePreference.AUTO, 4, 2)) {
            // The second batch (images 4 to 7) is read only once the FX thread has cancelled at the fourth result,
            // and the pipeline checks the cancel once a batch is read: so it stops after exactly four however late
            // the FX thread hears the progress (Platform.runLater), which on a busy machine can be a batch late.
            java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
            List<ImageSource> images = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] px = new byte[128 * 128];
                new java.util.Random(i).nextBytes(px);
                AiImage image = new AiImage("s" + i, new org.radmamba.inference.preprocess.ByteImage(128, 128, 1, px),
                        java.util.Optional.empty());
                boolean secondBatch = i >= 4;
                images.add(new ImageSource(image.id(), "slice " + i, () -> {
                    try {
                        if (secondBatch && !cancelled.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                            throw new java.io.IOException("the run was never cancelled");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("the run was stopped");
                    }
                    return image;
                }));
            }
            // The viewer's path: the view model submits the job as a BackgroundTask to the FX task executor.
            var executor = new org.radmamba.viewer.fx.task.FxTaskExecutor(1);
            var viewModel = new org.radmamba.app.gui.ai.AiViewModel(executor, scopeOver(images, sourceId -> { }));
            java.util.concurrent.atomic.AtomicBoolean offFx = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.CountDownLatch heardEnd = new java.util.concurrent.CountDownLatch(1);
            InferenceService.Job job = onFx(() -> viewModel.runInference(service, "series", model, images, new InferenceService.Listener() {
                @Override
                public void progress(InferenceService.Job j, int done, AiResult latest) {
                    offFx.compareAndSet(true, Platform.isFxApplicationThread());
                    if (done == 4) {
                        j.cancel();
                        cancelled.countDown();
                    }
                }

                @Override
                public void finished(InferenceService.Job j) {
                    offFx.compareAndSet(true, Platform.isFxApplicationThread());
                    heardEnd.countDown();
                }
            }));
            assertTrue(heardEnd.await(120, java.util.concurrent.TimeUnit.SECONDS), "the end of the job reached the FX thread");
            assertTrue(offFx.get(), "progress and the end arrive on the FX thread");
            executor.close();
            InferenceService.await(job, 120);
            assertEquals(InferenceService.Job.State.CANCELLED, job.state());
            assertEquals(4, job.done(), "stopped after the fourth of " + images.size());
        } finally {
            onFx(() -> {
                pulses.stop();
                return null;
            });
        }
        double gapMs = maxGap.get() / 1e6;
        System.out.println(String.format(Locale.ROOT, "longest FX pulse gap during the series run: %.1f ms", gapMs));
        // A behaviour check, not a benchmark: inference never runs on the FX thread (offFx above), so pulses keep
        // coming; the bound only catches a gross stall, generous because a loaded 2-core machine with a GC pause
        // can hold any thread for a few hundred ms.
        assertTrue(gapMs < 2000, "the FX thread stalled for " + gapMs + " ms");
    }

    /** The images of a run as the view model sees them: the first on screen, all of them the series and the study. */
    private static org.radmamba.app.gui.ai.AiViewModel.ImageScope scopeOver(List<ImageSource> images,
            java.util.function.Consumer<String> shown) {
        return new org.radmamba.app.gui.ai.AiViewModel.ImageScope() {
            @Override
            public ImageSource current() {
                return images.getFirst();
            }

            @Override
            public List<ImageSource> series() {
                return images;
            }

            @Override
            public List<ImageSource> study() {
                return images;
            }

            @Override
            public java.util.OptionalDouble sliceSpacing() {
                return java.util.OptionalDouble.empty();
            }

            @Override
            public void show(String sourceId) {
                shown.accept(sourceId);
            }
        };
    }
}
