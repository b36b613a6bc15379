package org.radmamba.viewer.memory;

import java.util.Optional;

/**
 * The heap a reader may still claim for one allocation, asked before every decode, inflation or large element
 * read, so that one hostile file (a 58-byte picture claiming gigabytes, a deflate bomb) is refused with a reason
 * instead of throwing an {@link OutOfMemoryError} that takes other files, or the viewer, with it.
 *
 * <p>An allocation may take at most half of the heap that is free now (the other half is left to the threads
 * reading other files at the same moment and to the viewer itself). The JVM's own estimate is used, without
 * forcing a collection: garbage still on the heap makes the budget smaller, never larger, which errs on refusing.
 */
public final class MemoryBudget {

    private MemoryBudget() {
    }

    /** Bytes the heap could still give: the maximum heap less what is in use now. */
    public static long headroom() {
        Runtime runtime = Runtime.getRuntime();
        long used = runtime.totalMemory() - runtime.freeMemory();
        return Math.max(0, runtime.maxMemory() - used);
    }

    /** The most one allocation may take now. */
    public static long allowance() {
        return headroom() / 2;
    }

    /**
     * Empty when {@code bytes} for {@code what} fit the budget; otherwise the reason, one sentence without the file
     * name, e.g. "decoding frame 1 needs 2147483632 bytes, more than the 512 MB of memory free for it".
     */
    public static Optional<String> refusal(long bytes, String what) {
        long allowance = allowance();
        if (bytes <= allowance && bytes >= 0) {
            return Optional.empty();
        }
        Runtime runtime = Runtime.getRuntime();
        long free = allowance;
        if (bytes > free) {
            // The budget is an estimate: garbage may hold memory that a collection would give back. Ask once.
            System.gc();
            free = allowance();
            if (bytes <= free && bytes >= 0) {
                return Optional.empty();
            }
        }
        return Optional.of(what + " needs " + bytes + " bytes, more than the " + megabytes(free)
                + " of memory free for it (the heap is " + megabytes(runtime.maxMemory()) + ")");
    }

    private static String megabytes(long bytes) {
        return (bytes >> 20) + " MB";
    }
}
