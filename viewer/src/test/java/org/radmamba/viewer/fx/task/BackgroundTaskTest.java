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
                        release.await(60, TimeUnit.SECONDS);
                        ctx.publish(delivered::add, "thumbnail");
                        return "study";
                    })
                    .onSuccess(delivered::add)
                    .executeWith(executor);
            assertTrue(started.await(30, TimeUnit.SECONDS));
            handle.cancel();
            release.countDown();
            runUiUntilDone(handle, uiQueue);
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

    @Test
    void a_batch_publisher_delivers_every_value_once_in_order_with_one_pending_update_at_a_time() throws Exception {
        ConcurrentLinkedQueue<Runnable> uiQueue = new ConcurrentLinkedQueue<>();
        List<List<Integer>> batches = new ArrayList<>();
        CountDownLatch firstHalf = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        try (FxTaskExecutor executor = new FxTaskExecutor(1, uiQueue::add)) {
            TaskHandle handle = BackgroundTask.wrap(ctx -> {
                        java.util.function.Consumer<Integer> slices = ctx.batchPublisher(batches::add);
                        for (int i = 0; i < 500; i++) {
                            slices.accept(i);
                        }
                        firstHalf.countDown();
                        goOn.await(60, TimeUnit.SECONDS);
                        for (int i = 500; i < 1000; i++) {
                            slices.accept(i);
                        }
                        return null;
                    })
                    .executeWith(executor);
            // The UI thread is "busy" while the work publishes 500 values: one update waits for it, not 500.
            assertTrue(firstHalf.await(30, TimeUnit.SECONDS));
            assertEquals(2, uiQueue.size(), "the running notice and one pending batch");
            uiQueue.poll().run();
            uiQueue.poll().run();
            assertEquals(List.of(java.util.stream.IntStream.range(0, 500).boxed().toList()), batches);
            goOn.countDown();
            // Now the UI thread keeps up, in whatever batches the timing gives.
            runUiUntilDone(handle, uiQueue);
            assertTrue(handle.isDone());
            List<Integer> all = batches.stream().flatMap(List::stream).toList();
            assertEquals(java.util.stream.IntStream.range(0, 1000).boxed().toList(), all,
                    "every value exactly once, in the order published, before the task finished");
            assertTrue(batches.stream().noneMatch(List::isEmpty), "no empty batch is delivered");
        }
    }

    @Test
    void a_batch_publisher_of_a_cancelled_task_delivers_nothing_more() throws Exception {
        ConcurrentLinkedQueue<Runnable> uiQueue = new ConcurrentLinkedQueue<>();
        List<String> delivered = new ArrayList<>();
        RunningTask<Void> running = new RunningTask<>(BackgroundTask.wrap(() -> { }), uiQueue::add);
        java.util.function.Consumer<String> slices = running.batchPublisher(delivered::addAll);
        slices.accept("slice 1");
        slices.accept("slice 2");
        running.cancel();
        while (!uiQueue.isEmpty()) {
            uiQueue.poll().run();
        }
        assertEquals(List.of(), delivered);
    }

    /** Plays the UI thread: runs what the task posts until it is done, for at most 30 s (a bound on a hang only). */
    private static void runUiUntilDone(TaskHandle handle, ConcurrentLinkedQueue<Runnable> uiQueue)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!handle.isDone() && System.nanoTime() < deadline) {
            Runnable r = uiQueue.poll();
            if (r != null) {
                r.run();
            } else {
                Thread.sleep(1);
            }
        }
    }
}
