package org.radmamba.app.bench;

import org.radmamba.app.ExitCodes;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.RandomScanInputs;
import org.radmamba.inference.scan.ReferenceScan;
import org.radmamba.inference.scan.ScanInputs;
import org.radmamba.inference.scan.ScanShape;
import org.radmamba.inference.scan.SelectiveScan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import com.sun.management.OperatingSystemMXBean;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code radmamba bench scan}: times the CPU selective scans on MedMamba's first-stage SS2D shape (K = 4,
 * D = 96, N = 16, a 56×56 map, L = 3136) and prints ms per call and state updates (batch·K·D·N·L per call) per
 * second, both by the wall clock and per CPU-second of the process, the fairer figure on a shared machine.
 */
@Command(name = "scan",
        mixinStandardHelpOptions = true,
        description = "Times the CPU selective scans (reference and SIMD) on the stage-1 SS2D shape.")
public final class BenchScanCommand implements Callable<Integer> {

    private static final int GROUPS = 4;
    private static final int WARM_UP_CALLS = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--batch", split = ",", defaultValue = "1,8", description = "batch sizes (default: ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--threads", split = ",", defaultValue = "1,2",
            description = "thread counts of the SIMD scan (default: ${DEFAULT-VALUE})")
    List<Integer> threadCounts;

    @Option(names = "--channels", defaultValue = "96", description = "D, channels per direction (default: ${DEFAULT-VALUE})")
    int channels;

    @Option(names = "--states", defaultValue = "16", description = "N (default: ${DEFAULT-VALUE})")
    int states;

    @Option(names = "--side", defaultValue = "56", description = "H = W of the feature map (default: ${DEFAULT-VALUE})")
    int side;

    @Option(names = "--seconds", defaultValue = "2",
            description = "measuring time per figure, after as long again of warm-up (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--no-reference", description = "skip the (slow) scalar reference")
    boolean skipReference;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (batches.stream().anyMatch(b -> b < 1) || threadCounts.stream().anyMatch(t -> t < 1)
                || channels < 1 || states < 1 || side < 1 || seconds <= 0) {
            spec.commandLine().getErr().println("bench scan: batch sizes, thread counts and sizes must be positive");
            return ExitCodes.USAGE;
        }
        out.printf(Locale.ROOT, "crossScan2d, K=%d D=%d N=%d H=W=%d (L=%d), %d float lanes, %d processors%n",
                GROUPS, channels, states, side, side * side, CpuSimdScan.lanes(),
                Runtime.getRuntime().availableProcessors());
        out.printf(Locale.ROOT, "%-10s %5s %7s %10s %14s %18s %12s %16s%n", "scan", "batch", "threads",
                "ms/call", "updates/s", "updates/s/thread", "cpu ms/call", "updates/cpu-s");
        for (int batch : batches) {
            ScanShape shape = new ScanShape(batch, GROUPS, channels, states, side * side);
            ScanInputs in = RandomScanInputs.forCrossScan(shape, 2026);
            float[] y = new float[batch * channels * side * side];
            if (!skipReference) {
                report(out, new ReferenceScan(), shape, in, y, 1);
                out.flush();
            }
            for (int threads : threadCounts) {
                try (CpuSimdScan simd = new CpuSimdScan(threads)) {
                    report(out, simd, shape, in, y, threads);
                    out.flush();
                }
            }
        }
        return ExitCodes.OK;
    }

    private void report(PrintWriter out, SelectiveScan scan, ScanShape shape, ScanInputs in, float[] y, int threads) {
        measure(scan, shape, in, y, WARM_UP_CALLS);  // JIT compilation (slow on a busy machine), scratch buffers
        Timing timing = measure(scan, shape, in, y, 2);
        double updates = (double) shape.batch() * shape.channels() * shape.dState() * shape.length();
        double perSecond = updates / (timing.wallMs() / 1000.0);
        out.printf(Locale.ROOT, "%-10s %5d %7d %10.2f %14.3e %18.3e %12.2f %16.3e%n", scan.name(), shape.batch(),
                threads, timing.wallMs(), perSecond, perSecond / threads, timing.cpuMs(),
                updates / (timing.cpuMs() / 1000.0));
    }

    /** Per call: wall time, and CPU time of the whole process (on a busy machine the per-core figure). */
    private record Timing(double wallMs, double cpuMs) {
    }

    /** Calls the scan until {@code seconds} have passed and {@code minCalls} were made, or 10 × seconds passed. */
    private Timing measure(SelectiveScan scan, ScanShape shape, ScanInputs in, float[] y, int minCalls) {
        OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
        long budget = (long) (seconds * 1e9);
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        long elapsed;
        int calls = 0;
        do {
            scan.crossScan2d(shape, side, side, in, y);
            calls++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget || calls < minCalls && elapsed < 10 * budget);
        long cpu = os.getProcessCpuTime() - cpuStart;
        return new Timing(elapsed / 1e6 / calls, cpu / 1e6 / calls);
    }
}
