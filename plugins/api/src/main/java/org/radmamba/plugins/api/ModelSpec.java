package org.radmamba.plugins.api;

import java.util.List;
import java.util.Objects;

/**
 * What a model card says that a network needs: its id and name (for messages), the input size the host resizes
 * images to, and the class labels (their number is the number of outputs the host expects).
 */
public record ModelSpec(String modelId, String name, Task task, int inputHeight, int inputWidth, List<String> labels) {
    public ModelSpec {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(task, "task");
        if (inputHeight <= 0 || inputWidth <= 0) {
            throw new IllegalArgumentException("input size must be positive, got " + inputHeight + "x" + inputWidth);
        }
        labels = List.copyOf(labels);
    }
}
