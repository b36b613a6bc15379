package org.radmamba.inference.nn;

import org.radmamba.inference.checkpoint.StateDict;

import java.lang.foreign.MemorySegment;

/**
 * {@code PatchMerging2D}: each 2×2 neighbourhood becomes one position of 4C channels in the order the official code
 * concatenates them — x0 = (even row, even col), x1 = (odd row, even col), x2 = (even row, odd col),
 * x3 = (odd row, odd col) — then LayerNorm(4C, eps 1e-5) and {@code reduction}, a Linear 4C → 2C without bias. An odd
 * height or width drops its last row or column, as the official SHAPE_FIX does. The same layer in MedMamba's
 * {@code MedMamba.py} and VM-UNet's {@code vmamba.py} (keys {@code layers.i.downsample.norm/reduction}).
 */
public final class PatchMerging2D implements AutoCloseable {

    private static final int[][] ORDER = {{0, 0}, {1, 0}, {0, 1}, {1, 1}}; // (row, col) offsets of x0..x3

    private final int channels;
    private final LayerNorm norm;
    private final Linear reduction;

    private PatchMerging2D(int channels, LayerNorm norm, Linear reduction) {
        this.channels = channels;
        this.norm = norm;
        this.reduction = reduction;
    }

    /** Loads {@code prefix + "norm.*"} (4C) and {@code prefix + "reduction.weight"} (2C, 4C). */
    public static PatchMerging2D load(StateDict.Reader reader, String prefix, int channels) {
        StateDict.Reader r = reader.at(prefix);
        return new PatchMerging2D(channels, LayerNorm.load(r, "norm", 4 * channels, LayerNorm.DEFAULT_EPS),
                Linear.load(r, "reduction", 4 * channels, 2 * channels, false));
    }

    public FeatureMap forward(FeatureMap x, ComputeContext ctx) {
        int h2 = x.height() / 2;
        int w2 = x.width() / 2;
        if (h2 == 0 || w2 == 0) {
            throw new IllegalArgumentException("patch merging needs at least 2x2 positions, got " + x.height() + "x" + x.width());
        }
        long t = ctx.profile().start();
        RowMatrix gathered = RowMatrix.allocate(x.batch() * h2 * w2, 4 * channels);
        MemorySegment src = x.data().segment();
        MemorySegment dst = gathered.segment();
        long runBytes = (long) channels * Float.BYTES;
        int h = x.height();
        int w = x.width();
        ctx.parallel().forRange(x.batch() * h2, 1, (from, to) -> {
            for (int by = from; by < to; by++) {
                int b = by / h2;
                int y = by % h2;
                for (int xx = 0; xx < w2; xx++) {
                    long dstRow = ((long) by * w2 + xx) * 4 * runBytes;
                    for (int part = 0; part < 4; part++) {
                        long srcPos = ((long) b * h + 2 * y + ORDER[part][0]) * w + 2 * xx + ORDER[part][1];
                        MemorySegment.copy(src, srcPos * runBytes, dst, dstRow + part * runBytes, runBytes);
                    }
                }
            }
        });
        norm.applyInPlace(gathered, ctx.parallel());
        RowMatrix reduced = reduction.apply(gathered, ctx.parallel());
        ctx.profile().stop("merging", t);
        return new FeatureMap(x.batch(), h2, w2, reduced);
    }

    @Override
    public void close() {
        reduction.close();
    }
}
