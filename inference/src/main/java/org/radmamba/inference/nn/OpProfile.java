package org.radmamba.inference.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Wall time, and optionally CPU time, per named operation, summed over calls, for the performance profile.
 * {@link #OFF} records nothing and costs nothing; the names are free-form ({@code "ss2d.scan"}, {@code "patch_embed"},
 * ...). The CPU clock (e.g. {@link Parallel#cpuTimeNanos()}, the kernels' threads together) is the figure a shared
 * machine disturbs least: it does not count the time spent waiting for a core.
 */
public final class OpProfile {

    /** A profile that records nothing. */
    public static final OpProfile OFF = new OpProfile(false, null);

    private final boolean enabled;
    private final LongSupplier cpuClock;
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final Map<String, Long> cpuNanos = new LinkedHashMap<>();
    /** Wall and CPU clock readings at each {@link #start}, indexed by the token it returned. */
    private long[] wallAtStart = new long[64];
    private long[] cpuAtStart = new long[64];
    private int started;

    private OpProfile(boolean enabled, LongSupplier cpuClock) {
        this.enabled = enabled;
        this.cpuClock = cpuClock;
    }

    /** A profile that records wall time. */
    public static OpProfile recording() {
        return new OpProfile(true, null);
    }

    /** A profile that records wall time and the CPU time that {@code cpuClock} (nanoseconds) reports. */
    public static OpProfile recording(LongSupplier cpuClock) {
        return new OpProfile(true, cpuClock);
    }

    /** A token to pass to {@link #stop}: the wall clock, or with a CPU clock an index; 0 when off. */
    public long start() {
        if (!enabled) {
            return 0;
        }
        long wall = System.nanoTime();
        if (cpuClock == null) {
            return wall;
        }
        long cpu = cpuClock.getAsLong();
        synchronized (nanos) {
            if (started == cpuAtStart.length) {
                cpuAtStart = Arrays.copyOf(cpuAtStart, 2 * started);
                wallAtStart = Arrays.copyOf(wallAtStart, 2 * started);
            }
            cpuAtStart[started] = cpu;
            wallAtStart[started] = wall;
            return started++;
        }
    }

    /** Adds the time since {@code token}'s {@link #start} to {@code op}. */
    public void stop(String op, long token) {
        if (!enabled) {
            return;
        }
        long wallNow = System.nanoTime();
        if (cpuClock == null) {
            synchronized (nanos) {
                nanos.merge(op, wallNow - token, Long::sum);
            }
            return;
        }
        long cpuNow = cpuClock.getAsLong();
        synchronized (nanos) {
            int index = (int) token;
            nanos.merge(op, wallNow - wallAtStart[index], Long::sum);
            cpuNanos.merge(op, cpuNow - cpuAtStart[index], Long::sum);
        }
    }

    /** Milliseconds of wall time per operation, in the order they first ran. */
    public Map<String, Double> millis() {
        return toMillis(nanos);
    }

    /** Milliseconds of CPU time per operation (empty without a CPU clock). */
    public Map<String, Double> cpuMillis() {
        return toMillis(cpuNanos);
    }

    private Map<String, Double> toMillis(Map<String, Long> source) {
        Map<String, Double> out = new LinkedHashMap<>();
        synchronized (nanos) {
            source.forEach((op, ns) -> out.put(op, ns / 1e6));
        }
        return out;
    }

    public void reset() {
        synchronized (nanos) {
            nanos.clear();
            cpuNanos.clear();
            started = 0;
        }
    }
}
