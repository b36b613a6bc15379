package org.radmamba.viewer.fx.overlay;

import java.util.List;
import java.util.Objects;

/**
 * A label mask at an image's geometry, as plain pixels: 0 is background, value k ≥ 1 is the k-th class. The viewer
 * knows nothing of the model that made it (no inference types here).
 *
 * @param labels row-major, {@code width × height}
 * @param names  the class names, {@code names.get(k - 1)} for label k
 */
public record LabelMaskImage(int width, int height, byte[] labels, List<String> names) {

    public LabelMaskImage {
        Objects.requireNonNull(labels, "labels");
        if (width <= 0 || height <= 0 || labels.length != (long) width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " mask needs " + (long) width * height
                    + " labels, got " + labels.length);
        }
        names = List.copyOf(names);
    }

    public int label(int x, int y) {
        return labels[y * width + x] & 0xFF;
    }
}
