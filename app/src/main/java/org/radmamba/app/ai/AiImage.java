package org.radmamba.app.ai;

import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.segmentation.PixelSpacing;

import java.util.Objects;
import java.util.Optional;

/**
 * One image as a model sees it: the 8-bit picture the viewer displays (grey or RGB) and its geometry.
 *
 * @param id      stable identity for the result cache, e.g. the SOP Instance UID and frame, or a file path
 * @param spacing pixel spacing in mm when the header states it
 */
public record AiImage(String id, ByteImage pixels, Optional<PixelSpacing> spacing) {
    public AiImage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pixels, "pixels");
        spacing = spacing == null ? Optional.empty() : spacing;
    }
}
