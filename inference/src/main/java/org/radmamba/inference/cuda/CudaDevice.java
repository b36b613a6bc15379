package org.radmamba.inference.cuda;

import java.lang.foreign.MemorySegment;

/**
 * What the driver says about a CUDA device before anything is loaded on it: its name, compute capability,
 * multiprocessors and memory (total, and free now), for choosing an engine, for deciding whether a model fits before
 * it is uploaded, and for the AI panel. A query loads the driver, retains the device's primary context (the one every
 * RadMamba CUDA user shares) for the memory query and releases it again; it never throws anything but
 * {@link CudaUnavailableException} on a machine without a usable driver.
 */
public final class CudaDevice {

    /** The oldest GPUs the shipped PTX runs on (Volta, compute capability 7.0). */
    public static final int MIN_COMPUTE_MAJOR = 7;

    private CudaDevice() {
    }

    /**
     * Device 0 as the driver reports it, whatever its age (the caller says why an old one is not used).
     *
     * @throws CudaUnavailableException when no driver loads, there is no device, or the driver fails to answer
     */
    public static CudaDeviceInfo first() throws CudaUnavailableException {
        return query(CudaDriver.defaultLibraryName(), 0);
    }

    /**
     * Device 0, refused when it is older than the kernels need.
     *
     * @throws CudaUnavailableException when no driver loads, no device is present, or the device is older than Volta
     */
    public static CudaDeviceInfo query() throws CudaUnavailableException {
        CudaDeviceInfo info = first();
        requireVolta(info);
        return info;
    }

    /**
     * Device {@code ordinal} through the driver library {@code libraryName} (null: the platform has none).
     *
     * @throws CudaUnavailableException when there is no driver, no such device, or the driver fails to answer
     */
    static CudaDeviceInfo query(String libraryName, int ordinal) throws CudaUnavailableException {
        CudaDriver driver = CudaDriver.load(libraryName);
        try {
            return describe(driver, deviceHandle(driver, ordinal));
        } catch (CudaException e) {
            throw new CudaUnavailableException("the CUDA device could not be queried: " + e.getMessage());
        }
    }

    /** Refuses a device older than Volta, with its name and capability in the reason. */
    static void requireVolta(CudaDeviceInfo info) throws CudaUnavailableException {
        if (info.computeMajor() < MIN_COMPUTE_MAJOR) {
            throw new CudaUnavailableException(info.name() + " has compute capability " + info.computeMajor() + "."
                    + info.computeMinor() + "; RadMamba's kernels need 7.0 (Volta) or newer");
        }
    }

    /** Refuses a device whose hardware lacks what {@code precision}'s kernels use (TF32 tensor cores: 8.0). */
    static void require(CudaDeviceInfo info, NetworkPrecision precision) throws CudaUnavailableException {
        String refusal = precision.refusal(info.name(), info.computeMajor(), info.computeMinor());
        if (refusal != null) {
            throw new CudaUnavailableException(refusal);
        }
    }

    /**
     * The driver's handle of device {@code ordinal}, after checking the driver has that many devices; shared by the
     * query, {@link CudaScan#open(String, int)} and {@link CudaNetwork}, so all refuse a missing device alike.
     */
    static int deviceHandle(CudaDriver driver, int ordinal) throws CudaUnavailableException {
        int count = driver.deviceCount();
        if (count <= ordinal) {
            throw new CudaUnavailableException(count == 0 ? "the NVIDIA driver reports no CUDA device"
                    : "the NVIDIA driver reports " + count + " CUDA device(s), device " + ordinal + " was asked for");
        }
        return driver.device(ordinal);
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
