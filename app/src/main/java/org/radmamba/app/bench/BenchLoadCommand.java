package org.radmamba.app.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import org.radmamba.app.ExitCodes;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameMemory;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.StudyScanner;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.DicomReaders;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code radmamba bench load [--dir D]}: writes a synthetic CT series and measures how fast the viewer's loading
 * path (scan, read, first display) gets to the first and to all frames, and the peak heap while doing so.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Benchmark: writes a synthetic CT series (500 slices of 512x512, 16-bit) unless --dir already holds",
                "one, then prints one line of key=value figures: time to the first displayed frame, to all frames",
                "decoded, and the peak heap. With --peer pydicom, pydicom then reads the same files on one thread",
                "in the same run (use --threads 1 for a like-for-like comparison)."})
public final class BenchLoadCommand implements java.util.concurrent.Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "D", description = "Folder for the series (default: a new temporary folder, deleted after).")
    private Path dir;

    @Option(names = "--count", defaultValue = "500", description = "Slices (default 500).")
    private int count;

    @Option(names = "--size", defaultValue = "512", description = "Rows and columns (default 512).")
    private int size;

    @Option(names = "--threads", defaultValue = "2", description = "Loader threads (default 2).")
    private int threads;

    @Option(names = "--peer", paramLabel = "TOOL", description = {"Also read the same files with a peer toolkit in",
            "this run, after RadMamba: 'pydicom' (python3 with pydicom reads each file's pixel_array on one thread,",
            "our committed script pydicom_load.py). Prints its line and the ratio of the two times."})
    private String peer;

    @Override
    public Integer call() throws Exception {
        if (peer != null && !"pydicom".equals(peer)) {
            spec.commandLine().getErr().println("--peer: only 'pydicom' is known, not '" + peer + "'");
            return ExitCodes.USAGE;
        }
        boolean temporary = dir == null;
        Path folder = temporary ? Files.createTempDirectory("radmamba-bench-") : dir;
        try {
            long generateMs = 0;
            if (countDicomFiles(folder) != count) {
                long g0 = System.nanoTime();
                SyntheticCtSeries.write(folder, count, size, size);
                generateMs = (System.nanoTime() - g0) / 1_000_000;
            }
            int result = measure(folder, generateMs);
            if (result == ExitCodes.OK && peer != null) {
                runPydicom(folder);
            }
            return result;
        } finally {
            if (temporary) {
                deleteTree(folder);
            }
        }
    }

    private int measure(Path folder, long generateMs) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        System.gc();
        long baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        PeakHeap peak = PeakHeap.start();
        java.util.Map<String, Long> threadCpu0 = ThreadCpu.byGroup();
        long cpu0 = processCpuNanos();
        long mainThreadCpuNanos0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long t0 = System.nanoTime();

        // The first image is loaded and displayed as soon as its header is read (on this thread: the scanner reads
        // the first file on the calling thread); it reads no other header until this returns (first frame first).
        FirstFrameTimeline timeline = new FirstFrameTimeline(t0, mainThreadCpuNanos0);
        timeline.markMain("start");
        ImageLoader loader = new ImageLoader();
        java.util.concurrent.atomic.AtomicBoolean firstClaimed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture<Long> firstShown = new java.util.concurrent.CompletableFuture<>();
        StudyScanner scanner = new StudyScanner(DicomReaders.standard(), ReadLimits.DEFAULT, threads);
        timeline.markMain("readers_made");
        ScanResult scan = scanner.scan(List.of(folder), instance -> {
            if (instance.isImage() && firstClaimed.compareAndSet(false, true)) {
                try {
                    timeline.mark("header_read");
                    LoadedImage image = loader.load(instance);
                    timeline.mark("file_opened");
                    DecodedFrame frame = image.frame(0);
                    timeline.mark("frame_decoded");
                    PixelPipeline p = image.pipeline(0);
                    p.toArgb(frame, p.defaultVoi(frame), new int[image.format().rows() * image.format().columns()]);
                    timeline.mark("shown");
                    firstShown.complete(System.nanoTime() - t0);
                } catch (IOException e) {
                    firstShown.completeExceptionally(e);
                }
            }
        }, (done, total) -> {
            if (done == 0) {
                timeline.markMain("listed");
            }
        });
        long scanNs = System.nanoTime() - t0;
        if (scan.series().isEmpty() || !scan.failures().isEmpty()) {
            spec.commandLine().getErr().println(scan.failures().isEmpty() ? folder + ": no series found"
                    : scan.failures().get(0).message());
            return ExitCodes.INPUT_UNREADABLE;
        }
        long firstNs = firstShown.get();
        List<Instance> instances = scan.series().get(0).instances();
        LoadedImage first = loader.load(instances.get(0));
        DecodedFrame firstFrame = first.frame(0);
        PixelPipeline pipeline = first.pipeline(0);
        int[] argb = new int[first.format().rows() * first.format().columns()];
        Voi voi = pipeline.defaultVoi(firstFrame);
        pipeline.toArgb(firstFrame, voi, argb);

        // The rest, held in memory as the viewer's series cache would, in the series' shared arrays as the viewer
        // decodes them (FrameMemory).
        List<DecodedFrame> frames = new ArrayList<>(instances.size());
        frames.add(firstFrame);
        FrameMemory memory = new FrameMemory(instances.size() - 1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<DecodedFrame>> futures = new ArrayList<>();
            for (Instance instance : instances.subList(1, instances.size())) {
                futures.add(pool.submit(() -> memory.call(() -> loader.load(instance).frame(0))));
            }
            for (Future<DecodedFrame> future : futures) {
                frames.add(get(future));
            }
        } finally {
            pool.shutdownNow();
        }
        long allNs = System.nanoTime() - t0;
        long cpuNs = processCpuNanos() - cpu0;
        String cpuByThreads = ThreadCpu.difference(threadCpu0, ThreadCpu.byGroup(), cpuNs / 1_000_000);
        long peakBytes = peak.stop();

        long rawBytes = 0;
        for (DecodedFrame frame : frames) {
            rawBytes += (long) frame.samples().length() * 2;
        }
        // Display speed: one frame to 8-bit grey with the file's window (display LUT already built above).
        byte[] grey = new byte[argb.length];
        int repeats = Math.min(frames.size(), 200);
        long d0 = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            pipeline.toGrey(frames.get(i), voi, grey);
        }
        double displayMs = (System.nanoTime() - d0) / 1e6 / repeats;

        out.println(String.format(Locale.ROOT,
                "instances=%d rows=%d columns=%d raw_bytes=%d generate_ms=%d scan_ms=%.1f first_frame_ms=%.1f "
                        + "all_frames_ms=%.1f peak_heap_bytes=%d peak_heap_over_raw=%.2f baseline_heap_bytes=%d "
                        + "display_ms_per_frame=%.2f threads=%d max_heap_bytes=%d cpu_ms=%.1f",
                frames.size(), first.format().rows(), first.format().columns(), rawBytes, generateMs, scanNs / 1e6,
                firstNs / 1e6, allNs / 1e6, peakBytes, (double) peakBytes / rawBytes, baseline, displayMs, threads,
                Runtime.getRuntime().maxMemory(), cpuNs / 1e6) + cpuByThreads
                + String.format(Locale.ROOT, " first_frame_thread_cpu_ms=%.1f", timeline.cpuToShownMs())
                + " load_average=" + loadAverage());
        if (verbose()) {
            out.println("first_frame_timeline " + timeline);
        }
        out.flush();
        lastAllFramesMs = allNs / 1e6;
        lastFirstFrameMs = firstNs / 1e6;
        lastCpuMs = cpuNs / 1e6;
        return ExitCodes.OK;
    }

    /** Whether --verbose (inherited from the root command) was given at any level. */
    private boolean verbose() {
        for (CommandLine.ParseResult level = spec.root().commandLine().getParseResult(); level != null;
                level = level.subcommand()) {
            if (level.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The 1-minute load average (Linux /proc/loadavg), or "n/a": wall times on a shared machine need it beside them. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /**
     * Where the first frame's time goes: for each step, the wall time since the start, the CPU time of the threads
     * that did the work (the thread that lists the files and, the scanner reading the first file on it, decodes it)
     * and how many classes the JVM had loaded by then (class loading is most of a cold JVM's first frame).
     */
    static final class FirstFrameTimeline {
        private final long t0;
        private final long mainCpu0;
        private final Thread mainThread = Thread.currentThread();
        private final StringBuilder steps = new StringBuilder();
        private volatile long listedCpuNs;
        private volatile double shownCpuMs = Double.NaN;

        FirstFrameTimeline(long t0, long mainCpu0) {
            this.t0 = t0;
            this.mainCpu0 = mainCpu0;
        }

        /** On the thread that makes the readers and lists the files (before the scan thread's first step). */
        synchronized void markMain(String step) {
            listedCpuNs = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - mainCpu0;
            append(step, listedCpuNs);
        }

        /**
         * After {@code step}, on the thread that reads the first image: the calling thread where the first file is
         * an image (the scanner reads it there), else a scan thread new for the scan, all of whose time is
         * first-frame work.
         */
        synchronized void mark(String step) {
            long now = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long cpu = Thread.currentThread() == mainThread ? now - mainCpu0 : listedCpuNs + now;
            append(step, cpu);
            if ("shown".equals(step)) {
                shownCpuMs = cpu / 1e6;
            }
        }

        private void append(String step, long cpuNs) {
            steps.append(String.format(Locale.ROOT, " %s=%.1fms/cpu%.1fms/classes%d", step,
                    (System.nanoTime() - t0) / 1e6, cpuNs / 1e6,
                    ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount()));
        }

        double cpuToShownMs() {
            return shownCpuMs;
        }

        @Override
        public synchronized String toString() {
            return steps.toString().trim();
        }
    }

    private double lastAllFramesMs;
    private double lastFirstFrameMs;
    private double lastCpuMs;

    /**
     * CPU time of this whole process (loader, JIT compiler and collector threads): on the shared machine, wall times
     * swing several-fold with other processes' load; CPU time much less.
     */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /**
     * Runs pydicom on the same files (one thread, every pixel_array kept) and prints its line and the ratio; without
     * python3 or pydicom, a one-line note instead.
     */
    private void runPydicom(Path folder) throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path script = Files.createTempFile("radmamba-pydicom-load-", ".py");
        try {
            try (var in = BenchLoadCommand.class.getResourceAsStream("pydicom_load.py")) {
                Files.write(script, in.readAllBytes());
            }
            Process process;
            try {
                process = new ProcessBuilder("python3", script.toString(), folder.toString())
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                out.println("peer=pydicom skipped: python3 cannot be started (" + e.getMessage() + ")");
                return;
            }
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            int exit = process.waitFor();
            java.util.regex.Matcher ms = java.util.regex.Pattern.compile("\\bms=([0-9.]+)").matcher(output);
            if (exit != 0 || !ms.find()) {
                String last = output.isEmpty() ? "no output" : output.lines().reduce((a, b) -> b).orElse("");
                out.println("peer=pydicom skipped: " + (last.contains("No module named 'pydicom'")
                        ? "pydicom is not installed (Debian: python3-pydicom)" : "python3 failed: " + last));
                return;
            }
            double peerMs = Double.parseDouble(ms.group(1));
            java.util.regex.Matcher cpu = java.util.regex.Pattern.compile("\\bcpu_ms=([0-9.]+)").matcher(output);
            double peerCpuMs = cpu.find() ? Double.parseDouble(cpu.group(1)) : Double.NaN;
            out.println("peer=pydicom " + output);
            out.println(String.format(Locale.ROOT, "radmamba_all_frames_ms=%.1f pydicom_ms=%.1f "
                            + "radmamba_over_pydicom=%.2f radmamba_first_frame_ms=%.1f radmamba_cpu_ms=%.1f "
                            + "pydicom_cpu_ms=%.1f cpu_radmamba_over_pydicom=%.2f threads=%d",
                    lastAllFramesMs, peerMs, lastAllFramesMs / peerMs, lastFirstFrameMs, lastCpuMs, peerCpuMs,
                    lastCpuMs / peerCpuMs, threads));
        } finally {
            Files.deleteIfExists(script);
            out.flush();
        }
    }

    private static DecodedFrame get(Future<DecodedFrame> future) throws IOException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("loading failed unexpectedly", e.getCause());
        }
    }

    private long countDicomFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return -1;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().matches("CT\\d{4}\\.dcm")).count();
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * CPU time of this process's threads by kind (Linux, from /proc/self/task; empty elsewhere): the loading threads
     * against the JIT compilers, the collector and the rest, to tell a slow loader from a JVM warming up.
     */
    static final class ThreadCpu {
        private ThreadCpu() {
        }

        static java.util.Map<String, Long> byGroup() {
            java.util.Map<String, Long> ticks = new java.util.TreeMap<>();
            Path tasks = Path.of("/proc/self/task");
            if (!Files.isDirectory(tasks)) {
                return ticks;
            }
            try (Stream<Path> list = Files.list(tasks)) {
                for (Path task : list.toList()) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long t = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
                        ticks.merge(group(name), t, Long::sum);
                    } catch (IOException | RuntimeException e) {
                        // A thread that ended while listed: its time is gone from both samples' view.
                    }
                }
            } catch (IOException e) {
                return new java.util.TreeMap<>();
            }
            return ticks;
        }

        private static String group(String name) {
            if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                return "jit";
            }
            if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
                return "gc_vm";
            }
            return "other";
        }

        /**
         * " jit_cpu_ms=1200 gc_vm_cpu_ms=80 loading_and_rest_cpu_ms=900" in ms (clock ticks of 10 ms): the compilers and the collector
         * live through the run; the scan and loader threads end before the second sample, so their time is the
         * process's less the others'.
         */
        static String difference(java.util.Map<String, Long> before, java.util.Map<String, Long> after, long processMs) {
            if (after.isEmpty()) {
                return "";
            }
            long jit = (after.getOrDefault("jit", 0L) - before.getOrDefault("jit", 0L)) * 10;
            long gc = (after.getOrDefault("gc_vm", 0L) - before.getOrDefault("gc_vm", 0L)) * 10;
            return " jit_cpu_ms=" + jit + " gc_vm_cpu_ms=" + gc + " loading_and_rest_cpu_ms=" + (processMs - jit - gc);
        }
    }

    /** Peak used heap: the larger of a 2 ms sampler and every GC's "before" figure (GC notifications). */
    static final class PeakHeap implements NotificationListener {
        private static final java.util.Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                .map(java.lang.management.MemoryPoolMXBean::getName).collect(java.util.stream.Collectors.toSet());
        private final AtomicLong peak = new AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        private PeakHeap() {
            sampler = Thread.ofPlatform().daemon().name("heap-sampler").unstarted(() -> {
                while (running) {
                    record(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static PeakHeap start() {
            PeakHeap p = new PeakHeap();
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(p, null, null);
                }
            }
            p.sampler.start();
            return p;
        }

        private void record(long used) {
            peak.accumulateAndGet(used, Math::max);
        }

        @Override
        public void handleNotification(Notification notification, Object handback) {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long before = info.getGcInfo().getMemoryUsageBeforeGc().entrySet().stream()
                        .filter(e -> HEAP_POOLS.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
                record(before);
            }
        }

        long stop() throws Exception {
            running = false;
            sampler.interrupt();
            sampler.join();
            record(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.removeNotificationListener(this);
                }
            }
            return peak.get();
        }
    }
}
