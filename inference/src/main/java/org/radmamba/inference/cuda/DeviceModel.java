package org.radmamba.inference.cuda;

/**
 * A network family's host half of the device engine: the weights packed for network.cu's kernels, and the plan of
 * launches for one input shape. {@link CudaNetwork} runs any of them the same way.
 */
interface DeviceModel {

    /** All weights, one array, uploaded once. */
    float[] packed();

    /** Why the kernels cannot run this model, or null when they can. */
    String unsupported();

    /** The launches and buffers of a forward pass over a {@code batch × channels × height × width} input. */
    ForwardPlan plan(int batch, int channels, int height, int width);

    /** The input channels the network takes (VM-UNet also takes one, repeated). */
    int inChannels();

    int classes();

    /** The configuration found in the checkpoint, e.g. its depths and dims. */
    String describe();

    /** Bytes of the packed weights on the device. */
    default long weightBytes() {
        return (long) packed().length * Float.BYTES;
    }
}
