package org.radmamba.inference.cuda;

/**
 * On a GPU machine (CI has none): prints what {@link CudaDevice#first()} reports for device 0, the figures the app's
 * engine choice and AI panel use, to compare with {@code nvidia-smi}. Exits 1 when the query fails.
 * Run: {@code inference/src/test/gpu/gpu-checks.sh run java org.radmamba.inference.cuda.CudaDeviceGpuCheck}.
 */
public final class CudaDeviceGpuCheck {

    private CudaDeviceGpuCheck() {
    }

    public static void main(String[] args) {
        try {
            CudaDeviceInfo d = CudaDevice.first();
            System.out.printf(java.util.Locale.ROOT, "device=%s compute=%d.%d sms=%d total_mib=%d free_mib=%d%n",
                    d.name(), d.computeMajor(), d.computeMinor(), d.multiprocessors(), d.totalBytes() >> 20,
                    d.freeBytes() >> 20);
            // Twice: the primary context is retained and released per query, so a second one must work as well.
            CudaDeviceInfo again = CudaDevice.first();
            System.out.printf(java.util.Locale.ROOT, "second query: free_mib=%d%n", again.freeBytes() >> 20);
        } catch (CudaUnavailableException e) {
            System.out.println("no usable device: " + e.getMessage());
            System.exit(1);
        }
    }
}
