package org.radmamba.inference.nn;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of the Java kernels: the calling thread plus {@code threads - 1} daemon helpers that this object
 * owns. {@link #forRange} splits an index range into chunks that the threads take from a shared counter.
 * BLAS (OpenBLAS inside ND4J) runs single-threaded; {@link Gemm} splits a product's rows over these threads.
 */
public final class Parallel implements AutoCloseable {

    /** A piece of work over the indices {@code from} (inclusive) to {@code to} (exclusive). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final int threads;
    private final ExecutorService helpers;
    private final List<Thread> helperThreads = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** @param threads the threads one call uses, the caller's included; at least 1 */
    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("at least 1 thread is needed, was " + threads);
        }
        this.threads = threads;
        int pool = POOL_IDS.incrementAndGet();
        AtomicInteger ids = new AtomicInteger();
        this.helpers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, task -> {
            Thread t = new Thread(task, "radmamba-nn-" + pool + "-" + ids.incrementAndGet());
            t.setDaemon(true);
            helperThreads.add(t);
            return t;
        });
    }

    /** One thread, no helpers: for tests and for callers that parallelise elsewhere. */
    public static Parallel single() {
        return new Parallel(1);
    }

    public int threads() {
        return threads;
    }

    /**
     * CPU time of the calling thread plus this object's helpers, in nanoseconds: for {@link OpProfile}, where it
     * measures the kernels' work without the time they waited for a core.
     */
    public long cpuTimeNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = mx.getCurrentThreadCpuTime();
        for (Thread t : helperThreads) {
            long ns = mx.getThreadCpuTime(t.threadId());
            if (ns > 0) {
                sum += ns;
            }
        }
        return sum;
    }

    /**
     * Runs {@code body} over [0, n) in chunks of at least {@code grain} indices, on up to {@link #threads()} threads,
     * and returns when all are done. An exception in any chunk is rethrown here.
     */
    public void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunkCount = Math.min(threads * 4, Math.max(1, n / Math.max(1, grain)));
        if (threads == 1 || chunkCount == 1) {
            body.run(0, n);
            return;
        }
        int chunk = (n + chunkCount - 1) / chunkCount;
        int chunks = (n + chunk - 1) / chunk;
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                int from = c * chunk;
                body.run(from, Math.min(n, from + chunk));
            }
        };
        int helperCount = Math.min(threads - 1, chunks - 1);
        List<Future<?>> running = new ArrayList<>(helperCount);
        for (int i = 0; i < helperCount; i++) {
            running.add(helpers.submit(worker));
        }
        worker.run();
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a parallel kernel", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdown();
        }
    }
}
