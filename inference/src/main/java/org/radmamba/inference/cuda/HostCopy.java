package org.radmamba.inference.cuda;

import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Copies between Java float arrays and native (page-locked) memory in chunks on the common fork-join pool. One core
 * copies a few GB/s, well below what the GPU's copy engine takes from page-locked memory, so one thread copying a
 * call's operands (70 MB at batch 8) would take longer than the transfers and the kernels together. The
 * native memory must be readable from any thread (page-locked memory from the driver is; a confined arena's is not).
 */
final class HostCopy {

    /** 256 Ki floats (1 MiB) a task: large enough that scheduling costs nothing, small enough to spread. */
    static final int CHUNK_FLOATS = 1 << 18;

    private HostCopy() {
    }

    /** {@code source} into {@code target} from byte {@code targetOffset} on. */
    static void toNative(float[] source, MemorySegment target, long targetOffset) {
        chunks(source.length).forEach(chunk -> {
            int from = chunk * CHUNK_FLOATS;
            int count = Math.min(CHUNK_FLOATS, source.length - from);
            MemorySegment.copy(source, from, target, JAVA_FLOAT, targetOffset + (long) from * Float.BYTES, count);
        });
    }

    /** {@code target.length} floats of {@code source} from byte {@code sourceOffset} on into {@code target}. */
    static void toArray(MemorySegment source, long sourceOffset, float[] target) {
        chunks(target.length).forEach(chunk -> {
            int from = chunk * CHUNK_FLOATS;
            int count = Math.min(CHUNK_FLOATS, target.length - from);
            MemorySegment.copy(source, JAVA_FLOAT, sourceOffset + (long) from * Float.BYTES, target, from, count);
        });
    }

    private static IntStream chunks(int floats) {
        int count = (int) ((floats + (long) CHUNK_FLOATS - 1) / CHUNK_FLOATS);
        IntStream chunks = IntStream.range(0, count);
        return count > 1 ? chunks.parallel() : chunks;
    }
}
