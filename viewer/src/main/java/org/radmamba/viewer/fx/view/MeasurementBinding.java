package org.radmamba.viewer.fx.view;

import javafx.beans.InvalidationListener;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.collections.ObservableList;
import org.radmamba.viewer.fx.measure.Measurement;
import org.radmamba.viewer.fx.viewport.ImageViewport;

import java.util.function.Function;

/**
 * Shows a {@link org.radmamba.viewer.fx.model.MeasurementEditor}'s measurements in an {@link ImageViewport}: the
 * list of the image in view (switched when the image changes), the one being drawn, the selected one and their
 * labels. One binding for the acquired viewports and the MPR planes alike.
 */
final class MeasurementBinding {

    private final ImageViewport viewport;
    private ObservableList<Measurement> bound;

    private MeasurementBinding(ImageViewport viewport) {
        this.viewport = viewport;
    }

    static void bind(ImageViewport viewport, ReadOnlyObjectProperty<ObservableList<Measurement>> measurements,
                     ReadOnlyObjectProperty<Measurement> draft, ReadOnlyObjectProperty<Measurement> selected,
                     Function<Measurement, String> labels) {
        MeasurementBinding binding = new MeasurementBinding(viewport);
        viewport.draftMeasurementProperty().bind(draft);
        viewport.selectedMeasurementProperty().bind(selected);
        viewport.measurementLabelsProperty().set(labels);
        // An invalidation listener, not a change listener: a change listener compares the old and new lists with
        // equals, by content, and would miss the switch from one image's empty list to another's.
        measurements.addListener((InvalidationListener) obs -> binding.show(measurements.get()));
        binding.show(measurements.get());
    }

    private void show(ObservableList<Measurement> list) {
        if (bound != null) {
            Bindings.unbindContent(viewport.getMeasurements(), bound);
        }
        bound = list;
        Bindings.bindContent(viewport.getMeasurements(), list);
    }
}
