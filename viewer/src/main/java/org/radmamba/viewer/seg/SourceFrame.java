package org.radmamba.viewer.seg;

import java.util.Objects;

/**
 * One frame of a source image that a segmentation frame is derived from.
 *
 * @param sopInstanceUid the source instance
 * @param frameNumber    1-based, as DICOM counts frames (1 for single-frame images)
 */
public record SourceFrame(String sopInstanceUid, int frameNumber) {
    public SourceFrame {
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
        if (frameNumber < 1) {
            throw new IllegalArgumentException("frame numbers start at 1, got " + frameNumber);
        }
    }
}
