package org.radmamba.inference.nn;

import org.nd4j.linalg.factory.Nd4j;

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
 * BLAS (OpenBLAS inside ND4J) has its own threads, set with {@link #setBlasThreads}.
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

    /** Sets the number of threads of ND4J's BLAS (OpenBLAS), which is process-wide. */
    public static void setBlasThreads(int threads) {
        Nd4j.factory().blas().setMaxThreads(threads);
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
