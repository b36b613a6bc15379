package org.radmamba.app.ai;

import java.util.Locale;

/**
 * A CUDA device as the driver reports it, for choosing an engine and for the AI panel.
 *
 * @param name       e.g. "NVIDIA H100 80GB HBM3"
 * @param major      compute capability, major (7 = Volta)
 * @param minor      compute capability, minor
 * @param totalBytes the device's memory
 * @param freeBytes  what was free when it was asked
 */
public record GpuDevice(String name, int major, int minor, long totalBytes, long freeBytes) {

    /** e.g. "NVIDIA H100 80GB HBM3 (compute 9.0), 78.1 GiB free of 79.2 GiB". */
    public String text() {
        return String.format(Locale.ROOT, "%s (compute %d.%d), %.1f GiB free of %.1f GiB", name, major, minor,
                freeBytes / GIB, totalBytes / GIB);
    }

    private static final double GIB = 1024.0 * 1024 * 1024;
}
