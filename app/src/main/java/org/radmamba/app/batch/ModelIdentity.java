package org.radmamba.app.batch;

import org.radmamba.app.ai.ModelTask;

import java.util.List;
import java.util.Objects;

/**
 * The model a {@link BatchRecord} comes from: what the rows name and what the resume key includes.
 *
 * @param modelId          the card's id (a library model's id, or the checkpoint's file name for a bare checkpoint)
 * @param checkpointSha256 the SHA-256 of the checkpoint file as loaded (64 lower-case hex digits)
 * @param task             classification or segmentation
 * @param classes          a classifier's class names in output order; a segmenter's classes 1..k (no background)
 */
public record ModelIdentity(String modelId, String checkpointSha256, ModelTask task, List<String> classes) {
    public ModelIdentity {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(checkpointSha256, "checkpointSha256");
        Objects.requireNonNull(task, "task");
        classes = List.copyOf(classes);
        checkpointSha256 = checkpointSha256.toLowerCase(java.util.Locale.ROOT);
    }
}
