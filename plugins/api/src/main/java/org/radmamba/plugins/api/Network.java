package org.radmamba.plugins.api;

/**
 * A loaded network: a preprocessed image batch in, scores out. May hold native memory: the host closes it.
 *
 * <p>Output per image, in batch order: a classifier's {@code classes()} logits (the host applies softmax); a
 * segmenter's {@code classes() × height × width} scores — with one class, foreground probabilities in [0, 1];
 * with more, logits per class with class 0 the background (the host takes the arg-max).
 */
public interface Network extends AutoCloseable {

    /** Classes the network outputs; the host checks it against the card's labels. */
    int classes();

    /** A short description of what was built, e.g. the depths and widths found in the checkpoint. */
    String describe();

    /**
     * @param input NCHW floats: {@code batch × 3 × height × width}, already transformed as the card says
     */
    float[] forward(float[] input, int batch, int height, int width, RunContext context);

    @Override
    void close();
}
