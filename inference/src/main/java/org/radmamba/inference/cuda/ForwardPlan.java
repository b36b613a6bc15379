package org.radmamba.inference.cuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A forward pass for one input shape, planned on the host: the kernel launches in stream order and the floats each
 * activation buffer needs (the largest extent any launch touches). The runtime allocates the buffers once per shape,
 * resolves the {@link KernelCall.Ptr}s and records the launches into a CUDA graph.
 */
final class ForwardPlan {

    private final List<KernelCall> calls = new ArrayList<>();
    private final EnumMap<DeviceBuffer, Long> floats = new EnumMap<>(DeviceBuffer.class);
    private final int outputFloats;

    private ForwardPlan(int outputFloats) {
        this.outputFloats = outputFloats;
    }

    static ForwardPlan builder(int outputFloats) {
        return new ForwardPlan(outputFloats);
    }

    /** Records that {@code buffer} must hold at least {@code count} floats. */
    ForwardPlan need(DeviceBuffer buffer, long count) {
        floats.merge(buffer, count, Math::max);
        return this;
    }

    ForwardPlan add(KernelCall call) {
        calls.add(call);
        return this;
    }

    /** A GEMM's launches (one, or the split-K product and its reduction) and the partial sums they need. */
    ForwardPlan add(GemmLaunch gemm) {
        need(DeviceBuffer.PARTIAL, Math.max(1, gemm.partialFloats()));
        calls.addAll(gemm.calls());
        return this;
    }

    /**
     * This plan with every launch of {@link GemmTiling#KERNEL} on {@code kernel} instead, a GEMM that takes the same
     * arguments, grid, block and split-K contract (the TF32 kernel); this plan itself when it is that kernel.
     */
    ForwardPlan withGemmKernel(String kernel) {
        if (kernel.equals(GemmTiling.KERNEL)) {
            return this;
        }
        ForwardPlan other = new ForwardPlan(outputFloats);
        other.floats.putAll(floats);
        for (KernelCall call : calls) {
            other.calls.add(call.kernel().equals(GemmTiling.KERNEL) ? call.onKernel(kernel) : call);
        }
        return other;
    }

    List<KernelCall> calls() {
        return Collections.unmodifiableList(calls);
    }

    /** The activation buffers and their sizes in floats (not the weights). */
    Map<DeviceBuffer, Long> bufferFloats() {
        return Collections.unmodifiableMap(floats);
    }

    /** Bytes of all activation buffers together. */
    long activationBytes() {
        return floats.values().stream().mapToLong(Long::longValue).sum() * Float.BYTES;
    }

    int outputFloats() {
        return outputFloats;
    }
}
