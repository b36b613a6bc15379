package org.radmamba.viewer.fx.model;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.measure.Measurement;
import org.radmamba.viewer.fx.measure.MeasurementHit;

import java.util.ArrayList;
import java.util.List;

/**
 * A viewport's measurements: the list of the image in view, the one being drawn (the draft) and the one selected,
 * with the mouse gestures that draw and select them. Knows nothing of images or pixels: the viewport says which
 * list is in view and whether there is an image to measure on. UI thread only.
 */
public final class MeasurementEditor {

    private final ObservableValue<Tool> tool;
    private final ReadOnlyObjectWrapper<ObservableList<Measurement>> measurements =
            new ReadOnlyObjectWrapper<>(this, "measurements", FXCollections.observableArrayList());
    private final ReadOnlyObjectWrapper<Measurement> draft = new ReadOnlyObjectWrapper<>(this, "draft");
    private final ReadOnlyObjectWrapper<Measurement> selected = new ReadOnlyObjectWrapper<>(this, "selected");
    private final List<ImagePoint> draftPoints = new ArrayList<>();
    private final ListChangeListener<Measurement> dropStaleSelection = c -> {
        if (selected.get() != null && !c.getList().contains(selected.get())) {
            selected.set(null);
        }
    };

    /** Draws with whatever {@code tool} is at the time of each gesture. */
    public MeasurementEditor(ObservableValue<Tool> tool) {
        this.tool = tool;
        measurements.get().addListener(dropStaleSelection);
    }

    /** Mouse pressed with a measuring tool at an image point; nothing without an image to measure on. */
    public void begin(ImagePoint at, boolean imageShown) {
        if (!tool.getValue().measures() || !imageShown) {
            return;
        }
        if (tool.getValue() == Tool.ANGLE && draftPoints.size() == 2) {
            // Third click of an angle: the second arm.
            draftPoints.add(at);
            updateDraft();
            return;
        }
        draftPoints.clear();
        draftPoints.add(at);
        draftPoints.add(at);
        updateDraft();
    }

    /** Mouse dragged: moves the last point of the measurement being drawn. */
    public void update(ImagePoint at) {
        if (draftPoints.isEmpty()) {
            return;
        }
        draftPoints.set(draftPoints.size() - 1, at);
        updateDraft();
    }

    /** Mouse released: completes the measurement (an angle needs one more click). */
    public void finish(ImagePoint at) {
        if (draftPoints.isEmpty()) {
            return;
        }
        draftPoints.set(draftPoints.size() - 1, at);
        if (tool.getValue() == Tool.ANGLE && draftPoints.size() == 2) {
            updateDraft();
            return;
        }
        Measurement m = measurementOf(tool.getValue(), draftPoints);
        cancelDraft();
        if (m != null && !degenerate(m)) {
            measurements.get().add(m);
            // What was just drawn is what Delete removes, until the user selects another one.
            selected.set(m);
        }
    }

    /**
     * Mouse clicked (pressed and released in place) at an image point: completes an angle waiting for its third
     * point; otherwise drops the measurement the press began and selects the measurement under the click (none
     * when the click is on bare image). {@code tolerance}: how near a line counts as on it, in image pixels.
     */
    public void clickAt(ImagePoint at, double tolerance) {
        if (draftPoints.size() == 3) {
            finish(at);
            return;
        }
        cancelDraft();
        select(MeasurementHit.at(measurements.get(), at, tolerance).orElse(null));
    }

    /** Selects a measurement on the current image, or nothing with null. */
    public void select(Measurement m) {
        selected.set(m != null && measurements.get().contains(m) ? m : null);
    }

    /**
     * Shows the measurements of another image. Nothing stays selected that is not on screen: another image's list
     * drops the selection, and so does removing the selected measurement from the list (clear, close).
     */
    public void show(ObservableList<Measurement> list) {
        if (list != measurements.get()) {
            measurements.get().removeListener(dropStaleSelection);
            list.addListener(dropStaleSelection);
            selected.set(null);
            measurements.set(list);
        }
    }

    /** Adds a finished measurement (keyboard-free scripting and tests). */
    public void add(Measurement m) {
        measurements.get().add(m);
    }

    /** Deletes the selected measurement (the last one drawn, unless the user clicked another); none: no-op. */
    public void deleteSelected() {
        Measurement m = selected.get();
        if (m != null) {
            measurements.get().remove(m);
            selected.set(null);
        }
    }

    public void clear() {
        measurements.get().clear();
    }

    /** Drops the measurement being drawn. */
    public void cancelDraft() {
        draftPoints.clear();
        draft.set(null);
    }

    private void updateDraft() {
        if (tool.getValue() == Tool.ANGLE && draftPoints.size() == 2) {
            draft.set(new Measurement.Distance(draftPoints.get(0), draftPoints.get(1)));
        } else {
            draft.set(measurementOf(tool.getValue(), draftPoints));
        }
    }

    private static Measurement measurementOf(Tool tool, List<ImagePoint> points) {
        return switch (tool) {
            case DISTANCE -> new Measurement.Distance(points.get(0), points.get(1));
            case RECTANGLE -> new Measurement.RectangleRoi(points.get(0), points.get(1));
            case ELLIPSE -> new Measurement.EllipseRoi(points.get(0), points.get(1));
            case ANGLE -> points.size() == 3 ? new Measurement.Angle(points.get(0), points.get(1), points.get(2)) : null;
            default -> null;
        };
    }

    /** A measurement whose points all coincide (a click, not a drag) measures nothing. */
    private static boolean degenerate(Measurement m) {
        return m.points().stream().distinct().count() < 2;
    }

    public ReadOnlyObjectProperty<ObservableList<Measurement>> measurementsProperty() {
        return measurements.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Measurement> draftProperty() {
        return draft.getReadOnlyProperty();
    }

    /** The measurement Delete removes; null when none is selected. */
    public ReadOnlyObjectProperty<Measurement> selectedProperty() {
        return selected.getReadOnlyProperty();
    }
}
