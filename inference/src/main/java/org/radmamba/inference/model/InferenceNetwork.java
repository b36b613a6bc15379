package org.radmamba.inference.model;

import org.radmamba.inference.nn.ComputeContext;

/**
 * A network of this module, built from a checkpoint and ready to run: what MedMamba and VM-UNet share, with the same
 * call shape as the plugin API's network so that the app runs both kinds the same way. Holds native memory: close it.
 */
public interface InferenceNetwork extends AutoCloseable {

    /**
     * Runs a batch.
     *
     * @param input NCHW float32, {@code batch × channels × height × width} with the network's input channels, already
     *              preprocessed
     * @return the raw output per image, images one after the other: a classifier's logits ({@code classes} values),
     *         a segmenter's maps ({@code classes × height × width})
     */
    float[] run(float[] input, int batch, int height, int width, ComputeContext ctx);

    /** Classes the network outputs. */
    int classes();

    /** A short description of the configuration found in the checkpoint, e.g. its depths and dims. */
    String describe();

    @Override
    void close();
}
