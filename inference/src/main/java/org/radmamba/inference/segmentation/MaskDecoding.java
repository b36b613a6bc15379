package org.radmamba.inference.segmentation;

/**
 * Turns a network's {@link ScoreMap} into a {@link LabelMask} at the source image's geometry. One class: the
 * probabilities are resized bilinearly first and then thresholded (foreground where p &gt; threshold, as the
 * official VM-UNet test code does), so the outline follows the smooth map rather than blocky upscaled labels.
 * Several classes: argmax over the logits at the network's resolution, then a nearest-neighbour resize.
 */
public final class MaskDecoding {

    /** The official VM-UNet ISIC threshold. */
    public static final float DEFAULT_THRESHOLD = 0.5f;

    private MaskDecoding() {
    }

    public static LabelMask toLabels(ScoreMap scores, float threshold, int sourceWidth, int sourceHeight) {
        if (scores.classes() == 1) {
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("the threshold is a probability in [0, 1], got " + threshold);
            }
            float[] resized = Resampling.bilinear(scores.values(), scores.height(), scores.width(), sourceHeight, sourceWidth);
            return threshold(resized, sourceWidth, sourceHeight, threshold);
        }
        return Resampling.nearest(argmax(scores), sourceWidth, sourceHeight);
    }

    /** Foreground (label 1) where the probability is above the threshold. */
    public static LabelMask threshold(float[] probabilities, int width, int height, float threshold) {
        byte[] labels = new byte[probabilities.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = probabilities[i] > threshold ? (byte) 1 : 0;
        }
        return new LabelMask(width, height, labels);
    }

    /**
     * The most likely class at every pixel at the network's resolution (the first one on ties, as torch.argmax);
     * class index k becomes label k, so class 0 is background.
     */
    public static LabelMask argmax(ScoreMap scores) {
        if (scores.classes() > 256) {
            throw new IllegalArgumentException("at most 256 classes fit a label mask, got " + scores.classes());
        }
        int pixels = scores.height() * scores.width();
        float[] v = scores.values();
        byte[] labels = new byte[pixels];
        for (int p = 0; p < pixels; p++) {
            int best = 0;
            float bestValue = v[p];
            for (int k = 1; k < scores.classes(); k++) {
                float value = v[k * pixels + p];
                if (value > bestValue) {
                    best = k;
                    bestValue = value;
                }
            }
            labels[p] = (byte) best;
        }
        return new LabelMask(scores.width(), scores.height(), labels);
    }
}
