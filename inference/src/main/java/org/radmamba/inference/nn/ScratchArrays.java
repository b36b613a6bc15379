package org.radmamba.inference.nn;

import java.util.HashMap;
import java.util.Map;

/**
 * Heap scratch arrays reused across calls on the same thread, by role and exact length (the scan API checks exact
 * lengths). A model visits a handful of sizes, so a thread keeps a handful of arrays instead of allocating tens of
 * megabytes per block. Contents are not cleared.
 */
final class ScratchArrays {

    private static final ThreadLocal<Map<Long, float[]>> ARRAYS = ThreadLocal.withInitial(HashMap::new);

    private ScratchArrays() {
    }

    /** This thread's array for {@code role} (a small number the caller chooses) of exactly {@code length} floats. */
    static float[] get(int role, int length) {
        return ARRAYS.get().computeIfAbsent(((long) role << 32) | length, k -> new float[length]);
    }
}
