package org.radmamba.viewer.dicom.net;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a blocking network operation with an idle timeout: the operation calls {@link Activity#touch()} whenever
 * something arrives, and if nothing does for {@code idle}, its thread is interrupted. The operation runs on a virtual
 * thread, whose blocking socket reads, writes and connects are interruptible (the JDK closes the socket and the call
 * throws): so a toolkit that sets no socket timeout of its own (PixelMed) can still never hang RadMamba.
 */
public final class Watchdog {

    /** The operation. */
    @FunctionalInterface
    public interface Body<T> {
        T run(Activity activity) throws Exception;
    }

    /** Tells the watchdog the node is alive. */
    @FunctionalInterface
    public interface Activity {
        void touch();
    }

    private Watchdog() {
    }

    /**
     * Runs {@code body} and returns its result or rethrows its exception.
     *
     * @throws TimeoutException     when it was silent for longer than {@code idle} (the operation was interrupted)
     * @throws InterruptedException when the calling thread was interrupted (the operation was interrupted too)
     */
    public static <T> T run(String name, Duration idle, Body<T> body) throws Exception {
        AtomicLong lastActivity = new AtomicLong(System.nanoTime());
        Activity activity = () -> lastActivity.set(System.nanoTime());
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        Thread worker = Thread.ofVirtual().name(name).start(() -> {
            try {
                result[0] = body.run(activity);
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        long idleNanos = idle.toNanos();
        try {
            while (true) {
                long silentFor = System.nanoTime() - lastActivity.get();
                if (silentFor >= idleNanos) {
                    stop(worker);
                    throw new TimeoutException("no answer for " + idle.toSeconds() + " s");
                }
                if (worker.join(Duration.ofNanos(Math.max(1_000_000L, idleNanos - silentFor)))) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            stop(worker);
            throw e;
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    private static void stop(Thread worker) {
        worker.interrupt();
        try {
            // The interrupted socket call returns at once; the bound only guards against code that swallows it.
            worker.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
