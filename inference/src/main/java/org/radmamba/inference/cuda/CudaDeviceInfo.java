package org.radmamba.inference.cuda;

import java.util.Locale;

/**
 * What the AI panel and the logs show of a CUDA device: its name, compute capability, multiprocessors and memory
 * (total, and free at the time of the query, as {@code cuMemGetInfo} reports it for this process's context).
 */
public record CudaDeviceInfo(String name, int computeMajor, int computeMinor, int multiprocessors, long totalBytes,
                             long freeBytes) {

    /** E.g. "NVIDIA H100 80GB HBM3 (compute 9.0, 132 SMs, 79.1 of 79.2 GiB free)". */
    public String describe() {
        return String.format(Locale.ROOT, "%s (compute %d.%d, %d SMs, %.1f of %.1f GiB free)", name, computeMajor,
                computeMinor, multiprocessors, freeBytes / (double) (1L << 30), totalBytes / (double) (1L << 30));
    }

    /** Whether {@code bytes} more fit in the free memory, keeping {@code reserveBytes} back for the driver. */
    public boolean fits(long bytes, long reserveBytes) {
        return bytes + reserveBytes <= freeBytes;
    }
}
