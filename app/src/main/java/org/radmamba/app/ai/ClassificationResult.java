package org.radmamba.app.ai;

import org.radmamba.inference.model.Softmax;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Class probabilities (softmax of the logits) for one image.
 *
 * @param labels        class names, index-aligned with {@code probabilities}
 * @param probabilities summing to 1
 */
public record ClassificationResult(String imageId, String modelId, String attribution, List<String> labels,
                                   float[] logits, double[] probabilities) implements AiResult {

    public ClassificationResult {
        labels = List.copyOf(labels);
        logits = logits.clone();
        probabilities = probabilities.clone();
        if (labels.size() != probabilities.length) {
            throw new IllegalArgumentException(labels.size() + " labels for " + probabilities.length + " probabilities");
        }
    }

    /** One class and its probability. */
    public record ClassScore(int index, String label, double probability) {
    }

    /** All classes, most probable first (the lower index first on ties). */
    public List<ClassScore> ranked() {
        List<ClassScore> out = new ArrayList<>();
        for (int i = 0; i < probabilities.length; i++) {
            out.add(new ClassScore(i, labels.get(i), probabilities[i]));
        }
        out.sort(Comparator.comparingDouble(ClassScore::probability).reversed().thenComparingInt(ClassScore::index));
        return out;
    }

    public ClassScore top() {
        return ranked().getFirst();
    }

    @Override
    public float[] logits() {
        return logits.clone();
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** Softmax in double, shifted by the maximum. */
    public static double[] softmax(float[] logits) {
        return Softmax.of(logits, 0, logits.length);
    }
}
