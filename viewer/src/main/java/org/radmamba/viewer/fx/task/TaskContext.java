package org.radmamba.viewer.fx.task;

import java.util.List;
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

    /**
     * A channel for many partial results (a series' decoded slices): the work hands it values from any thread, and
     * the UI thread receives them in batches: at most one delivery waits for the UI thread at a time, and it hands
     * {@code consumer} every value added since the last one, in the order added, each exactly once. A load of 500
     * slices then costs the UI thread one update per pulse instead of 500 queued runnables. Nothing is delivered
     * once the task is cancelled.
     */
    <T> Consumer<T> batchPublisher(Consumer<List<T>> consumer);
}
