package org.radmamba.inference.nn;

import jdk.incubator.vector.FloatVector;
import org.radmamba.inference.checkpoint.StateDict;

import java.lang.foreign.MemorySegment;

import static org.radmamba.inference.nn.Kernels.FLOAT;
import static org.radmamba.inference.nn.Kernels.LANES;
import static org.radmamba.inference.nn.Kernels.ORDER;
import static org.radmamba.inference.nn.Kernels.SPECIES;

/**
 * A depthwise {@code nn.Conv2d} (groups = channels, stride 1, "same" padding (k-1)/2) with bias and a fused
 * activation, on channels-last maps: per output position, k·k vector FMAs per group of {@code LANES} channels, the
 * weights repacked tap-major so each tap's weights are one contiguous vector load. Channels in the lanes keep every
 * vector full whatever the map's width (7×7 at MedMamba's last stage); no im2col, whose k·k-fold copy would cost more
 * than this arithmetic.
 */
public final class DepthwiseConv2d {

    private final int channels;
    private final int kernel;
    private final int padding;
    private final float[] tapWeights; // [tap][channel]
    private final float[] bias;

    /** @param weight PyTorch's {@code (channels, 1, k, k)}; @param bias {@code (channels)} */
    public DepthwiseConv2d(int channels, int kernel, float[] weight, float[] bias) {
        if (kernel % 2 == 0 || weight.length != channels * kernel * kernel || bias.length != channels) {
            throw new IllegalArgumentException("a depthwise convolution needs an odd kernel and (" + channels + ", 1, "
                    + kernel + ", " + kernel + ") weights with " + channels + " biases");
        }
        this.channels = channels;
        this.kernel = kernel;
        this.padding = (kernel - 1) / 2;
        int taps = kernel * kernel;
        this.tapWeights = new float[taps * channels];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < taps; t++) {
                tapWeights[t * channels + c] = weight[c * taps + t];
            }
        }
        this.bias = bias.clone();
    }

    /** Loads {@code name.weight (channels, 1, k, k)} and {@code name.bias (channels)}. */
    public static DepthwiseConv2d load(StateDict.Reader reader, String name, int channels, int kernel) {
        return new DepthwiseConv2d(channels, kernel,
                Weights.read(reader, name + ".weight", channels, 1, kernel, kernel),
                Weights.read(reader, name + ".bias", channels));
    }

    public int kernel() {
        return kernel;
    }

    /**
     * {@code out = act(conv(x) + bias)}, reading channels {@code channelOffset .. +channels} of the channels-last
     * {@code x} (rows = batch·h·w) and writing them channels-first, {@code out[(b·channels + c)·h·w + y·w + x]}: the
     * layout the selective scan reads, so SS2D needs no transposed copy. Each output row is computed channels-last
     * (channels in the vector lanes) into a small tile and scattered from there, one run of {@code w} per channel.
     */
    public void applyChannelsFirst(RowMatrix x, int channelOffset, int batch, int h, int w, Activation act, float[] out,
                                   Parallel parallel) {
        if (x.rows() != batch * h * w || out.length != x.rows() * channels
                || channelOffset < 0 || channelOffset + channels > x.cols()) {
            throw new IllegalArgumentException("depthwise convolution of " + channels + " channels over " + batch + "x"
                    + h + "x" + w + " cannot read columns " + channelOffset + ".. of " + x.rows() + "x" + x.cols()
                    + " into " + out.length + " values");
        }
        MemorySegment src = x.segment();
        int srcCols = x.cols();
        int hw = h * w;
        int bound = SPECIES.loopBound(channels);
        parallel.forRange(batch * h, Math.max(1, 2048 / (w * Math.max(1, channels / LANES))), (from, to) -> {
            float[] tile = new float[w * channels];
            for (int by = from; by < to; by++) {
                int b = by / h;
                int oy = by % h;
                for (int ox = 0; ox < w; ox++) {
                    int dstRow = ox * channels;
                    int c = 0;
                    for (; c < bound; c += LANES) {
                        FloatVector acc = FloatVector.fromArray(SPECIES, bias, c);
                        for (int ky = 0; ky < kernel; ky++) {
                            int iy = oy - padding + ky;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < kernel; kx++) {
                                int ix = ox - padding + kx;
                                if (ix < 0 || ix >= w) {
                                    continue;
                                }
                                long srcOff = ((((long) b * h + iy) * w + ix) * srcCols + channelOffset + c) * Float.BYTES;
                                acc = FloatVector.fromMemorySegment(SPECIES, src, srcOff, ORDER)
                                        .fma(FloatVector.fromArray(SPECIES, tapWeights, (ky * kernel + kx) * channels + c), acc);
                            }
                        }
                        act.apply(acc).intoArray(tile, dstRow + c);
                    }
                    for (; c < channels; c++) {
                        float acc = bias[c];
                        for (int ky = 0; ky < kernel; ky++) {
                            int iy = oy - padding + ky;
                            for (int kx = 0; kx < kernel && iy >= 0 && iy < h; kx++) {
                                int ix = ox - padding + kx;
                                if (ix >= 0 && ix < w) {
                                    long srcOff = ((((long) b * h + iy) * w + ix) * srcCols + channelOffset + c) * Float.BYTES;
                                    acc += tapWeights[(ky * kernel + kx) * channels + c] * src.get(FLOAT, srcOff);
                                }
                            }
                        }
                        tile[dstRow + c] = act.apply(acc);
                    }
                }
                int rowStart = b * channels * hw + oy * w;
                for (int c = 0; c < channels; c++) {
                    int o = rowStart + c * hw;
                    for (int ox = 0; ox < w; ox++) {
                        out[o + ox] = tile[ox * channels + c];
                    }
                }
            }
        });
    }
}
