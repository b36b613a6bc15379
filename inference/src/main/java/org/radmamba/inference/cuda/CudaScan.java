package org.radmamba.inference.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

import org.radmamba.inference.scan.ScanContract;
import org.radmamba.inference.scan.ScanInputs;
import org.radmamba.inference.scan.ScanShape;
import org.radmamba.inference.scan.SelectiveScan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The selective scan on an NVIDIA GPU: our kernel ({@code src/main/cuda/selective_scan.cu}, shipped as PTX and
 * JIT-compiled by the driver) launched through the CUDA driver API. Each call copies its inputs to the device,
 * runs the kernel (a cross scan: three kernels, see the .cu file for the organisation) and copies y back. Device
 * buffers are kept and only grown; one lock serialises calls, so it is safe from several threads. Needs
 * N ≤ {@value #MAX_STATES} ({@link #supports}).
 */
public final class CudaScan implements SelectiveScan, AutoCloseable {

    /** The most states per channel the kernel keeps in registers. */
    public static final int MAX_STATES = 16;

    private static final Logger LOG = LoggerFactory.getLogger(CudaScan.class);
    private static final String PTX_RESOURCE = "selective_scan.ptx";
    /** System property naming a PTX file to load instead of the bundled one (kernel development only). */
    public static final String PTX_PROPERTY = "radmamba.cuda.ptx";
    private static final String KERNEL = "selective_scan";
    private static final String LAYOUT_KERNEL = "cross_layout";
    private static final String COMBINE_KERNEL = "cross_combine";
    // The cross scan's transposes (cross_layout, cross_combine): 32 x 32 tiles, 256 threads a block.
    private static final int TRANSPOSE_TILE = 32;
    private static final int TRANSPOSE_THREADS = 256;
    private static final int MAX_GRID_Y = 65535;
    // The kernel's geometry, its macros' defaults (selective_scan.cu): CHANNELS channels a block, one thread per
    // (channel, STATES_PER_THREAD states); tiles of TILE steps in rows padded to TILE + 4 floats (SHARED_FLOATS).
    static final int CHANNELS_PER_BLOCK = 8;
    private static final int STATES_PER_THREAD = 1;
    private static final int TILE = 64;
    static final int BLOCK_THREADS = CHANNELS_PER_BLOCK * MAX_STATES / STATES_PER_THREAD;
    static final int SHARED_BYTES = ((3 * CHANNELS_PER_BLOCK + 2 * MAX_STATES + BLOCK_THREADS) * (TILE + 4)
            + TILE) * Float.BYTES;

    // U_T ... Y_T: the cross scan's column-major copies for directions 1 and 3 (see selective_scan.cu).
    private enum Slot { U, DELTA, A, B, C, D, BIAS, Y, U_T, DELTA_T, B_T, C_T, Y_T, SCRATCH }

    private final CudaDriver driver;
    private final int device;
    private final MemorySegment context;
    private final MemorySegment module;
    private final MemorySegment kernel;
    private final MemorySegment layoutKernel;
    private final MemorySegment combineKernel;
    private final String description;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Slot, long[]> buffers = new EnumMap<>(Slot.class); // {device pointer, capacity in bytes}
    private MemorySegment staging = MemorySegment.NULL;
    private boolean closed;

    private CudaScan(CudaDriver driver, int device, MemorySegment context, MemorySegment module, String description) {
        this.driver = driver;
        this.device = device;
        this.context = context;
        this.module = module;
        this.kernel = driver.function(module, KERNEL);
        this.layoutKernel = driver.function(module, LAYOUT_KERNEL);
        this.combineKernel = driver.function(module, COMBINE_KERNEL);
        driver.setAttribute(kernel, CudaDriver.FUNCTION_MAX_DYNAMIC_SHARED_SIZE_BYTES, SHARED_BYTES);
        this.description = description;
    }

    /** Opens the first CUDA device through the platform's driver library. */
    public static CudaScan open() throws CudaUnavailableException {
        return open(CudaDriver.defaultLibraryName(), 0);
    }

    /**
     * Opens device {@code ordinal} through the driver library {@code libraryName} (a file name the dynamic
     * loader resolves, or a path).
     *
     * @throws CudaUnavailableException with the reason when there is no driver or device, the device predates
     *                                  Volta, or the driver cannot load the kernel
     */
    public static CudaScan open(String libraryName, int ordinal) throws CudaUnavailableException {
        CudaDriver driver = CudaDriver.load(libraryName);
        try {
            int device = CudaDevice.deviceHandle(driver, ordinal);
            int major = driver.attribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
            int minor = driver.attribute(CudaDriver.ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
            String name = driver.deviceName(device);
            if (major < 7) {
                throw new CudaUnavailableException(name + " has compute capability " + major + "." + minor
                        + "; the scan kernel needs 7.0 (Volta) or newer");
            }
            int version = driver.driverVersion();
            String description = String.format("%s (compute %d.%d, %d multiprocessors, %d MiB, driver CUDA %d.%d)",
                    name, major, minor, driver.attribute(CudaDriver.ATTRIBUTE_MULTIPROCESSOR_COUNT, device),
                    driver.totalMemory(device) >> 20, version / 1000, version % 1000 / 10);
            MemorySegment context = driver.retainPrimaryContext(device);
            driver.setCurrent(context);
            MemorySegment module;
            try (Arena arena = Arena.ofConfined()) {
                module = driver.loadModule(arena.allocateFrom(readPtx()));
            } catch (CudaException e) {
                driver.releasePrimaryContext(device);
                throw e;
            }
            CudaScan scan;
            try {
                scan = new CudaScan(driver, device, context, module, description);
            } catch (CudaException e) {
                driver.unloadModule(module);
                driver.releasePrimaryContext(device);
                throw e;
            }
            LOG.info("CUDA selective scan on {}", description);
            return scan;
        } catch (CudaException e) {
            throw new CudaUnavailableException("the CUDA device could not be prepared: " + e.getMessage());
        }
    }

    private static String readPtx() {
        String override = System.getProperty(PTX_PROPERTY);
        if (override != null && !override.isBlank()) {
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of(override),
                        java.nio.charset.StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException("the PTX file " + override + " named by " + PTX_PROPERTY
                        + " could not be read", e);
            }
        }
        try (InputStream in = CudaScan.class.getResourceAsStream(PTX_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the scan kernel's PTX resource " + PTX_RESOURCE
                        + " is missing from the inference module");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("the scan kernel's PTX resource could not be read", e);
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    /** The device, e.g. "NVIDIA H100 80GB HBM3 (compute 9.0, 132 multiprocessors, 81559 MiB, driver CUDA 13.0)". */
    public String description() {
        return description;
    }

    /** Whether the kernel handles this shape: at most {@value #MAX_STATES} states. */
    public static boolean supports(ScanShape shape) {
        return shape.dState() <= MAX_STATES;
    }

    @Override
    public void scan(ScanShape shape, ScanInputs in, float[] y) {
        ScanContract.checkScan(shape, in, y);
        run(shape, 1, shape.length(), false, in, y);
    }

    @Override
    public void crossScan2d(ScanShape shape, int height, int width, ScanInputs in, float[] y) {
        ScanContract.checkCrossScan(shape, height, width, in, y);
        run(shape, height, width, true, in, y);
    }

    private void run(ScanShape shape, int height, int width, boolean cross, ScanInputs in, float[] y) {
        requireSupported(shape);
        lock.lock();
        try {
            requireOpen();
            driver.setCurrent(context);
            Launch launch = upload(shape, height, width, cross, in);
            launch.runAll();
            download(Slot.Y, y);
        } finally {
            lock.unlock();
        }
    }

    /**
     * For benchmarks: uploads the inputs once, then times the kernels alone (no copies) with CUDA events:
     * {@code samples} samples, each the mean of {@code runsPerSample} back-to-back runs (so that the host's launch
     * overhead overlaps the GPU's work), after {@code warmups} untimed runs.
     *
     * @return each sample's milliseconds per run
     */
    public float[] timeKernels(ScanShape shape, int height, int width, boolean cross, ScanInputs in, int warmups,
                               int samples, int runsPerSample) {
        lock.lock();
        try {
            Launch launch = prepareForTiming(shape, height, width, cross, in);
            float[] millis = timed(warmups, samples, () -> {
                for (int i = 0; i < runsPerSample; i++) {
                    launch.runAll();
                }
            });
            for (int i = 0; i < millis.length; i++) {
                millis[i] /= runsPerSample;
            }
            return millis;
        } finally {
            lock.unlock();
        }
    }

    private Launch prepareForTiming(ScanShape shape, int height, int width, boolean cross, ScanInputs in) {
        if (cross) {
            ScanContract.checkCrossScan(shape, height, width, in, new float[in.u().length]);
        } else {
            ScanContract.checkScan(shape, in, new float[in.u().length]);
        }
        requireSupported(shape);
        requireOpen();
        driver.setCurrent(context);
        return cross ? upload(shape, height, width, true, in) : upload(shape, 1, shape.length(), false, in);
    }

    /**
     * For benchmarks: the device's copy bandwidth, bytes read plus bytes written per second, from device-to-device
     * copies of {@code bytes} bytes; the median of {@code repeats} copies after two warm-ups.
     */
    public double copyBandwidthBytesPerSecond(long bytes, int repeats) {
        lock.lock();
        try {
            requireOpen();
            driver.setCurrent(context);
            long source = ensure(Slot.SCRATCH, 2 * bytes);
            driver.fill32(source, 0x3f800000, 2 * bytes / Float.BYTES);
            float[] millis = timed(2, repeats, () -> driver.copyOnDevice(source + bytes, source, bytes));
            Arrays.sort(millis);
            return 2.0 * bytes / (millis[millis.length / 2] * 1e-3);
        } finally {
            lock.unlock();
        }
    }

    private float[] timed(int warmups, int repeats, Runnable work) {
        for (int i = 0; i < warmups; i++) {
            work.run();
        }
        driver.synchronize();
        MemorySegment start = driver.createEvent();
        MemorySegment end = driver.createEvent();
        try {
            float[] millis = new float[repeats];
            for (int i = 0; i < repeats; i++) {
                driver.recordEvent(start);
                work.run();
                driver.recordEvent(end);
                millis[i] = driver.elapsedMillis(start, end);
            }
            return millis;
        } finally {
            driver.destroyEvent(start);
            driver.destroyEvent(end);
        }
    }

    private static void requireSupported(ScanShape shape) {
        if (!supports(shape)) {
            throw new IllegalArgumentException("the CUDA scan keeps at most " + MAX_STATES + " states per channel, "
                    + shape + " has " + shape.dState());
        }
        if (shape.batch() > 65535) {
            throw new IllegalArgumentException("the CUDA scan takes at most 65535 images per call, " + shape
                    + " has " + shape.batch());
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this CUDA scan was closed");
        }
    }

    // ---- device memory ----------------------------------------------------------------------------------

    private Launch upload(ScanShape shape, int height, int width, boolean cross, ScanInputs in) {
        Launch launch = new Launch(shape, height, width, cross);
        copyIn(new Slot[] {Slot.U, Slot.DELTA, Slot.A, Slot.B, Slot.C, Slot.D, Slot.BIAS},
                new float[][] {in.u(), in.delta(), in.a(), in.b(), in.c(), in.d(), in.deltaBias()});
        ensure(Slot.Y, (long) in.u().length * Float.BYTES);
        if (cross) {
            ensure(Slot.U_T, (long) in.u().length * Float.BYTES);
            ensure(Slot.DELTA_T, (long) in.delta().length / 2 * Float.BYTES);
            ensure(Slot.B_T, (long) in.b().length / 2 * Float.BYTES);
            ensure(Slot.C_T, (long) in.c().length / 2 * Float.BYTES);
            ensure(Slot.Y_T, (long) in.u().length * Float.BYTES);
        }
        return launch;
    }

    private long ensure(Slot slot, long bytes) {
        long[] buffer = buffers.get(slot);
        if (buffer != null && buffer[1] >= bytes) {
            return buffer[0];
        }
        if (buffer != null) {
            buffers.remove(slot);
            driver.free(buffer[0]);
        }
        long pointer = driver.malloc(Math.max(bytes, Float.BYTES));
        buffers.put(slot, new long[] {pointer, bytes});
        return pointer;
    }

    private long pointer(Slot slot) {
        return buffers.get(slot)[0];
    }

    /** A plain scan does not use the cross scan's copies: their pointers are then null (0). */
    private long pointerOrNull(Slot slot) {
        long[] buffer = buffers.get(slot);
        return buffer == null ? 0L : buffer[0];
    }

    /**
     * Stages every array in page-locked memory, each in parallel chunks (HostCopy), and copies each to its device
     * buffer as soon as it is staged, so that the transfers overlap the staging of the arrays after them.
     */
    private void copyIn(Slot[] slots, float[][] arrays) {
        long[] offsets = new long[arrays.length];
        long total = 0;
        for (int i = 0; i < arrays.length; i++) {
            offsets[i] = total;
            total += ((long) arrays[i].length * Float.BYTES + 255) & ~255L;  // 256-byte aligned slices
        }
        MemorySegment host = staging(total);
        List<CompletableFuture<Void>> staged = new ArrayList<>(arrays.length);
        for (int i = 0; i < arrays.length; i++) {
            float[] values = arrays[i];
            long offset = offsets[i];
            staged.add(CompletableFuture.runAsync(() -> HostCopy.toNative(values, host, offset)));
        }
        for (int i = 0; i < arrays.length; i++) {
            long bytes = (long) arrays[i].length * Float.BYTES;
            long target = ensure(slots[i], bytes);
            staged.get(i).join();
            driver.copyToDevice(target, host.asSlice(offsets[i], bytes), bytes);
        }
    }

    private void download(Slot slot, float[] values) {
        long bytes = (long) values.length * Float.BYTES;
        MemorySegment host = staging(bytes);
        driver.copyToHost(host, pointer(slot), bytes);
        HostCopy.toArray(host, 0, values);
    }

    /** Grow-only page-locked staging buffer for the copies. */
    private MemorySegment staging(long bytes) {
        if (staging.byteSize() < bytes) {
            if (staging.byteSize() > 0) {
                driver.freeHost(staging);
            }
            staging = MemorySegment.NULL;
            staging = driver.mallocHost(bytes);
        }
        return staging;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            driver.setCurrent(context);
            for (long[] buffer : buffers.values()) {
                driver.free(buffer[0]);
            }
            buffers.clear();
            if (staging.byteSize() > 0) {
                driver.freeHost(staging);
            }
            driver.unloadModule(module);
            driver.releasePrimaryContext(device);
        } finally {
            lock.unlock();
        }
    }

    // ---- launches ---------------------------------------------------------------------------------------

    /** One call's launch over the uploaded buffers. */
    private final class Launch {
        private final ScanShape shape;
        private final int height;
        private final int width;
        private final boolean cross;

        Launch(ScanShape shape, int height, int width, boolean cross) {
            this.shape = shape;
            this.height = height;
            this.width = width;
            this.cross = cross;
        }

        void runAll() {
            int batch = shape.batch();
            int groups = shape.groups();
            int channels = shape.channelsPerGroup();
            int states = shape.dState();
            long yFloats = (long) batch * (cross ? channels : shape.channels()) * shape.length();
            int tiles = ceilDiv(height, TRANSPOSE_TILE) * ceilDiv(width, TRANSPOSE_TILE);
            try (Arena arena = Arena.ofConfined()) {
                if (cross) {
                    // Directions 0 and 2 add into y, 1 and 3 into y's column-major copy; cross_combine adds that.
                    driver.fill32(pointer(Slot.Y), 0, yFloats);
                    driver.fill32(pointer(Slot.Y_T), 0, yFloats);
                    int planes = batch * (3 * channels + 4 * states);
                    driver.launch(LAYOUT_KERNEL, layoutKernel, tiles, Math.min(planes, MAX_GRID_Y), 1,
                            TRANSPOSE_THREADS, 0, arguments(arena, pointer(Slot.U), pointer(Slot.DELTA),
                                    pointer(Slot.B), pointer(Slot.C), pointer(Slot.U_T), pointer(Slot.DELTA_T),
                                    pointer(Slot.B_T), pointer(Slot.C_T), batch, groups, channels, states, height,
                                    width));
                }
                MemorySegment parameters = arguments(arena, pointer(Slot.U), pointer(Slot.DELTA), pointer(Slot.A),
                        pointer(Slot.B), pointer(Slot.C), pointer(Slot.D), pointer(Slot.BIAS), pointer(Slot.Y),
                        pointerOrNull(Slot.U_T), pointerOrNull(Slot.DELTA_T), pointerOrNull(Slot.B_T),
                        pointerOrNull(Slot.C_T), pointerOrNull(Slot.Y_T), groups, channels, states, shape.length(),
                        cross ? 1 : 0);
                driver.launch(KERNEL, kernel, ceilDiv(channels, CHANNELS_PER_BLOCK), groups, batch, BLOCK_THREADS,
                        SHARED_BYTES, parameters);
                if (cross) {
                    int planes = batch * channels;
                    driver.launch(COMBINE_KERNEL, combineKernel, tiles, Math.min(planes, MAX_GRID_Y), 1,
                            TRANSPOSE_THREADS, 0, arguments(arena, pointer(Slot.Y_T), pointer(Slot.Y), planes, height,
                                    width));
                }
            }
        }
    }

    /**
     * The void** array cuLaunchKernel takes: one pointer to each argument's value. Longs are device pointers,
     * Integers are the kernel's int arguments, in the kernel's parameter order.
     */
    private static MemorySegment arguments(Arena arena, Object... values) {
        MemorySegment array = arena.allocate(ADDRESS, values.length);
        for (int i = 0; i < values.length; i++) {
            MemorySegment value = switch (values[i]) {
                case Long pointer -> arena.allocateFrom(JAVA_LONG, pointer);
                case Integer number -> arena.allocateFrom(JAVA_INT, number);
                default -> throw new IllegalArgumentException("kernel argument " + i + " is neither a device pointer "
                        + "nor an int: " + values[i]);
            };
            array.setAtIndex(ADDRESS, i, value);
        }
        return array;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
