package org.radmamba.plugins.api;

/** What a model architecture produces: class scores for a whole image, or a score per pixel and class. */
public enum Task {
    CLASSIFICATION,
    SEGMENTATION
}
