package org.radmamba.app.ai;

import java.nio.file.Path;

/**
 * A model of the library: its card, where its weights lie, where it comes from and whether the weights are the
 * ones the card names.
 *
 * @param actualSha256        the hash of the file as found, or null when the file is missing
 * @param architectureProblem why the card's architecture cannot be built (its plugin is missing or disabled, or
 *                            offers no such architecture, or one for another task), or null when the registry the
 *                            library was listed against offers it
 */
public record ModelEntry(ModelCard card, Path checkpoint, Origin origin, HashStatus hashStatus, String actualSha256,
                         String architectureProblem) {

    /** An entry whose architecture is taken to be available (the library checks it against the registry). */
    public ModelEntry(ModelCard card, Path checkpoint, Origin origin, HashStatus hashStatus, String actualSha256) {
        this(card, checkpoint, origin, hashStatus, actualSha256, null);
    }

    /** This entry with {@code problem} as the reason its architecture cannot be built (null: it can). */
    public ModelEntry withArchitectureProblem(String problem) {
        return new ModelEntry(card, checkpoint, origin, hashStatus, actualSha256, problem);
    }

    /** Shipped with the app, or imported by the user into their model folder. */
    public enum Origin { BUNDLED, USER }

    public enum HashStatus {
        /** The file's SHA-256 is the card's. */
        VERIFIED,
        /** The file differs from the one the card describes: it is not run. */
        MISMATCH,
        /** The card's checkpoint file is not there. */
        MISSING
    }

    public String id() {
        return card.id();
    }

    public boolean runnable() {
        return hashStatus == HashStatus.VERIFIED && architectureProblem == null;
    }

    /** Why the model cannot run, in one sentence, or null when it can: the weights first, then the architecture. */
    public String problem() {
        return switch (hashStatus) {
            case VERIFIED -> architectureProblem == null ? null
                    : card.id() + " cannot run: " + architectureProblem;
            case MISMATCH -> checkpoint + ": SHA-256 " + actualSha256 + " differs from the card's " + card.sha256()
                    + "; the model is not run";
            case MISSING -> checkpoint + ": the checkpoint named by the card of " + card.id() + " is missing";
        };
    }
}
