package org.radmamba.app.bench;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.radmamba.app.ExitCodes;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.SeriesImages;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.fx.view.MainWindow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code radmamba bench viewer}: the viewer window, headless (Monocle, software rendering) where Monocle is on the
 * class path and in a real window otherwise, on generated 512×512 16-bit CT series. Prints key=value figures: the
 * FX thread's longest pulse gap while a 500-slice series loads, the time to render one slice (pipeline + WritableImage update) as p50/p95/max, and the time to switch
 * to an already loaded series. A benchmark, not a test: it asserts nothing.
 */
@Command(name = "viewer", mixinStandardHelpOptions = true,
        description = {"Benchmark of the viewer window, headless: pulse gaps while a series loads, per-slice render",
                "time, series switch time. Prints key=value lines."})
public final class BenchViewerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--slices", defaultValue = "500", description = "Slices of the large series (default 500).")
    private int slices;

    @Option(names = "--size", defaultValue = "512", description = "Rows and columns (default 512).")
    private int size;

    @Option(names = "--dir", paramLabel = "D",
            description = "Folder for the generated series (default: a temporary folder, deleted after).")
    private Path dir;

    @Option(names = "--no-demo", description = {"Load the series first thing in a fresh JVM, as when RadMamba is"
            + " started with it (a file association). By default the window first shows the demo study, as RadMamba"
            + " does when started without paths, and the series is opened after the demo was closed."})
    private boolean noDemo;

    @Option(names = "--print-gaps-over", paramLabel = "MS", defaultValue = "0",
            description = "Also print every pulse gap longer than MS ms with its wall-clock end, to find it in a JFR"
                    + " recording (0, the default: none).")
    private double printGapsOver;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // Monocle is a test library that the installed app does not ship; `mvn -Prun` and the tests have it.
        boolean monocle = monocleOnClassPath();
        if (monocle) {
            // Headless JavaFX, set before the toolkit starts.
            System.setProperty("glass.platform", "Monocle");
            System.setProperty("monocle.platform", "Headless");
            System.setProperty("prism.order", "sw");
            // Monocle's headless screen is 1280x800 unless told otherwise; the window must fit on it.
            System.setProperty("headless.geometry", "1600x1000-32");
            System.setProperty("prism.text", "t2k");
            System.setProperty("java.awt.headless", "true");
        } else if (linuxWithoutDisplay()) {
            spec.commandLine().getErr().println("bench viewer: no display (DISPLAY unset) and no Monocle on the class"
                    + " path; run it under xvfb-run -s \"-screen 0 1600x1000x24\" or with Monocle (docs/performance.md)");
            return ExitCodes.USAGE;
        }
        out.printf(Locale.ROOT, "platform=%s%n", monocle ? "monocle-headless-sw" : "glass");

        boolean temporary = dir == null;
        Path root = temporary ? Files.createTempDirectory("radmamba-bench-viewer") : dir;
        try {
            long t0 = System.nanoTime();
            Path large = root.resolve("large");
            Path small = root.resolve("small");
            if (!Files.exists(large)) {
                DemoStudy.generate(large, new DemoStudy.Spec(size, slices, 0.7, 1, 8, false));
            }
            if (!Files.exists(small)) {
                DemoStudy.generate(small, new DemoStudy.Spec(size, 40, 0.7, 5, 8, false));
            }
            Path demo = DemoStudy.ensureGenerated(root.resolve("demo-cache"));
            out.printf(Locale.ROOT, "generate_s=%.1f%n", (System.nanoTime() - t0) / 1e9);
            out.flush();
            run(large, small, demo, out);
        } finally {
            if (temporary) {
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        return ExitCodes.OK;
    }

    private static boolean monocleOnClassPath() {
        try {
            Class.forName("com.sun.glass.ui.monocle.MonoclePlatformFactory", false,
                    BenchViewerCommand.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException absent) {
            return false;
        }
    }

    /** GTK's glass needs an X server (or XWayland); without one JavaFX fails to start with a stack trace. */
    private static boolean linuxWithoutDisplay() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && isBlank(System.getenv("DISPLAY")) && isBlank(System.getenv("WAYLAND_DISPLAY"));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private void run(Path large, Path small, Path demo, PrintWriter out) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        FxTaskExecutor executor = FxTaskExecutor.forThisMachine();
        try {
            // As RadMamba starts: the window opens what it starts with (the demo, or the series as if given on the
            // command line) once its first frame is painted.
            PulseRecorder pulses = onFx(PulseRecorder::new);
            CompletableFuture<Long> opened = new CompletableFuture<>();
            AtomicReference<ViewerViewModel> shown = new AtomicReference<>();
            Runnable openLarge = () -> {
                pulses.start();
                opened.complete(System.nanoTime());
                shown.get().open(List.of(large));
            };
            ViewerViewModel vm = onFx(() -> {
                ViewerViewModel viewModel = new ViewerViewModel(new DicomStudyService(), executor,
                        new ViewerSettings(new MemoryStore()), () -> demo);
                shown.set(viewModel);
                Stage stage = new Stage();
                MainWindow window = new MainWindow(viewModel);
                stage.setScene(window.createScene(1400, 900));
                stage.setX(0);
                stage.setY(0);
                window.showThenOpen(stage, noDemo ? openLarge : viewModel::openDemo);
                return viewModel;
            });
            if (!noDemo) {
                startOnTheDemo(vm);
            }
            out.printf(Locale.ROOT, "start=%s%n", noDemo ? "no-demo" : "demo-then-closed");

            // 1. Load the large series: the FX thread keeps pulsing.
            if (!noDemo) {
                onFx(() -> {
                    openLarge.run();
                    return null;
                });
            }
            long openStart = opened.get(60, TimeUnit.SECONDS);
            // The first image shows while the other headers are read; the series is whole once the scan ends.
            waitFor(() -> vm.viewport(0).imageProperty().get(), 600);
            double firstImageMs = (System.nanoTime() - openStart) / 1e6;
            SeriesEntry largeEntry = waitFor(() -> vm.scanningProperty().get() || vm.series().isEmpty() ? null
                    : vm.series().getFirst(), 600);
            double scanMs = (System.nanoTime() - openStart) / 1e6;
            SeriesImages images = onFx(() -> vm.images(largeEntry, 0));
            waitFor(() -> images.isComplete() ? Boolean.TRUE : null, 1800);
            double loadS = (System.nanoTime() - openStart) / 1e9;
            double[] gaps = onFx(pulses::stopAndGet);
            pulses.printLongGaps("load", printGapsOver, out);
            out.printf(Locale.ROOT, "load_slices=%d load_size=%dx%d scan_ms=%.0f first_image_ms=%.0f load_all_s=%.1f%n",
                    largeEntry.slices().size(), size, size, scanMs, firstImageMs, loadS);
            out.printf(Locale.ROOT, "load_pulses=%d pulse_gap_p50_ms=%.1f pulse_gap_p95_ms=%.1f pulse_gap_max_ms=%.1f%n",
                    gaps.length, percentile(gaps, 50), percentile(gaps, 95), percentile(gaps, 100));
            out.flush();

            // 2. Render every slice: pipeline + WritableImage update, and the layout that follows it (the viewport
            // resamples the image to screen resolution there), on the FX thread.
            // Wall time and the FX thread's CPU time: on a shared machine the CPU time is the steadier figure.
            double[][] render = onFx(() -> {
                ViewportViewModel vp = vm.viewport(0);
                javafx.scene.Parent root = javafx.stage.Window.getWindows().getFirst().getScene().getRoot();
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                int n = vp.sliceCountProperty().get();
                double[] wall = new double[2 * n];
                double[] cpu = new double[2 * n];
                for (int pass = 0; pass < 2; pass++) {
                    for (int i = 0; i < n; i++) {
                        long c = threads.getCurrentThreadCpuTime();
                        long s = System.nanoTime();
                        vp.setSlice(pass == 0 ? i : n - 1 - i);
                        root.layout();
                        wall[pass * n + i] = (System.nanoTime() - s) / 1e6;
                        cpu[pass * n + i] = (threads.getCurrentThreadCpuTime() - c) / 1e6;
                    }
                }
                return new double[][] {wall, cpu};
            });
            out.printf(Locale.ROOT, "render_slices=%d render_p50_ms=%.2f render_p95_ms=%.2f render_max_ms=%.2f"
                            + " render_cpu_p50_ms=%.2f render_cpu_p95_ms=%.2f%n",
                    render[0].length, percentile(render[0], 50), percentile(render[0], 95), percentile(render[0], 100),
                    percentile(render[1], 50), percentile(render[1], 95));
            out.flush();

            // 3. Switch between two loaded series.
            onFx(() -> {
                vm.open(List.of(small));
                return null;
            });
            SeriesEntry smallEntry = waitFor(() -> vm.scanningProperty().get() || vm.series().size() < 2 ? null
                    : vm.series().get(1), 600);
            SeriesImages smallImages = onFx(() -> vm.images(smallEntry, 0));
            waitFor(() -> smallImages.isComplete() ? Boolean.TRUE : null, 600);
            List<Double> switches = new ArrayList<>();
            List<Double> switchCpu = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                SeriesEntry target = i % 2 == 0 ? smallEntry : largeEntry;
                long s = System.nanoTime();
                switchCpu.add(onFx(() -> {
                    long c = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    vm.showSeries(target, 0);
                    return (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c) / 1e6;
                }));
                // Until the next pulse has drawn it.
                nextPulse();
                switches.add((System.nanoTime() - s) / 1e6);
            }
            double[] sw = switches.stream().mapToDouble(Double::doubleValue).toArray();
            double[] swCpu = switchCpu.stream().mapToDouble(Double::doubleValue).toArray();
            out.printf(Locale.ROOT, "switch_series_p50_ms=%.1f switch_series_max_ms=%.1f switch_cpu_p50_ms=%.1f"
                    + " switch_cpu_max_ms=%.1f%n", percentile(sw, 50), percentile(sw, 100), percentile(swCpu, 50),
                    percentile(swCpu, 100));
            // 4. Close everything and load the large series again: the same load with the JVM and the UI warm, which
            // separates the viewer's own work on the FX thread from first-use costs (class loading, CSS, the JIT).
            onFx(() -> {
                vm.closeAll();
                return null;
            });
            waitFor(() -> vm.series().isEmpty() ? Boolean.TRUE : null, 60);
            PulseRecorder warmPulses = onFx(PulseRecorder::new);
            long reopen = System.nanoTime();
            onFx(() -> {
                warmPulses.start();
                vm.open(List.of(large));
                return null;
            });
            waitFor(() -> vm.viewport(0).imageProperty().get(), 600);
            SeriesEntry again = waitFor(() -> vm.scanningProperty().get() || vm.series().isEmpty() ? null
                    : vm.series().getFirst(), 600);
            SeriesImages againImages = onFx(() -> vm.images(again, 0));
            waitFor(() -> againImages.isComplete() ? Boolean.TRUE : null, 1800);
            double warmLoadS = (System.nanoTime() - reopen) / 1e9;
            double[] warmGaps = onFx(warmPulses::stopAndGet);
            warmPulses.printLongGaps("warm", printGapsOver, out);
            out.printf(Locale.ROOT, "warm_load_s=%.1f warm_load_pulses=%d warm_pulse_gap_p50_ms=%.1f"
                            + " warm_pulse_gap_p95_ms=%.1f warm_pulse_gap_max_ms=%.1f%n", warmLoadS, warmGaps.length,
                    percentile(warmGaps, 50), percentile(warmGaps, 95), percentile(warmGaps, 100));
            // The collector and the peak resident memory so far (both loads): what a GC choice costs in memory.
            out.printf(Locale.ROOT, "cores=%d heap_max_mb=%d gc=%s rss_peak_mb=%d%n",
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                    ManagementFactory.getGarbageCollectorMXBeans().getFirst().getName().replace(' ', '_'),
                    peakResidentMb());
            out.flush();
            onFx(() -> {
                vm.closeAll();
                return null;
            });
        } finally {
            executor.close();
            Platform.exit();
        }
    }

    /** The process's peak resident set (VmHWM) in MiB, from /proc on Linux; -1 elsewhere. */
    static long peakResidentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return -1;
    }

    /**
     * What RadMamba does when started without paths ({@code ViewerApplication}): it opens the demo study (the
     * window was shown with it). The user
     * looks at it until it has loaded, closes it and opens their own series. The window's controls, styles and
     * the decoding code have then been used once, as in the app.
     */
    private static void startOnTheDemo(ViewerViewModel vm) throws Exception {
        waitFor(() -> vm.series().isEmpty() || vm.viewport(0).imageProperty().get() == null ? null : Boolean.TRUE, 600);
        waitFor(() -> vm.runningTasksProperty().get() == 0
                && vm.series().stream().allMatch(e -> !e.isDisplayable() || e.thumbnailProperty().get() != null)
                ? Boolean.TRUE : null, 600);
        Thread.sleep(1000);
        onFx(() -> {
            List.copyOf(vm.series()).stream().map(SeriesEntry::study).distinct().forEach(vm::closeStudy);
            return null;
        });
        waitFor(() -> vm.series().isEmpty() ? Boolean.TRUE : null, 60);
        Thread.sleep(500);
    }

    /** Records the gaps between consecutive pulses (AnimationTimer frames) on the FX thread. */
    private static final class PulseRecorder extends AnimationTimer {
        private final List<Double> gaps = new ArrayList<>();
        private final List<Instant> ends = new ArrayList<>();
        private long last;

        @Override
        public void handle(long now) {
            if (last != 0) {
                gaps.add((now - last) / 1e6);
                ends.add(Instant.now());
            }
            last = now;
        }

        /** Long gaps with the wall-clock time they ended, the time base of JFR events. */
        void printLongGaps(String phase, double overMs, PrintWriter out) {
            if (overMs <= 0) {
                return;
            }
            for (int i = 0; i < gaps.size(); i++) {
                if (gaps.get(i) > overMs) {
                    out.printf(Locale.ROOT, "%s_gap_ms=%.1f ended=%s%n", phase, gaps.get(i), ends.get(i));
                }
            }
        }

        double[] stopAndGet() {
            super.stop();
            return gaps.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    private static void nextPulse() throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Platform.runLater(() -> new AnimationTimer() {
            private int frames;

            @Override
            public void handle(long now) {
                if (++frames == 2) {
                    stop();
                    done.complete(null);
                }
            }
        }.start());
        done.get(30, TimeUnit.SECONDS);
    }

    private static <T> T onFx(Supplier<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(action.get());
            } catch (RuntimeException | Error e) {
                // Handed to the waiting caller, whose get() rethrows it: the benchmark stops with the cause.
                result.completeExceptionally(e);
            }
        });
        return result.get(120, TimeUnit.SECONDS);
    }

    private static <T> T waitFor(Supplier<T> probe, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            T value = onFx(probe);
            if (value != null) {
                return value;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the viewer did not get there within " + seconds + " s");
    }

    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.clamp(index, 0, sorted.length - 1)];
    }
}
