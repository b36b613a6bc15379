package org.radmamba.inference.cuda;

/**
 * On a GPU machine (CI has none): prints what {@link CudaDeviceQuery} reports for device 0, the figures the app's
 * engine choice and AI panel use, to compare with {@code nvidia-smi}. Exits 1 when the query fails.
 * Run: {@code inference/src/test/gpu/gpu-checks.sh run java org.radmamba.inference.cuda.CudaDeviceQueryGpuCheck}.
 */
public final class CudaDeviceQueryGpuCheck {

    private CudaDeviceQueryGpuCheck() {
    }

    public static void main(String[] args) {
        try {
            CudaDeviceQuery.Device d = CudaDeviceQuery.first();
            System.out.printf(java.util.Locale.ROOT, "device=%s compute=%d.%d total_mib=%d free_mib=%d driver_cuda=%d.%d%n",
                    d.name(), d.major(), d.minor(), d.totalBytes() >> 20, d.freeBytes() >> 20,
                    d.driverVersion() / 1000, d.driverVersion() % 1000 / 10);
            // Twice: the primary context is retained and released per query, so a second one must work as well.
            CudaDeviceQuery.Device again = CudaDeviceQuery.first();
            System.out.printf(java.util.Locale.ROOT, "second query: free_mib=%d%n", again.freeBytes() >> 20);
        } catch (CudaUnavailableException e) {
            System.out.println("no usable device: " + e.getMessage());
            System.exit(1);
        }
    }
}
