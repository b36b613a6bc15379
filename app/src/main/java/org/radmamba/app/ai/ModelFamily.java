package org.radmamba.app.ai;

import com.fasterxml.jackson.annotation.JsonValue;
import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.medmamba.MedMamba;
import org.radmamba.inference.medmamba.MedMambaConfig;
import org.radmamba.inference.model.InferenceNetwork;
import org.radmamba.inference.model.NetworkFamily;
import org.radmamba.inference.vmunet.VmUnet;
import org.radmamba.inference.vmunet.VmUnetConfig;

import java.util.Optional;

/**
 * The network families built into RadMamba, each with the task it was made for and the inference module's
 * {@link NetworkFamily} that infers, loads and runs it. (A card's architecture may also name a plugin's: see
 * {@link ArchitectureId}.)
 */
public enum ModelFamily {
    /** YubiaoYue/MedMamba {@code MedMamba.py} (VSSM): image classification. */
    MEDMAMBA(ModelTask.CLASSIFICATION, MedMamba.FAMILY),
    /** JCruan519/VM-UNet {@code models/vmunet/vmunet.py}: segmentation. */
    VMUNET(ModelTask.SEGMENTATION, VmUnet.FAMILY);

    private final ModelTask task;
    private final NetworkFamily<?, ?> network;

    ModelFamily(ModelTask task, NetworkFamily<?, ?> network) {
        this.task = task;
        this.network = network;
    }

    public ModelTask task() {
        return task;
    }

    /** The card's spelling: {@code medmamba}, {@code vmunet}. */
    @JsonValue
    public String cardName() {
        return network.name();
    }

    /**
     * Builds the network of this family from a state dict; a misfit is a
     * {@link org.radmamba.inference.checkpoint.CheckpointException} naming the key.
     */
    public InferenceNetwork load(StateDict stateDict) {
        return network.load(stateDict);
    }

    /** The classes a checkpoint of this family outputs, read from its key shapes without building the network. */
    public int classes(StateDict stateDict) {
        return switch (this) {
            case MEDMAMBA -> MedMamba.FAMILY.infer(stateDict).numClasses();
            case VMUNET -> VmUnet.FAMILY.infer(stateDict).classes();
        };
    }

    /**
     * Why a tensor of {@code channels × height × width} cannot be fed to the network of {@code stateDict}, in words,
     * or empty when it can: checked before a batch runs, so that a wrong tensor is refused with a reason instead of
     * failing inside the network (where the plugin host would take it for a broken plugin).
     */
    public Optional<String> inputProblem(StateDict stateDict, int channels, int height, int width) {
        return switch (this) {
            case MEDMAMBA -> {
                MedMambaConfig c = MedMamba.FAMILY.infer(stateDict);
                yield channels == c.inChannels() && height >= c.patchSize() && width >= c.patchSize() ? Optional.empty()
                        : Optional.of("MedMamba takes (N, " + c.inChannels() + ", H, W), H and W at least " + c.patchSize());
            }
            case VMUNET -> {
                VmUnetConfig c = VmUnet.FAMILY.infer(stateDict);
                int d = c.sizeDivisor();
                yield (channels == 1 || channels == c.inChannels()) && height % d == 0 && width % d == 0 ? Optional.empty()
                        : Optional.of("VM-UNet takes (N, 1 or " + c.inChannels() + ", H, W) with H and W multiples of " + d);
            }
        };
    }

    /**
     * The family of an official checkpoint: VM-UNet's training saves its wrapper, so every key starts with
     * {@code vmunet.}; MedMamba's {@code train.py} saves the bare VSSM.
     */
    public static ModelFamily of(StateDict stateDict) {
        boolean vmunet = stateDict.keys().stream().anyMatch(k -> k.startsWith(VmUnetConfig.KEY_PREFIX));
        return vmunet ? VMUNET : MEDMAMBA;
    }
}
