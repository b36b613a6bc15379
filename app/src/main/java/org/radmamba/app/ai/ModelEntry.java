package org.radmamba.app.ai;

import java.nio.file.Path;

/**
 * A model of the library: its card, where its weights lie, where it comes from and whether the weights are the
 * ones the card names.
 *
 * @param actualSha256 the hash of the file as found, or null when the file is missing
 */
public record ModelEntry(ModelCard card, Path checkpoint, Origin origin, HashStatus hashStatus, String actualSha256) {

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
        return hashStatus == HashStatus.VERIFIED;
    }

    /** Why the model cannot run, in one sentence, or null when it can. */
    public String problem() {
        return switch (hashStatus) {
            case VERIFIED -> null;
            case MISMATCH -> checkpoint + ": SHA-256 " + actualSha256 + " differs from the card's " + card.sha256()
                    + "; the model is not run";
            case MISSING -> checkpoint + ": the checkpoint named by the card of " + card.id() + " is missing";
        };
    }
}
