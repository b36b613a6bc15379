package org.radmamba.plugins.api;

import java.io.IOException;

/**
 * A network family: builds a {@link Network} from a checkpoint and the model card's essentials. The host keeps the
 * pre-processing (the card's transform) and the decoding of the output (softmax, threshold, argmax) to itself, so an
 * architecture only maps a preprocessed NCHW float image to scores.
 */
public non-sealed interface ModelArchitecture extends Extension {

    @Override
    default Kind kind() {
        return Kind.MODEL;
    }

    /** Classification or segmentation: which decoding the host applies to the output. */
    Task task();

    /**
     * Builds the network. The host has already checked the checkpoint's SHA-256 against the card.
     *
     * @throws IOException when the checkpoint cannot be read or does not fit this architecture (name the tensor)
     */
    Network load(Checkpoint checkpoint, ModelSpec spec) throws IOException;
}
