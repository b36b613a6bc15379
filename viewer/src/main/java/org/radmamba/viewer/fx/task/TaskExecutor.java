package org.radmamba.viewer.fx.task;

/**
 * Runs {@link BackgroundTask}s. The application uses {@link FxTaskExecutor} (worker threads, callbacks on the
 * JavaFX thread); tests use {@link CurrentThreadTaskExecutor} so that a view model can be driven step by step
 * without a screen.
 */
public interface TaskExecutor extends AutoCloseable {

    <V> TaskHandle execute(BackgroundTask<V> task);

    /** Runs {@code action} on the UI thread (now, for the current-thread executor). */
    void runOnUiThread(Runnable action);

    /** Stops the worker threads; running tasks are cancelled. */
    @Override
    void close();
}
