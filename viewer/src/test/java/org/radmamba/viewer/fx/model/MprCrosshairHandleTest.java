package org.radmamba.viewer.fx.model;

import javafx.geometry.Point2D;
import javafx.scene.transform.Affine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries.Geometry;
import org.radmamba.viewer.fx.task.CurrentThreadTaskExecutor;
import org.radmamba.viewer.fx.viewport.CrosshairHandles;
import org.radmamba.viewer.fx.viewport.CrosshairHandles.Handle;
import org.radmamba.viewer.study.DecodedImage;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Patient;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.StudyScanner;
import org.radmamba.viewer.volume.Plane;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MPR crosshair's handles in a plane's view model, on a generated axial series (x = −16..15 step 1, y = −20..26
 * step 2, z = 10..67 step 3): which line or the centre a screen point grabs, a tolerance in screen pixels at any zoom
 * and with the crosshair turned, and a drag of a line that moves only that line's plane.
 */
class MprCrosshairHandleTest {

    private static final double VIEW_WIDTH = 400;
    private static final double VIEW_HEIGHT = 300;

    @TempDir
    Path folder;

    @BeforeAll
    static void startToolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    private MprViewModel mpr() throws Exception {
        Path dir = folder.resolve("axial");
        SyntheticVolumeSeries.write(dir, new Geometry(32, 24, new double[] {1, 0, 0}, new double[] {0, 1, 0},
                new double[] {2, 1}, Geometry.line(new double[] {-16, -20, 10}, new double[] {0, 0, 3}, 20)));
        ScanResult scan = new StudyScanner().scan(List.of(dir));
        Patient patient = scan.patients().getFirst();
        Series series = patient.studies().getFirst().series().getFirst();
        SeriesImages images = new SeriesImages(new SeriesEntry(patient, patient.studies().getFirst(), series));
        MprViewModel mpr = new MprViewModel(images, new CurrentThreadTaskExecutor());
        List<SeriesImages.Arrival> all = new ArrayList<>();
        ImageLoader loader = new ImageLoader();
        for (int i = 0; i < series.instances().size(); i++) {
            all.add(new SeriesImages.Arrival(images.entry().instance(i), DecodedImage.of(loader.load(images.entry().instance(i)))));
        }
        images.arrive(all);
        for (MprPlaneViewModel plane : mpr.planes()) {
            plane.setViewSize(VIEW_WIDTH, VIEW_HEIGHT);
        }
        return mpr;
    }

    /** Where the crosshair's centre is on the screen, and its lines' screen directions, independently of the model. */
    private static Point2D centre(MprPlaneViewModel plane) {
        return toScreen(plane).transform(plane.crosshairColumnProperty().get(), plane.crosshairRowProperty().get());
    }

    private static Affine toScreen(MprPlaneViewModel plane) {
        var g = plane.geometry();
        return plane.transformProperty().get().toScreen(g.columns(), g.rows(), VIEW_WIDTH, VIEW_HEIGHT);
    }

    @Test
    void a_press_grabs_a_line_the_centre_or_nothing_within_the_same_screen_pixels_at_any_zoom() throws Exception {
        MprPlaneViewModel axial = mpr().plane(Plane.AXIAL);
        axial.pointAt(10.5, 8.5);
        for (double zoom : new double[] {0, 20}) {
            if (zoom > 0) {
                axial.transformProperty().set(axial.transformProperty().get().withZoom(zoom));
            }
            Point2D c = centre(axial);
            String at = "zoom " + (zoom == 0 ? "fit" : zoom);
            assertEquals(Handle.CENTRE, axial.handleAt(c.getX(), c.getY()), at);
            assertEquals(Handle.CENTRE, axial.handleAt(c.getX() + 6, c.getY() - 5), at);
            // The vertical line, 3 px beside it, 40 px above the centre; the horizontal one 3 px below it.
            assertEquals(Handle.VERTICAL_LINE, axial.handleAt(c.getX() + 3, c.getY() - 40), at);
            assertEquals(Handle.VERTICAL_LINE, axial.handleAt(c.getX() - 4.5, c.getY() + 25), at);
            assertEquals(Handle.HORIZONTAL_LINE, axial.handleAt(c.getX() - 60, c.getY() + 3), at);
            assertEquals(Handle.HORIZONTAL_LINE, axial.handleAt(c.getX() + 30, c.getY() - 4.5), at);
            // 7 screen px from both lines grabs nothing: at fit (6.25) that is over an image pixel, at 20 a third.
            assertEquals(Handle.NONE, axial.handleAt(c.getX() + 7, c.getY() - 40), at);
            assertEquals(Handle.NONE, axial.handleAt(c.getX() - 60, c.getY() + 7), at);
            assertEquals(Handle.NONE, axial.handleAt(c.getX() + 50, c.getY() + 50), at);
        }
        // At fit the image (32 × 48 mm) leaves black bars left and right: the horizontal line is not drawn there.
        axial.transformProperty().set(axial.transformProperty().get().fitted());
        Point2D c = centre(axial);
        double imageLeft = toScreen(axial).transform(0, 0).getX();
        assertTrue(imageLeft > 40, "a bar left of the image: " + imageLeft);
        assertEquals(Handle.HORIZONTAL_LINE, axial.handleAt(imageLeft + 2, c.getY() + 1));
        assertEquals(Handle.NONE, axial.handleAt(imageLeft - 20, c.getY()));
    }

    @Test
    void with_the_crosshair_turned_the_hit_test_follows_the_turned_lines() throws Exception {
        MprViewModel mpr = mpr();
        MprPlaneViewModel axial = mpr.plane(Plane.AXIAL);
        axial.pointAt(16.5, 12.5);
        axial.turnCrosshair(30);
        assertEquals(30, axial.lineAngleProperty().get(), 1e-9);
        Point2D c = centre(axial);
        double radians = Math.toRadians(30);
        // Clockwise on the screen: the vertical line's downward direction (0, 1) turns to (−sin, cos).
        Point2D down = new Point2D(-Math.sin(radians), Math.cos(radians));
        Point2D right = new Point2D(Math.cos(radians), Math.sin(radians));
        Point2D onVertical = c.add(down.multiply(50)).add(right.multiply(3));
        Point2D onHorizontal = c.add(right.multiply(-50)).add(down.multiply(-3));
        assertEquals(Handle.VERTICAL_LINE, axial.handleAt(onVertical.getX(), onVertical.getY()));
        assertEquals(Handle.HORIZONTAL_LINE, axial.handleAt(onHorizontal.getX(), onHorizontal.getY()));
        // Straight below the centre, where the unturned vertical line would be: 50 sin 30° = 25 px from it now.
        assertEquals(Handle.NONE, axial.handleAt(c.getX(), c.getY() + 50));

        // Dragging the turned vertical line across itself moves the (oblique) sagittal plane only.
        int sagittal = mpr.plane(Plane.SAGITTAL).indexProperty().get();
        int coronal = mpr.plane(Plane.CORONAL).indexProperty().get();
        assertEquals(Handle.VERTICAL_LINE, axial.beginHandleDrag(onVertical.getX(), onVertical.getY()));
        Point2D to = onVertical.add(right.multiply(40)).add(down.multiply(25));
        axial.dragHandleTo(to.getX(), to.getY());
        axial.endHandleDrag();
        assertNotEquals(sagittal, mpr.plane(Plane.SAGITTAL).indexProperty().get(), "the sagittal plane moved");
        assertEquals(coronal, mpr.plane(Plane.CORONAL).indexProperty().get(), "the coronal plane stayed");
        assertEquals(new MprViewModel.Rotation(Plane.AXIAL, 30), mpr.rotation(), "still turned");
        // The centre moved 40 px across the vertical line (along the horizontal one), none of the 25 px along it.
        Point2D moved = centre(axial).subtract(c);
        assertEquals(40, moved.dotProduct(right), 1e-6);
        assertEquals(0, moved.dotProduct(down), 1e-6);

        // In the oblique coronal plane the lines are not turned: its horizontal line (the axial plane) dragged down
        // moves the axial plane alone, the oblique sagittal one stays.
        MprPlaneViewModel obliqueCoronal = mpr.plane(Plane.CORONAL);
        assertTrue(obliqueCoronal.isOblique());
        int axialIndex = axial.indexProperty().get();
        sagittal = mpr.plane(Plane.SAGITTAL).indexProperty().get();
        Point2D cc = centre(obliqueCoronal);
        assertEquals(Handle.HORIZONTAL_LINE, obliqueCoronal.beginHandleDrag(cc.getX() - 40, cc.getY() + 2));
        obliqueCoronal.dragHandleTo(cc.getX() - 10, cc.getY() + 2 + 60);
        obliqueCoronal.endHandleDrag();
        assertNotEquals(axialIndex, axial.indexProperty().get(), "the axial plane moved");
        assertEquals(sagittal, mpr.plane(Plane.SAGITTAL).indexProperty().get(), "the oblique sagittal plane stayed");
        assertEquals(new MprViewModel.Rotation(Plane.AXIAL, 30), mpr.rotation(), "still turned");
    }

    @Test
    void dragging_a_line_moves_its_plane_only_and_the_centre_moves_both() throws Exception {
        MprViewModel mpr = mpr();
        MprPlaneViewModel axial = mpr.plane(Plane.AXIAL);
        MprPlaneViewModel coronal = mpr.plane(Plane.CORONAL);
        MprPlaneViewModel sagittal = mpr.plane(Plane.SAGITTAL);
        axial.pointAt(10.5, 8.5);
        assertEquals(10, sagittal.indexProperty().get());
        assertEquals(8, coronal.indexProperty().get());
        double scale = toScreen(axial).getMxx();

        // The vertical line 3 px off, dragged 6 image pixels right and (ignored) 4 down: sagittal 16, coronal stays.
        Point2D c = centre(axial);
        assertEquals(Handle.VERTICAL_LINE, axial.beginHandleDrag(c.getX() + 3, c.getY() + 40));
        axial.dragHandleTo(c.getX() + 3 + 6 * scale, c.getY() + 40 + 4 * scale * 2);
        axial.endHandleDrag();
        assertEquals(16, sagittal.indexProperty().get());
        assertEquals(8, coronal.indexProperty().get());
        assertEquals(16.5, axial.crosshairColumnProperty().get(), 1e-9);
        assertEquals(8.5, axial.crosshairRowProperty().get(), 1e-9);

        // The centre, dragged 3 image pixels left and 5 rows up: both move.
        c = centre(axial);
        assertEquals(Handle.CENTRE, axial.beginHandleDrag(c.getX() + 2, c.getY() - 2));
        axial.dragHandleTo(c.getX() + 2 - 3 * scale, c.getY() - 2 - 5 * scale * 2);
        axial.endHandleDrag();
        assertEquals(13, sagittal.indexProperty().get());
        assertEquals(3, coronal.indexProperty().get());
        assertEquals(Handle.NONE, axial.draggedHandle());

        // Away from the lines nothing is grabbed, and a drag then moves nothing.
        c = centre(axial);
        assertEquals(Handle.NONE, axial.beginHandleDrag(c.getX() + 40, c.getY() + 40));
        axial.dragHandleTo(c.getX() + 90, c.getY() + 90);
        axial.endHandleDrag();
        assertEquals(13, sagittal.indexProperty().get());
        assertEquals(3, coronal.indexProperty().get());
    }

    @Test
    void the_pure_hit_test_prefers_the_centre_then_the_nearer_line() {
        double[] vertical = CrosshairHandles.lineDirection(0, 2, 0);
        double[] horizontal = CrosshairHandles.lineDirection(3, 0, 0);
        assertEquals(Handle.CENTRE, CrosshairHandles.at(108, 100, 100, 100, vertical, horizontal));
        assertEquals(Handle.VERTICAL_LINE, CrosshairHandles.at(104, 150, 100, 100, vertical, horizontal));
        assertEquals(Handle.HORIZONTAL_LINE, CrosshairHandles.at(20, 96, 100, 100, vertical, horizontal));
        assertEquals(Handle.NONE, CrosshairHandles.at(106, 150, 100, 100, vertical, horizontal));
        assertEquals(Handle.NONE, CrosshairHandles.at(106, 150, Double.NaN, 100, vertical, horizontal));
        double[] across = CrosshairHandles.acrossLine(5, 7, vertical);
        assertEquals(5, across[0], 1e-12);
        assertEquals(0, across[1], 1e-12);
        assertTrue(Math.abs(Math.hypot(vertical[0], vertical[1]) - 1) < 1e-12);
    }
}
