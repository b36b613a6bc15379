package org.radmamba.inference.model;

import org.radmamba.inference.checkpoint.StateDict;

/**
 * The steps every network family of this module offers, with one verb each (MedMamba: {@code MedMamba.FAMILY},
 * VM-UNet: {@code VmUnet.FAMILY}): infer the configuration a state dict implies, build the network from it, and
 * make random weights of a configuration for benchmarks and tests.
 *
 * @param <C> the family's configuration (hyperparameters such as depths and dims)
 * @param <N> the network it builds
 */
public interface NetworkFamily<C, N extends InferenceNetwork> {

    /** The family's short name, as model cards spell it: {@code medmamba}, {@code vmunet}. */
    String name();

    /**
     * The configuration the key shapes of {@code stateDict} imply, in the layout the official training saves.
     *
     * @throws org.radmamba.inference.checkpoint.CheckpointException naming the key that does not fit
     */
    C infer(StateDict stateDict);

    /**
     * Builds the network: its configuration inferred, then every tensor used once with the shape it implies.
     *
     * @throws org.radmamba.inference.checkpoint.CheckpointException naming the key that is missing, misshapen or left
     *                                                                over
     */
    N load(StateDict stateDict);

    /** A state dict of {@code config} with seeded random weights, keyed as the official training saves them. */
    StateDict randomWeights(C config, long seed);
}
