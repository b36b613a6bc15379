package org.radmamba.inference.vmunet;

import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.nn.ConvParams;
import org.radmamba.inference.nn.FeatureMap;
import org.radmamba.inference.nn.Parallel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * VM-UNet's {@code final_conv} (a 1x1 {@code nn.Conv2d} from C/4 channels to the classes, with bias), the
 * {@code permute} back to NCHW and, for one class, {@code VMUNet.forward}'s sigmoid, in one pass that writes the
 * channels-first result directly: with a handful of classes a matrix product plus a transposition cost far more
 * than the few multiply-adds per pixel.
 */
final class SegmentationHead {

    private final int in;
    private final int classes;
    private final float[] weight;
    private final float[] bias;

    private SegmentationHead(ConvParams params) {
        this.in = params.in();
        this.classes = params.out();
        this.weight = params.weight(); // (classes, in, 1, 1) = (classes, in)
        this.bias = params.bias();
    }

    /** Loads {@code name.weight (classes, in, 1, 1)} and {@code name.bias (classes)}. */
    static SegmentationHead load(StateDict.Reader reader, String name, int in, int classes) {
        return new SegmentationHead(ConvParams.load(reader, name, in, classes, 1, true));
    }

    /** (B·H·W, in) channels-last to (B, classes, H, W), sigmoid applied when there is one class. */
    float[] apply(FeatureMap x, Parallel parallel) {
        if (x.channels() != in) {
            throw new IllegalArgumentException("final_conv takes " + in + " channels, got " + x.channels());
        }
        int pixels = x.pixels();
        int rows = x.batch() * pixels;
        float[] out = new float[rows * classes];
        MemorySegment src = x.data().segment();
        boolean sigmoid = classes == 1;
        parallel.forRange(rows, 4096, (from, to) -> {
            float[] row = new float[in];
            for (int r = from; r < to; r++) {
                MemorySegment.copy(src, ValueLayout.JAVA_FLOAT, (long) r * in * Float.BYTES, row, 0, in);
                int b = r / pixels;
                int p = r % pixels;
                for (int c = 0; c < classes; c++) {
                    float acc = bias[c];
                    int w = c * in;
                    for (int k = 0; k < in; k++) {
                        acc += weight[w + k] * row[k];
                    }
                    out[(b * classes + c) * pixels + p] = sigmoid ? (float) (1.0 / (1.0 + Math.exp(-acc))) : acc;
                }
            }
        });
        return out;
    }
}
