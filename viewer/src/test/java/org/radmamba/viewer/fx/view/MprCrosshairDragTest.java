package org.radmamba.viewer.fx.view;

import javafx.geometry.Point2D;
import javafx.scene.Cursor;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries;
import org.radmamba.viewer.fx.model.MprViewModel;
import org.radmamba.viewer.fx.model.Tool;
import org.radmamba.viewer.fx.viewport.CrosshairViewport;
import org.radmamba.viewer.fx.viewport.WindowLevel;
import org.radmamba.viewer.volume.Plane;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The MPR crosshair under the mouse, headless, on a generated axial series (x = −16..15 step 1, y = −20..26 step 2,
 * z = 10..67 step 3): dragging one reference line moves only its plane, dragging the centre moves both, dragging
 * elsewhere is the viewer's tool (window/level) and leaves the crosshair where it is; the cursor shows which.
 */
@ExtendWith(ApplicationExtension.class)
class MprCrosshairDragTest extends MainWindowFxTest {

    @TempDir
    static Path temp;

    @Start
    void start(Stage stage) {
        show(stage, 1400, 700);
    }

    @Test
    void a_line_drags_its_plane_alone_the_centre_both_and_elsewhere_the_tool_acts() throws Exception {
        Path series = temp.resolve("series");
        SyntheticVolumeSeries.write(series, mprTestVolume());
        FxRobot robot = new FxRobot();
        MprViewModel mpr = openInMpr(robot, series);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Tool.WINDOW_LEVEL, onFx(() -> mpr.toolProperty().get()));
        MprView view = robot.lookup(".mpr-view").queryAs(MprView.class);
        CrosshairViewport axial = view.viewports().get(Plane.AXIAL.ordinal());
        double scale = onFx(() -> axial.imageToScreen().getMxx());

        // A click away from the lines puts the crosshair at axial voxel (14, 9): sagittal plane 14 (x −2), coronal 9.
        Point2D clicked = screen(axial, 14.5, 9.5);
        robot.moveTo(clicked).clickOn(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        assertPlanes(mpr, 14, 9, "after the click");
        WindowLevel window = onFx(() -> mpr.windowProperty().get());

        // The vertical line (the sagittal plane), grabbed 2 px beside it 5 pixels below the centre, dragged 5 pixels
        // right and 3 rows down: only the sagittal plane moves, to 19.
        Point2D grab = screen(axial, 14.5, 14.5).add(2, 0);
        robot.moveTo(grab);
        assertEquals(Cursor.H_RESIZE, onFx(axial::getCursor), "over the vertical line");
        drag(robot, grab, grab.add(5 * scale, 3 * 2 * scale));
        assertPlanes(mpr, 19, 9, "after dragging the vertical line");

        // The horizontal line (the coronal plane), 2 px above it 8 pixels left of the centre, dragged 4 rows down.
        grab = screen(axial, 11.5, 9.5).add(0, -2);
        robot.moveTo(grab);
        assertEquals(Cursor.V_RESIZE, onFx(axial::getCursor), "over the horizontal line");
        drag(robot, grab, grab.add(-3 * scale, 4 * 2 * scale));
        assertPlanes(mpr, 19, 13, "after dragging the horizontal line");

        // The centre (19, 13), grabbed 3 px off, dragged 6 pixels left and 5 rows up: both planes move.
        grab = screen(axial, 19.5, 13.5).add(3, 3);
        robot.moveTo(grab);
        assertEquals(Cursor.MOVE, onFx(axial::getCursor), "over the centre");
        drag(robot, grab, grab.add(-6 * scale, -5 * 2 * scale));
        assertPlanes(mpr, 13, 8, "after dragging the centre");
        assertEquals(window, onFx(() -> mpr.windowProperty().get()), "the lines do not touch the window");

        // Elsewhere (far from both lines) the left button is the window/level tool: the window changes, the
        // crosshair stays where it is.
        grab = screen(axial, 24.5, 18.5);
        robot.moveTo(grab);
        assertEquals(Cursor.DEFAULT, onFx(axial::getCursor), "away from the lines");
        double column = onFx(() -> mpr.plane(Plane.AXIAL).crosshairColumnProperty().get());
        double row = onFx(() -> mpr.plane(Plane.AXIAL).crosshairRowProperty().get());
        drag(robot, grab, grab.add(-60, 40));
        assertPlanes(mpr, 13, 8, "after dragging elsewhere");
        assertEquals(column, onFx(() -> mpr.plane(Plane.AXIAL).crosshairColumnProperty().get()));
        assertEquals(row, onFx(() -> mpr.plane(Plane.AXIAL).crosshairRowProperty().get()));
        WindowLevel dragged = onFx(() -> mpr.windowProperty().get());
        assertNotEquals(window.width(), dragged.width(), "the drag set the window");
        assertNotEquals(window.center(), dragged.center(), "and the level");
    }

    private static void assertPlanes(MprViewModel mpr, int sagittal, int coronal, String when) throws Exception {
        assertEquals(sagittal, (int) onFx(() -> mpr.plane(Plane.SAGITTAL).indexProperty().get()), "sagittal " + when);
        assertEquals(coronal, (int) onFx(() -> mpr.plane(Plane.CORONAL).indexProperty().get()), "coronal " + when);
    }

    private static Point2D screen(CrosshairViewport viewport, double x, double y) throws Exception {
        return onFx(() -> viewport.localToScreen(viewport.imageToScreen().transform(x, y)));
    }

    private static void drag(FxRobot robot, Point2D from, Point2D to) {
        robot.moveTo(from).press(MouseButton.PRIMARY).moveTo(to).release(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
    }

}
