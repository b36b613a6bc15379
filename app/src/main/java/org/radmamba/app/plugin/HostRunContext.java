package org.radmamba.app.plugin;

import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.plugins.api.RunContext;

import java.util.Objects;

/** The app's compute context (thread pool, scan device) behind the API's run context. */
public record HostRunContext(ComputeContext compute) implements RunContext {
    public HostRunContext {
        Objects.requireNonNull(compute, "compute");
    }

    @Override
    public int threads() {
        return compute.parallel().threads();
    }

    /** The compute context inside {@code context}: only the host makes run contexts. */
    public static ComputeContext of(RunContext context) {
        if (context instanceof HostRunContext host) {
            return host.compute();
        }
        throw new IllegalArgumentException("the built-in networks run with the app's run context, got " + context);
    }
}
