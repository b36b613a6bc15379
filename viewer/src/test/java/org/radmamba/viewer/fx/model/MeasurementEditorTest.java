package org.radmamba.viewer.fx.model;

import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.junit.jupiter.api.Test;
import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.measure.Measurement;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drawing, selecting and deleting measurements with the mouse gestures, without a viewport. */
class MeasurementEditorTest {

    private final SimpleObjectProperty<Tool> tool = new SimpleObjectProperty<>(Tool.DISTANCE);
    private final MeasurementEditor editor = new MeasurementEditor(tool);

    private static ImagePoint p(double x, double y) {
        return new ImagePoint(x, y);
    }

    @Test
    void a_drag_draws_a_distance_shown_as_a_draft_until_release_and_selected_after() {
        editor.begin(p(1, 1), true);
        editor.update(p(5, 4));
        assertEquals(new Measurement.Distance(p(1, 1), p(5, 4)), editor.draftProperty().get());
        assertTrue(editor.measurementsProperty().get().isEmpty());
        editor.finish(p(7, 1));
        Measurement drawn = new Measurement.Distance(p(1, 1), p(7, 1));
        assertEquals(List.of(drawn), editor.measurementsProperty().get());
        assertNull(editor.draftProperty().get());
        assertEquals(drawn, editor.selectedProperty().get());
    }

    @Test
    void a_click_in_place_draws_nothing_and_without_an_image_or_with_a_non_measuring_tool_nothing_starts() {
        editor.begin(p(2, 2), true);
        editor.finish(p(2, 2));
        editor.begin(p(1, 1), false);
        editor.finish(p(9, 9));
        tool.set(Tool.PAN);
        editor.begin(p(1, 1), true);
        editor.finish(p(9, 9));
        assertTrue(editor.measurementsProperty().get().isEmpty());
        assertNull(editor.draftProperty().get());
    }

    @Test
    void an_angle_takes_a_drag_for_its_first_arm_and_a_click_for_the_second() {
        tool.set(Tool.ANGLE);
        editor.begin(p(0, 0), true);
        editor.finish(p(10, 0));
        // One arm drawn: the draft shows it as a line, nothing is finished yet.
        assertEquals(new Measurement.Distance(p(0, 0), p(10, 0)), editor.draftProperty().get());
        editor.begin(p(10, 10), true);
        editor.clickAt(p(10, 10), 2);
        assertEquals(List.of(new Measurement.Angle(p(0, 0), p(10, 0), p(10, 10))),
                editor.measurementsProperty().get());
    }

    @Test
    void a_click_selects_the_measurement_under_it_and_bare_image_selects_none() {
        Measurement a = new Measurement.Distance(p(0, 0), p(10, 0));
        Measurement b = new Measurement.Distance(p(0, 20), p(10, 20));
        editor.add(a);
        editor.add(b);
        editor.clickAt(p(5, 0.5), 1);
        assertEquals(a, editor.selectedProperty().get());
        editor.clickAt(p(5, 19.5), 1);
        assertEquals(b, editor.selectedProperty().get());
        editor.clickAt(p(5, 10), 1);
        assertNull(editor.selectedProperty().get());
    }

    @Test
    void delete_removes_only_the_selected_one_and_another_images_list_drops_the_selection() {
        Measurement a = new Measurement.Distance(p(0, 0), p(10, 0));
        Measurement b = new Measurement.Distance(p(0, 20), p(10, 20));
        editor.add(a);
        editor.add(b);
        editor.select(a);
        editor.deleteSelected();
        assertEquals(List.of(b), editor.measurementsProperty().get());
        assertNull(editor.selectedProperty().get());
        editor.deleteSelected();
        assertEquals(List.of(b), editor.measurementsProperty().get());

        ObservableList<Measurement> first = editor.measurementsProperty().get();
        editor.select(b);
        ObservableList<Measurement> other = FXCollections.observableArrayList();
        editor.show(other);
        assertNull(editor.selectedProperty().get());
        // A measurement of another image cannot be selected here.
        editor.select(b);
        assertNull(editor.selectedProperty().get());
        editor.show(first);
        editor.select(b);
        editor.clear();
        assertNull(editor.selectedProperty().get(), "clearing the list drops the selection");
    }
}
