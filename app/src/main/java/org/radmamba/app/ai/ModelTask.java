package org.radmamba.app.ai;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What a model produces: class probabilities for a whole image, or a label per pixel. */
public enum ModelTask {
    CLASSIFICATION,
    SEGMENTATION;

    /** The card's spelling: {@code classification}, {@code segmentation}. */
    @JsonValue
    public String cardName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
