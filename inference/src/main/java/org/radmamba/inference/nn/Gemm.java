package org.radmamba.inference.nn;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products on {@link RowMatrix}es through ND4J's BLAS (OpenBLAS sgemm), with the shapes checked first.
 *
 * <p>OpenBLAS runs single-threaded, set once when this class loads, and a product's rows are split over the
 * {@link Parallel} threads instead: with its own threads OpenBLAS keeps a worker busy-waiting for about 0.1 s after
 * every sgemm, which took the second core from the Java kernels that run between the products (at 2 threads a
 * MedMamba-T inference spent ~20 % more wall time). The process-wide setting is the program's, not the user's
 * environment's ({@code OMP_NUM_THREADS} no longer matters).
 */
public final class Gemm {

    /** Output rows below which one thread does the whole product: the split would cost more than it saves. */
    private static final int MIN_ROWS_PER_THREAD = 32;
    /** Multiply-adds below which one thread does the whole product. */
    private static final long MIN_WORK_TO_SPLIT = 1L << 20;

    static {
        Nd4j.factory().blas().setMaxThreads(1);
    }

    private Gemm() {
    }

    /** {@code c = op(a)·op(b) + beta·c}, where op transposes when asked; rows of {@code c} split over {@code parallel}. */
    public static void multiply(RowMatrix a, boolean transA, RowMatrix b, boolean transB, RowMatrix c, float beta,
                                Parallel parallel) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm shapes do not fit: (" + m + "x" + k + ")·(" + kb + "x" + n
                    + ") into " + c.rows() + "x" + c.cols());
        }
        int parts = Math.min(parallel.threads(), m / MIN_ROWS_PER_THREAD);
        if (transA || parts < 2 || (long) m * n * k < MIN_WORK_TO_SPLIT) {
            Nd4j.gemm(a.array(), b.array(), c.array(), transA, transB, 1.0, beta);
            return;
        }
        // views made here, on the calling thread; each thread multiplies its own block of rows
        RowMatrix[] aBlocks = new RowMatrix[parts];
        RowMatrix[] cBlocks = new RowMatrix[parts];
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) m * p / parts);
            int to = (int) ((long) m * (p + 1) / parts);
            aBlocks[p] = a.rowBlock(from, to - from);
            cBlocks[p] = c.rowBlock(from, to - from);
        }
        parallel.forRange(parts, 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                Nd4j.gemm(aBlocks[p].array(), b.array(), cBlocks[p].array(), false, transB, 1.0, beta);
            }
        });
    }

    /** A new {@code op(a)·op(b)}. */
    public static RowMatrix product(RowMatrix a, boolean transA, RowMatrix b, boolean transB, Parallel parallel) {
        RowMatrix c = RowMatrix.allocate(transA ? a.cols() : a.rows(), transB ? b.rows() : b.cols());
        multiply(a, transA, b, transB, c, 0f, parallel);
        return c;
    }
}
