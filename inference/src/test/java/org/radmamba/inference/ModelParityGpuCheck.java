package org.radmamba.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.radmamba.inference.cuda.CudaScan;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.medmamba.MedMamba;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.ScanInputs;
import org.radmamba.inference.scan.ScanShape;
import org.radmamba.inference.scan.SelectiveScan;
import org.radmamba.inference.vmunet.VmUnet;

/**
 * Whole-model parity with the CUDA scan on a real GPU (run by {@code inference/src/test/gpu/gpu-checks.sh run
 * parity}; CI has no GPU): each golden fixture's model runs once with the CPU SIMD scan and once with {@link CudaScan}
 * itself (not behind a fallback, so every scan call is served by the GPU or the check fails), and the output must be
 * within 1e-4 of the golden output's largest magnitude. Prints one line per model and run, exits 1 when a check fails.
 *
 * <p>Arguments: the shared test-fixtures folder (test-fixtures: medmamba_tiny, vmunet_tiny_binary,
 * vmunet_tiny_multiclass) and, optionally, a folder holding {@code medmamba_t.pth}, {@code medmamba_t.input.npy} and
 * {@code medmamba_t.output.npy} (../shared/fixtures). {@code --dry-run} as the first argument puts a second CPU SIMD
 * scan where the CUDA scan would be, to try the harness on a machine without a GPU.
 */
public final class ModelParityGpuCheck {

    private static final double TOLERANCE = 1e-4;

    /** A scan that counts the calls it forwards, so the report shows that the GPU served them. */
    private static final class Counting implements SelectiveScan {
        private final SelectiveScan inner;
        private final AtomicLong calls = new AtomicLong();

        Counting(SelectiveScan inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void scan(ScanShape shape, ScanInputs in, float[] y) {
            calls.incrementAndGet();
            inner.scan(shape, in, y);
        }

        @Override
        public void crossScan2d(ScanShape shape, int height, int width, ScanInputs in, float[] y) {
            calls.incrementAndGet();
            inner.crossScan2d(shape, height, width, in, y);
        }
    }

    /** One network under test: a forward pass on the fixture's input. */
    @FunctionalInterface
    private interface Forward {
        float[] run(NpyArray input, ComputeContext ctx);
    }

    private final List<String> failures = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        boolean dryRun = args.length > 0 && args[0].equals("--dry-run");
        if (dryRun) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        Path resources = Path.of(args.length > 0 ? args[0] : "test-fixtures");
        Path shared = args.length > 1 ? Path.of(args[1]) : null;
        ModelParityGpuCheck check = new ModelParityGpuCheck();
        int threads = Runtime.getRuntime().availableProcessors();
        try (AutoCloseable device = dryRun ? new CpuSimdScan(threads) : CudaScan.open();
             Parallel parallel = new Parallel(threads);
             CpuSimdScan cpu = new CpuSimdScan(threads)) {
            SelectiveScan cuda = (SelectiveScan) device;
            System.out.println("device: " + (dryRun ? "none (--dry-run: a second CPU scan)"
                    : ((CudaScan) device).description()) + "; CPU threads: " + threads);
            check.medmamba("medmamba_tiny", resources.resolve("checkpoints/medmamba_tiny.pth"),
                    resources.resolve("fixtures/medmamba_tiny"), cuda, cpu, parallel);
            check.vmunet("vmunet_tiny_binary", resources.resolve("checkpoints/vmunet_tiny_binary.pth"),
                    resources.resolve("fixtures/vmunet_tiny_binary"), cuda, cpu, parallel);
            check.vmunet("vmunet_tiny_multiclass", resources.resolve("fixtures/vmunet_tiny_multiclass.pth"),
                    resources.resolve("fixtures/vmunet_tiny_multiclass"), cuda, cpu, parallel);
            if (shared != null) {
                Path pth = shared.resolve("medmamba_t.pth");
                if (Files.isRegularFile(pth)) {
                    check.medmamba("medmamba_t", pth, shared.resolve("medmamba_t"), cuda, cpu, parallel);
                } else {
                    check.failures.add("medmamba_t: " + pth + " is missing");
                }
            }
        }
        System.out.println(check.failures.isEmpty() ? "ALL MODEL CHECKS PASSED" : "FAILED: " + check.failures);
        System.exit(check.failures.isEmpty() ? 0 : 1);
    }

    private void medmamba(String name, Path checkpoint, Path fixture, SelectiveScan cuda, CpuSimdScan cpu,
                          Parallel parallel) throws Exception {
        try (MedMamba model = MedMamba.load(checkpoint)) {
            compare(name, fixture, (x, ctx) -> model.run(x.data(), x.dim(0), x.dim(2), x.dim(3), ctx), cuda, cpu,
                    parallel);
        }
    }

    private void vmunet(String name, Path checkpoint, Path fixture, SelectiveScan cuda, CpuSimdScan cpu,
                        Parallel parallel) throws Exception {
        try (VmUnet model = VmUnet.load(checkpoint)) {
            compare(name, fixture,
                    (x, ctx) -> model.run(x.data(), x.dim(0), x.dim(1), x.dim(2), x.dim(3), ctx), cuda, cpu,
                    parallel);
        }
    }

    private void compare(String name, Path fixture, Forward network, SelectiveScan cuda, CpuSimdScan cpu,
                         Parallel parallel) throws Exception {
        NpyArray input = Npy.read(Path.of(fixture + ".input.npy"));
        float[] golden = Npy.read(Path.of(fixture + ".output.npy")).data();
        double maxGolden = 0;
        for (float g : golden) {
            maxGolden = Math.max(maxGolden, Math.abs(g));
        }
        float[] onCpu = null;
        for (SelectiveScan scan : List.of(cpu, cuda)) {
            Counting counting = new Counting(scan);
            long started = System.nanoTime();
            float[] out = network.run(input, new ComputeContext(parallel, counting));
            double ms = (System.nanoTime() - started) / 1e6;
            double maxError = maxDifference(out, golden);
            boolean pass = out.length == golden.length && maxError <= TOLERANCE * maxGolden;
            String versusCpu = onCpu == null ? "" : String.format(Locale.ROOT, " max|cuda-cpu|=%.3e",
                    maxDifference(out, onCpu));
            System.out.printf(Locale.ROOT, "%s scan=%s calls=%d max|out-golden|=%.3e max|golden|=%.4f ratio=%.2e "
                            + "(allowed 1e-4)%s first_run_ms=%.0f %s%n", name, scan.name(), counting.calls.get(),
                    maxError, maxGolden, maxError / maxGolden, versusCpu, ms, pass ? "PASS" : "FAIL");
            if (!pass) {
                failures.add(name + " with " + scan.name());
            }
            if (onCpu == null) {
                onCpu = out;
            }
        }
    }

    private static double maxDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
