package org.radmamba.inference.scan;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
 * one exp in the lanes ({@link VectorMath#exp2NonPositive}, 12 vector operations), one FMA for h and one FMA
 * into y; B and C of a step are shared by the group's channels and arrive as broadcast scalars, read in place.
 * The other natural layout, the N states of one channel in the lanes, needs a horizontal reduction for
 * y = &lt;h, C&gt; at every step and leaves a 512-bit register three-quarters empty when N = 4; a prototype of
 * it was more than twice as slow as this layout. The JDK's {@code lanewise(EXP)} is an out-of-line SVML call,
 * slower than the inlined polynomial. docs/performance.md has the figures.
 *
 * <p><b>Transposition.</b> The caller's u and delta are channel-major ((channel, position)); the loop wants the
 * V channels of a position side by side. Each block therefore gathers them once into position-major scratch
 * ({@code [position·V + lane]}, softplus(delta + bias) applied on the way), scans, and scatters y back. The four
 * cross-scan directions are not copied at all: the loop visits positions through an order table
 * ({@link CrossScanOrder}), u is gathered once for all four, and the four outputs add into one position-major y.
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
            ws.begin(length, shape.dState(), active);
            ws.loadU(in.u(), rows);
            ws.loadDeltas(in, rows, first);
            ws.loadChannels(shape, in, first);
            CrossScanOrder.fill(ws.order, 0, 1, length);
            ws.scanBlock(in, projectionRow(shape, b, group));
            ws.storeY(y, rows);
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
            ws.begin(length, shape.dState(), active);
            ws.loadU(in.u(), mapRows);
            for (int k = 0; k < CrossScanOrder.DIRECTIONS; k++) {
                int deltaRows = ((b * CrossScanOrder.DIRECTIONS + k) * perGroup + firstLocal) * length;
                int first = k * perGroup + firstLocal;
                ws.loadDeltas(in, deltaRows, first);
                ws.loadChannels(shape, in, first);
                CrossScanOrder.fill(ws.order, k, height, width);
                ws.scanBlock(in, projectionRow(shape, b, k));
            }
            ws.storeY(y, mapRows);
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

    /** Where B and C of (batch, group) start: they are (batch, K, N, L). */
    private static int projectionRow(ScanShape shape, int batch, int group) {
        return (batch * shape.groups() + group) * shape.dState() * shape.length();
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
        float[] a = new float[0];      // A·log2(e), [state·V + lane]
        float[] h = new float[0];      // [state·V + lane]
        int[] order = new int[0];
        final float[] lanes = new float[LANES];       // per-lane scalars on their way into a vector
        final int[] rowOffsets = new int[LANES];      // lane · L: gathers one position of V channel rows
        FloatVector skip;                             // D per lane
        VectorMask<Float> active;
        int length;
        int states;

        /** Prepares a block of {@code activeLanes} channels (the rest of the lanes stay zero) and zeroes y. */
        void begin(int sequenceLength, int stateCount, int activeLanes) {
            length = sequenceLength;
            states = stateCount;
            if (u.length < length * LANES) {
                u = new float[length * LANES];
                dt = new float[length * LANES];
                y = new float[length * LANES];
                order = new int[length];
            }
            if (a.length < states * LANES) {
                a = new float[states * LANES];
                h = new float[states * LANES];
            }
            active = SPECIES.indexInRange(0, activeLanes);
            for (int lane = 0; lane < LANES; lane++) {
                // Unused lanes read the first channel's row: in range, and masked off or multiplied by u = 0.
                rowOffsets[lane] = lane < activeLanes ? lane * length : 0;
            }
            Arrays.fill(y, 0, length * LANES, 0f);
        }

        /** u of the block's channels, rows from {@code firstRow}; unused lanes get 0. */
        void loadU(float[] source, int firstRow) {
            for (int p = 0; p < length; p++) {
                FloatVector.fromArray(SPECIES, source, firstRow + p, rowOffsets, 0, active).intoArray(u, p * LANES);
            }
        }

        /** dt = softplus(delta + bias) of the channels from {@code firstChannel}, delta rows from {@code firstRow}. */
        void loadDeltas(ScanInputs in, int firstRow, int firstChannel) {
            FloatVector bias = perLane(in.deltaBias(), firstChannel);
            for (int p = 0; p < length; p++) {
                FloatVector delta = FloatVector.fromArray(SPECIES, in.delta(), firstRow + p, rowOffsets, 0);
                VectorMath.softplus(delta.add(bias)).intoArray(dt, p * LANES);
            }
        }

        /** A·log2(e) per state and lane and D per lane of the channels from {@code firstChannel}; unused lanes 0. */
        void loadChannels(ScanShape shape, ScanInputs in, int firstChannel) {
            for (int lane = 0; lane < LANES; lane++) {
                boolean used = active.laneIsSet(lane);
                int channel = firstChannel + lane;
                for (int s = 0; s < states; s++) {
                    a[s * LANES + lane] = used ? in.a()[channel * states + s] * VectorMath.LOG2E : 0f;
                }
            }
            skip = perLane(in.d(), firstChannel);
        }

        private FloatVector perLane(float[] perChannel, int firstChannel) {
            for (int lane = 0; lane < LANES; lane++) {
                lanes[lane] = active.laneIsSet(lane) ? perChannel[firstChannel + lane] : 0f;
            }
            return FloatVector.fromArray(SPECIES, lanes, 0);
        }

        /** y of the active lanes back to the caller's rows from {@code firstRow}. */
        void storeY(float[] target, int firstRow) {
            for (int p = 0; p < length; p++) {
                FloatVector.fromArray(SPECIES, y, p * LANES).intoArray(target, firstRow + p, rowOffsets, 0, active);
            }
        }

        /**
         * The hot loop: h = 0, then for t in order, with p = order[t]:
         * h_s = 2^(dt·A_s·log2 e)·h_s + dt·u·B_s, and y[p] += Σ_s h_s·C_s + D·u. B and C are read in place
         * ({@code (N, L)} rows from {@code projectionRow}) as scalars broadcast to all lanes.
         */
        void scanBlock(ScanInputs in, int projectionRow) {
            float[] b = in.b();
            float[] c = in.c();
            Arrays.fill(h, 0, states * LANES, 0f);
            int pairs = states & ~1;
            for (int t = 0; t < length; t++) {
                int p = order[t];
                int at = p * LANES;
                int projections = projectionRow + p;
                FloatVector dtVector = FloatVector.fromArray(SPECIES, dt, at);
                FloatVector uVector = FloatVector.fromArray(SPECIES, u, at);
                FloatVector dtu = dtVector.mul(uVector);
                // Two partial sums halve the chain of dependent FMAs into y.
                FloatVector even = skip.mul(uVector);
                FloatVector odd = FloatVector.zero(SPECIES);
                int s = 0;
                for (; s < pairs; s += 2) {
                    even = step(s, dtVector, dtu, b, c, projections + s * length, even);
                    odd = step(s + 1, dtVector, dtu, b, c, projections + (s + 1) * length, odd);
                }
                if (s < states) {
                    even = step(s, dtVector, dtu, b, c, projections + s * length, even);
                }
                even.add(odd).add(FloatVector.fromArray(SPECIES, y, at)).intoArray(y, at);
            }
        }

        private FloatVector step(int s, FloatVector dtVector, FloatVector dtu, float[] b, float[] c, int projection,
                                 FloatVector sum) {
            int offset = s * LANES;
            FloatVector decay = VectorMath.exp2NonPositive(dtVector.mul(FloatVector.fromArray(SPECIES, a, offset)));
            FloatVector state = decay.fma(FloatVector.fromArray(SPECIES, h, offset), dtu.mul(b[projection]));
            state.intoArray(h, offset);
            return state.fma(FloatVector.broadcast(SPECIES, c[projection]), sum);
        }
    }
}
