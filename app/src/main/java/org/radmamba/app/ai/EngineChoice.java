package org.radmamba.app.ai;

import org.radmamba.inference.cuda.NetworkPrecision;

import java.util.Objects;

/**
 * The engine a job runs on, in which precision, and why, in words for the AI panel and the log.
 *
 * @param kind      CPU or CUDA
 * @param device    the GPU: the one in use for CUDA, the one not used (when there is one) for the CPU; null if none
 * @param precision the arithmetic of the network's products as it runs: the one asked for on CUDA; always float32 on
 *                  the CPU, whose engine has no other (a TF32 request that falls back to the CPU runs float32)
 * @param reason    why this engine: "CUDA was usable", or why the GPU is not used, e.g. "no NVIDIA driver found
 *                  (libcuda.so.1 could not be loaded)"
 */
public record EngineChoice(Kind kind, GpuDevice device, NetworkPrecision precision, String reason) {

    /** Where the forward pass runs. */
    public enum Kind {
        /** Every layer on the CPU cores (the CPU SIMD scan). */
        CPU,
        /** On the NVIDIA GPU through the CUDA driver. */
        CUDA
    }

    public EngineChoice {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(precision, "precision");
        if (kind == Kind.CPU && precision != NetworkPrecision.FLOAT32) {
            throw new IllegalArgumentException("the CPU engine runs float32 only, not " + precision);
        }
    }

    /** The CPU engine without a GPU to name. */
    public static EngineChoice cpu(String reason) {
        return cpu(null, reason);
    }

    /** The CPU engine (float32), with the GPU it does not use, or null. */
    public static EngineChoice cpu(GpuDevice unused, String reason) {
        return new EngineChoice(Kind.CPU, unused, NetworkPrecision.FLOAT32, reason);
    }

    /** The GPU engine on {@code device} in {@code precision}. */
    public static EngineChoice cuda(GpuDevice device, NetworkPrecision precision, String reason) {
        return new EngineChoice(Kind.CUDA, Objects.requireNonNull(device, "device"), precision, reason);
    }

    /**
     * The line the AI panel shows, with the precision that runs: e.g. "Engine: CUDA (tf32) on NVIDIA H100 ... free of
     * 79.2 GiB" or "Engine: CPU (float32) — why".
     */
    public String text() {
        return switch (kind) {
            case CUDA -> "Engine: CUDA (" + precision.label() + ") on " + device.text();
            case CPU -> "Engine: CPU (" + precision.label() + ") — " + reason;
        };
    }
}
