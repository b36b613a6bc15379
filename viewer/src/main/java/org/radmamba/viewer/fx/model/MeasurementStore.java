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

    /** Forgets the measurements of every frame of these files (their study was closed). */
    public void removeImagesOf(java.util.Set<Path> files) {
        byImage.entrySet().removeIf(e -> {
            if (files.contains(e.getKey().file())) {
                e.getValue().clear();
                return true;
            }
            return false;
        });
    }

    public void clearAll() {
        byImage.values().forEach(ObservableList::clear);
        byImage.clear();
    }
}
