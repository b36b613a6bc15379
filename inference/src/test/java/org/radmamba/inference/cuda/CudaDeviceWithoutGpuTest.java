package org.radmamba.inference.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The device query on a machine without a GPU (CI): the reason the app's AI panel shows for not using one. */
class CudaDeviceWithoutGpuTest {

    @Test
    void a_missing_driver_library_is_reported_as_no_nvidia_driver_found() {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaDevice.query("libcuda-not-installed.so.1", 0));

        assertEquals("no NVIDIA driver found (libcuda-not-installed.so.1 could not be loaded)", e.getMessage());
    }

    @Test
    void an_operating_system_without_a_cuda_driver_says_so() {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> CudaDevice.query(null, 0));

        assertEquals("no NVIDIA driver found (this operating system has no CUDA driver)", e.getMessage());
    }
}
