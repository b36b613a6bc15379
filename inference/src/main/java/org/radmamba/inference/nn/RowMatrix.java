package org.radmamba.inference.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A row-major float32 matrix in ND4J's native memory, with a {@link MemorySegment} over the same bytes so that Java
 * kernels (Vector API) and ND4J's BLAS share one copy. Activations are {@code (positions, channels)} matrices:
 * channels-last feature maps flatten to {@code (batch·H·W, C)}.
 *
 * <p>{@link #allocate} places the matrix in the ND4J workspace active on this thread, if any (see
 * {@link InferenceMemory}), so an inference frees all its activations at once when its scope closes. Weights use
 * {@link #detached}, which lives outside any workspace until {@link #close()}.
 */
public final class RowMatrix implements AutoCloseable {

    private final INDArray array;
    private final MemorySegment segment;
    private final int rows;
    private final int cols;

    private RowMatrix(INDArray array) {
        if (array.rank() != 2 || array.ordering() != 'c' || array.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("a RowMatrix needs a 2-d C-order float array, got " + array.shapeInfoToString());
        }
        this.array = array;
        this.rows = Math.toIntExact(array.rows());
        this.cols = Math.toIntExact(array.columns());
        long address = array.data().address() + array.offset() * Float.BYTES;
        this.segment = MemorySegment.ofAddress(address).reinterpret((long) rows * cols * Float.BYTES);
    }

    /** An uninitialised matrix, in this thread's active workspace if there is one. */
    public static RowMatrix allocate(int rows, int cols) {
        checkSize(rows, cols);
        return new RowMatrix(Nd4j.createUninitialized(DataType.FLOAT, rows, cols));
    }

    /** A zero-filled matrix, in this thread's active workspace if there is one. */
    public static RowMatrix zeros(int rows, int cols) {
        RowMatrix m = allocate(rows, cols);
        m.segment.fill((byte) 0);
        return m;
    }

    /** A copy of {@code values} (row-major) outside any workspace, for weights; free it with {@link #close()}. */
    public static RowMatrix detached(float[] values, int rows, int cols) {
        checkSize(rows, cols);
        if (values.length != (long) rows * cols) {
            throw new IllegalArgumentException(rows + "x" + cols + " matrix from " + values.length + " values");
        }
        INDArray array;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            array = Nd4j.createUninitializedDetached(DataType.FLOAT, rows, cols);
        }
        RowMatrix m = new RowMatrix(array);
        MemorySegment.copy(values, 0, m.segment, ValueLayout.JAVA_FLOAT, 0, values.length);
        return m;
    }

    /** A copy of {@code values} (row-major) in this thread's active workspace, if any. */
    public static RowMatrix of(float[] values, int rows, int cols) {
        RowMatrix m = allocate(rows, cols);
        m.copyFrom(values, 0);
        return m;
    }

    private static void checkSize(int rows, int cols) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("matrix sizes must be positive: " + rows + "x" + cols);
        }
    }

    /** Rows {@code first .. first+count-1} as a view sharing this matrix's memory. */
    public RowMatrix rowBlock(int first, int count) {
        if (first < 0 || count <= 0 || first + count > rows) {
            throw new IndexOutOfBoundsException("rows " + first + "+" + count + " of " + rows);
        }
        if (first == 0 && count == rows) {
            return this;
        }
        return new RowMatrix(array.get(NDArrayIndex.interval(first, first + count), NDArrayIndex.all()));
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The ND4J array (for BLAS). */
    public INDArray array() {
        return array;
    }

    /** The bytes, row-major, {@code rows·cols·4} long. */
    public MemorySegment segment() {
        return segment;
    }

    public float get(int row, int col) {
        return segment.getAtIndex(ValueLayout.JAVA_FLOAT, (long) row * cols + col);
    }

    public void set(int row, int col, float value) {
        segment.setAtIndex(ValueLayout.JAVA_FLOAT, (long) row * cols + col, value);
    }

    /** Copies all elements, row-major, into {@code dst} from {@code dstOffset}. */
    public void copyTo(float[] dst, int dstOffset) {
        MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, 0, dst, dstOffset, rows * cols);
    }

    /** Fills this matrix from {@code src}, row-major, starting at {@code srcOffset}. */
    public void copyFrom(float[] src, int srcOffset) {
        MemorySegment.copy(src, srcOffset, segment, ValueLayout.JAVA_FLOAT, 0, rows * cols);
    }

    /** All elements as a new array, row-major. */
    public float[] toArray() {
        float[] out = new float[rows * cols];
        copyTo(out, 0);
        return out;
    }

    /** Frees a detached matrix now; matrices inside a workspace are freed with their workspace and ignore this. */
    @Override
    public void close() {
        if (array.closeable()) {
            array.close();
        }
    }
}
