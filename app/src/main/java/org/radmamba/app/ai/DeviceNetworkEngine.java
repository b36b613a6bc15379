package org.radmamba.app.ai;

import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.cuda.CudaNetwork;
import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.model.InferenceNetwork;
import org.radmamba.inference.nn.ComputeContext;

/**
 * The GPU engine: the whole network of one loaded model on the device ({@link CudaNetwork}), every layer and the
 * scan, the input copied up and the output down once per batch, its products in the {@link NetworkPrecision} the job
 * asked for. The device network belongs to the model ({@link LoadedModel#deviceNetwork}): loaded once from its
 * checkpoint per precision, closed when the model is unloaded or another precision is asked for. A driver
 * failure during a batch surfaces as a {@link org.radmamba.inference.cuda.CudaException}, on which
 * {@link BatchPipeline} moves the job to the CPU engine.
 */
final class DeviceNetworkEngine implements InferenceEngine {

    /**
     * Builds the device network from a built-in model's weights, its products in {@code precision}:
     * {@link CudaNetwork#load(StateDict, NetworkPrecision)} on a real machine.
     */
    @FunctionalInterface
    interface Loader {
        /**
         * @throws CudaUnavailableException with the reason in words when the device cannot take this network (in this
         *                                  precision: TF32 on a card older than Ampere)
         */
        InferenceNetwork load(StateDict weights, NetworkPrecision precision) throws CudaUnavailableException;
    }

    /** The NVIDIA driver's device 0. */
    static final Loader CUDA = CudaNetwork::load;

    private final LoadedModel model;
    private final InferenceNetwork network;
    /** Handed to the network's run; the device network computes nothing on the host. */
    private final ComputeContext ctx;

    private DeviceNetworkEngine(LoadedModel model, InferenceNetwork network, ComputeContext ctx) {
        this.model = model;
        this.network = network;
        this.ctx = ctx;
    }

    /**
     * The engine for {@code model} in {@code precision}, its device network loaded now if this is its first job on
     * the GPU in that precision.
     *
     * @throws CudaUnavailableException when the device cannot run it (the reason says why: a plugin's architecture,
     *                                  a variant the kernels lack, too little memory, no driver, TF32 on an older card)
     */
    static DeviceNetworkEngine open(LoadedModel model, Loader loader, NetworkPrecision precision, ComputeContext ctx)
            throws CudaUnavailableException {
        return new DeviceNetworkEngine(model, model.deviceNetwork(loader, precision), ctx);
    }

    @Override
    public EngineChoice.Kind kind() {
        return EngineChoice.Kind.CUDA;
    }

    @Override
    public float[] forward(LoadedModel loaded, float[] input, int batch, int height, int width) {
        if (loaded != model) {
            throw new IllegalArgumentException("the GPU engine of " + model.card().id() + " was asked to run "
                    + loaded.card().id());
        }
        return network.run(input, batch, height, width, ctx);
    }
}
