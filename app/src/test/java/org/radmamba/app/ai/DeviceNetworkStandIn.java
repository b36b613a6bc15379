package org.radmamba.app.ai;

import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.cuda.CudaException;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.model.InferenceNetwork;
import org.radmamba.inference.nn.ComputeContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The device network as a {@link DeviceNetworkEngine.Loader} builds it, on a machine without a GPU: the family's real
 * host network on the same weights, so the numbers it serves are real (the device's own numbers, in either precision,
 * are checked on a GPU by the inference module's CudaNetwork tests). Records the precision it was loaded in, the
 * batch of each call and its closing, and fails call {@code failOnCall} (0: never) as a lost device.
 */
final class DeviceNetworkStandIn implements InferenceNetwork {

    final NetworkPrecision precision;
    final List<Integer> batches = new CopyOnWriteArrayList<>();
    private final InferenceNetwork host;
    private final int failOnCall;
    volatile boolean closed;

    DeviceNetworkStandIn(StateDict weights, NetworkPrecision precision, int failOnCall) {
        this.host = ModelFamily.of(weights).load(weights);
        this.precision = precision;
        this.failOnCall = failOnCall;
    }

    /** A loader that builds stand-ins that never fail, each added to {@code loaded} in the order they were built. */
    static DeviceNetworkEngine.Loader into(List<DeviceNetworkStandIn> loaded) {
        return (weights, precision) -> {
            DeviceNetworkStandIn n = new DeviceNetworkStandIn(weights, precision, 0);
            loaded.add(n);
            return n;
        };
    }

    @Override
    public float[] run(float[] input, int batch, int height, int width, ComputeContext ctx) {
        batches.add(batch);
        if (batches.size() == failOnCall) {
            throw new CudaException("cuLaunchKernel(gemm_nt)", 700, "CUDA_ERROR_ILLEGAL_ADDRESS");
        }
        return host.run(input, batch, height, width, ctx);
    }

    @Override
    public int classes() {
        return host.classes();
    }

    @Override
    public String describe() {
        return host.describe();
    }

    @Override
    public void close() {
        closed = true;
        host.close();
    }
}
