package org.radmamba.inference.scan;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.radmamba.inference.cuda.CudaScan;
import org.radmamba.inference.cuda.CudaUnavailableException;

/**
 * The CUDA scan on a real GPU (run by {@code inference/src/test/gpu/gpu-checks.sh run scan}; CI has no GPU): parity
 * with the golden fixtures and with the reference scan on random non-square cross scans, the selector's choice,
 * then kernel timings against the device's copy bandwidth. Prints a report and exits 1 when a check fails.
 */
public final class CudaScanGpuCheck {

    private static final double TOLERANCE = 1e-5;

    private final PrintStream out;
    private final List<String> failures = new ArrayList<>();

    private CudaScanGpuCheck(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        StringBuilder log = new StringBuilder();
        PrintStream console = System.out;
        PrintStream tee = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                console.write(b);
                log.append((char) b);
            }
        }, true, StandardCharsets.UTF_8);
        CudaScanGpuCheck check = new CudaScanGpuCheck(tee);
        if (args.length > 2 && args[1].equals("--variants")) {
            check.variants(Arrays.copyOfRange(args, 2, args.length));
            check.out.println(check.failures.isEmpty() ? "ALL CHECKS PASSED" : "FAILED: " + check.failures);
            System.exit(check.failures.isEmpty() ? 0 : 1);
        }
        String mode = args.length < 2 ? "--all" : args[1];
        boolean timings = !mode.equals("--no-timings");
        try (CudaScan cuda = CudaScan.open()) {
            check.out.println("device: " + cuda.description());
            if (mode.equals("--profile")) {
                // Two launches for a profiler (ncu -k selective_scan): a cross scan and a plain scan, batch 8.
                ScanShape shape = new ScanShape(8, 4, 96, 16, 3136);
                cuda.timeKernels(shape, 56, 56, true, RandomScanInputs.forCrossScan(shape, 8), 0, 1, 1);
                cuda.timeKernels(shape, 1, 3136, false, RandomScanInputs.forScan(shape, 8), 0, 1, 1);
                return;
            }
            check.parity(cuda);
            check.selection();
            if (timings) {
                check.timings(cuda);
            }
        } catch (CudaUnavailableException e) {
            check.failures.add("no CUDA device: " + e.getMessage());
        }
        check.out.println(check.failures.isEmpty() ? "ALL CHECKS PASSED" : "FAILED: " + check.failures);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0], "gpu-checks.txt"), log.toString());
        }
        System.exit(check.failures.isEmpty() ? 0 : 1);
    }

    /** Kernel development: each PTX file's parity on two cases and its stage-1 cross-scan times. */
    private void variants(String[] ptxFiles) throws CudaUnavailableException {
        for (String ptx : ptxFiles) {
            System.setProperty(CudaScan.PTX_PROPERTY, ptx);
            try (CudaScan cuda = CudaScan.open()) {
                out.println("== " + ptx);
                ScanFixture fixture = ScanFixture.load("scan_stage1");
                float[] y = new float[fixture.expected().length];
                cuda.scan(fixture.shape(), fixture.inputs(), y);
                report("fixture scan_stage1", y, fixture.expected());
                ScanShape shape = new ScanShape(1, 4, 64, 16, 33 * 70);
                ScanInputs in = RandomScanInputs.forCrossScan(shape, 5);
                float[] expected = new float[in.u().length];
                new ReferenceScan().crossScan2d(shape, 33, 70, in, expected);
                float[] got = new float[expected.length];
                cuda.crossScan2d(shape, 33, 70, in, got);
                report("random crossScan2d 33x70", got, Deviation.toDoubles(expected));
                for (int batch : new int[] {1, 8, 32}) {
                    ScanShape stage1 = new ScanShape(batch, 4, 96, 16, 3136);
                    float[] cross = cuda.timeKernels(stage1, 56, 56, true, RandomScanInputs.forCrossScan(stage1, 3),
                            30, 11, 10);
                    float[] plain = cuda.timeKernels(stage1, 1, 3136, false, RandomScanInputs.forScan(stage1, 3),
                            30, 11, 10);
                    Arrays.sort(cross);
                    Arrays.sort(plain);
                    out.printf("batch %2d: cross %.1f us, plain %.1f us%n", batch, cross[5] * 1e3, plain[5] * 1e3);
                }
            }
        }
        System.clearProperty(CudaScan.PTX_PROPERTY);
    }

    // ---- parity -----------------------------------------------------------------------------------------

    private void parity(CudaScan cuda) {
        for (String name : new String[] {"scan_small", "scan_stage1"}) {
            ScanFixture fixture = ScanFixture.load(name);
            poison(cuda, fixture.shape(), false, 1, fixture.shape().length());
            float[] y = new float[fixture.expected().length];
            cuda.scan(fixture.shape(), fixture.inputs(), y);
            report("fixture " + name + " " + fixture.shape(), y, fixture.expected());
        }
        ReferenceScan reference = new ReferenceScan();
        // Plain scans whose L is not a multiple of the 64-step chunk, and N below 16.
        int[][] plain = {{2, 4, 40, 16, 200}, {1, 2, 33, 5, 4099}, {3, 1, 7, 16, 1}};
        for (int[] s : plain) {
            ScanShape shape = new ScanShape(s[0], s[1], s[2], s[3], s[4]);
            ScanInputs in = RandomScanInputs.forScan(shape, Arrays.hashCode(s));
            float[] expected = new float[in.u().length];
            reference.scan(shape, in, expected);
            poison(cuda, shape, false, 1, shape.length());
            float[] y = new float[expected.length];
            cuda.scan(shape, in, y);
            report("random scan " + shape, y, Deviation.toDoubles(expected));
        }
        // Cross scans on non-square maps (rows != columns exercise the transposed orders), one row, one column.
        int[][] cross = {{2, 40, 16, 7, 13}, {1, 96, 16, 56, 56}, {3, 24, 4, 13, 7}, {1, 33, 16, 1, 50},
            {2, 17, 16, 45, 1}, {1, 64, 16, 33, 70}};
        for (int[] s : cross) {
            ScanShape shape = new ScanShape(s[0], 4, s[1], s[2], s[3] * s[4]);
            ScanInputs in = RandomScanInputs.forCrossScan(shape, Arrays.hashCode(s));
            float[] expected = new float[in.u().length];
            reference.crossScan2d(shape, s[3], s[4], in, expected);
            poison(cuda, shape, true, s[3], s[4]);
            float[] y = new float[expected.length];
            cuda.crossScan2d(shape, s[3], s[4], in, y);
            report("random crossScan2d " + s[3] + "x" + s[4] + " " + shape, y, Deviation.toDoubles(expected));
        }
    }

    /** Leaves NaN in the device's y buffer, so that an element the next call does not write shows up. */
    private static void poison(CudaScan cuda, ScanShape shape, boolean cross, int height, int width) {
        ScanInputs in = cross ? RandomScanInputs.forCrossScan(shape, 1) : RandomScanInputs.forScan(shape, 1);
        Arrays.fill(in.u(), Float.NaN);
        float[] y = new float[in.u().length];
        if (cross) {
            cuda.crossScan2d(shape, height, width, in, y);
        } else {
            cuda.scan(shape, in, y);
        }
    }

    private void report(String what, float[] y, double[] expected) {
        double error = Deviation.maxAbsoluteDifference(y, expected);
        double scale = Deviation.maxAbsolute(expected);
        boolean ok = error <= TOLERANCE * scale; // false for NaN too
        out.printf("%-4s %-70s max|y-ref| = %.3e, max|ref| = %.3e, ratio %.2e%n", ok ? "ok" : "FAIL", what, error,
                scale, error / scale);
        if (!ok) {
            failures.add(what);
        }
    }

    private void selection() {
        ScanSelection auto = ScanSelector.select(ScanDevicePreference.AUTO);
        out.println("selector auto -> " + auto.device() + ", " + auto.scan().name() + ": " + auto.reason());
        if (auto.device() != ScanDevice.CUDA) {
            failures.add("the selector did not choose CUDA on a GPU machine");
        }
    }

    // ---- timings ----------------------------------------------------------------------------------------

    private void timings(CudaScan cuda) {
        double copy = cuda.copyBandwidthBytesPerSecond(1L << 30, 20);
        out.printf("device-to-device copy of 1 GiB: %.0f GB/s (bytes read + written)%n", copy / 1e9);
        int d = 96;
        int n = 16;
        int side = 56;
        int length = side * side;
        out.println("stage-1 crossScan2d, K=4, D=96, N=16, L=3136 (56x56); kernels only, CUDA events; median of 15"
                + " samples of 10 back-to-back runs");
        out.printf("%-6s %12s %12s %10s %10s %12s%n", "batch", "floor MB", "median us", "GB/s", "of copy",
                "min us");
        for (int batch : new int[] {1, 8, 32}) {
            ScanShape shape = new ScanShape(batch, 4, d, n, length);
            ScanInputs in = RandomScanInputs.forCrossScan(shape, batch);
            long floorBytes = 4L * ((long) batch * d * length           // u, read once
                    + (long) batch * 4 * d * length                      // delta of the four directions
                    + 2L * batch * 4 * n * length                        // B and C
                    + (long) batch * d * length                          // y, written once
                    + 4L * d * (n + 2));                                 // A, D, delta bias
            float[] millis = cuda.timeKernels(shape, side, side, true, in, 30, 15, 10);
            Arrays.sort(millis);
            double median = millis[millis.length / 2] * 1e-3;
            out.printf("%-6d %12.2f %12.1f %10.0f %9.0f%% %12.1f%n", batch, floorBytes / 1e6, median * 1e6,
                    floorBytes / median / 1e9, 100 * floorBytes / median / copy, millis[0] * 1e3);
        }
        for (int batch : new int[] {8, 32}) {
            ScanShape shape = new ScanShape(batch, 4, d, n, length);
            float[] millis = cuda.timeKernels(shape, 1, length, false, RandomScanInputs.forScan(shape, batch), 30, 15,
                    10);
            Arrays.sort(millis);
            out.printf("plain scan of the same size (K*D = 384 sequences of 3136 steps, no atomics), batch %d: "
                    + "median %.1f us%n", batch, millis[millis.length / 2] * 1e3);
        }
        endToEnd(cuda);
    }

    /** Whole calls (copies included) against the CPU SIMD scan on this machine's cores. */
    private void endToEnd(CudaScan cuda) {
        ScanShape shape = new ScanShape(8, 4, 96, 16, 3136);
        ScanInputs in = RandomScanInputs.forCrossScan(shape, 8);
        float[] y = new float[in.u().length];
        try (CpuSimdScan simd = new CpuSimdScan()) {
            out.printf("whole crossScan2d call, batch 8, stage 1: cuda %.2f ms (copies included), cpu-simd %.2f ms "
                    + "(%d threads)%n", wallMillis(() -> cuda.crossScan2d(shape, 56, 56, in, y)),
                    wallMillis(() -> simd.crossScan2d(shape, 56, 56, in, y)), simd.threads());
        }
    }

    private static double wallMillis(Runnable call) {
        for (int i = 0; i < 3; i++) {
            call.run();
        }
        double[] times = new double[10];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            call.run();
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(times);
        return times[times.length / 2];
    }
}
