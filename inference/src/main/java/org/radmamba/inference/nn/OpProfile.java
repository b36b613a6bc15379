package org.radmamba.inference.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time per named operation, summed over calls, for the performance profile. {@link #OFF} records nothing and
 * costs nothing; the names are free-form ({@code "ss2d.scan"}, {@code "patch_embed"}, ...).
 */
public final class OpProfile {

    /** A profile that records nothing. */
    public static final OpProfile OFF = new OpProfile(false);

    private final boolean enabled;
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    private OpProfile(boolean enabled) {
        this.enabled = enabled;
    }

    /** A profile that records. */
    public static OpProfile recording() {
        return new OpProfile(true);
    }

    /** A timestamp to pass to {@link #stop}; 0 when off. */
    public long start() {
        return enabled ? System.nanoTime() : 0;
    }

    /** Adds the time since {@code started} to {@code op}. */
    public void stop(String op, long started) {
        if (enabled) {
            long elapsed = System.nanoTime() - started;
            synchronized (nanos) {
                nanos.merge(op, elapsed, Long::sum);
            }
        }
    }

    /** Milliseconds per operation, in the order they first ran. */
    public Map<String, Double> millis() {
        Map<String, Double> out = new LinkedHashMap<>();
        synchronized (nanos) {
            nanos.forEach((op, ns) -> out.put(op, ns / 1e6));
        }
        return out;
    }

    public void reset() {
        synchronized (nanos) {
            nanos.clear();
        }
    }
}
