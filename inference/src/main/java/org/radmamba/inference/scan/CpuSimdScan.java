package org.radmamba.inference.scan;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The selective scan on the CPU with the Vector API, float32 throughout.
 *
 * <p><b>Layout.</b> The lanes hold {@code V} channels of one group (16 with AVX-512, 8 with AVX2), and the
 * state h is N vectors, one per state, each holding that state for the V channels. Per step and state that is
 * one exp (in the lanes, {@link VectorMath#exp2NonPositive}), one FMA for h and one FMA into y; B and C of the
 * step are shared by the group's channels and arrive as broadcast scalars. The other natural layout, the N
 * states of one channel in the lanes, needs a horizontal reduction for y = &lt;h, C&gt; at every step and leaves
 * lanes empty when N = 16 does not fill a 512-bit register twice; we measured it slower (see docs/performance.md).
 *
 * <p><b>Transposition.</b> The caller's arrays are channel-major ((channel, position)); the loop wants the V
 * channels of a position side by side. Each block of work therefore first copies its u, softplus(delta + bias),
 * B and C into position-major scratch ({@code [position·V + lane]}, {@code [position·N + state]}), scans, and
 * copies y back. The four cross-scan directions are not copied at all: the loop visits the positions through
 * an order table ({@link CrossScanOrder}), u is transposed once for all four, and the four outputs add into one
 * position-major y.
 *
 * <p><b>Threads.</b> Work is split into blocks — (batch, group, V channels) for {@link #scan}, (batch, V
 * channels) with the four directions inside for {@link #crossScan2d}, so that no two threads add into the same
 * output — and the calling thread plus {@code threads - 1} pool threads owned by this scan take blocks from a
 * shared counter. Scratch buffers are pooled per scan and reused; the inner loops allocate nothing. Calls may
 * run concurrently. {@link #close()} stops the pool.
 */
public final class CpuSimdScan implements SelectiveScan, AutoCloseable {

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = SPECIES.length();

    private final int threads;
    private final ExecutorService helpers;
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /** One thread per available processor. */
    public CpuSimdScan() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** @param threads how many threads one call uses, the caller's included; at least 1. */
    public CpuSimdScan(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("the CPU scan needs at least 1 thread, was " + threads);
        }
        this.threads = threads;
        this.helpers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, new ScanThreads());
    }

    /** The number of float lanes per vector on this machine, the channels one block scans together. */
    public static int lanes() {
        return LANES;
    }

    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return "cpu-simd";
    }

    @Override
    public void scan(ScanShape shape, ScanInputs in, float[] y) {
        ScanArguments.checkScan(shape, in, y);
        int blocksPerGroup = blocks(shape.channelsPerGroup());
        int blocksPerBatch = shape.groups() * blocksPerGroup;
        forEachBlock(shape.batch() * blocksPerBatch, (block, ws) -> {
            int b = block / blocksPerBatch;
            int group = block % blocksPerBatch / blocksPerGroup;
            int first = group * shape.channelsPerGroup() + block % blocksPerGroup * LANES;
            int active = Math.min(LANES, (group + 1) * shape.channelsPerGroup() - first);
            int length = shape.length();
            int rows = (b * shape.channels() + first) * length;
            ws.ensure(length, shape.dState());
            ws.transposeIn(in.u(), rows, length, active, ws.u);
            ws.loadDeltas(in, rows, first, length, active);
            ws.loadProjections(shape, in, b, group);
            ws.loadChannels(shape, in, first, active);
            CrossScanOrder.fill(ws.order, 0, 1, length);
            Arrays.fill(ws.y, 0, length * LANES, 0f);
            ws.scanBlock(length, shape.dState());
            ws.transposeOut(y, rows, length, active);
        });
    }

    @Override
    public void crossScan2d(ScanShape shape, int height, int width, ScanInputs in, float[] y) {
        ScanArguments.checkCrossScan(shape, height, width, in, y);
        int perGroup = shape.channelsPerGroup();
        int blocksPerBatch = blocks(perGroup);
        forEachBlock(shape.batch() * blocksPerBatch, (block, ws) -> {
            int b = block / blocksPerBatch;
            int firstLocal = block % blocksPerBatch * LANES;
            int active = Math.min(LANES, perGroup - firstLocal);
            int length = shape.length();
            int mapRows = (b * perGroup + firstLocal) * length;
            ws.ensure(length, shape.dState());
            ws.transposeIn(in.u(), mapRows, length, active, ws.u);
            Arrays.fill(ws.y, 0, length * LANES, 0f);
            for (int k = 0; k < CrossScanOrder.DIRECTIONS; k++) {
                int deltaRows = ((b * CrossScanOrder.DIRECTIONS + k) * perGroup + firstLocal) * length;
                int first = k * perGroup + firstLocal;
                ws.loadDeltas(in, deltaRows, first, length, active);
                ws.loadProjections(shape, in, b, k);
                ws.loadChannels(shape, in, first, active);
                CrossScanOrder.fill(ws.order, k, height, width);
                ws.scanBlock(length, shape.dState());
            }
            ws.transposeOut(y, mapRows, length, active);
        });
    }

    /** Stops the pool threads; calls already running finish first. */
    @Override
    public void close() {
        closed = true;
        if (helpers != null) {
            helpers.close();
        }
    }

    private static int blocks(int channels) {
        return (channels + LANES - 1) / LANES;
    }

    @FunctionalInterface
    private interface BlockWork {
        void run(int block, Workspace workspace);
    }

    /** Runs every block once, on the calling thread and up to threads - 1 pool threads. */
    private void forEachBlock(int blockCount, BlockWork work) {
        if (closed) {
            throw new IllegalStateException("this CPU selective scan has been closed");
        }
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            Workspace ws = workspaces.poll();
            if (ws == null) {
                ws = new Workspace();
            }
            try {
                for (int block = next.getAndIncrement(); block < blockCount; block = next.getAndIncrement()) {
                    work.run(block, ws);
                }
            } finally {
                workspaces.offer(ws);
            }
        };
        int helperCount = Math.min(threads, blockCount) - 1;
        if (helperCount <= 0) {
            drain.run();
            return;
        }
        Future<?>[] started = new Future<?>[helperCount];
        for (int i = 0; i < helperCount; i++) {
            started[i] = helpers.submit(drain);
        }
        try {
            drain.run();
        } finally {
            awaitAll(started);
        }
    }

    private static void awaitAll(Future<?>[] started) {
        boolean interrupted = false;
        RuntimeException failure = null;
        for (Future<?> future : started) {
            while (true) {
                try {
                    future.get();
                    break;
                } catch (InterruptedException e) {
                    // The helpers write into the caller's y: wait for them regardless, then restore the flag.
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    failure = e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException("a selective-scan thread failed", e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Daemon threads, so that a scan that is never closed does not keep the JVM alive. */
    private static final class ScanThreads implements ThreadFactory {
        private static final AtomicInteger SERIAL = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "radmamba-scan-" + SERIAL.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }

    /** One thread's position-major scratch for one block of V channels; grows to the largest call seen. */
    private static final class Workspace {
        float[] u = new float[0];      // [position·V + lane]
        float[] dt = new float[0];     // softplus(delta + bias), [position·V + lane]
        float[] y = new float[0];      // [position·V + lane]
        float[] b = new float[0];      // [position·N + state]
        float[] c = new float[0];      // [position·N + state]
        float[] a = new float[0];      // A·log2(e), [state·V + lane]
        float[] h = new float[0];      // [state·V + lane]
        final float[] skip = new float[LANES];  // D per lane
        int[] order = new int[0];

        void ensure(int length, int states) {
            if (u.length < length * LANES) {
                u = new float[length * LANES];
                dt = new float[length * LANES];
                y = new float[length * LANES];
                order = new int[length];
            }
            if (b.length < length * states) {
                b = new float[length * states];
                c = new float[length * states];
            }
            if (a.length < states * LANES) {
                a = new float[states * LANES];
                h = new float[states * LANES];
            }
        }

        /** Copies {@code active} rows of {@code length} floats into lanes, zeroing the unused lanes. */
        void transposeIn(float[] source, int firstRow, int length, int active, float[] target) {
            for (int lane = 0; lane < LANES; lane++) {
                if (lane < active) {
                    int row = firstRow + lane * length;
                    for (int p = 0; p < length; p++) {
                        target[p * LANES + lane] = source[row + p];
                    }
                } else {
                    for (int p = 0; p < length; p++) {
                        target[p * LANES + lane] = 0f;
                    }
                }
            }
        }

        void transposeOut(float[] target, int firstRow, int length, int active) {
            for (int lane = 0; lane < active; lane++) {
                int row = firstRow + lane * length;
                for (int p = 0; p < length; p++) {
                    target[row + p] = y[p * LANES + lane];
                }
            }
        }

        /** dt = softplus(delta + bias) of the channels {@code first ..}; unused lanes get softplus(0), harmless with u = 0. */
        void loadDeltas(ScanInputs in, int firstRow, int firstChannel, int length, int active) {
            transposeIn(in.delta(), firstRow, length, active, dt);
            float[] bias = skip;  // borrowed as a per-lane buffer; loadChannels overwrites it with D
            for (int lane = 0; lane < LANES; lane++) {
                bias[lane] = lane < active ? in.deltaBias()[firstChannel + lane] : 0f;
            }
            FloatVector biasVector = FloatVector.fromArray(SPECIES, bias, 0);
            for (int i = 0; i < length * LANES; i += LANES) {
                VectorMath.softplus(FloatVector.fromArray(SPECIES, dt, i).add(biasVector)).intoArray(dt, i);
            }
        }

        /** B and C of one (batch, group), from (N, L) to [position·N + state]. */
        void loadProjections(ScanShape shape, ScanInputs in, int batch, int group) {
            int states = shape.dState();
            int length = shape.length();
            int base = (batch * shape.groups() + group) * states * length;
            for (int s = 0; s < states; s++) {
                int row = base + s * length;
                for (int p = 0; p < length; p++) {
                    b[p * states + s] = in.b()[row + p];
                    c[p * states + s] = in.c()[row + p];
                }
            }
        }

        /** A·log2(e) per state and lane, D per lane; unused lanes get 0. */
        void loadChannels(ScanShape shape, ScanInputs in, int firstChannel, int active) {
            int states = shape.dState();
            for (int lane = 0; lane < LANES; lane++) {
                boolean used = lane < active;
                int channel = firstChannel + lane;
                for (int s = 0; s < states; s++) {
                    a[s * LANES + lane] = used ? in.a()[channel * states + s] * VectorMath.LOG2E : 0f;
                }
                skip[lane] = used ? in.d()[channel] : 0f;
            }
        }

        /**
         * The hot loop: h = 0, then for t in order, with p = order[t]:
         * h_s = 2^(dt·A_s·log2 e)·h_s + dt·u·B_s, and y[p] += Σ_s h_s·C_s + D·u.
         */
        void scanBlock(int length, int states) {
            Arrays.fill(h, 0, states * LANES, 0f);
            FloatVector skipVector = FloatVector.fromArray(SPECIES, skip, 0);
            int pairs = states & ~1;
            for (int t = 0; t < length; t++) {
                int p = order[t];
                int lanes = p * LANES;
                int projections = p * states;
                FloatVector dtVector = FloatVector.fromArray(SPECIES, dt, lanes);
                FloatVector uVector = FloatVector.fromArray(SPECIES, u, lanes);
                FloatVector dtu = dtVector.mul(uVector);
                // Two partial sums halve the chain of dependent FMAs into y.
                FloatVector even = skipVector.mul(uVector);
                FloatVector odd = FloatVector.zero(SPECIES);
                int s = 0;
                for (; s < pairs; s += 2) {
                    even = step(s, dtVector, dtu, projections, even);
                    odd = step(s + 1, dtVector, dtu, projections, odd);
                }
                if (s < states) {
                    even = step(s, dtVector, dtu, projections, even);
                }
                even.add(odd).add(FloatVector.fromArray(SPECIES, y, lanes)).intoArray(y, lanes);
            }
        }

        private FloatVector step(int s, FloatVector dtVector, FloatVector dtu, int projections, FloatVector sum) {
            int offset = s * LANES;
            FloatVector decay = VectorMath.exp2NonPositive(dtVector.mul(FloatVector.fromArray(SPECIES, a, offset)));
            FloatVector state = decay.fma(FloatVector.fromArray(SPECIES, h, offset), dtu.mul(b[projections + s]));
            state.intoArray(h, offset);
            return state.fma(FloatVector.broadcast(SPECIES, c[projections + s]), sum);
        }
    }
}
