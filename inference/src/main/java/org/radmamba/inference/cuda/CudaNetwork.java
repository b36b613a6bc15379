package org.radmamba.inference.cuda;

import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.vmunet.VmUnetConfig;
import org.radmamba.inference.model.InferenceNetwork;
import org.radmamba.inference.nn.ComputeContext;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A network (MedMamba or VM-UNet) with the whole forward pass on a CUDA device: the weights are packed on the host
 * ({@link MedMambaDeviceWeights}, {@link VmUnetDeviceWeights}: BatchNorm folded, layouts the kernels want) and uploaded
 * once; for each input shape the launches of network.cu are planned ({@link MedMambaPlanner}, {@link VmUnetPlanner}),
 * their activation buffers allocated once and the
 * whole pass, copies in and out of reused page-locked staging included, captured into one CUDA graph on this model's
 * own stream. A call then costs one host-to-pinned copy, one graph launch, one synchronisation and one pinned-to-host
 * copy: activations never leave the device.
 *
 * <p>Numbers: float32 throughout by default, the same operations as the CPU engine's
 * {@link org.radmamba.inference.medmamba.MedMamba} and {@link org.radmamba.inference.vmunet.VmUnet} (sums in another
 * order, so outputs differ in the last bits); {@link NetworkPrecision#TF32}, asked for explicitly, runs the products
 * on tensor cores with their operands rounded to TF32 (the same plan, another GEMM kernel from a second module).
 * Calls are serialised: one stream, one set of buffers.
 * Driver failures are {@link CudaException}s; the caller decides whether to continue on the CPU.
 */
public final class CudaNetwork implements InferenceNetwork {

    /**
     * A system property naming a PTX file to load instead of the bundled network.ptx and its cubins (kernel
     * experiments).
     */
    public static final String PTX_PROPERTY = "radmamba.cuda.networkPtx";
    /** System property: {@code false} launches kernel by kernel instead of through a captured graph. */
    public static final String GRAPH_PROPERTY = "radmamba.cuda.graph";

    private static final Logger LOG = LoggerFactory.getLogger(CudaNetwork.class);
    /** Kept free beyond what a model needs: the driver's own allocations, other users of the device. */
    private static final long RESERVE_BYTES = 256L << 20;

    private final CudaDriver driver;
    private final int device;
    private final MemorySegment context;
    private final MemorySegment module;
    /** gemm_tf32's module, loaded for {@link NetworkPrecision#TF32} only; else null. */
    private final MemorySegment tf32Module;
    private final NetworkPrecision precision;
    private final MemorySegment stream;
    private final Map<String, MemorySegment> functions = new HashMap<>();
    private final DeviceModel model;
    private final long weightsPointer;
    private final CudaDeviceInfo deviceInfo;
    private final boolean useGraph;
    private Executable executable;
    private boolean closed;

    /** One input shape's buffers, staging and graph. */
    private record Shape(int batch, int channels, int height, int width) {
    }

    private final class Executable {
        final Shape shape;
        final ForwardPlan plan;
        final EnumMap<DeviceBuffer, Long> pointers = new EnumMap<>(DeviceBuffer.class);
        final MemorySegment pinnedIn;
        final MemorySegment pinnedOut;
        MemorySegment graph;
        MemorySegment graphExec;
        /** The launches alone, no copies, captured on first use by {@link #medianKernelMillis}; else null. */
        MemorySegment kernelsGraph;
        MemorySegment kernelsGraphExec;

        Executable(Shape shape, ForwardPlan plan) {
            this.shape = shape;
            this.plan = plan;
            try {
                for (var entry : plan.bufferFloats().entrySet()) {
                    pointers.put(entry.getKey(), driver.malloc(entry.getValue() * Float.BYTES));
                }
                pointers.put(DeviceBuffer.WEIGHTS, weightsPointer);
                pinnedIn = driver.mallocHost(plan.bufferFloats().get(DeviceBuffer.INPUT) * Float.BYTES);
                pinnedOut = driver.mallocHost((long) plan.outputFloats() * Float.BYTES);
                if (useGraph) {
                    driver.beginCapture(stream);
                    try {
                        enqueue();
                    } finally {
                        graph = driver.endCapture(stream);
                    }
                    graphExec = driver.instantiateGraph(graph);
                }
            } catch (RuntimeException e) {
                free();
                throw e;
            }
        }

        /** The copy in, every launch, the copy out, on the model's stream. */
        void enqueue() {
            driver.copyToDeviceAsync(pointers.get(DeviceBuffer.INPUT), pinnedIn, pinnedIn.byteSize(), stream);
            launchAll();
            driver.copyToHostAsync(pinnedOut, pointers.get(DeviceBuffer.OUTPUT), pinnedOut.byteSize(), stream);
        }

        void launchAll() {
            for (KernelCall call : plan.calls()) {
                launch(call);
            }
        }

        void launch(KernelCall call) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment params = arena.allocate(ADDRESS, call.args().size());
                for (int i = 0; i < call.args().size(); i++) {
                    Object arg = call.args().get(i);
                    MemorySegment slot = switch (arg) {
                        case Integer v -> arena.allocateFrom(JAVA_INT, v);
                        case Long v -> arena.allocateFrom(JAVA_LONG, v);
                        case Float v -> arena.allocateFrom(JAVA_FLOAT, v);
                        case KernelCall.Ptr p -> arena.allocateFrom(JAVA_LONG,
                                p.isNull() ? 0L : pointers.get(p.buffer()) + p.offset() * Float.BYTES);
                        default -> throw new IllegalStateException(call.kernel() + ": argument " + arg);
                    };
                    params.setAtIndex(ADDRESS, i, slot);
                }
                driver.launch(call.kernel(), function(call.kernel()), call.gridX(), call.gridY(), call.gridZ(),
                        call.block(), 0, stream, params);
            }
        }

        float[] run(float[] input) {
            MemorySegment.copy(input, 0, pinnedIn, JAVA_FLOAT, 0, input.length);
            if (graphExec != null) {
                driver.launchGraph(graphExec, stream);
            } else {
                enqueue();
            }
            driver.synchronize(stream);
            float[] out = new float[plan.outputFloats()];
            MemorySegment.copy(pinnedOut, JAVA_FLOAT, 0, out, 0, out.length);
            return out;
        }

        /** The launches alone as a graph (captured once): what a peer measuring with its input already on the GPU times. */
        MemorySegment kernelsGraphExec() {
            if (kernelsGraphExec == null) {
                driver.beginCapture(stream);
                try {
                    launchAll();
                } finally {
                    kernelsGraph = driver.endCapture(stream);
                }
                kernelsGraphExec = driver.instantiateGraph(kernelsGraph);
            }
            return kernelsGraphExec;
        }

        void free() {
            if (kernelsGraphExec != null) {
                driver.destroyGraphExec(kernelsGraphExec);
            }
            if (kernelsGraph != null) {
                driver.destroyGraph(kernelsGraph);
            }
            if (graphExec != null) {
                driver.destroyGraphExec(graphExec);
            }
            if (graph != null) {
                driver.destroyGraph(graph);
            }
            for (var entry : pointers.entrySet()) {
                if (entry.getKey() != DeviceBuffer.WEIGHTS) {
                    driver.free(entry.getValue());
                }
            }
            if (pinnedIn != null) {
                driver.freeHost(pinnedIn);
            }
            if (pinnedOut != null) {
                driver.freeHost(pinnedOut);
            }
        }
    }

    private CudaNetwork(CudaDriver driver, int device, MemorySegment context, DeviceModel model,
                        CudaDeviceInfo deviceInfo, NetworkPrecision precision) {
        this.driver = driver;
        this.device = device;
        this.context = context;
        this.model = model;
        this.deviceInfo = deviceInfo;
        this.precision = precision;
        this.useGraph = !"false".equalsIgnoreCase(System.getProperty(GRAPH_PROPERTY, "true"));
        MemorySegment loadedModule = null;
        MemorySegment loadedTf32 = null;
        MemorySegment createdStream = null;
        long uploaded = 0;
        try (Arena arena = Arena.ofConfined()) {
            loadedModule = loadKernels(driver, arena, deviceInfo, NetworkKernels.NETWORK,
                    System.getProperty(PTX_PROPERTY));
            if (precision == NetworkPrecision.TF32) {
                loadedTf32 = loadKernels(driver, arena, deviceInfo, NetworkKernels.GEMM_TF32, null);
            }
            createdStream = driver.createStream();
            float[] packed = model.packed();
            uploaded = driver.malloc(model.weightBytes());
            MemorySegment staging = arena.allocate(JAVA_FLOAT, packed.length);
            MemorySegment.copy(packed, 0, staging, JAVA_FLOAT, 0, packed.length);
            driver.copyToDevice(uploaded, staging, model.weightBytes());
        } catch (RuntimeException e) {
            if (uploaded != 0) {
                driver.free(uploaded);
            }
            if (createdStream != null) {
                driver.destroyStream(createdStream);
            }
            if (loadedTf32 != null) {
                driver.unloadModule(loadedTf32);
            }
            if (loadedModule != null) {
                driver.unloadModule(loadedModule);
            }
            throw e;
        }
        this.module = loadedModule;
        this.tf32Module = loadedTf32;
        this.stream = createdStream;
        this.weightsPointer = uploaded;
    }

    /**
     * Packs and uploads {@code stateDict} to device 0: a VM-UNet checkpoint (keys under {@code vmunet.}, as its
     * training saves them) or a MedMamba one.
     */
    public static CudaNetwork load(StateDict stateDict) throws CudaUnavailableException {
        return load(stateDict, NetworkPrecision.FLOAT32);
    }

    /** {@link #load(StateDict)} with the products in {@code precision}. */
    public static CudaNetwork load(StateDict stateDict, NetworkPrecision precision) throws CudaUnavailableException {
        return load(stateDict, CudaDriver.defaultLibraryName(), precision);
    }

    /** The host half for {@code stateDict}'s family; a misfit is a CheckpointException naming the key. */
    static DeviceModel pack(StateDict stateDict) {
        boolean vmunet = stateDict.keys().stream().anyMatch(k -> k.startsWith(VmUnetConfig.KEY_PREFIX));
        return vmunet ? VmUnetDeviceWeights.pack(stateDict) : MedMambaDeviceWeights.pack(stateDict);
    }

    /**
     * Packs {@code stateDict} on the host first (a misfit is a CheckpointException naming the key, GPU or not), then
     * opens the driver and uploads.
     *
     * @throws CudaUnavailableException when there is no usable device, the kernels cannot run this variant, the
     *                                  device is too old for {@code precision}, or the weights do not fit the
     *                                  device's free memory
     */
    static CudaNetwork load(StateDict stateDict, String libraryName, NetworkPrecision precision)
            throws CudaUnavailableException {
        DeviceModel model = pack(stateDict);
        String unsupported = model.unsupported();
        if (unsupported != null) {
            throw new CudaUnavailableException("the CUDA kernels cannot run this network: " + unsupported);
        }
        CudaDriver driver = CudaDriver.load(libraryName);
        try {
            int device = CudaDevice.deviceHandle(driver, 0);
            MemorySegment context = driver.retainPrimaryContext(device);
            driver.setCurrent(context);
            CudaDeviceInfo info;
            try {
                info = CudaDevice.describe(driver, device);
            } finally {
                driver.setCurrent(context);
            }
            try {
                CudaDevice.requireVolta(info);
                CudaDevice.require(info, precision);
            } catch (CudaUnavailableException e) {
                driver.releasePrimaryContext(device);
                throw e;
            }
            if (!info.fits(model.weightBytes(), RESERVE_BYTES)) {
                driver.releasePrimaryContext(device);
                throw new CudaUnavailableException("the model needs " + (model.weightBytes() >> 20) + " MiB on the GPU, "
                        + (info.freeBytes() >> 20) + " MiB are free");
            }
            try {
                return new CudaNetwork(driver, device, context, model, info, precision);
            } catch (CudaException e) {
                driver.releasePrimaryContext(device);
                throw e;
            }
        } catch (CudaException e) {
            throw new CudaUnavailableException("the CUDA device could not be prepared: " + e.getMessage());
        }
    }

    /**
     * Loads a module's kernels: the shipped cubin for this device when there is one ({@link NetworkKernels}), else
     * (or when the driver refuses the cubin, e.g. a driver older than the toolkit that built it) the PTX.
     */
    private static MemorySegment loadKernels(CudaDriver driver, Arena arena, CudaDeviceInfo info, String module,
                                             String override) {
        List<NetworkKernels.Image> images = NetworkKernels.candidates(module, info.computeMajor(),
                info.computeMinor(), override);
        for (int i = 0; ; i++) {
            NetworkKernels.Image image = images.get(i);
            MemorySegment bytes = image.machineCode() ? arena.allocateFrom(JAVA_BYTE, image.bytes())
                    : arena.allocateFrom(new String(image.bytes(), StandardCharsets.US_ASCII));
            try {
                return driver.loadModule(bytes);
            } catch (CudaException e) {
                if (i == images.size() - 1) {
                    throw e;
                }
                LOG.info("{} not loaded ({}); compiling the PTX instead", image.name(), e.getMessage());
            }
        }
    }

    private MemorySegment function(String name) {
        return functions.computeIfAbsent(name, n -> driver.function(
                n.equals(NetworkPrecision.TF32.gemmKernel()) ? tf32Module : module, n));
    }

    /** The arithmetic of the network's products on this device. */
    public NetworkPrecision precision() {
        return precision;
    }

    /** The input channels the network takes. */
    public int inChannels() {
        return model.inChannels();
    }

    /** The device as it was when the model was loaded (free memory before the upload). */
    public CudaDeviceInfo deviceInfo() {
        return deviceInfo;
    }

    @Override
    public int classes() {
        return model.classes();
    }

    @Override
    public String describe() {
        return model.describe() + " on " + deviceInfo.name()
                + (precision == NetworkPrecision.FLOAT32 ? "" : " (" + precision.label() + ")");
    }

    /** The network's output for a batch; {@code ctx} is not used (nothing runs on the host). */
    @Override
    public float[] run(float[] input, int batch, int height, int width, ComputeContext ctx) {
        return run(input, batch, height, width);
    }

    /**
     * The network's output for a batch, NCHW float32 in ({@link #inChannels()} channels, or one for VM-UNet):
     * MedMamba's {@code batch × classes} logits, VM-UNet's {@code batch × classes × height × width} maps.
     *
     * @throws CudaException when a driver call fails
     */
    public synchronized float[] run(float[] input, int batch, int height, int width) {
        long pixels = (long) batch * height * width;
        if (pixels <= 0 || input.length % pixels != 0) {
            throw new IllegalArgumentException("a batch of " + batch + " at " + height + "x" + width + " cannot have "
                    + input.length + " values");
        }
        Executable exec = prepare(batch, Math.toIntExact(input.length / pixels), height, width);
        return exec.run(input);
    }

    /**
     * Device time of one forward pass at this shape, copies included, median of {@code runs} graph launches after
     * {@code warmup} (CUDA events on the model's stream; random-free: the input buffer holds whatever it held).
     */
    public synchronized double medianDeviceMillis(int batch, int height, int width, int warmup, int runs) {
        Executable exec = prepare(batch, model.inChannels(), height, width);
        return medianMillis(warmup, runs, () -> {
            if (exec.graphExec != null) {
                driver.launchGraph(exec.graphExec, stream);
            } else {
                exec.enqueue();
            }
        });
    }

    /**
     * Device time of the forward pass's kernels alone at this shape, no copies (a graph of the launches only),
     * median of {@code runs} after {@code warmup}: the input stays on the device, as a peer that times its model
     * on a tensor already there measures.
     */
    public synchronized double medianKernelMillis(int batch, int height, int width, int warmup, int runs) {
        Executable exec = prepare(batch, model.inChannels(), height, width);
        MemorySegment kernels = exec.kernelsGraphExec();
        return medianMillis(warmup, runs, () -> driver.launchGraph(kernels, stream));
    }

    private double medianMillis(int warmup, int runs, Runnable pass) {
        MemorySegment start = driver.createEvent();
        MemorySegment end = driver.createEvent();
        try {
            double[] ms = new double[runs];
            for (int i = -warmup; i < runs; i++) {
                driver.recordEvent(start, stream);
                pass.run();
                driver.recordEvent(end, stream);
                float elapsed = driver.elapsedMillis(start, end);
                if (i >= 0) {
                    ms[i] = elapsed;
                }
            }
            Arrays.sort(ms);
            return ms[runs / 2];
        } finally {
            driver.destroyEvent(start);
            driver.destroyEvent(end);
        }
    }

    /**
     * Device time per launch of one forward pass at this shape, launched one by one with an event after each (no
     * graph), the median of {@code runs} passes: {@code "index kernel grid"} to milliseconds, in launch order.
     */
    public synchronized Map<String, Double> profile(int batch, int height, int width, int runs) {
        Executable exec = prepare(batch, model.inChannels(), height, width);
        List<KernelCall> calls = exec.plan.calls();
        MemorySegment[] events = new MemorySegment[calls.size() + 1];
        double[][] ms = new double[calls.size()][runs];
        try {
            for (int e = 0; e < events.length; e++) {
                events[e] = driver.createEvent();
            }
            for (int r = -1; r < runs; r++) {
                driver.recordEvent(events[0], stream);
                for (int i = 0; i < calls.size(); i++) {
                    exec.launch(calls.get(i));
                    driver.recordEvent(events[i + 1], stream);
                }
                driver.synchronize(stream);
                for (int i = 0; r >= 0 && i < calls.size(); i++) {
                    ms[i][r] = driver.elapsedMillis(events[i], events[i + 1]);
                }
            }
        } finally {
            for (MemorySegment event : events) {
                if (event != null) {
                    driver.destroyEvent(event);
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            KernelCall c = calls.get(i);
            Arrays.sort(ms[i]);
            out.put(i + " " + c.kernel() + " " + c.gridX() + "x" + c.gridY() + "x" + c.gridZ() + " " + c.args().subList(0,
                    Math.min(3, c.args().size())), ms[i][runs / 2]);
        }
        return out;
    }

    /** Kernel launches per forward pass at this shape (a graph replays them all at once). */
    public synchronized int launches(int batch, int height, int width) {
        return prepare(batch, model.inChannels(), height, width).plan.calls().size();
    }

    private Executable prepare(int batch, int channels, int height, int width) {
        if (closed) {
            throw new IllegalStateException("this CudaNetwork is closed");
        }
        driver.setCurrent(context);
        Shape shape = new Shape(batch, channels, height, width);
        if (executable == null || !executable.shape.equals(shape)) {
            ForwardPlan plan = model.plan(batch, channels, height, width).withGemmKernel(precision.gemmKernel());
            if (executable != null) {
                executable.free();
                executable = null;
            }
            long[] memory = driver.memoryInfo();
            if (plan.activationBytes() + RESERVE_BYTES > memory[0]) {
                throw new CudaException("planning a batch of " + batch + " at " + height + "x" + width + " ("
                        + (plan.activationBytes() >> 20) + " MiB of activations, " + (memory[0] >> 20)
                        + " MiB free)", 2, "CUDA_ERROR_OUT_OF_MEMORY");
            }
            executable = new Executable(shape, plan);
        }
        return executable;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        driver.setCurrent(context);
        if (executable != null) {
            executable.free();
        }
        driver.free(weightsPointer);
        driver.destroyStream(stream);
        if (tf32Module != null) {
            driver.unloadModule(tf32Module);
        }
        driver.unloadModule(module);
        driver.releasePrimaryContext(device);
    }

}
