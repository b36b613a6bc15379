package org.radmamba.app.ai;

import com.fasterxml.jackson.annotation.JsonValue;
import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.vmunet.VmUnetConfig;

import java.util.Locale;

/** The network families RadMamba runs, each with the task it was made for. */
public enum ModelArchitecture {
    /** YubiaoYue/MedMamba {@code MedMamba.py} (VSSM): image classification. */
    MEDMAMBA(ModelTask.CLASSIFICATION),
    /** JCruan519/VM-UNet {@code models/vmunet/vmunet.py}: segmentation. */
    VMUNET(ModelTask.SEGMENTATION);

    private final ModelTask task;

    ModelArchitecture(ModelTask task) {
        this.task = task;
    }

    public ModelTask task() {
        return task;
    }

    /** The card's spelling: {@code medmamba}, {@code vmunet}. */
    @JsonValue
    public String cardName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The family of an official checkpoint: VM-UNet's training saves its wrapper, so every key starts with
     * {@code vmunet.}; MedMamba's {@code train.py} saves the bare VSSM.
     */
    public static ModelArchitecture of(StateDict stateDict) {
        boolean vmunet = stateDict.keys().stream().anyMatch(k -> k.startsWith(VmUnetConfig.KEY_PREFIX));
        return vmunet ? VMUNET : MEDMAMBA;
    }
}
