package org.radmamba.app.ai;

import org.radmamba.inference.cuda.CudaDevice;
import org.radmamba.inference.cuda.CudaDeviceInfo;
import org.radmamba.inference.cuda.CudaUnavailableException;

/**
 * Asks the driver about the GPU before an engine is chosen: the seam through which tests stand in a machine without
 * a driver, with a pre-Volta card or with too little free memory ({@link EngineSelector} is the logic behind it).
 */
@FunctionalInterface
public interface GpuProbe {

    /**
     * The first CUDA device.
     *
     * @throws CudaUnavailableException with the reason in words when there is none (no driver, no device, the driver
     *                                  fails to answer)
     */
    GpuDevice probe() throws CudaUnavailableException;

    /** The platform's NVIDIA driver, through {@link CudaDevice#first()} (any age: the selector says why not). */
    static GpuProbe driver() {
        return () -> {
            CudaDeviceInfo d = CudaDevice.first();
            return new GpuDevice(d.name(), d.computeMajor(), d.computeMinor(), d.totalBytes(), d.freeBytes());
        };
    }
}
