package org.radmamba.app.ai;

/**
 * What a model said about one image. Every result names its model and, for a demo model, says it is not for
 * diagnosis ({@link #attribution()}).
 */
public sealed interface AiResult permits ClassificationResult, SegmentationResult {

    String imageId();

    String modelId();

    /** The model's name and the clinical caveat, shown with every result. */
    String attribution();
}
