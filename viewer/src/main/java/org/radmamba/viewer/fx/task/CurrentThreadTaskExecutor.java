package org.radmamba.viewer.fx.task;

/**
 * Runs each task to completion inside {@link #execute}, callbacks included, on the calling thread. For view-model
 * tests: after {@code execute} returns, every effect of the task is visible.
 */
public final class CurrentThreadTaskExecutor implements TaskExecutor {

    @Override
    public <V> TaskHandle execute(BackgroundTask<V> task) {
        RunningTask<V> running = new RunningTask<>(task, Runnable::run);
        running.run();
        return running;
    }

    @Override
    public void runOnUiThread(Runnable action) {
        action.run();
    }

    @Override
    public void close() {
        // Nothing to stop.
    }
}
