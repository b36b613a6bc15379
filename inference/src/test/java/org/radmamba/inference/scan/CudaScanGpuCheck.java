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
 * The CUDA scan on a real GPU (run by {@code inference/src/test/gpu/run-gpu-checks.sh}; CI has no GPU): parity
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
        boolean timings = args.length < 2 || !args[1].equals("--no-timings");
        try (CudaScan cuda = CudaScan.open()) {
            check.out.println("device: " + cuda.description());
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
        out.printf("%-6s %-14s %12s %12s %10s %10s %12s%n", "batch", "waves", "floor MB", "median us", "GB/s",
                "of copy", "min us");
        for (int batch : new int[] {1, 8, 32}) {
            ScanShape shape = new ScanShape(batch, 4, d, n, length);
            ScanInputs in = RandomScanInputs.forCrossScan(shape, batch);
            long floorBytes = 4L * ((long) batch * d * length           // u, read once
                    + (long) batch * 4 * d * length                      // delta of the four directions
                    + 2L * batch * 4 * n * length                        // B and C
                    + (long) batch * d * length                          // y, written once
                    + 4L * d * (n + 2));                                 // A, D, delta bias
            for (String wave : new String[] {"L2-sized", "whole batch"}) {
                System.setProperty(CudaScan.IMAGES_PER_WAVE_PROPERTY, wave.equals("L2-sized") ? "-1" : "0");
                float[] millis = cuda.timeKernels(shape, side, side, true, in, 30, 15, 10);
                Arrays.sort(millis);
                double median = millis[millis.length / 2] * 1e-3;
                out.printf("%-6d %-14s %12.2f %12.1f %10.0f %9.0f%% %12.1f%n", batch, wave, floorBytes / 1e6,
                        median * 1e6, floorBytes / median / 1e9, 100 * floorBytes / median / copy, millis[0] * 1e3);
            }
            float[] phases = cuda.profileKernels(shape, side, side, true, in);
            out.printf("       one whole-batch run: zero y %.1f us, chunk_state %.1f us, chunk_carry %.1f us, "
                    + "chunk_output %.1f us%n", phases[0] * 1e3, phases[1] * 1e3, phases[2] * 1e3, phases[3] * 1e3);
            System.clearProperty(CudaScan.IMAGES_PER_WAVE_PROPERTY);
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
