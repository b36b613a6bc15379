package org.radmamba.inference.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What the driver says about a CUDA device before anything is loaded on it: its name, compute capability and memory
 * (total, and free now), for choosing an engine and for the AI panel. Opens nothing but the device's primary context
 * (the one every RadMamba CUDA user shares), and only for as long as {@code cuMemGetInfo} needs it.
 */
public final class CudaDeviceQuery {

    /**
     * One device as the driver reports it.
     *
     * @param name           e.g. "NVIDIA H100 80GB HBM3"
     * @param major          compute capability, major (7 = Volta)
     * @param minor          compute capability, minor
     * @param totalBytes     the device's memory
     * @param freeBytes      what is free now, other processes' allocations and the context taken off
     * @param driverVersion  the driver's CUDA version, e.g. 13000 for 13.0
     */
    public record Device(String name, int major, int minor, long totalBytes, long freeBytes, int driverVersion) {
    }

    private CudaDeviceQuery() {
    }

    /** The first device through the platform's driver library. */
    public static Device first() throws CudaUnavailableException {
        return query(CudaDriver.defaultLibraryName(), 0);
    }

    /**
     * Device {@code ordinal} through the driver library {@code libraryName}.
     *
     * @throws CudaUnavailableException when there is no driver, no such device, or the driver fails to answer
     */
    public static Device query(String libraryName, int ordinal) throws CudaUnavailableException {
        CudaDriver driver = CudaDriver.load(libraryName);
        try {
            int device = deviceHandle(driver, ordinal);
            String name = driver.deviceName(device);
            int major = driver.attribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
            int minor = driver.attribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
            long total = driver.totalMemory(device);
            long free = freeMemory(driver, libraryName, device);
            return new Device(name, major, minor, total, free, driver.driverVersion());
        } catch (CudaException e) {
            throw new CudaUnavailableException("the CUDA device could not be queried: " + e.getMessage());
        }
    }

    /**
     * The driver's handle of device {@code ordinal}, after checking the driver has that many devices; shared by the
     * query and {@link CudaScan#open(String, int)} so both refuse a missing device with the same message.
     */
    static int deviceHandle(CudaDriver driver, int ordinal) throws CudaUnavailableException {
        int count = driver.deviceCount();
        if (count <= ordinal) {
            throw new CudaUnavailableException("the NVIDIA driver reports " + count + " CUDA device(s), "
                    + "device " + ordinal + " was asked for");
        }
        return driver.device(ordinal);
    }

    /** cuMemGetInfo_v2 in the device's primary context (bound here: the scan's driver binding does not need it). */
    private static long freeMemory(CudaDriver driver, String libraryName, int device) throws CudaUnavailableException {
        MethodHandle memGetInfo = SymbolLookup.libraryLookup(libraryName, Arena.global()).find("cuMemGetInfo_v2")
                .map(symbol -> Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)))
                .orElseThrow(() -> new CudaUnavailableException("the NVIDIA driver library " + libraryName
                        + " is too old: it has no function cuMemGetInfo_v2"));
        MemorySegment context = driver.retainPrimaryContext(device);
        try (Arena arena = Arena.ofConfined()) {
            driver.setCurrent(context);
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            int result;
            try {
                result = (int) memGetInfo.invokeExact(free, total);
            } catch (Throwable t) {
                throw new IllegalStateException("cuMemGetInfo_v2 could not be called", t);
            }
            if (result != 0) {
                throw new CudaException("cuMemGetInfo_v2", result, driver.errorName(result));
            }
            return free.get(JAVA_LONG, 0);
        } finally {
            driver.releasePrimaryContext(device);
        }
    }
}
