package org.radmamba.inference.nn;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct convolution ({@link DirectConv}, what {@link Conv2d} runs for 3×3 / padding 1 and 1×1) against a
 * scalar double-precision reference written from PyTorch's definition, and against Conv2d's im2col + sgemm path, on
 * random data with odd map sizes, channel offsets, a batch of two, with and without the input BatchNorm.
 */
class DirectConvTest {

    private static final double TOLERANCE = 1e-5;

    @Test
    void forty_eight_channels_with_input_norm_on_an_odd_map() {
        check(2, 7, 9, 56, 5, 48, 48, true, Activation.RELU, 1);
    }

    @Test
    void sixteen_channels_without_input_norm() {
        check(1, 7, 9, 16, 0, 16, 16, false, Activation.RELU, 2);
    }

    @Test
    void forty_eight_in_sixteen_out_and_sixteen_in_forty_eight_out() {
        check(1, 7, 9, 48, 0, 48, 16, true, Activation.NONE, 3);
        check(1, 9, 7, 16, 0, 16, 48, true, Activation.RELU, 4);
    }

    @Test
    void outputs_that_are_not_a_multiple_of_three_vectors_and_an_odd_input_count() {
        check(1, 5, 6, 13, 0, 13, 5 * Kernels.LANES, true, Activation.NONE, 5);
    }

    @Test
    void maps_smaller_than_one_block_of_positions() {
        check(1, 1, 1, 48, 0, 48, 48, true, Activation.RELU, 6);
        check(3, 2, 3, 20, 4, 16, 48, false, Activation.NONE, 7);
    }

    @Test
    void pointwise_convolutions() {
        check(2, 7, 9, 48, 0, 48, 48, false, Activation.RELU, 9, 1);
        check(1, 7, 9, 56, 8, 13, 5 * Kernels.LANES, true, Activation.NONE, 10, 1);
    }

    @Test
    void two_threads_give_the_same_result_as_one() {
        Random rnd = new Random(8);
        FeatureMap x = randomMap(rnd, 2, 14, 14, 96);
        try (Conv2d conv = new Conv2d(randomParams(rnd, 96, 96, 3), 1, 1, randomNorm(rnd, 96), Activation.RELU);
             Parallel one = Parallel.single(); Parallel two = new Parallel(2)) {
            float[] a = conv.apply(x, 0, one).data().toArray();
            float[] b = conv.apply(x, 0, two).data().toArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 0f);
            }
        }
    }

    /**
     * The packed weights are native memory owned by the layer: a convolution or Linear that was closed refuses to
     * run (rather than reading freed memory), and closing twice, as a model's close after a failed load may, is fine.
     */
    @Test
    void a_closed_layer_refuses_to_run_and_closes_twice() {
        Random rnd = new Random(11);
        FeatureMap x = randomMap(rnd, 1, 5, 6, 48);
        float[] weight = new float[32 * 48];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) rnd.nextGaussian();
        }
        try (Parallel parallel = new Parallel(2)) {
            Conv2d conv = new Conv2d(randomParams(rnd, 48, 48, 3), 1, 1, null, Activation.RELU);
            Linear linear = new Linear(weight, 32, 48, null);
            assertEquals(48, conv.apply(x, 0, parallel).channels());
            assertEquals(32, linear.apply(x.data(), parallel).cols());
            conv.close();
            linear.close();
            assertThrows(IllegalStateException.class, () -> conv.apply(x, 0, parallel));
            assertThrows(IllegalStateException.class, () -> linear.apply(x.data(), parallel));
            assertDoesNotThrow(conv::close);
            assertDoesNotThrow(linear::close);
        }
    }

    private static void check(int batch, int h, int w, int channels, int offset, int in, int out, boolean norm,
                              Activation act, long seed) {
        check(batch, h, w, channels, offset, in, out, norm, act, seed, 3);
    }

    private static void check(int batch, int h, int w, int channels, int offset, int in, int out, boolean norm,
                              Activation act, long seed, int kernel) {
        Random rnd = new Random(seed);
        FeatureMap x = randomMap(rnd, batch, h, w, channels);
        ConvParams params = randomParams(rnd, in, out, kernel);
        BatchNorm bn = norm ? randomNorm(rnd, in) : null;
        try (Conv2d conv = new Conv2d(params, 1, (kernel - 1) / 2, bn, act);
             Conv2d gemmConv = new Conv2d(params, 1, (kernel - 1) / 2, bn, act, false);
             Parallel parallel = new Parallel(2)) {
            FeatureMap direct = conv.apply(x, offset, parallel);
            FeatureMap im2col = gemmConv.apply(x, offset, parallel);
            assertEquals(h, direct.height());
            assertEquals(w, direct.width());
            assertEquals(out, direct.channels());
            double[] termNorm = new double[batch * h * w * out];
            double[] ref = reference(x, offset, params, bn, act, termNorm);
            float[] d = direct.data().toArray();
            float[] g = im2col.data().toArray();
            for (int i = 0; i < ref.length; i++) {
                // relative to the output, or to the size of its terms where they cancel
                double tol = TOLERANCE * Math.max(Math.abs(ref[i]), termNorm[i]);
                int at = i;
                assertTrue(Math.abs(d[i] - ref[i]) <= tol, () -> "direct at " + at + ": " + d[at] + " vs " + ref[at]);
                assertTrue(Math.abs(g[i] - ref[i]) <= tol, () -> "im2col at " + at + ": " + g[at] + " vs " + ref[at]);
            }
        }
    }

    /**
     * PyTorch: y = act(conv2d(bn(x), weight, bias, padding=k//2)), zero padding applied to the normalised input;
     * {@code termNorm} receives the Euclidean norm of each output's terms (bias included).
     */
    private static double[] reference(FeatureMap x, int offset, ConvParams p, BatchNorm bn, Activation act,
                                      double[] termNorm) {
        int h = x.height();
        int w = x.width();
        int c = x.channels();
        int k = p.kernel();
        float[] in = x.data().toArray();
        double[] y = new double[x.batch() * h * w * p.out()];
        for (int b = 0; b < x.batch(); b++) {
            for (int oy = 0; oy < h; oy++) {
                for (int ox = 0; ox < w; ox++) {
                    for (int o = 0; o < p.out(); o++) {
                        double acc = p.bias()[o];
                        double squares = acc * acc;
                        for (int i = 0; i < p.in(); i++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy + ky - k / 2;
                                    int ix = ox + kx - k / 2;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    double v = in[((b * h + iy) * w + ix) * c + offset + i];
                                    if (bn != null) {
                                        v = v * bn.scale()[i] + bn.shift()[i];
                                    }
                                    double term = v * p.weight()[((o * p.in() + i) * k + ky) * k + kx];
                                    acc += term;
                                    squares += term * term;
                                }
                            }
                        }
                        termNorm[((b * h + oy) * w + ox) * p.out() + o] = Math.sqrt(squares);
                        y[((b * h + oy) * w + ox) * p.out() + o] = act == Activation.RELU ? Math.max(0, acc) : acc;
                    }
                }
            }
        }
        return y;
    }

    private static FeatureMap randomMap(Random rnd, int batch, int h, int w, int channels) {
        float[] v = new float[batch * h * w * channels];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return new FeatureMap(batch, h, w, RowMatrix.of(v, batch * h * w, channels));
    }

    private static ConvParams randomParams(Random rnd, int in, int out, int kernel) {
        float[] w = new float[out * in * kernel * kernel];
        float[] b = new float[out];
        double std = 1 / Math.sqrt(in * kernel * kernel);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * std);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (rnd.nextGaussian() * 0.1);
        }
        return new ConvParams(out, in, kernel, w, b);
    }

    private static BatchNorm randomNorm(Random rnd, int channels) {
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int i = 0; i < channels; i++) {
            scale[i] = (float) (0.5 + rnd.nextDouble());
            shift[i] = (float) rnd.nextGaussian(); // non-zero: a normalised zero pad would differ from a zero pad
        }
        return new BatchNorm(scale, shift);
    }
}
