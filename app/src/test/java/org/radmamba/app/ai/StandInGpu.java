package org.radmamba.app.ai;

import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.scan.ScanDevicePreference;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The GPU engine for tests of other packages (the batch run's), on this machine without a GPU: {@link EngineSelector}'s
 * own choice with the driver stood in through {@link GpuProbe} (an H100, which runs TF32) and the device network
 * through {@link DeviceNetworkEngine.Loader} (a {@link DeviceNetworkStandIn}: the family's real host network on the
 * same weights, failing as a lost device on one call when asked to).
 */
public final class StandInGpu {

    /** What the stand-in driver answers: Hopper, so TF32 is served. */
    public static final GpuDevice H100 = new GpuDevice("NVIDIA H100 80GB HBM3", 9, 0, 80L << 30, 78L << 30);

    private final int failOnCall;
    private final List<DeviceNetworkStandIn> loaded = new CopyOnWriteArrayList<>();

    /** @param failOnCall the device network's call that fails with a driver error (counted from 1); 0: none */
    public StandInGpu(int failOnCall) {
        this.failOnCall = failOnCall;
    }

    /** {@link EngineSelector#engineFor} on the stand-in H100, its device networks this one's. */
    public EngineSelector.Chosen engineFor(LoadedModel model, ScanDevicePreference preference,
                                           NetworkPrecision precision, int batch, InferenceEngine cpu,
                                           ComputeContext cpuContext) {
        return new EngineSelector(() -> H100).engineFor(model, preference, precision, batch, cpu, cpuContext,
                (weights, p) -> {
                    DeviceNetworkStandIn n = new DeviceNetworkStandIn(weights, p, failOnCall);
                    loaded.add(n);
                    return n;
                });
    }

    /** The batch size of each call of the device networks loaded so far, in order. */
    public List<Integer> deviceCalls() {
        return loaded.stream().flatMap(n -> n.batches.stream()).toList();
    }

    /** The precisions the device networks were loaded in, in order. */
    public List<NetworkPrecision> loadedPrecisions() {
        return loaded.stream().map(n -> n.precision).toList();
    }
}
