package org.radmamba.inference.scan;

/**
 * The scan chosen for a session, the device it runs on and why, in words for the log and the UI, e.g.
 * "CUDA: NVIDIA H100 80GB HBM3 (...)" or "CPU: no NVIDIA driver found (libcuda.so.1 could not be loaded)".
 */
public record ScanSelection(SelectiveScan scan, ScanDevice device, String reason) {
}
