package org.radmamba.inference.nn;

import jdk.incubator.vector.FloatVector;

import static org.radmamba.inference.nn.Kernels.LANES;
import static org.radmamba.inference.nn.Kernels.SPECIES;

/**
 * {@code out[m][l] = Σ_c w[m][c] · x[c][l]} for channels-first operands, positions in the vector lanes: SS2D's
 * x_proj computed straight from the scan's channels-first u into the arrays the scan reads (dt, B, C), with no
 * transposed copy and no BLAS call. The weight rows come in regions (dt, then B, then C), each padded at load to a
 * multiple of {@value #ROWS} rows with zeros and packed per block of {@value #ROWS} rows as {@code [c][row]}, so the
 * microkernel (8 rows × 2 vectors of positions, 16 accumulators) reads its broadcasts from one contiguous run; a
 * region's last block stores only its real rows.
 */
final class ChannelsFirstProduct {

    /** Weight rows per microkernel block. */
    static final int ROWS = 8;
    /** Positions per task: whole microkernel blocks, so a task's x columns stay in the L2 cache for every row block. */
    private static final int CHUNK = 4 * 3 * 16;

    private final int channels;
    /** Rows of each region. */
    private final int[] regionRows;
    /** Packed weights: block j (of all regions, in order) at {@code j·ROWS·channels}, as {@code [c][row]}. */
    private final float[] packed;

    /**
     * @param weight row-major {@code (Σ rows, channels)}; @param rows the rows of each region, in order
     */
    ChannelsFirstProduct(float[] weight, int channels, int... rows) {
        this.channels = channels;
        this.regionRows = new int[rows.length];
        int total = 0;
        for (int r = 0; r < rows.length; r++) {
            regionRows[r] = rows[r];
            total += paddedRows(rows[r]);
        }
        packed = new float[total * channels];
        int source = 0;
        int target = 0;
        for (int r = 0; r < rows.length; r++) {
            for (int row = 0; row < rows[r]; row++) {
                int block = (target + row) / ROWS;
                int lane = (target + row) % ROWS;
                for (int c = 0; c < channels; c++) {
                    packed[(block * channels + c) * ROWS + lane] = weight[(source + row) * channels + c];
                }
            }
            source += rows[r];
            target += paddedRows(rows[r]);
        }
    }

    private static int paddedRows(int rows) {
        return (rows + ROWS - 1) / ROWS * ROWS;
    }

    /**
     * For every image b: region r's rows into {@code outs[r]} at {@code (b·rows(r) + row)·length}, from
     * {@code x[b·channels·length + c·length + l]}.
     */
    void apply(float[] x, int batch, int length, float[][] outs, Parallel parallel) {
        int chunks = (length + CHUNK - 1) / CHUNK;
        parallel.forRange(batch * chunks, 1, (from, to) -> {
            for (int task = from; task < to; task++) {
                int b = task / chunks;
                int l0 = (task % chunks) * CHUNK;
                int l1 = Math.min(length, l0 + CHUNK);
                int xOff = b * channels * length;
                int block = 0;
                for (int r = 0; r < regionRows.length; r++) {
                    float[] out = outs[r];
                    for (int row = 0; row < regionRows[r]; row += ROWS, block++) {
                        int outOff = (b * regionRows[r] + row) * length;
                        int valid = Math.min(ROWS, regionRows[r] - row);
                        rowBlock(x, xOff, length, block * channels * ROWS, valid, l0, l1, out, outOff);
                    }
                }
            }
        });
    }

    /** One block of {@value #ROWS} rows over positions {@code l0 .. l1}. */
    private void rowBlock(float[] x, int xOff, int length, int wOff, int valid, int l0, int l1, float[] out, int outOff) {
        int l = l0;
        for (; l + 2 * LANES <= l1; l += 2 * LANES) {
            block2(x, xOff + l, length, wOff, valid, out, outOff + l);
        }
        for (; l + LANES <= l1; l += LANES) {
            block1(x, xOff + l, length, wOff, valid, out, outOff + l);
        }
        for (; l < l1; l++) {
            for (int row = 0; row < valid; row++) {
                float sum = 0f;
                for (int c = 0; c < channels; c++) {
                    sum += packed[wOff + c * ROWS + row] * x[xOff + c * length + l];
                }
                out[outOff + row * length + l] = sum;
            }
        }
    }

    /**
     * Eight rows × two vectors of positions (16 accumulators). Three vectors (24 accumulators) made the loop body so
     * large that C2 stopped inlining before its last products: those ran the Vector API's Java fallback, which
     * allocated about 80 MB of boxes per MedMamba-T inference (alloc_mb of {@code bench model}) and grew the heap.
     */
    private void block2(float[] x, int xo, int length, int wOff, int valid, float[] out, int oo) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero, c50 = zero, c51 = zero, c60 = zero, c61 = zero, c70 = zero, c71 = zero;
        float[] w = packed;
        int n = channels;
        for (int c = 0, xi = xo, wi = wOff; c < n; c++, xi += length, wi += ROWS) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, x, xi);
            FloatVector x1 = FloatVector.fromArray(SPECIES, x, xi + LANES);
            FloatVector w0 = FloatVector.broadcast(SPECIES, w[wi]);
            c00 = x0.fma(w0, c00);
            c01 = x1.fma(w0, c01);
            FloatVector w1 = FloatVector.broadcast(SPECIES, w[wi + 1]);
            c10 = x0.fma(w1, c10);
            c11 = x1.fma(w1, c11);
            FloatVector w2 = FloatVector.broadcast(SPECIES, w[wi + 2]);
            c20 = x0.fma(w2, c20);
            c21 = x1.fma(w2, c21);
            FloatVector w3 = FloatVector.broadcast(SPECIES, w[wi + 3]);
            c30 = x0.fma(w3, c30);
            c31 = x1.fma(w3, c31);
            FloatVector w4 = FloatVector.broadcast(SPECIES, w[wi + 4]);
            c40 = x0.fma(w4, c40);
            c41 = x1.fma(w4, c41);
            FloatVector w5 = FloatVector.broadcast(SPECIES, w[wi + 5]);
            c50 = x0.fma(w5, c50);
            c51 = x1.fma(w5, c51);
            FloatVector w6 = FloatVector.broadcast(SPECIES, w[wi + 6]);
            c60 = x0.fma(w6, c60);
            c61 = x1.fma(w6, c61);
            FloatVector w7 = FloatVector.broadcast(SPECIES, w[wi + 7]);
            c70 = x0.fma(w7, c70);
            c71 = x1.fma(w7, c71);
        }
        // a region's last block may hold fewer real rows: rows 0 and up are always stored, the rest while real
        store2(out, oo, c00, c01);
        if (valid > 1) {
            store2(out, oo + length, c10, c11);
        }
        if (valid > 2) {
            store2(out, oo + 2 * length, c20, c21);
        }
        if (valid > 3) {
            store2(out, oo + 3 * length, c30, c31);
        }
        if (valid > 4) {
            store2(out, oo + 4 * length, c40, c41);
        }
        if (valid > 5) {
            store2(out, oo + 5 * length, c50, c51);
        }
        if (valid > 6) {
            store2(out, oo + 6 * length, c60, c61);
        }
        if (valid > 7) {
            store2(out, oo + 7 * length, c70, c71);
        }
    }

    private static void store2(float[] out, int o, FloatVector a, FloatVector b) {
        a.intoArray(out, o);
        b.intoArray(out, o + LANES);
    }

    private void block1(float[] x, int xo, int length, int wOff, int valid, float[] out, int oo) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector c0 = zero, c1 = zero, c2 = zero, c3 = zero, c4 = zero, c5 = zero, c6 = zero, c7 = zero;
        float[] w = packed;
        int n = channels;
        for (int c = 0, xi = xo, wi = wOff; c < n; c++, xi += length, wi += ROWS) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, x, xi);
            c0 = x0.fma(FloatVector.broadcast(SPECIES, w[wi]), c0);
            c1 = x0.fma(FloatVector.broadcast(SPECIES, w[wi + 1]), c1);
            c2 = x0.fma(FloatVector.broadcast(SPECIES, w[wi + 2]), c2);
            c3 = x0.fma(FloatVector.broadcast(SPECIES, w[wi + 3]), c3);
            c4 = x0.fma(FloatVector.broadcast(SPECIES, w[wi + 4]), c4);
            c5 = x0.fma(FloatVector.broadcast(SPECIES, w[wi + 5]), c5);
            c6 = x0.fma(FloatVector.broadcast(SPECIES, w[wi + 6]), c6);
            c7 = x0.fma(FloatVector.broadcast(SPECIES, w[wi + 7]), c7);
        }
        c0.intoArray(out, oo);
        if (valid > 1) {
            c1.intoArray(out, oo + length);
        }
        if (valid > 2) {
            c2.intoArray(out, oo + 2 * length);
        }
        if (valid > 3) {
            c3.intoArray(out, oo + 3 * length);
        }
        if (valid > 4) {
            c4.intoArray(out, oo + 4 * length);
        }
        if (valid > 5) {
            c5.intoArray(out, oo + 5 * length);
        }
        if (valid > 6) {
            c6.intoArray(out, oo + 6 * length);
        }
        if (valid > 7) {
            c7.intoArray(out, oo + 7 * length);
        }
    }
}
