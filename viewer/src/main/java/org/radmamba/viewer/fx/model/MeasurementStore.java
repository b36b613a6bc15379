package org.radmamba.viewer.fx.model;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.radmamba.viewer.fx.measure.Measurement;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Measurements by image (file and frame), shared by all viewports, so that a measurement stays on its image
 * whichever viewport shows it and whatever slice is shown meanwhile.
 */
public final class MeasurementStore {

    /** Identifies one displayed image. */
    public record ImageKey(Path file, int frame) {
    }

    private final Map<ImageKey, ObservableList<Measurement>> byImage = new HashMap<>();

    public ObservableList<Measurement> of(ImageKey key) {
        return byImage.computeIfAbsent(key, k -> FXCollections.observableArrayList());
    }

    public void clearAll() {
        byImage.values().forEach(ObservableList::clear);
        byImage.clear();
    }
}
