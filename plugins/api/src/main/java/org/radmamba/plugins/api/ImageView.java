package org.radmamba.plugins.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What a viewer tool sees of the image on screen: the 8-bit picture as displayed (after the window the user set)
 * and, when the file states it, the pixel spacing. Deliberately nothing else — no file path, no patient, study or
 * series attributes.
 */
public record ImageView(RasterImage image, Optional<PixelSpacing> spacing) {
    public ImageView {
        Objects.requireNonNull(image, "image");
        spacing = spacing == null ? Optional.empty() : spacing;
    }

    /** A view without spacing (a photograph). */
    public static ImageView of(RasterImage image) {
        return new ImageView(image, Optional.empty());
    }
}
