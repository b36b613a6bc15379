package org.radmamba.inference.scan;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * JMH figures for the four-direction selective scan at MedMamba-T's stage-1 size (K = 4 directions, D = 96 channels
 * each, N = 16 states, 56 × 56 = 3136 positions; y summed over the directions). Not a test: run with
 * {@code mvn -pl inference -am -Pjmh verify}; {@code radmamba bench scan} prints the same kind of figures from the
 * command line.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SelectiveScanBenchmark {

    /** Images per call. */
    @Param({"1", "8"})
    public int batch;

    /** {@code simd-1}, {@code simd-2}: CPU SIMD on 1 or 2 threads; {@code reference}: the scalar reference. */
    @Param({"simd-1", "simd-2", "reference"})
    public String scan;

    private static final int SIDE = 56;

    private SelectiveScan impl;
    private ScanShape shape;
    private ScanInputs inputs;
    private float[] y;

    @Setup(Level.Trial)
    public void setUp() {
        shape = new ScanShape(batch, 4, 96, 16, SIDE * SIDE);
        inputs = RandomScanInputs.forCrossScan(shape, 2026);
        y = new float[batch * shape.channelsPerGroup() * SIDE * SIDE];
        impl = switch (scan) {
            case "simd-1" -> new CpuSimdScan(1);
            case "simd-2" -> new CpuSimdScan(2);
            case "reference" -> new ReferenceScan();
            default -> throw new IllegalArgumentException("unknown scan " + scan);
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (impl instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One SS2D scan call: 4 directions × D channels × N states × L positions per image. */
    @Benchmark
    public float[] crossScan2d() {
        impl.crossScan2d(shape, SIDE, SIDE, inputs, y);
        return y;
    }
}
