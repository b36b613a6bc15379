package org.radmamba.viewer.fx.task;

import java.util.function.Consumer;

/**
 * What a running {@link BackgroundTask} sees of the world: progress reporting, cancellation, and a way to hand
 * partial results to the UI while it keeps working (the first decoded image, each thumbnail).
 */
public interface TaskContext {

    /** True once the task was cancelled; long loops check it between units of work. */
    boolean isCancelled();

    /** Reports progress; {@code total <= 0} means indeterminate. Delivered to the UI coalesced. */
    void updateProgress(long done, long total);

    void updateMessage(String message);

    /** Delivers a partial result to the task's {@code onPartialResult} consumer, on the UI thread. */
    <T> void publish(Consumer<T> consumer, T value);
}
