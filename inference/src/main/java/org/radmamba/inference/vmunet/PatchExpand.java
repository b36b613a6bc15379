package org.radmamba.inference.vmunet;

import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.nn.FeatureMap;
import org.radmamba.inference.nn.LayerNorm;
import org.radmamba.inference.nn.Linear;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.nn.RowMatrix;

import java.lang.foreign.MemorySegment;

/**
 * VM-UNet's up-sampling, {@code PatchExpand2D} (scale 2) and {@code Final_PatchExpand2D} (scale 4), which differ
 * only in the scale: {@code expand = Linear(C, scale·C, bias=False)}, then
 * {@code rearrange('b h w (p1 p2 c) -> b (h p1) (w p2) c', p1=p2=scale, c=C/scale)}, then {@code LayerNorm(C/scale)}
 * (eps 1e-5: VSSM passes plain {@code nn.LayerNorm}). The map grows by {@code scale} on each side; the channels
 * shrink from C to C·scale / scale² = C/scale.
 */
final class PatchExpand implements AutoCloseable {

    private final int inChannels;
    private final int scale;
    private final Linear expand;
    private final LayerNorm norm;

    private PatchExpand(int inChannels, int scale, Linear expand, LayerNorm norm) {
        this.inChannels = inChannels;
        this.scale = scale;
        this.expand = expand;
        this.norm = norm;
    }

    /** Loads {@code name.expand.weight (scale·C, C)}, {@code name.norm.weight/bias (C/scale)}. */
    static PatchExpand load(StateDict.Reader reader, String name, int inChannels, int scale) {
        if (inChannels % scale != 0) {
            throw new IllegalArgumentException(name + ": " + inChannels + " channels cannot be expanded by " + scale);
        }
        Linear expand = Linear.load(reader, name + ".expand", inChannels, scale * inChannels, false);
        LayerNorm norm = LayerNorm.load(reader, name + ".norm", inChannels / scale, LayerNorm.DEFAULT_EPS);
        return new PatchExpand(inChannels, scale, expand, norm);
    }

    int outChannels() {
        return inChannels / scale;
    }

    FeatureMap apply(FeatureMap x, Parallel parallel) {
        if (x.channels() != inChannels) {
            throw new IllegalArgumentException("a patch expansion of " + inChannels + " channels got a map with " + x.channels());
        }
        RowMatrix expanded = expand.apply(x.data(), parallel);
        int c = outChannels();
        int h = x.height();
        int w = x.width();
        int outH = h * scale;
        int outW = w * scale;
        RowMatrix out = RowMatrix.allocate(x.batch() * outH * outW, c);
        MemorySegment src = expanded.segment();
        MemorySegment dst = out.segment();
        long run = (long) c * Float.BYTES;
        int expandedCols = expanded.cols();
        parallel.forRange(x.batch() * h, 1, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int b = bh / h;
                int y = bh % h;
                for (int xx = 0; xx < w; xx++) {
                    long srcRow = ((long) bh * w + xx) * expandedCols;
                    for (int p1 = 0; p1 < scale; p1++) {
                        long dstRow = ((long) b * outH + (long) y * scale + p1) * outW + (long) xx * scale;
                        for (int p2 = 0; p2 < scale; p2++) {
                            MemorySegment.copy(src, (srcRow + (long) (p1 * scale + p2) * c) * Float.BYTES,
                                    dst, (dstRow + p2) * c * Float.BYTES, run);
                        }
                    }
                }
            }
        });
        norm.applyInPlace(out, parallel);
        return new FeatureMap(x.batch(), outH, outW, out);
    }

    @Override
    public void close() {
        expand.close();
    }
}
