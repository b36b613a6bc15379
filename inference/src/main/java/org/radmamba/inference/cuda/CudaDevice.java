package org.radmamba.inference.cuda;

import java.lang.foreign.MemorySegment;

/**
 * The CUDA device this process would use (ordinal 0), for the UI and for deciding whether a model fits before it
 * is uploaded. {@link #query()} loads the driver, retains the device's primary context for the memory query and
 * releases it again; it never throws anything but {@link CudaUnavailableException} for a machine without a usable GPU.
 */
public final class CudaDevice {

    /** The oldest GPUs the shipped PTX runs on (Volta, compute capability 7.0). */
    public static final int MIN_COMPUTE_MAJOR = 7;

    private CudaDevice() {
    }

    /**
     * Name, capability and memory of device 0.
     *
     * @throws CudaUnavailableException when no driver loads, no device is present, or the device is older than Volta
     */
    public static CudaDeviceInfo query() throws CudaUnavailableException {
        return query(CudaDriver.defaultLibraryName());
    }

    static CudaDeviceInfo query(String libraryName) throws CudaUnavailableException {
        CudaDriver driver = CudaDriver.load(libraryName);
        try {
            if (driver.deviceCount() == 0) {
                throw new CudaUnavailableException("the NVIDIA driver reports no CUDA device");
            }
            int device = driver.device(0);
            CudaDeviceInfo info = describe(driver, device);
            if (info.computeMajor() < MIN_COMPUTE_MAJOR) {
                throw new CudaUnavailableException(info.name() + " has compute capability " + info.computeMajor() + "."
                        + info.computeMinor() + "; RadMamba's kernels need 7.0 (Volta) or newer");
            }
            return info;
        } catch (CudaException e) {
            throw new CudaUnavailableException("the CUDA device could not be queried: " + e.getMessage());
        }
    }

    /** The device's description with the current free memory; retains and releases the primary context. */
    static CudaDeviceInfo describe(CudaDriver driver, int device) {
        String name = driver.deviceName(device);
        int major = driver.attribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        int minor = driver.attribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        int sms = driver.attribute(CudaDriver.ATTRIBUTE_MULTIPROCESSOR_COUNT, device);
        MemorySegment context = driver.retainPrimaryContext(device);
        try {
            driver.setCurrent(context);
            long[] memory = driver.memoryInfo();
            return new CudaDeviceInfo(name, major, minor, sms, memory[1], memory[0]);
        } finally {
            driver.releasePrimaryContext(device);
        }
    }
}
