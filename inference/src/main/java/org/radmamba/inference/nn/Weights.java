package org.radmamba.inference.nn;

import org.radmamba.inference.checkpoint.CheckpointTensor;
import org.radmamba.inference.checkpoint.StateDict;

/** Reading parameters of an exact shape from a checkpoint; the {@link StateDict.Reader} names the key on a mismatch. */
public final class Weights {

    private Weights() {
    }

    /** The values of {@code key}, which must have exactly {@code shape}. */
    public static float[] read(StateDict.Reader reader, String key, long... shape) {
        return reader.require(key, shape).values();
    }

    /**
     * Size {@code axis} of the tensor {@code key}, to infer an architecture from a checkpoint; -1 when the tensor
     * has too few dimensions (the later {@code require} then reports the shape against the one expected).
     */
    public static int dim(StateDict.Reader reader, String key, int axis) {
        CheckpointTensor t = reader.get(key);
        int a = axis < 0 ? t.rank() + axis : axis;
        return a >= 0 && a < t.rank() ? t.dim(a) : -1;
    }
}
