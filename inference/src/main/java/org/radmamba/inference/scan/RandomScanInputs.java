package org.radmamba.inference.scan;

import java.util.Random;

/**
 * Seeded, reproducible scan inputs in the ranges of a Mamba block (dt between about 1e-3 and 1 after softplus,
 * A = -exp(A_log)), for tests and the scan benchmark.
 */
public final class RandomScanInputs {

    private RandomScanInputs() {
    }

    /** Inputs for {@link SelectiveScan#scan}: u and delta are (batch, K*D, L). */
    public static ScanInputs forScan(ScanShape shape, long seed) {
        return create(shape, (long) shape.batch() * shape.channels() * shape.length(),
                (long) shape.batch() * shape.channels() * shape.length(), seed);
    }

    /** Inputs for {@link SelectiveScan#crossScan2d}: u is (batch, D, L), delta is (batch, 4, D, L). */
    public static ScanInputs forCrossScan(ScanShape shape, long seed) {
        long map = (long) shape.batch() * shape.channelsPerGroup() * shape.length();
        return create(shape, map, map * shape.groups(), seed);
    }

    private static ScanInputs create(ScanShape shape, long uSize, long deltaSize, long seed) {
        Random random = new Random(seed);
        int channels = shape.channels();
        int projections = shape.batch() * shape.groups() * shape.dState() * shape.length();
        float[] u = gaussian(random, (int) uSize, 1.0);
        float[] delta = gaussian(random, (int) deltaSize, 0.5);
        float[] a = new float[channels * shape.dState()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) -Math.exp(random.nextDouble() * 3.0 - 1.0);  // A = -exp(A_log)
        }
        float[] bias = new float[channels];
        for (int i = 0; i < channels; i++) {
            double dt = Math.exp(Math.log(1e-3) + random.nextDouble() * (Math.log(0.1) - Math.log(1e-3)));
            bias[i] = (float) (dt + Math.log(-Math.expm1(-dt)));  // inverse softplus, as Mamba initialises it
        }
        return new ScanInputs(u, delta, a, gaussian(random, projections, 1.0), gaussian(random, projections, 1.0),
                gaussian(random, channels, 1.0), bias);
    }

    private static float[] gaussian(Random random, int size, double sigma) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) (random.nextGaussian() * sigma);
        }
        return values;
    }
}
