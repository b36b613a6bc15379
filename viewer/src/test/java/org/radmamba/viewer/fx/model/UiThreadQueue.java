package org.radmamba.viewer.fx.model;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the workers hand the UI thread ({@code new FxTaskExecutor(threads, uiQueue::add)}), queued and run by the
 * test's own thread instead of the FX toolkit's: the view-model tests run without a toolkit, the test deciding when
 * the UI thread's work happens.
 */
final class UiThreadQueue {

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();

    void add(Runnable work) {
        queue.add(work);
    }

    /** Runs what is queued now. */
    void runQueued() {
        for (Runnable r = queue.poll(); r != null; r = queue.poll()) {
            r.run();
        }
    }

    /** Runs what the workers hand over until {@code until} holds; fails after 20 s. */
    void drain(BooleanSupplier until) throws InterruptedException {
        drain(until, () -> { });
    }

    /** As {@link #drain(BooleanSupplier)}, running {@code afterEach} after each piece of work (a check). */
    void drain(BooleanSupplier until, Runnable afterEach) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!until.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for background work");
            Runnable r = queue.poll();
            if (r != null) {
                r.run();
                afterEach.run();
            } else {
                Thread.sleep(2);
            }
        }
    }
}
