package org.radmamba.viewer.fx.task;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackgroundTaskTest {

    @Test
    void the_current_thread_executor_runs_work_and_callbacks_before_returning() {
        List<String> events = new ArrayList<>();
        TaskHandle handle = BackgroundTask.wrap(ctx -> {
                    ctx.publish(events::add, "partial");
                    return 42;
                })
                .onRunning(() -> events.add("running"))
                .onSuccess(v -> events.add("success " + v))
                .onFinished(() -> events.add("finished"))
                .executeWith(new CurrentThreadTaskExecutor());
        assertEquals(List.of("running", "partial", "success 42", "finished"), events);
        assertTrue(handle.isDone());
    }

    @Test
    void a_failure_reaches_on_failure_with_the_original_exception() {
        AtomicReference<Exception> failure = new AtomicReference<>();
        BackgroundTask.wrap(ctx -> {
                    throw new IOException("scan.dcm: truncated");
                })
                .onSuccess(v -> failure.set(null))
                .onFailure(failure::set)
                .executeWith(new CurrentThreadTaskExecutor());
        assertInstanceOf(IOException.class, failure.get());
        assertEquals("scan.dcm: truncated", failure.get().getMessage());
    }

    @Test
    void a_cancelled_task_delivers_neither_partial_results_nor_success() throws Exception {
        ConcurrentLinkedQueue<Runnable> uiQueue = new ConcurrentLinkedQueue<>();
        List<String> delivered = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (FxTaskExecutor executor = new FxTaskExecutor(1, uiQueue::add)) {
            TaskHandle handle = BackgroundTask.wrap(ctx -> {
                        started.countDown();
                        release.await(5, TimeUnit.SECONDS);
                        ctx.publish(delivered::add, "thumbnail");
                        return "study";
                    })
                    .onSuccess(delivered::add)
                    .executeWith(executor);
            assertTrue(started.await(5, TimeUnit.SECONDS));
            handle.cancel();
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!handle.isDone() && System.nanoTime() < deadline) {
                Runnable r = uiQueue.poll();
                if (r != null) {
                    r.run();
                } else {
                    Thread.sleep(5);
                }
            }
            assertTrue(handle.isDone());
            assertTrue(handle.isCancelled());
            assertEquals(List.of(), delivered);
        }
    }

    @Test
    void progress_updates_are_coalesced_while_the_ui_thread_is_busy() {
        ConcurrentLinkedQueue<Runnable> uiQueue = new ConcurrentLinkedQueue<>();
        List<BackgroundTask.Progress> seen = new ArrayList<>();
        RunningTask<Void> running = new RunningTask<>(BackgroundTask.wrap(() -> { }).withTitle("Loading")
                .onProgress(seen::add), uiQueue::add);
        for (int i = 1; i <= 500; i++) {
            running.updateProgress(i, 500);
        }
        assertEquals(1, uiQueue.size(), "one pending UI update for 500 progress calls");
        uiQueue.poll().run();
        assertEquals(1, seen.size());
        assertEquals(1.0, seen.getFirst().fraction(), 1e-12);
        assertEquals("Loading", seen.getFirst().title());
        assertFalse(running.isCancelled());
    }
}
