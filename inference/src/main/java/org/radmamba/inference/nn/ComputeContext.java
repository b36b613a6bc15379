package org.radmamba.inference.nn;

import org.radmamba.inference.scan.SelectiveScan;

/**
 * What a forward pass runs on: the threads of the Java kernels, the selective scan implementation (CPU or CUDA),
 * and an optional per-operation profile. The caller owns and closes {@code parallel} and {@code scan}.
 */
public record ComputeContext(Parallel parallel, SelectiveScan scan, OpProfile profile) {

    public ComputeContext {
        if (parallel == null || scan == null || profile == null) {
            throw new IllegalArgumentException("parallel, scan and profile are required");
        }
    }

    public ComputeContext(Parallel parallel, SelectiveScan scan) {
        this(parallel, scan, OpProfile.OFF);
    }

    public ComputeContext withProfile(OpProfile other) {
        return new ComputeContext(parallel, scan, other);
    }
}
