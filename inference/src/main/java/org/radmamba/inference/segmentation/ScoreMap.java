package org.radmamba.inference.segmentation;

/**
 * One image's segmentation network output, channel-major (classes, height, width), float32. For a one-class
 * network the values are sigmoid probabilities of the foreground; for more classes they are logits.
 */
public record ScoreMap(int classes, int height, int width, float[] values, boolean probabilities) {

    public ScoreMap {
        if (classes <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("score map sizes must be positive: " + classes + "x" + height + "x" + width);
        }
        if (values.length != (long) classes * height * width) {
            throw new IllegalArgumentException("score map of " + classes + "x" + height + "x" + width + " needs "
                    + (long) classes * height * width + " values, got " + values.length);
        }
        if (probabilities && classes != 1) {
            throw new IllegalArgumentException("probabilities are the one-class output; " + classes + " classes give logits");
        }
    }

    /** Sigmoid probabilities of a one-class network. */
    public static ScoreMap probabilities(int height, int width, float[] values) {
        return new ScoreMap(1, height, width, values, true);
    }

    /** Logits of a network with two or more classes. */
    public static ScoreMap logits(int classes, int height, int width, float[] values) {
        return new ScoreMap(classes, height, width, values, false);
    }

    /** A copy of one class's plane, (height, width) row-major. */
    public float[] plane(int classIndex) {
        float[] plane = new float[height * width];
        System.arraycopy(values, classIndex * height * width, plane, 0, plane.length);
        return plane;
    }

    /** Softmax over the classes at every pixel, as a new map of the same shape (not marked as probabilities). */
    public float[] softmax() {
        int pixels = height * width;
        float[] out = new float[values.length];
        for (int p = 0; p < pixels; p++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, values[k * pixels + p]);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                double e = Math.exp(values[k * pixels + p] - max);
                out[k * pixels + p] = (float) e;
                sum += e;
            }
            for (int k = 0; k < classes; k++) {
                out[k * pixels + p] = (float) (out[k * pixels + p] / sum);
            }
        }
        return out;
    }
}
