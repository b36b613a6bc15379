package org.radmamba.viewer.fx.task;

import javafx.application.Platform;
import org.radmamba.viewer.concurrent.BackgroundThreads;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The application's executor: a small pool of daemon worker threads, callbacks through
 * {@link Platform#runLater}. Daemon threads, so that a load in progress never keeps the JVM alive after the
 * window closes.
 */
public final class FxTaskExecutor implements TaskExecutor {

    private final ExecutorService workers;
    private final Consumer<Runnable> uiThread;

    public FxTaskExecutor(int threads) {
        this(threads, Platform::runLater);
    }

    /** With an explicit UI dispatcher (e.g. for a benchmark that owns its own loop). */
    public FxTaskExecutor(int threads, Consumer<Runnable> uiThread) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        // Daemon threads, below the FX thread and the renderer, so that decoding never starves them on a 2-core
        // machine.
        this.workers = Executors.newFixedThreadPool(threads, BackgroundThreads.factory("radmamba-worker"));
        this.uiThread = uiThread;
    }

    /**
     * A pool sized for the machine: all cores but the one the UI thread needs, and at least two, because loads
     * wait on the disk as much as on the CPU and a long load must not hold back a thumbnail or a header.
     */
    public static FxTaskExecutor forThisMachine() {
        return new FxTaskExecutor(Math.max(2, Runtime.getRuntime().availableProcessors() - 1));
    }

    @Override
    public <V> TaskHandle execute(BackgroundTask<V> task) {
        RunningTask<V> running = new RunningTask<>(task, uiThread);
        workers.execute(running::run);
        return running;
    }

    @Override
    public void runOnUiThread(Runnable action) {
        uiThread.accept(action);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
