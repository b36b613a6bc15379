package org.radmamba.inference.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.radmamba.inference.scan.ScanContract;
import org.radmamba.inference.scan.ScanInputs;
import org.radmamba.inference.scan.ScanShape;
import org.radmamba.inference.scan.SelectiveScan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The selective scan on an NVIDIA GPU: our kernel ({@code src/main/cuda/selective_scan.cu}, shipped as PTX and
 * JIT-compiled by the driver) launched through the CUDA driver API. Each call copies its inputs to the device,
 * runs the three launches of the chunked scan (see the .cu file) and copies y back. Device buffers are kept and
 * only grown; one lock serialises calls, so it is safe from several threads. Needs N ≤ {@value #MAX_STATES}
 * ({@link #supports}).
 */
public final class CudaScan implements SelectiveScan, AutoCloseable {

    /** The most states per channel the kernel keeps in registers. */
    public static final int MAX_STATES = 16;

    /** System property: images per group of launches (0 = the whole batch); by default sized to the L2 cache. */
    public static final String IMAGES_PER_WAVE_PROPERTY = "radmamba.cuda.imagesPerWave";

    private static final Logger LOG = LoggerFactory.getLogger(CudaScan.class);
    private static final String PTX_RESOURCE = "selective_scan.ptx";
    private static final int PLAIN_CHUNK = 64;
    private static final int WARP = 32;
    private static final int WARPS_PER_BLOCK = 8;
    private static final int CARRY_BLOCK = 256;

    private enum Slot { U, DELTA, A, B, C, D, BIAS, Y, CHUNK_END, CHUNK_DT, CHUNK_START, SCRATCH }

    private final CudaDriver driver;
    private final int device;
    private final MemorySegment context;
    private final MemorySegment module;
    private final MemorySegment stateKernel;
    private final MemorySegment carryKernel;
    private final MemorySegment outputKernel;
    private final String description;
    private final long l2CacheBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Slot, long[]> buffers = new EnumMap<>(Slot.class); // {device pointer, capacity in bytes}
    private MemorySegment staging = MemorySegment.NULL;
    private boolean closed;

    private CudaScan(CudaDriver driver, int device, MemorySegment context, MemorySegment module, String description,
                     long l2CacheBytes) {
        this.driver = driver;
        this.device = device;
        this.context = context;
        this.module = module;
        this.stateKernel = driver.function(module, "ss_chunk_state");
        this.carryKernel = driver.function(module, "ss_chunk_carry");
        this.outputKernel = driver.function(module, "ss_chunk_output");
        this.description = description;
        this.l2CacheBytes = l2CacheBytes;
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
            int count = driver.deviceCount();
            if (count <= ordinal) {
                throw new CudaUnavailableException("the NVIDIA driver reports " + count + " CUDA device(s), "
                        + "device " + ordinal + " was asked for");
            }
            int device = driver.device(ordinal);
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
            long l2 = driver.attribute(CudaDriver.ATTRIBUTE_L2_CACHE_SIZE, device);
            MemorySegment context = driver.retainPrimaryContext(device);
            driver.setCurrent(context);
            MemorySegment module;
            try (Arena arena = Arena.ofConfined()) {
                module = driver.loadModule(arena.allocateFrom(readPtx()));
            } catch (CudaException e) {
                driver.releasePrimaryContext(device);
                throw e;
            }
            CudaScan scan = new CudaScan(driver, device, context, module, description, l2);
            LOG.info("CUDA selective scan on {}", description);
            return scan;
        } catch (CudaException e) {
            throw new CudaUnavailableException("the CUDA device could not be prepared: " + e.getMessage());
        }
    }

    private static String readPtx() {
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

    /**
     * For benchmarks: one run of the kernels over the whole batch at once, with an event between launches.
     *
     * @return milliseconds of {y zeroing, ss_chunk_state, ss_chunk_carry, ss_chunk_output}
     */
    public float[] profileKernels(ScanShape shape, int height, int width, boolean cross, ScanInputs in) {
        lock.lock();
        try {
            Launch launch = prepareForTiming(shape, height, width, cross, in);
            launch.runAll();
            MemorySegment[] marks = new MemorySegment[5];
            for (int i = 0; i < marks.length; i++) {
                marks[i] = driver.createEvent();
            }
            try {
                launch.marks = marks;
                launch.runAll();
                float[] millis = new float[marks.length - 1];
                for (int i = 0; i < millis.length; i++) {
                    millis[i] = driver.elapsedMillis(marks[i], marks[i + 1]);
                }
                return millis;
            } finally {
                for (MemorySegment mark : marks) {
                    driver.destroyEvent(mark);
                }
            }
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
        Launch launch = new Launch(shape, height, width, cross, imagesPerWave(shape, cross));
        copyIn(Slot.U, in.u());
        copyIn(Slot.DELTA, in.delta());
        copyIn(Slot.A, in.a());
        copyIn(Slot.B, in.b());
        copyIn(Slot.C, in.c());
        copyIn(Slot.D, in.d());
        copyIn(Slot.BIAS, in.deltaBias());
        ensure(Slot.Y, (long) in.u().length * Float.BYTES);
        long summaries = (long) launch.wave * shape.channels() * launch.maxChunks;
        ensure(Slot.CHUNK_END, summaries * shape.dState() * Float.BYTES);
        ensure(Slot.CHUNK_START, summaries * shape.dState() * Float.BYTES);
        ensure(Slot.CHUNK_DT, summaries * Float.BYTES);
        return launch;
    }

    /** Images per group of three launches: small enough that pass 3 finds pass 1's inputs still in L2. */
    private int imagesPerWave(ScanShape shape, boolean cross) {
        int configured = Integer.getInteger(IMAGES_PER_WAVE_PROPERTY, -1);
        if (configured == 0) {
            return shape.batch();
        }
        if (configured > 0) {
            return Math.min(configured, shape.batch());
        }
        long perImage = (long) shape.length() * Float.BYTES
                * ((cross ? 2L * shape.channelsPerGroup() : 2L * shape.channels())   // u and y
                + shape.channels()                                                 // delta
                + 2L * shape.groups() * shape.dState());                            // B and C
        long fit = (l2CacheBytes * 6 / 10) / Math.max(1, perImage);
        return (int) Math.max(1, Math.min(shape.batch(), fit));
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

    private void copyIn(Slot slot, float[] values) {
        long bytes = (long) values.length * Float.BYTES;
        long target = ensure(slot, bytes);
        MemorySegment host = staging(bytes);
        MemorySegment.copy(values, 0, host, JAVA_FLOAT, 0, values.length);
        driver.copyToDevice(target, host, bytes);
    }

    private void download(Slot slot, float[] values) {
        long bytes = (long) values.length * Float.BYTES;
        MemorySegment host = staging(bytes);
        driver.copyToHost(host, pointer(slot), bytes);
        MemorySegment.copy(host, JAVA_FLOAT, 0, values, 0, values.length);
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

    /** The geometry of one call's launches (see locate() in the .cu file) over the uploaded buffers. */
    private final class Launch {
        private final ScanShape shape;
        private final int height;
        private final int width;
        private final boolean cross;
        private final int wave;
        private final int maxChunks;
        private final int gridX;
        /** Events to record around each launch (profileKernels), or null. */
        private MemorySegment[] marks;

        Launch(ScanShape shape, int height, int width, boolean cross, int wave) {
            this.shape = shape;
            this.height = height;
            this.width = width;
            this.cross = cross;
            this.wave = wave;
            int d = shape.channelsPerGroup();
            int rowChunks = cross ? height : ceilDiv(shape.length(), PLAIN_CHUNK);
            int rowTiles = ceilDiv(d, WARP) * ceilDiv(rowChunks, WARPS_PER_BLOCK);
            int columnTiles = cross ? ceilDiv(d, WARPS_PER_BLOCK) * ceilDiv(width, WARP) : 0;
            this.maxChunks = cross ? Math.max(height, width) : rowChunks;
            this.gridX = Math.max(rowTiles, columnTiles);
        }

        void runAll() {
            long mapFloats = (long) (cross ? shape.channelsPerGroup() : shape.channels()) * shape.length();
            long deltaFloats = (long) shape.channels() * shape.length();
            long projectionFloats = (long) shape.groups() * shape.dState() * shape.length();
            mark(0);
            if (cross) {
                driver.fill32(pointer(Slot.Y), 0, mapFloats * shape.batch());
            }
            mark(1);
            for (int first = 0; first < shape.batch(); first += wave) {
                int images = Math.min(wave, shape.batch() - first);
                long u = pointer(Slot.U) + first * mapFloats * Float.BYTES;
                long delta = pointer(Slot.DELTA) + first * deltaFloats * Float.BYTES;
                long b = pointer(Slot.B) + first * projectionFloats * Float.BYTES;
                long c = pointer(Slot.C) + first * projectionFloats * Float.BYTES;
                long y = pointer(Slot.Y) + first * mapFloats * Float.BYTES;
                runWave(images, u, delta, b, c, y);
            }
        }

        private void runWave(int images, long u, long delta, long b, long c, long y) {
            int k = shape.groups();
            int d = shape.channelsPerGroup();
            int n = shape.dState();
            int l = shape.length();
            int crossFlag = cross ? 1 : 0;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arguments(arena, u, delta, pointer(Slot.A), b, pointer(Slot.D),
                        pointer(Slot.BIAS), pointer(Slot.CHUNK_END), pointer(Slot.CHUNK_DT),
                        k, d, n, l, height, width, crossFlag, PLAIN_CHUNK, maxChunks);
                driver.launch("ss_chunk_state", stateKernel, gridX, k, images, WARP, WARPS_PER_BLOCK, 1, state);
                mark(2);
                MemorySegment carry = arguments(arena, pointer(Slot.A), pointer(Slot.CHUNK_END),
                        pointer(Slot.CHUNK_DT), pointer(Slot.CHUNK_START),
                        images, k, d, n, l, height, width, crossFlag, PLAIN_CHUNK, maxChunks);
                long carryThreads = (long) images * k * d * n;
                driver.launch("ss_chunk_carry", carryKernel, (int) ceilDiv(carryThreads, CARRY_BLOCK), 1, 1,
                        CARRY_BLOCK, 1, 1, carry);
                mark(3);
                MemorySegment output = arguments(arena, u, delta, pointer(Slot.A), b, c, pointer(Slot.D),
                        pointer(Slot.BIAS), pointer(Slot.CHUNK_START), y,
                        k, d, n, l, height, width, crossFlag, PLAIN_CHUNK, maxChunks);
                driver.launch("ss_chunk_output", outputKernel, gridX, k, images, WARP, WARPS_PER_BLOCK, 1, output);
                mark(4);
            }
        }

        private void mark(int index) {
            if (marks != null) {
                driver.recordEvent(marks[index]);
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

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
