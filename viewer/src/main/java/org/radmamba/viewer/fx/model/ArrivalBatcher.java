package org.radmamba.viewer.fx.model;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands what arrives one by one (files pushed to the storage SCP, headers read by a scan) to the study browser in
 * batches: the first of a quiet spell at once, so that its image shows, then what came meanwhile at most every
 * {@code interval}. The browser grows series that arrive in parts; one update per file would rebuild a 500-instance
 * series 500 times. Thread-safe: called on the SCP's connection threads or a scan's threads.
 */
final class ArrivalBatcher<T> implements AutoCloseable {

    private final Executor fx;
    private final Consumer<List<T>> open;
    private final long intervalNanos;
    private final ScheduledExecutorService timer;
    private final List<T> pending = new ArrayList<>();
    private long lastFlush = Long.MIN_VALUE / 2;
    private boolean scheduled;

    ArrivalBatcher(Executor fx, Consumer<List<T>> open, long intervalNanos) {
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

    synchronized void arrived(T item) {
        pending.add(item);
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
        List<T> batch = List.copyOf(pending);
        pending.clear();
        lastFlush = System.nanoTime();
        fx.execute(() -> open.accept(batch));
    }

    /** Drops what is pending and stops the timer: what it batched is not wanted any more (a scan that failed). */
    synchronized void discard() {
        pending.clear();
        timer.shutdownNow();
    }

    /** Hands over what is pending and stops the timer. */
    @Override
    public synchronized void close() {
        flush();
        timer.shutdownNow();
    }
}
