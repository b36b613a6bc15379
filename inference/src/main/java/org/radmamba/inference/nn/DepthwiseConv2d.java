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
 * activation, on channels-first planes: row c of a {@code (channels, batch·H·W)} matrix holds channel c of every
 * image. Each plane is done directly, k·k vectorised row updates per output row — no im2col, whose k·k-fold copy
 * would cost more than this arithmetic.
 */
public final class DepthwiseConv2d {

    private final int channels;
    private final int kernel;
    private final int padding;
    private final float[] weight;
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
        this.weight = weight.clone();
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
     * {@code out = act(conv(x) + bias)} for channels-first {@code x} and {@code out}, both {@code (channels, batch·h·w)}.
     */
    public void apply(RowMatrix x, int batch, int h, int w, Activation act, RowMatrix out, Parallel parallel) {
        long plane = (long) h * w;
        if (x.rows() != channels || out.rows() != channels || x.cols() != batch * plane || out.cols() != x.cols()) {
            throw new IllegalArgumentException("depthwise convolution of " + channels + " channels over " + batch + "x"
                    + h + "x" + w + " got " + x.rows() + "x" + x.cols() + " into " + out.rows() + "x" + out.cols());
        }
        MemorySegment src = x.segment();
        MemorySegment dst = out.segment();
        int cols = x.cols();
        parallel.forRange(channels * batch, Math.max(1, 4096 / (h * w)), (from, to) -> {
            float[] acc = new float[w];
            for (int cb = from; cb < to; cb++) {
                int c = cb / batch;
                int b = cb % batch;
                long planeOff = ((long) c * cols + b * plane) * Float.BYTES;
                convolvePlane(src, planeOff, dst, planeOff, c, h, w, act, acc);
            }
        });
    }

    private void convolvePlane(MemorySegment src, long srcPlane, MemorySegment dst, long dstPlane, int c, int h, int w,
                               Activation act, float[] acc) {
        int kk = kernel * kernel;
        for (int oy = 0; oy < h; oy++) {
            java.util.Arrays.fill(acc, bias[c]);
            for (int ky = 0; ky < kernel; ky++) {
                int iy = oy - padding + ky;
                if (iy < 0 || iy >= h) {
                    continue;
                }
                long srcRow = srcPlane + (long) iy * w * Float.BYTES;
                for (int kx = 0; kx < kernel; kx++) {
                    float wt = weight[c * kk + ky * kernel + kx];
                    int shift = kx - padding; // output ox reads input ox + shift
                    int first = Math.max(0, -shift);
                    int end = Math.min(w, w - shift);
                    axpy(wt, src, srcRow + (long) (first + shift) * Float.BYTES, acc, first, end - first);
                }
            }
            long dstRow = dstPlane + (long) oy * w * Float.BYTES;
            int bound = SPECIES.loopBound(w);
            int ox = 0;
            for (; ox < bound; ox += LANES) {
                act.apply(FloatVector.fromArray(SPECIES, acc, ox)).intoMemorySegment(dst, dstRow + (long) ox * Float.BYTES, ORDER);
            }
            for (; ox < w; ox++) {
                dst.set(FLOAT, dstRow + (long) ox * Float.BYTES, act.apply(acc[ox]));
            }
        }
    }

    private static void axpy(float a, MemorySegment x, long xOff, float[] y, int yFrom, int count) {
        int bound = SPECIES.loopBound(count);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromMemorySegment(SPECIES, x, xOff + (long) i * Float.BYTES, ORDER)
                    .fma(FloatVector.broadcast(SPECIES, a), FloatVector.fromArray(SPECIES, y, yFrom + i)).intoArray(y, yFrom + i);
        }
        for (; i < count; i++) {
            y[yFrom + i] += a * x.get(FLOAT, xOff + (long) i * Float.BYTES);
        }
    }
}
