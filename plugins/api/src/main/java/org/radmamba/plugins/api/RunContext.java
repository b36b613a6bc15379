package org.radmamba.plugins.api;

/**
 * Where a forward pass runs, as far as a plugin needs to know: how many threads it may use. The host's own networks
 * receive the host's compute context (scan device, thread pool) through this handle.
 */
public interface RunContext {

    /** Threads the network may use; at least 1. */
    int threads();
}
