package org.radmamba.app.bench;

import com.sun.management.OperatingSystemMXBean;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.PrecisionOption;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.medmamba.MedMamba;
import org.radmamba.inference.medmamba.MedMambaConfig;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.OpProfile;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.cuda.CudaNetwork;
import org.radmamba.inference.cuda.CudaScan;
import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.FallbackScan;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanDeviceUnavailableException;
import org.radmamba.inference.scan.ScanSelection;
import org.radmamba.inference.scan.ScanSelector;
import org.radmamba.inference.scan.SelectiveScan;
import org.radmamba.inference.vmunet.VmUnet;
import org.radmamba.inference.vmunet.VmUnetConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code radmamba bench model}: MedMamba (or VM-UNet, {@code --model vmunet_isic}) inference time per configuration
 * (batch × threads), one line each:
 * {@code model=… batch=… threads=… device=… precision=… median_ms=… p90_ms=… min_ms=… cpu_ms=… thread_cpu_ms=…
 * alloc_mb=… peak_rss_mb=… load_ms=… size=…}; {@code --model} takes several networks, comma-separated.
 *
 * <p>{@code --device cpu} (the default) times the CPU SIMD scan, {@code --device auto} whichever {@link ScanSelector}
 * takes, with everything else on the CPU; {@code --device cuda} runs MedMamba's whole forward pass on the GPU
 * ({@link CudaNetwork}) and VM-UNet's scan there (an error when no usable NVIDIA GPU is there). {@code --precision
 * tf32} times MedMamba's device network with its products on TF32 tensor cores, so it needs {@code --device cuda};
 * everything else runs, and is reported as, float32.
 *
 * <p>OpenBLAS inside ND4J reads {@code OMP_NUM_THREADS} when it loads, so every configuration runs in a fresh JVM
 * (this command's own {@link #main}, re-executed with that variable set and {@code --one}, so that a child needs
 * no more than the inference class path); that also makes peak RSS and load time
 * per configuration. {@code cpu_ms} is the process CPU time per inference, the fairer figure on a shared machine;
 * {@code thread_cpu_ms} the Java threads' share of it (without the JIT compiler and the collector), {@code alloc_mb}
 * the heap those threads allocated per inference (what drives the collector and, with it, the heap's growth), and
 * {@code peak_rss_mb} the process's VmHWM after the runs (loading included).
 */
@Command(name = "model",
        mixinStandardHelpOptions = true,
        description = {"Times MedMamba (224x224 inputs) or VM-UNet (256x256) inference per batch size and thread count.",
                "--model medmamba_t|medmamba_s|medmamba_b|vmunet_isic uses random weights of the official shapes; a "
                        + "path loads that MedMamba checkpoint. Each configuration runs in its own JVM with OMP_NUM_THREADS set."})
public final class BenchModelCommand implements Callable<Integer> {

    private static final Map<String, MedMambaConfig> VARIANTS = Map.of(
            "medmamba_t", MedMambaConfig.tiny(6),
            "medmamba_s", MedMambaConfig.small(6),
            "medmamba_b", MedMambaConfig.base(6));

    /** VM-UNet in the official ISIC configuration (configs/config_setting.py), 256x256, one class. */
    private static final String VMUNET_ISIC = "vmunet_isic";

    @Option(names = "--model", split = ",", defaultValue = "medmamba_t", paramLabel = "NAME|CKPT",
            description = "medmamba_t, medmamba_s, medmamba_b, vmunet_isic or a checkpoint path; several, comma-separated, "
                    + "run one after the other (default: ${DEFAULT-VALUE})")
    List<String> models;

    /** The network of the configuration running now. */
    private String model;

    @Option(names = "--batch", split = ",", defaultValue = "1,8", description = "batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--threads", split = ",", defaultValue = "1,2",
            description = "threads of the Java kernels, the scan and OpenBLAS (default: ${DEFAULT-VALUE})")
    List<Integer> threadCounts;

    @Option(names = "--size", description = "input height = width (default: 224, 256 for vmunet_isic)")
    Integer size;

    @Option(names = "--warmup", defaultValue = "5", description = "untimed runs first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--runs", defaultValue = "15", description = "timed runs (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda|auto",
            description = "where the selective scan runs: cpu (SIMD), cuda (an error without a usable NVIDIA GPU) or "
                    + "auto (default: ${DEFAULT-VALUE})")
    String device;

    @Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = "--profile", description = "also print the time per operation (ms per inference)")
    boolean profile;

    @Option(names = "--one", hidden = true, description = "run exactly one configuration in this JVM")
    boolean one;

    @Spec
    CommandSpec spec;

    /** Opens the CUDA scan; tests stand in a machine without a driver. */
    ScanSelector.DeviceOpener deviceOpener = CudaScan::open;

    /**
     * Runs this command alone ({@code bench model}'s arguments without the sub-command name); the per-configuration
     * child JVMs start here, so they need neither the viewer nor JavaFX on their class path.
     */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new BenchModelCommand());
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        System.exit(cl.execute(args));
    }

    /**
     * The scan for {@code preference}: the CPU SIMD scan on {@code threads} threads, or the CUDA scan behind a
     * {@link FallbackScan} (shapes it does not take, and a GPU failure, go to the CPU scan).
     *
     * @throws ScanDeviceUnavailableException when {@code cuda} was asked for and cannot run
     */
    static ScanSelection selectScan(ScanDevicePreference preference, int threads, ScanSelector.DeviceOpener opener) {
        return new ScanSelector(() -> new CpuSimdScan(threads), opener).choose(preference);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (batches.stream().anyMatch(b -> b < 1) || threadCounts.stream().anyMatch(t -> t < 1)
                || (size != null && size < 4) || warmup < 0 || runs < 1) {
            err.println("bench model: batch sizes, thread counts and runs must be positive, the size at least 4");
            return ExitCodes.USAGE;
        }
        ScanDevicePreference preference;
        NetworkPrecision asked;
        try {
            preference = ScanDevicePreference.parse(device);
            asked = precision.asked();
        } catch (IllegalArgumentException e) {
            err.println("bench model: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        // A benchmark times what it was asked to or nothing: TF32 exists only in the device network.
        if (asked != NetworkPrecision.FLOAT32 && preference != ScanDevicePreference.CUDA) {
            err.println("bench model: --precision " + asked + " times the network on the GPU: it needs --device cuda");
            return ExitCodes.USAGE;
        }
        if (asked != NetworkPrecision.FLOAT32 && models.contains(VMUNET_ISIC)) {
            err.println("bench model: --precision " + asked + " times MedMamba's whole network on the GPU; "
                    + VMUNET_ISIC + " runs only its scan there");
            return ExitCodes.USAGE;
        }
        for (String name : models) {
            if (!VARIANTS.containsKey(name) && !VMUNET_ISIC.equals(name) && !Files.isRegularFile(Path.of(name))) {
                err.println(name + ": neither medmamba_t, medmamba_s, medmamba_b, vmunet_isic nor a checkpoint file");
                return ExitCodes.INPUT_UNREADABLE;
            }
        }
        Integer askedSize = size;
        if (one) {
            model = models.getFirst();
            size = askedSize != null ? askedSize : defaultSize(model);
            try {
                return runHere(batches.getFirst(), threadCounts.getFirst(), preference, asked, out);
            } catch (CheckpointException | ScanDeviceUnavailableException e) {
                err.println(e.getMessage());
                return ExitCodes.INPUT_UNREADABLE;
            }
        }
        int status = ExitCodes.OK;
        for (String name : models) {
            model = name;
            size = askedSize != null ? askedSize : defaultSize(name);
            for (int threads : threadCounts) {
                for (int batch : batches) {
                    status = Math.max(status, runChild(batch, threads, asked, out, err));
                }
            }
        }
        return status;
    }

    private static int defaultSize(String model) {
        return VMUNET_ISIC.equals(model) ? 256 : 224;
    }

    /** Re-executes this program for one configuration with OMP_NUM_THREADS set, forwarding its output. */
    private int runChild(int batch, int threads, NetworkPrecision asked, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchModelCommand.class.getName());
        command.addAll(List.of("--one", "--model", model, "--batch", Integer.toString(batch),
                "--threads", Integer.toString(threads), "--size", Integer.toString(size),
                "--warmup", Integer.toString(warmup), "--runs", Integer.toString(runs), "--device", device,
                "--precision", asked.label()));
        if (profile) {
            command.add("--profile");
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        Process child = builder.start();
        // The child's log (ND4J's start-up lines) is not forwarded; its last lines explain a failed run.
        Deque<String> lastErrors = new ArrayDeque<>();
        Thread drain = Thread.ofVirtual().start(() -> {
            try (var lines = child.errorReader().lines()) {
                lines.forEach(line -> {
                    synchronized (lastErrors) {
                        lastErrors.addLast(line);
                        if (lastErrors.size() > 3) {
                            lastErrors.removeFirst();
                        }
                    }
                });
            }
        });
        try (var lines = child.inputReader().lines()) {
            lines.forEach(line -> {
                out.println(line);
                out.flush();
            });
        }
        int code = child.waitFor();
        drain.join();
        if (code != 0) {
            err.println("bench model: the run with batch " + batch + " and " + threads + " thread(s) exited with " + code);
            synchronized (lastErrors) {
                lastErrors.forEach(line -> err.println("  " + line));
            }
        }
        return code;
    }

    /** One forward pass of the network under test. */
    @FunctionalInterface
    private interface Forward {
        void run(float[] input, int batch, ComputeContext ctx);
    }

    private int runHere(int batch, int threads, ScanDevicePreference preference, NetworkPrecision asked,
                        PrintWriter out) throws IOException {
        // Chosen first, so that a missing GPU fails before the weights are built.
        ScanSelection selection = selectScan(preference, threads, deviceOpener);
        if (VMUNET_ISIC.equals(model)) {
            StateDict weights = VmUnet.FAMILY.randomWeights(VmUnetConfig.isic(1), 42);
            long loadStarted = System.nanoTime();
            try (VmUnet network = VmUnet.FAMILY.load(weights);
                 Parallel parallel = new Parallel(threads);
                 ScanResource scan = new ScanResource(selection)) {
                double loadMs = (System.nanoTime() - loadStarted) / 1e6;
                int channels = network.config().inChannels();
                return measure(model, (x, b, ctx) -> network.run(x, b, channels, size, size, ctx), channels, batch,
                        threads, parallel, scan, NetworkPrecision.FLOAT32, loadMs, out);
            }
        }
        StateDict weights = VARIANTS.containsKey(model) ? MedMamba.FAMILY.randomWeights(VARIANTS.get(model), 42) : null;
        if (preference == ScanDevicePreference.CUDA) {
            return runOnDevice(weights != null ? weights : PthReader.read(Path.of(model)), asked, batch, threads,
                    selection, out);
        }
        long loadStarted = System.nanoTime();
        try (MedMamba network = MedMamba.FAMILY.load(weights != null ? weights : PthReader.read(Path.of(model)));
             Parallel parallel = new Parallel(threads);
             ScanResource scan = new ScanResource(selection)) {
            double loadMs = (System.nanoTime() - loadStarted) / 1e6;
            String name = VARIANTS.containsKey(model) ? model : Path.of(model).getFileName().toString();
            return measure(name, (x, b, ctx) -> network.run(x, b, size, size, ctx), network.config().inChannels(),
                    batch, threads, parallel, scan, NetworkPrecision.FLOAT32, loadMs, out);
        }
    }

    /**
     * MedMamba with {@code --device cuda}: the whole forward pass on the GPU ({@link CudaNetwork}: weights uploaded
     * once, one CUDA graph per input shape), its products in {@code asked}.
     */
    private int runOnDevice(StateDict weights, NetworkPrecision asked, int batch, int threads, ScanSelection selection,
                            PrintWriter out) throws IOException {
        long loadStarted = System.nanoTime();
        CudaNetwork loaded;
        try {
            loaded = CudaNetwork.load(weights, asked);
        } catch (CudaUnavailableException e) {
            throw new ScanDeviceUnavailableException("The CUDA network was asked for but cannot run: " + e.getMessage());
        }
        try (CudaNetwork network = loaded;
             Parallel parallel = new Parallel(threads);
             ScanResource scan = new ScanResource(selection)) {
            double loadMs = (System.nanoTime() - loadStarted) / 1e6;
            String name = VARIANTS.containsKey(model) ? model : Path.of(model).getFileName().toString();
            return measure(name, (x, b, ctx) -> network.run(x, b, size, size, ctx), network.inChannels(),
                    batch, threads, parallel, scan, network.precision(), loadMs, out);
        }
    }

    /** Warm-up, timed runs and the one-line report; {@code precision} is that of the network's products as run. */
    private int measure(String name, Forward network, int channels, int batch, int threads, Parallel parallel,
                        ScanResource scan, NetworkPrecision precision, double loadMs, PrintWriter out)
            throws IOException {
        float[] input = new float[batch * channels * size * size];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) (2 * random.nextDouble() - 1);
        }
        OpProfile ops = profile ? OpProfile.recording(parallel::cpuTimeNanos) : OpProfile.OFF;
        ComputeContext ctx = new ComputeContext(parallel, scan.selection().scan(), ops);
        for (int i = 0; i < warmup; i++) {
            network.run(input, batch, ctx);
        }
        ops.reset();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] ms = new double[runs];
        ThreadTotals threadsStarted = ThreadTotals.now();
        long cpuStarted = os.getProcessCpuTime();
        // per operation: the least time of any run, the figure a shared machine disturbs least, beside the mean
        Map<String, Double> opMin = new LinkedHashMap<>();
        Map<String, Double> opSum = new LinkedHashMap<>();
        Map<String, Double> opCpu = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            network.run(input, batch, ctx);
            ms[i] = (System.nanoTime() - t) / 1e6;
            ops.millis().forEach((op, total) -> {
                opMin.merge(op, total, Math::min);
                opSum.merge(op, total, Double::sum);
            });
            ops.cpuMillis().forEach((op, total) -> opCpu.merge(op, total, Double::sum));
            ops.reset();
        }
        double cpuMs = (os.getProcessCpuTime() - cpuStarted) / 1e6 / runs;
        ThreadTotals threadsUsed = ThreadTotals.now().minus(threadsStarted);
        Arrays.sort(ms);
        out.printf(Locale.ROOT, "model=%s batch=%d threads=%d device=%s precision=%s median_ms=%.1f p90_ms=%.1f "
                        + "min_ms=%.1f cpu_ms=%.1f thread_cpu_ms=%.1f alloc_mb=%.1f peak_rss_mb=%d load_ms=%.0f size=%d%n",
                name, batch, threads, scan.served(), precision.label(), percentile(ms, 0.5), percentile(ms, 0.9), ms[0], cpuMs,
                threadsUsed.cpuNanos() / 1e6 / runs, threadsUsed.allocatedBytes() / 1e6 / runs, peakRssMb(), loadMs, size);
        if (profile) {
            out.printf(Locale.ROOT, "  %-24s %8s    %8s    %8s%n", "operation", "mean", "least", "cpu");
            opSum.forEach((op, total) -> out.printf(Locale.ROOT, "  %-24s %8.2f ms %8.2f ms %8.2f ms%n", op,
                    total / runs, opMin.get(op), opCpu.getOrDefault(op, 0.0) / runs));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * The chosen scan, closed after the runs. {@link #served()} names the device that served the calls: {@code cpu},
     * {@code cuda}, or {@code cuda->cpu} when a GPU failure switched the runs to the CPU (the log says why).
     */
    private record ScanResource(ScanSelection selection) implements AutoCloseable {
        String served() {
            if (selection.scan() instanceof FallbackScan fallback && fallback.fellBack()) {
                return "cuda->cpu";
            }
            return selection.device().name().toLowerCase(Locale.ROOT);
        }

        @Override
        public void close() {
            SelectiveScan scan = selection.scan();
            if (scan instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // the process ends right after this configuration; the OS takes back the rest
                }
            }
        }
    }

    /**
     * CPU time and heap allocation summed over the JVM's Java threads (the calling thread, the kernels' and the
     * scan's pools; not the JIT compiler's or the collector's, which {@code cpu_ms} includes). A thread that ends
     * between two snapshots drops out; the pools live for the whole measurement.
     */
    private record ThreadTotals(Map<Long, Long> cpu, Map<Long, Long> allocated) {
        static ThreadTotals now() {
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long[] ids = mx.getAllThreadIds();
            long[] cpu = mx.getThreadCpuTime(ids);
            long[] allocated = mx.getThreadAllocatedBytes(ids);
            Map<Long, Long> cpuById = new LinkedHashMap<>();
            Map<Long, Long> allocatedById = new LinkedHashMap<>();
            for (int i = 0; i < ids.length; i++) {
                if (cpu[i] >= 0) {
                    cpuById.put(ids[i], cpu[i]);
                }
                if (allocated[i] >= 0) {
                    allocatedById.put(ids[i], allocated[i]);
                }
            }
            return new ThreadTotals(cpuById, allocatedById);
        }

        /** Per-thread differences to {@code earlier}, as one {@link #cpuNanos()} and {@link #allocatedBytes()}. */
        ThreadTotals minus(ThreadTotals earlier) {
            return new ThreadTotals(difference(cpu, earlier.cpu), difference(allocated, earlier.allocated));
        }

        private static Map<Long, Long> difference(Map<Long, Long> later, Map<Long, Long> earlier) {
            Map<Long, Long> d = new LinkedHashMap<>();
            later.forEach((id, value) -> d.put(id, value - earlier.getOrDefault(id, 0L)));
            return d;
        }

        long cpuNanos() {
            return cpu.values().stream().mapToLong(Long::longValue).sum();
        }

        long allocatedBytes() {
            return allocated.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static double percentile(double[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** VmHWM of this process in MB; -1 where /proc is absent. */
    private static long peakRssMb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}
