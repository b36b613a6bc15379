package org.radmamba.app.ai;

import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.checkpoint.StateDict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A checkpoint file given on its own (the command line's {@code --model}) as a model: its card is the
 * {@code card.json} beside it when that card names the file (any architecture, a plugin's too), else the card an
 * official checkpoint of the task's built-in family has (its evaluation transform, labels "class 0".."class n-1").
 * The model then runs like any other, through {@link LoadedModel}.
 */
public final class CheckpointModels {

    private CheckpointModels() {
    }

    /**
     * The model of {@code checkpoint} for {@code task}.
     *
     * @throws ModelException naming the file when the card beside it is for the other task
     * @throws IOException    when the card or the checkpoint cannot be read
     * @throws org.radmamba.inference.checkpoint.CheckpointException naming the file and key when the checkpoint does
     *                        not fit the task's built-in family (no card)
     */
    public static ModelEntry entry(Path checkpoint, ModelTask task)
            throws IOException, ModelException {
        Optional<ModelCard> beside = ModelCard.beside(checkpoint);
        ModelCard card;
        if (beside.isPresent()) {
            card = beside.get();
            if (card.task() != task) {
                throw new ModelException(checkpoint + ": the card beside it describes a " + card.task().cardName()
                        + " model (" + card.id() + "), not a " + task.cardName() + " model");
            }
        } else {
            card = official(checkpoint, task);
        }
        return new ModelEntry(card, checkpoint, ModelEntry.Origin.USER, ModelEntry.HashStatus.VERIFIED, card.sha256());
    }

    /** The card of an official checkpoint of the task's built-in family, its classes read from the key shapes. */
    private static ModelCard official(Path checkpoint, ModelTask task) throws IOException {
        ModelFamily family = task == ModelTask.CLASSIFICATION ? ModelFamily.MEDMAMBA : ModelFamily.VMUNET;
        StateDict stateDict = PthReader.read(checkpoint);
        int classes = family.classes(stateDict);
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            names.add("class " + i);
        }
        int side = ModelCard.officialInputSide(family);
        String file = checkpoint.getFileName().toString();
        return new ModelCard("checkpoint", file, task, ArchitectureId.of(family), file, Sha256.of(checkpoint),
                Files.size(checkpoint), null, List.of(side, side), ModelCard.officialPreprocessing(family), names,
                null, false, "research use, not for diagnosis", file, null, null);
    }
}
