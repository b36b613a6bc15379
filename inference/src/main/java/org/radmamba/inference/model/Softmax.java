package org.radmamba.inference.model;

/** A classifier's logits as probabilities: the one softmax of the app's results and of the GPU checks. */
public final class Softmax {

    private Softmax() {
    }

    /** Softmax in double of {@code count} logits from {@code offset}, shifted by their maximum. */
    public static double[] of(float[] logits, int offset, int count) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < count; c++) {
            max = Math.max(max, logits[offset + c]);
        }
        double[] p = new double[count];
        double sum = 0;
        for (int c = 0; c < count; c++) {
            p[c] = Math.exp(logits[offset + c] - max);
            sum += p[c];
        }
        for (int c = 0; c < count; c++) {
            p[c] /= sum;
        }
        return p;
    }
}
