package org.radmamba.viewer.fx.task;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One execution of a {@link BackgroundTask}: its context (seen by the work) and its handle (seen by the
 * caller). Shared by both executors; they differ only in how they reach the UI thread.
 */
final class RunningTask<V> implements TaskContext, TaskHandle {

    private static final Logger LOG = LoggerFactory.getLogger(RunningTask.class);

    private final BackgroundTask<V> task;
    private final Consumer<Runnable> uiThread;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();
    private final AtomicReference<BackgroundTask.Progress> pendingProgress = new AtomicReference<>();
    private volatile String message = "";
    private volatile double fraction = BackgroundTask.Progress.INDETERMINATE;

    RunningTask(BackgroundTask<V> task, Consumer<Runnable> uiThread) {
        this.task = task;
        this.uiThread = uiThread;
    }

    /** The whole life of the task; runs on the worker (or the caller, for the current-thread executor). */
    void run() {
        if (cancelled.get()) {
            finish();
            return;
        }
        uiThread.accept(task::fireRunning);
        V result;
        try {
            result = task.runWork(this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled.set(true);
            finish();
            return;
        } catch (Exception e) {
            // Not swallowed: handed to the task's failure callback, which reports it to the user.
            if (!cancelled.get()) {
                LOG.debug("Task '{}' failed", task.title(), e);
                uiThread.accept(() -> task.fireFailure(e));
            }
            finish();
            return;
        }
        if (!cancelled.get()) {
            uiThread.accept(() -> {
                if (!cancelled.get()) {
                    task.fireSuccess(result);
                }
            });
        }
        finish();
    }

    private void finish() {
        uiThread.accept(() -> {
            done.set(true);
            task.fireFinished();
        });
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    @Override
    public void cancel() {
        cancelled.set(true);
    }

    @Override
    public boolean isDone() {
        return done.get();
    }

    @Override
    public void updateProgress(long doneUnits, long total) {
        fraction = total <= 0 ? BackgroundTask.Progress.INDETERMINATE : Math.min(1.0, (double) doneUnits / total);
        postProgress();
    }

    @Override
    public void updateMessage(String newMessage) {
        message = newMessage == null ? "" : newMessage;
        postProgress();
    }

    /** Coalesces: at most one progress update waits for the UI thread at a time, so a fast loop cannot flood it. */
    private void postProgress() {
        BackgroundTask.Progress p = new BackgroundTask.Progress(task.title(), message, fraction);
        if (pendingProgress.getAndSet(p) == null) {
            uiThread.accept(() -> {
                BackgroundTask.Progress latest = pendingProgress.getAndSet(null);
                if (latest != null && !cancelled.get()) {
                    task.fireProgress(latest);
                }
            });
        }
    }

    @Override
    public <T> void publish(Consumer<T> consumer, T value) {
        uiThread.accept(() -> {
            if (!cancelled.get()) {
                consumer.accept(value);
            }
        });
    }

    @Override
    public <T> Consumer<T> batchPublisher(Consumer<List<T>> consumer) {
        ConcurrentLinkedQueue<T> pending = new ConcurrentLinkedQueue<>();
        AtomicBoolean scheduled = new AtomicBoolean();
        Runnable drain = () -> {
            // Cleared before draining: a value added from here on either is drained now or schedules the next drain.
            scheduled.set(false);
            List<T> batch = new ArrayList<>();
            for (T v = pending.poll(); v != null; v = pending.poll()) {
                batch.add(v);
            }
            if (!batch.isEmpty() && !cancelled.get()) {
                consumer.accept(batch);
            }
        };
        return value -> {
            pending.add(value);
            if (scheduled.compareAndSet(false, true)) {
                uiThread.accept(drain);
            }
        };
    }
}
