package org.radmamba.inference.vmunet;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.nn.RowMatrix;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** {@code target += other} for VM-UNet's residual and skip connections, vectorised and split over the threads. */
final class Residuals {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int GRAIN = 16384;

    private Residuals() {
    }

    static void addInPlace(RowMatrix target, RowMatrix other, Parallel parallel) {
        if (target.rows() != other.rows() || target.cols() != other.cols()) {
            throw new IllegalArgumentException("cannot add a " + other.rows() + "x" + other.cols() + " matrix to a "
                    + target.rows() + "x" + target.cols() + " one");
        }
        MemorySegment t = target.segment();
        MemorySegment o = other.segment();
        int n = Math.multiplyExact(target.rows(), target.cols());
        parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + SPECIES.loopBound(to - from); i < bound; i += SPECIES.length()) {
                long off = (long) i * Float.BYTES;
                FloatVector.fromMemorySegment(SPECIES, t, off, ORDER)
                        .add(FloatVector.fromMemorySegment(SPECIES, o, off, ORDER))
                        .intoMemorySegment(t, off, ORDER);
            }
            for (; i < to; i++) {
                long off = (long) i * Float.BYTES;
                t.set(ValueLayout.JAVA_FLOAT, off, t.get(ValueLayout.JAVA_FLOAT, off) + o.get(ValueLayout.JAVA_FLOAT, off));
            }
        });
    }
}
