package org.radmamba.inference.nn;

import org.nd4j.linalg.factory.Nd4j;

/** Matrix products on {@link RowMatrix}es through ND4J's BLAS (OpenBLAS sgemm), with the shapes checked first. */
public final class Gemm {

    private Gemm() {
    }

    /** {@code c = op(a)·op(b) + beta·c}, where op transposes when asked. */
    public static void multiply(RowMatrix a, boolean transA, RowMatrix b, boolean transB, RowMatrix c, float beta) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm shapes do not fit: (" + m + "x" + k + ")·(" + kb + "x" + n
                    + ") into " + c.rows() + "x" + c.cols());
        }
        Nd4j.gemm(a.array(), b.array(), c.array(), transA, transB, 1.0, beta);
    }

    /** A new {@code op(a)·op(b)}. */
    public static RowMatrix product(RowMatrix a, boolean transA, RowMatrix b, boolean transB) {
        RowMatrix c = RowMatrix.allocate(transA ? a.cols() : a.rows(), transB ? b.rows() : b.cols());
        multiply(a, transA, b, transB, c, 0f);
        return c;
    }
}
