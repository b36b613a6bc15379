package org.radmamba.inference.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few CUDA driver API functions the scan needs, bound through the Foreign Function &amp; Memory API to the
 * driver library that the NVIDIA driver installs (libcuda.so.1, nvcuda.dll): no JNI and no CUDA toolkit at run
 * time. Every call checks its CUresult and throws {@link CudaException} naming the call. Device pointers
 * (CUdeviceptr) are {@code long}s; handles (CUcontext, CUmodule, CUfunction, CUevent) are {@link MemorySegment}s.
 */
final class CudaDriver {

    /** CUdevice_attribute values used here (cuda.h). */
    static final int ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    static final int ATTRIBUTE_L2_CACHE_SIZE = 38;
    static final int ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;

    /** CUfunction_attribute: the most dynamic shared memory a launch may ask for. */
    static final int FUNCTION_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;

    private static final int CUDA_ERROR_NO_DEVICE = 100;

    private final MethodHandle cuInit;
    private final MethodHandle cuDriverGetVersion;
    private final MethodHandle cuDeviceGetCount;
    private final MethodHandle cuDeviceGet;
    private final MethodHandle cuDeviceGetName;
    private final MethodHandle cuDeviceGetAttribute;
    private final MethodHandle cuDeviceTotalMem;
    private final MethodHandle cuDevicePrimaryCtxRetain;
    private final MethodHandle cuDevicePrimaryCtxRelease;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuCtxSynchronize;
    private final MethodHandle cuModuleLoadData;
    private final MethodHandle cuModuleUnload;
    private final MethodHandle cuModuleGetFunction;
    private final MethodHandle cuFuncSetAttribute;
    private final MethodHandle cuMemAlloc;
    private final MethodHandle cuMemFree;
    private final MethodHandle cuMemAllocHost;
    private final MethodHandle cuMemFreeHost;
    private final MethodHandle cuMemcpyHtoD;
    private final MethodHandle cuMemcpyDtoH;
    private final MethodHandle cuMemcpyDtoD;
    private final MethodHandle cuMemsetD32Async;
    private final MethodHandle cuLaunchKernel;
    private final MethodHandle cuEventCreate;
    private final MethodHandle cuEventRecord;
    private final MethodHandle cuEventSynchronize;
    private final MethodHandle cuEventElapsedTime;
    private final MethodHandle cuEventDestroy;
    private final MethodHandle cuGetErrorName;
    private final MethodHandle cuMemGetInfo;
    private final MethodHandle cuStreamCreate;
    private final MethodHandle cuStreamDestroy;
    private final MethodHandle cuStreamSynchronize;
    private final MethodHandle cuMemcpyHtoDAsync;
    private final MethodHandle cuMemcpyDtoHAsync;
    private final MethodHandle cuStreamBeginCapture;
    private final MethodHandle cuStreamEndCapture;
    private final MethodHandle cuGraphInstantiate;
    private final MethodHandle cuGraphLaunch;
    private final MethodHandle cuGraphExecDestroy;
    private final MethodHandle cuGraphDestroy;

    private CudaDriver(SymbolLookup library) {
        cuInit = bind(library, "cuInit", JAVA_INT);
        cuDriverGetVersion = bind(library, "cuDriverGetVersion", ADDRESS);
        cuDeviceGetCount = bind(library, "cuDeviceGetCount", ADDRESS);
        cuDeviceGet = bind(library, "cuDeviceGet", ADDRESS, JAVA_INT);
        cuDeviceGetName = bind(library, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceGetAttribute = bind(library, "cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceTotalMem = bind(library, "cuDeviceTotalMem_v2", ADDRESS, JAVA_INT);
        cuDevicePrimaryCtxRetain = bind(library, "cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        cuDevicePrimaryCtxRelease = bind(library, "cuDevicePrimaryCtxRelease_v2", JAVA_INT);
        cuCtxSetCurrent = bind(library, "cuCtxSetCurrent", ADDRESS);
        cuCtxSynchronize = bind(library, "cuCtxSynchronize");
        cuModuleLoadData = bind(library, "cuModuleLoadData", ADDRESS, ADDRESS);
        cuModuleUnload = bind(library, "cuModuleUnload", ADDRESS);
        cuModuleGetFunction = bind(library, "cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
        cuFuncSetAttribute = bind(library, "cuFuncSetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        cuMemAlloc = bind(library, "cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        cuMemFree = bind(library, "cuMemFree_v2", JAVA_LONG);
        cuMemAllocHost = bind(library, "cuMemAllocHost_v2", ADDRESS, JAVA_LONG);
        cuMemFreeHost = bind(library, "cuMemFreeHost", ADDRESS);
        cuMemcpyHtoD = bind(library, "cuMemcpyHtoD_v2", JAVA_LONG, ADDRESS, JAVA_LONG);
        cuMemcpyDtoH = bind(library, "cuMemcpyDtoH_v2", ADDRESS, JAVA_LONG, JAVA_LONG);
        cuMemcpyDtoD = bind(library, "cuMemcpyDtoD_v2", JAVA_LONG, JAVA_LONG, JAVA_LONG);
        cuMemsetD32Async = bind(library, "cuMemsetD32Async", JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS);
        cuLaunchKernel = bind(library, "cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        cuEventCreate = bind(library, "cuEventCreate", ADDRESS, JAVA_INT);
        cuEventRecord = bind(library, "cuEventRecord", ADDRESS, ADDRESS);
        cuEventSynchronize = bind(library, "cuEventSynchronize", ADDRESS);
        cuEventElapsedTime = bind(library, "cuEventElapsedTime", ADDRESS, ADDRESS, ADDRESS);
        cuEventDestroy = bind(library, "cuEventDestroy_v2", ADDRESS);
        cuGetErrorName = bind(library, "cuGetErrorName", JAVA_INT, ADDRESS);
        // The device-resident network (CudaNetwork): streams, asynchronous copies and graphs (drivers from CUDA 11.4)
        cuMemGetInfo = bind(library, "cuMemGetInfo_v2", ADDRESS, ADDRESS);
        cuStreamCreate = bind(library, "cuStreamCreate", ADDRESS, JAVA_INT);
        cuStreamDestroy = bind(library, "cuStreamDestroy_v2", ADDRESS);
        cuStreamSynchronize = bind(library, "cuStreamSynchronize", ADDRESS);
        cuMemcpyHtoDAsync = bind(library, "cuMemcpyHtoDAsync_v2", JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
        cuMemcpyDtoHAsync = bind(library, "cuMemcpyDtoHAsync_v2", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
        cuStreamBeginCapture = bind(library, "cuStreamBeginCapture_v2", ADDRESS, JAVA_INT);
        cuStreamEndCapture = bind(library, "cuStreamEndCapture", ADDRESS, ADDRESS);
        cuGraphInstantiate = bind(library, "cuGraphInstantiateWithFlags", ADDRESS, ADDRESS, JAVA_LONG);
        cuGraphLaunch = bind(library, "cuGraphLaunch", ADDRESS, ADDRESS);
        cuGraphExecDestroy = bind(library, "cuGraphExecDestroy", ADDRESS);
        cuGraphDestroy = bind(library, "cuGraphDestroy", ADDRESS);
    }

    /** The driver library's name on this operating system, or null where NVIDIA ships no CUDA driver (macOS). */
    static String defaultLibraryName() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return "nvcuda.dll";
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return null;
        }
        return "libcuda.so.1";
    }

    /**
     * Loads the driver library and initialises the driver.
     *
     * @throws CudaUnavailableException when the library cannot be loaded, or the driver reports no device
     */
    static CudaDriver load(String libraryName) throws CudaUnavailableException {
        if (libraryName == null) {
            throw new CudaUnavailableException("no NVIDIA driver found (this operating system has no CUDA driver)");
        }
        SymbolLookup library;
        try {
            library = SymbolLookup.libraryLookup(libraryName, Arena.global());
        } catch (IllegalArgumentException notLoadable) {
            // libraryLookup reports a library that dlopen/LoadLibrary cannot find this way.
            throw new CudaUnavailableException("no NVIDIA driver found (" + libraryName + " could not be loaded)");
        }
        CudaDriver driver;
        try {
            driver = new CudaDriver(library);
        } catch (java.util.NoSuchElementException missing) {
            throw new CudaUnavailableException("the NVIDIA driver library " + libraryName
                    + " is too old: " + missing.getMessage());
        }
        int result = call(() -> (int) driver.cuInit.invokeExact(0));
        if (result == CUDA_ERROR_NO_DEVICE) {
            throw new CudaUnavailableException("the NVIDIA driver reports no CUDA device");
        }
        if (result != 0) {
            throw new CudaUnavailableException("the NVIDIA driver did not initialise: cuInit returned "
                    + driver.errorName(result) + " (" + result + ")");
        }
        return driver;
    }

    private static MethodHandle bind(SymbolLookup library, String name, MemoryLayout... arguments) {
        MemorySegment symbol = library.find(name)
                .orElseThrow(() -> new java.util.NoSuchElementException("it has no function " + name));
        return Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, arguments));
    }

    // ---- calls -------------------------------------------------------------------------------------------

    int driverVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(JAVA_INT);
            check("cuDriverGetVersion", call(() -> (int) cuDriverGetVersion.invokeExact(version)));
            return version.get(JAVA_INT, 0);
        }
    }

    int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            check("cuDeviceGetCount", call(() -> (int) cuDeviceGetCount.invokeExact(count)));
            return count.get(JAVA_INT, 0);
        }
    }

    int device(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment device = arena.allocate(JAVA_INT);
            check("cuDeviceGet", call(() -> (int) cuDeviceGet.invokeExact(device, ordinal)));
            return device.get(JAVA_INT, 0);
        }
    }

    String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(256);
            check("cuDeviceGetName", call(() -> (int) cuDeviceGetName.invokeExact(name, 256, device)));
            return name.getString(0, StandardCharsets.UTF_8);
        }
    }

    int attribute(int attribute, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            check("cuDeviceGetAttribute", call(() -> (int) cuDeviceGetAttribute.invokeExact(value, attribute, device)));
            return value.get(JAVA_INT, 0);
        }
    }

    long totalMemory(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(JAVA_LONG);
            check("cuDeviceTotalMem_v2", call(() -> (int) cuDeviceTotalMem.invokeExact(bytes, device)));
            return bytes.get(JAVA_LONG, 0);
        }
    }

    MemorySegment retainPrimaryContext(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment context = arena.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", call(() -> (int) cuDevicePrimaryCtxRetain.invokeExact(context, device)));
            return context.get(ADDRESS, 0);
        }
    }

    void releasePrimaryContext(int device) {
        check("cuDevicePrimaryCtxRelease_v2", call(() -> (int) cuDevicePrimaryCtxRelease.invokeExact(device)));
    }

    void setCurrent(MemorySegment context) {
        check("cuCtxSetCurrent", call(() -> (int) cuCtxSetCurrent.invokeExact(context)));
    }

    void synchronize() {
        check("cuCtxSynchronize", call(() -> (int) cuCtxSynchronize.invokeExact()));
    }

    /** Loads a module from a NUL-terminated PTX (or cubin) image; the driver JIT-compiles PTX for the device. */
    MemorySegment loadModule(MemorySegment image) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment module = arena.allocate(ADDRESS);
            check("cuModuleLoadData", call(() -> (int) cuModuleLoadData.invokeExact(module, image)));
            return module.get(ADDRESS, 0);
        }
    }

    void unloadModule(MemorySegment module) {
        check("cuModuleUnload", call(() -> (int) cuModuleUnload.invokeExact(module)));
    }

    MemorySegment function(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment function = arena.allocate(ADDRESS);
            check("cuModuleGetFunction(" + name + ")",
                    call(() -> (int) cuModuleGetFunction.invokeExact(function, module, arena.allocateFrom(name))));
            return function.get(ADDRESS, 0);
        }
    }

    void setAttribute(MemorySegment function, int attribute, int value) {
        check("cuFuncSetAttribute(" + attribute + ", " + value + ")",
                call(() -> (int) cuFuncSetAttribute.invokeExact(function, attribute, value)));
    }

    long malloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pointer = arena.allocate(JAVA_LONG);
            check("cuMemAlloc_v2(" + bytes + " bytes)", call(() -> (int) cuMemAlloc.invokeExact(pointer, bytes)));
            return pointer.get(JAVA_LONG, 0);
        }
    }

    void free(long devicePointer) {
        check("cuMemFree_v2", call(() -> (int) cuMemFree.invokeExact(devicePointer)));
    }

    /** Page-locked host memory, which the copy engines read and write directly. */
    MemorySegment mallocHost(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pointer = arena.allocate(ADDRESS);
            check("cuMemAllocHost_v2(" + bytes + " bytes)", call(() -> (int) cuMemAllocHost.invokeExact(pointer, bytes)));
            return pointer.get(ADDRESS, 0).reinterpret(bytes);
        }
    }

    void freeHost(MemorySegment host) {
        check("cuMemFreeHost", call(() -> (int) cuMemFreeHost.invokeExact(host)));
    }

    void copyToDevice(long destination, MemorySegment source, long bytes) {
        check("cuMemcpyHtoD_v2", call(() -> (int) cuMemcpyHtoD.invokeExact(destination, source, bytes)));
    }

    void copyToHost(MemorySegment destination, long source, long bytes) {
        check("cuMemcpyDtoH_v2", call(() -> (int) cuMemcpyDtoH.invokeExact(destination, source, bytes)));
    }

    void copyOnDevice(long destination, long source, long bytes) {
        check("cuMemcpyDtoD_v2", call(() -> (int) cuMemcpyDtoD.invokeExact(destination, source, bytes)));
    }

    /** Fills 32-bit words, ordered on the default stream with the launches. */
    void fill32(long destination, int value, long count) {
        check("cuMemsetD32Async", call(() -> (int) cuMemsetD32Async.invokeExact(destination, value, count,
                MemorySegment.NULL)));
    }

    /** Launches on the default stream; {@code parameters} is the kernel's void** argument array. */
    void launch(String name, MemorySegment function, int gridX, int gridY, int gridZ, int blockX, int sharedBytes,
                MemorySegment parameters) {
        check("cuLaunchKernel(" + name + ")", call(() -> (int) cuLaunchKernel.invokeExact(function, gridX, gridY,
                gridZ, blockX, 1, 1, sharedBytes, MemorySegment.NULL, parameters, MemorySegment.NULL)));
    }

    MemorySegment createEvent() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(ADDRESS);
            check("cuEventCreate", call(() -> (int) cuEventCreate.invokeExact(event, 0)));
            return event.get(ADDRESS, 0);
        }
    }

    void recordEvent(MemorySegment event) {
        check("cuEventRecord", call(() -> (int) cuEventRecord.invokeExact(event, MemorySegment.NULL)));
    }

    void recordEvent(MemorySegment event, MemorySegment stream) {
        check("cuEventRecord", call(() -> (int) cuEventRecord.invokeExact(event, stream)));
    }

    /** Milliseconds between two recorded events, after waiting for the second. */
    float elapsedMillis(MemorySegment start, MemorySegment end) {
        check("cuEventSynchronize", call(() -> (int) cuEventSynchronize.invokeExact(end)));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment millis = arena.allocate(JAVA_FLOAT);
            check("cuEventElapsedTime", call(() -> (int) cuEventElapsedTime.invokeExact(millis, start, end)));
            return millis.get(JAVA_FLOAT, 0);
        }
    }

    void destroyEvent(MemorySegment event) {
        check("cuEventDestroy_v2", call(() -> (int) cuEventDestroy.invokeExact(event)));
    }

    /** Free and total bytes of the current context's device: {@code [free, total]}. */
    long[] memoryInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            check("cuMemGetInfo_v2", call(() -> (int) cuMemGetInfo.invokeExact(free, total)));
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        }
    }

    /** A stream that does not synchronise with the legacy default stream (CU_STREAM_NON_BLOCKING). */
    MemorySegment createStream() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stream = arena.allocate(ADDRESS);
            check("cuStreamCreate", call(() -> (int) cuStreamCreate.invokeExact(stream, 1)));
            return stream.get(ADDRESS, 0);
        }
    }

    void destroyStream(MemorySegment stream) {
        check("cuStreamDestroy_v2", call(() -> (int) cuStreamDestroy.invokeExact(stream)));
    }

    void synchronize(MemorySegment stream) {
        check("cuStreamSynchronize", call(() -> (int) cuStreamSynchronize.invokeExact(stream)));
    }

    void copyToDeviceAsync(long destination, MemorySegment source, long bytes, MemorySegment stream) {
        check("cuMemcpyHtoDAsync_v2", call(() -> (int) cuMemcpyHtoDAsync.invokeExact(destination, source, bytes, stream)));
    }

    void copyToHostAsync(MemorySegment destination, long source, long bytes, MemorySegment stream) {
        check("cuMemcpyDtoHAsync_v2", call(() -> (int) cuMemcpyDtoHAsync.invokeExact(destination, source, bytes, stream)));
    }

    /** Launches a one-dimensional block of {@code blockX} threads on {@code stream}. */
    void launch(String name, MemorySegment function, int gridX, int gridY, int gridZ, int blockX, int sharedBytes,
                MemorySegment stream, MemorySegment parameters) {
        check("cuLaunchKernel(" + name + ")", call(() -> (int) cuLaunchKernel.invokeExact(function, gridX, gridY,
                gridZ, blockX, 1, 1, sharedBytes, stream, parameters, MemorySegment.NULL)));
    }

    /** Starts recording {@code stream}'s work into a graph (CU_STREAM_CAPTURE_MODE_THREAD_LOCAL). */
    void beginCapture(MemorySegment stream) {
        check("cuStreamBeginCapture_v2", call(() -> (int) cuStreamBeginCapture.invokeExact(stream, 1)));
    }

    /** Ends the recording: the graph of everything issued to {@code stream} since {@link #beginCapture}. */
    MemorySegment endCapture(MemorySegment stream) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment graph = arena.allocate(ADDRESS);
            check("cuStreamEndCapture", call(() -> (int) cuStreamEndCapture.invokeExact(stream, graph)));
            return graph.get(ADDRESS, 0);
        }
    }

    MemorySegment instantiateGraph(MemorySegment graph) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment exec = arena.allocate(ADDRESS);
            check("cuGraphInstantiateWithFlags", call(() -> (int) cuGraphInstantiate.invokeExact(exec, graph, 0L)));
            return exec.get(ADDRESS, 0);
        }
    }

    void launchGraph(MemorySegment exec, MemorySegment stream) {
        check("cuGraphLaunch", call(() -> (int) cuGraphLaunch.invokeExact(exec, stream)));
    }

    void destroyGraphExec(MemorySegment exec) {
        check("cuGraphExecDestroy", call(() -> (int) cuGraphExecDestroy.invokeExact(exec)));
    }

    void destroyGraph(MemorySegment graph) {
        check("cuGraphDestroy", call(() -> (int) cuGraphDestroy.invokeExact(graph)));
    }

    // ---- errors ------------------------------------------------------------------------------------------

    private void check(String call, int result) {
        if (result != 0) {
            throw new CudaException(call, result, errorName(result));
        }
    }

    /** The CUresult's name (CUDA_ERROR_...), or "unknown" when the driver has none for it. */
    String errorName(int result) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(ADDRESS);
            if (call(() -> (int) cuGetErrorName.invokeExact(result, name)) != 0) {
                return "unknown";
            }
            return name.get(ADDRESS, 0).reinterpret(128).getString(0, StandardCharsets.US_ASCII);
        }
    }

    @FunctionalInterface
    private interface NativeCall {
        int invoke() throws Throwable;
    }

    /** Runs one exactly-typed downcall; they throw nothing checked, so only runtime failures pass through. */
    private static int call(NativeCall nativeCall) {
        try {
            return nativeCall.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable impossible) {
            throw new IllegalStateException("native call failed: " + impossible, impossible);
        }
    }
}
