package org.radmamba.app.ai;

/**
 * The engine a job runs on and why, in words for the AI panel and the log.
 *
 * @param kind   CPU or CUDA
 * @param device the GPU: the one in use for CUDA, the one not used (when there is one) for the CPU; null if none
 * @param reason why this engine: "CUDA was usable", or why the GPU is not used, e.g. "no NVIDIA driver found
 *               (libcuda.so.1 could not be loaded)"
 */
public record EngineChoice(Kind kind, GpuDevice device, String reason) {

    /** Where the forward pass runs. */
    public enum Kind {
        /** Every layer on the CPU cores (the CPU SIMD scan). */
        CPU,
        /** On the NVIDIA GPU through the CUDA driver. */
        CUDA
    }

    public static EngineChoice cpu(String reason) {
        return new EngineChoice(Kind.CPU, null, reason);
    }

    /** The line the AI panel shows, e.g. "Engine: CUDA on NVIDIA H100 ... free of 79.2 GiB" or "Engine: CPU — why". */
    public String text() {
        return switch (kind) {
            case CUDA -> "Engine: CUDA on " + device.text();
            case CPU -> "Engine: CPU — " + reason;
        };
    }
}
