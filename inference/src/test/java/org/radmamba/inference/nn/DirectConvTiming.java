package org.radmamba.inference.nn;

import org.nd4j.linalg.api.memory.MemoryWorkspace;

import java.util.Arrays;
import java.util.Random;

/**
 * Not a test: times MedMamba-T's conv-branch convolutions (one block per stage, 224×224 input) as the direct kernel
 * and as im2col + sgemm, min and median of repeated calls. Run with the test classpath:
 * {@code java --add-modules=jdk.incubator.vector -cp ... org.radmamba.inference.nn.DirectConvTiming [threads] [runs]}.
 */
public final class DirectConvTiming {

    private static final boolean FLUSH = Boolean.getBoolean("flush");
    private static final float[] SINK = new float[FLUSH ? 16 << 20 : 16];

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int[][] stages = {{56, 48}, {28, 96}, {14, 192}, {7, 384}};
        Random rnd = new Random(1);
        String only = args.length > 2 ? args[2] : "";
        try (Parallel par = new Parallel(threads)) {
            for (int pass = 0; pass < 2; pass++)
            for (int[] s : stages) {
                if (!only.isEmpty() && !only.contains(s[0] + "x")) {
                    continue;
                }
                int hw = s[0];
                int c = s[1];
                for (int k : new int[]{3, 1}) {
                    float[] w = new float[c * c * k * k];
                    float[] b = new float[c];
                    float[] sc = new float[c];
                    float[] sh = new float[c];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = (float) rnd.nextGaussian() * 0.05f;
                    }
                    Arrays.fill(sc, 1.1f);
                    Arrays.fill(sh, 0.1f);
                    float[] xv = new float[hw * hw * c];
                    for (int i = 0; i < xv.length; i++) {
                        xv[i] = (float) rnd.nextGaussian();
                    }
                    ConvParams params = new ConvParams(c, c, k, w, b);
                    BatchNorm norm = k == 3 ? new BatchNorm(sc, sh) : null;
                    try (Conv2d directConv = new Conv2d(params, 1, (k - 1) / 2, norm, Activation.RELU);
                         Conv2d gemmConv = new Conv2d(params, 1, (k - 1) / 2, norm, Activation.RELU, false)) {
                        FeatureMap x = new FeatureMap(1, hw, hw, RowMatrix.of(xv, hw * hw, c));
                        double flop = 2.0 * hw * hw * c * c * k * k;
                        for (boolean direct : new boolean[]{true, false}) {
                            Conv2d conv = direct ? directConv : gemmConv;
                            double[] t = new double[runs];
                            for (int warm = 0; warm < 6; warm++) {
                                for (int r = 0; r < runs; r++) {
                                    if (FLUSH) {
                                        for (int f = 0; f < SINK.length; f += 16) {
                                            SINK[f] += 1f;
                                        }
                                    }
                                    try (MemoryWorkspace ws = InferenceMemory.open("timing")) {
                                        long t0 = System.nanoTime();
                                        conv.apply(x, 0, par);
                                        t[r] = (System.nanoTime() - t0) / 1e6;
                                    }
                                }
                            }
                            Arrays.sort(t);
                            System.out.printf("%dx%d c=%d k=%d %-7s threads=%d min %.3f ms median %.3f ms  %.1f GFLOPS (min)%n",
                                    hw, hw, c, k, direct ? "direct" : "im2col", threads, t[0], t[runs / 2], flop / t[0] / 1e6);
                        }
                    }
                }
            }
        }
    }
}
