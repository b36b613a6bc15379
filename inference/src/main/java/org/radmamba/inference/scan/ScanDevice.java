package org.radmamba.inference.scan;

/** Where a {@link SelectiveScan} runs. */
public enum ScanDevice {
    /** The CPU SIMD scan (Java Vector API). */
    CPU,
    /** Our CUDA kernel through the NVIDIA driver. */
    CUDA
}
