package org.radmamba.viewer.fx.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands files that arrive one by one over the network (pushed to the storage SCP) to the study browser in batches:
 * the first of a quiet spell at once, so that its image shows, then what came meanwhile at most every
 * {@code interval}. Each batch is one scan on the browser's loading path, which grows series that arrive in parts;
 * one scan per file would rebuild a 500-instance series 500 times. Thread-safe: called on the SCP's connection threads.
 */
final class ArrivalBatcher implements AutoCloseable {

    private final Executor fx;
    private final Consumer<List<Path>> open;
    private final long intervalNanos;
    private final ScheduledExecutorService timer;
    private final List<Path> pending = new ArrayList<>();
    private long lastFlush = Long.MIN_VALUE / 2;
    private boolean scheduled;

    ArrivalBatcher(Executor fx, Consumer<List<Path>> open, long intervalNanos) {
        this.fx = fx;
        this.open = open;
        this.intervalNanos = intervalNanos;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "arrival-batcher");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timer = executor;
    }

    synchronized void arrived(Path file) {
        pending.add(file);
        if (scheduled) {
            return;
        }
        long wait = lastFlush + intervalNanos - System.nanoTime();
        if (wait <= 0) {
            flush();
        } else {
            scheduled = true;
            timer.schedule(this::scheduledFlush, wait, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void scheduledFlush() {
        scheduled = false;
        flush();
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<Path> batch = List.copyOf(pending);
        pending.clear();
        lastFlush = System.nanoTime();
        fx.execute(() -> open.accept(batch));
    }

    /** Hands over what is pending and stops the timer. */
    @Override
    public synchronized void close() {
        flush();
        timer.shutdownNow();
    }
}
