package org.radmamba.viewer.fx.view;

import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.WritableImage;
import javafx.scene.Node;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.input.ContextMenuEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.input.TransferMode;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.fx.measure.Measurement;
import org.radmamba.viewer.fx.ProjectionImage;
import org.radmamba.viewer.fx.model.AttributeRow;
import org.radmamba.viewer.fx.model.Layout;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.Tool;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.viewport.ImageViewport;
import org.radmamba.viewer.fx.viewport.WindowLevelDrag;
import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.FlatGreySeries;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main window, headless (Monocle), with real worker threads and real generated DICOM files: what a user
 * sees after dropping a folder, dragging the window, scrolling and measuring.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest extends MainWindowFxTest {

    /** 128 px at 1.5 mm, 8 slices, no noise: displayed values follow from the phantom's HU exactly. */
    static final DemoStudy.Spec SPEC = new DemoStudy.Spec(128, 8, 1.5, 5, 0, false);

    @TempDir
    static Path temp;

    @Start
    void start(Stage stage) {
        show(stage, 1200, 800);
    }

    private static Path study(String name) throws IOException {
        Path folder = temp.resolve(name);
        if (!Files.exists(folder)) {
            DemoStudy.generate(folder, SPEC);
        }
        return folder;
    }

    private void dropAndWait(FxRobot robot, Path folder) throws Exception {
        robot.interact(() -> window.openDropped(List.of(folder.toFile())));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !viewModel.series().isEmpty() && !viewModel.scanningProperty().get()
                && viewModel.viewport(0).imageProperty().get() != null
                && viewModel.viewport(0).voiProperty().get() != null);
        waitForPacedUpdates();
    }

    /** Whether a study browser cell shows {@code content}. */
    private static boolean shows(TreeCell<?> cell, Object content) {
        return !cell.isEmpty() && cell.getItem() instanceof StudyBrowserView.Row r && r.content() == content;
    }

    /** Until the browser and the attribute table have taken their paced updates (a pulse or a few). */
    private void waitForPacedUpdates() throws Exception {
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> onFx(() -> window.pacer().isIdle()));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** A CT series and a DX image dropped together, each shown in one of the first two viewports of {@code layout}. */
    private CtAndDx openCtAndDx(FxRobot robot, String name, Layout layout) throws Exception {
        Path ct = study(name);
        Path dx = ProjectionImage.write(temp.resolve(name + "-dx"), 0.143, Double.NaN);
        robot.interact(() -> viewModel.layoutProperty().set(layout));
        robot.interact(() -> window.openDropped(List.of(ct.toFile(), dx.toFile())));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> viewModel.series().size() == 2
                && viewModel.viewport(0).voiProperty().get() != null
                && viewModel.viewport(1).imageProperty().get() != null);
        waitForPacedUpdates();
        return new CtAndDx(entryOf("CT"), entryOf("DX"));
    }

    private record CtAndDx(SeriesEntry ct, SeriesEntry dx) {
    }

    private SeriesEntry entryOf(String modality) {
        return viewModel.series().stream().filter(e -> e.series().modality().equals(modality)).findFirst()
                .orElseThrow();
    }

    private ViewportViewModel first() {
        return viewModel.viewport(0);
    }

    private ImageViewport firstViewport() {
        return window.viewportViews().getFirst().viewport();
    }

    private double hu(int shownSlice, int col, int row) {
        SeriesEntry entry = viewModel.series().getFirst();
        String name = entry.instance(entry.slices().get(shownSlice).instanceIndex()).file().getFileName().toString();
        int generated = Integer.parseInt(name.substring(3, 6)) - 1;
        return DemoStudy.slice(SPEC.size(), (double) generated / (SPEC.slices() - 1))[row * SPEC.size() + col] - 1024;
    }

    /** PS3.3 C.11.2.1.2.1, LINEAR, written out independently of the pipeline. */
    private static int linear(double x, double c, double w) {
        if (x <= c - 0.5 - (w - 1) / 2) {
            return 0;
        }
        if (x > c - 0.5 + (w - 1) / 2) {
            return 255;
        }
        return (int) Math.round(((x - (c - 0.5)) / (w - 1) + 0.5) * 255);
    }

    private int displayed(int col, int row) {
        return first().imageProperty().get().getPixelReader().getArgb(col, row) & 0xFF;
    }

    private Point2D screenCentreOfViewport() {
        Bounds b = firstViewport().localToScreen(firstViewport().getBoundsInLocal());
        return new Point2D(b.getCenterX(), b.getCenterY());
    }

    @Test
    void dropping_a_folder_lists_its_series_and_shows_its_first_image(FxRobot robot) throws Exception {
        dropAndWait(robot, study("drop"));
        SeriesEntry entry = viewModel.series().getFirst();
        assertEquals(8, entry.slices().size());
        assertEquals(entry, first().seriesProperty().get());
        // The browser shows patient > study > series.
        var patients = window.browser().tree().getRoot().getChildren();
        assertEquals(1, patients.size());
        assertEquals(entry, patients.getFirst().getChildren().getFirst().getChildren().getFirst().getValue().content());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> entry.thumbnailProperty().get() != null);
        // The file's first window (40/400) is applied to what the viewport shows.
        assertEquals(linear(hu(0, 64, 40), 40, 400), displayed(64, 40));
    }

    @Test
    void files_dragged_onto_the_window_are_accepted_as_a_copy_and_dropping_them_opens_their_series(FxRobot robot)
            throws Exception {
        Path folder = study("dragged");
        AtomicReference<TransferMode> accepted = new AtomicReference<>();
        AtomicReference<Boolean> completed = new AtomicReference<>();
        robot.interact(() -> {
            FileDrag drag = new FileDrag(List.of(folder.toFile()));
            // Over the (empty) viewport, where users drop; the events bubble up to the window.
            accepted.set(drag.dragOver(firstViewport()));
            completed.set(drag.drop(firstViewport()));
        });
        assertEquals(TransferMode.COPY, accepted.get());
        assertTrue(completed.get());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !viewModel.series().isEmpty() && !viewModel.scanningProperty().get()
                && first().imageProperty().get() != null);
        waitForPacedUpdates();
        assertEquals(8, viewModel.series().getFirst().slices().size());
        assertEquals(List.of(folder.toAbsolutePath()), List.copyOf(viewModel.recentPaths()));
        var studies = window.browser().tree().getRoot().getChildren().getFirst().getChildren();
        assertEquals(viewModel.series().getFirst(), studies.getFirst().getChildren().getFirst().getValue().content());
    }

    @Test
    void a_drag_without_files_is_not_accepted(FxRobot robot) {
        AtomicReference<TransferMode> accepted = new AtomicReference<>(TransferMode.LINK);
        robot.interact(() -> accepted.set(new FileDrag(List.of()).dragOverWithText(window.browser(), "some text")));
        assertNull(accepted.get());
    }

    @Test
    void a_right_drag_moves_the_window_and_the_pixels_follow_the_linear_formula(FxRobot robot) throws Exception {
        dropAndWait(robot, study("wl"));
        Voi.Window before = (Voi.Window) first().voiProperty().get();
        AtomicReference<Double> range = new AtomicReference<>();
        robot.interact(() -> range.set(new WindowLevelDrag(new org.radmamba.viewer.fx.viewport.WindowLevel(40, 400),
                first().currentValues() == null ? 1 : fullRange()).unitsPerPixel()));
        Point2D centre = screenCentreOfViewport();
        robot.moveTo(centre).press(MouseButton.SECONDARY).moveBy(60, 30).release(MouseButton.SECONDARY);
        waitForPacedUpdates();
        Voi.Window after = (Voi.Window) first().voiProperty().get();
        assertEquals(before.width() + 60 * range.get(), after.width(), 1e-6);
        assertEquals(before.center() + 30 * range.get(), after.center(), 1e-6);
        for (int[] p : new int[][] {{64, 40}, {64, 64}, {20, 64}, {64, 110}, {2, 2}}) {
            assertEquals(linear(hu(0, p[0], p[1]), after.center(), after.width()), displayed(p[0], p[1]),
                    "pixel " + Arrays.toString(p));
        }
    }

    private double fullRange() {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        var values = first().currentValues();
        for (int y = 0; y < values.height(); y++) {
            for (int x = 0; x < values.width(); x++) {
                min = Math.min(min, values.real(x, y));
                max = Math.max(max, values.real(x, y));
            }
        }
        return max - min + 1;
    }

    @Test
    void the_mouse_wheel_shows_the_slice_it_scrolls_to(FxRobot robot) throws Exception {
        dropAndWait(robot, study("scroll"));
        // Three notches of a wheel turned towards the user, as JavaFX reports them (negative deltaY). Fired
        // directly: TestFX's glass robot on Monocle reports "down" with a positive deltaY, the opposite of a mouse.
        for (int i = 0; i < 3; i++) {
            robot.interact(() -> javafx.event.Event.fireEvent(firstViewport(), wheelTowardsUser()));
        }
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> first().sliceProperty().get() == 3);
        waitForPacedUpdates();
        Voi.Window w = (Voi.Window) first().voiProperty().get();
        int mismatches = 0;
        for (int row = 0; row < 128; row += 3) {
            for (int col = 0; col < 128; col += 3) {
                if (displayed(col, row) != linear(hu(3, col, row), w.center(), w.width())) {
                    mismatches++;
                }
            }
        }
        assertEquals(0, mismatches);
        assertTrue(first().topRightProperty().get().contains("Image 4 / 8"), first().topRightProperty().get());
        assertEquals(3, (int) Math.round(window.viewportViews().getFirst().sliceBar().getValue()));
    }

    private javafx.scene.input.ScrollEvent wheelTowardsUser() {
        return wheelNotch(-1, false);
    }

    /** One notch of the wheel at the first viewport's centre: -1 towards the user, +1 away; with Ctrl or not. */
    private javafx.scene.input.ScrollEvent wheelNotch(int direction, boolean control) {
        double x = firstViewport().getWidth() / 2;
        double y = firstViewport().getHeight() / 2;
        Point2D screen = firstViewport().localToScreen(x, y);
        return new javafx.scene.input.ScrollEvent(javafx.scene.input.ScrollEvent.SCROLL, x, y, screen.getX(),
                screen.getY(), false, control, false, false, false, false, 0, 40 * direction, 0, 40 * direction,
                javafx.scene.input.ScrollEvent.HorizontalTextScrollUnits.NONE, 0,
                javafx.scene.input.ScrollEvent.VerticalTextScrollUnits.LINES, direction, 0, null);
    }

    @Test
    void a_distance_drawn_with_the_mouse_reads_millimetres_from_pixel_spacing(FxRobot robot) throws Exception {
        dropAndWait(robot, study("distance"));
        robot.interact(() -> viewModel.toolProperty().set(Tool.DISTANCE));
        Point2D centre = screenCentreOfViewport();
        robot.moveTo(centre.add(-100, 0)).press(MouseButton.PRIMARY).moveBy(100, 0).moveBy(100, 0)
                .release(MouseButton.PRIMARY);
        waitForPacedUpdates();
        List<Measurement> measurements = first().measurementsProperty().get();
        assertEquals(1, measurements.size());
        Measurement.Distance d = (Measurement.Distance) measurements.getFirst();
        // 200 screen pixels across a fitted 128-px image in a viewport of known size.
        double zoom = firstViewport().imageToScreen().getMxx();
        double expectedPixels = 200 / zoom;
        assertEquals(expectedPixels, Math.abs(d.to().x() - d.from().x()), 0.05);
        assertEquals(0, d.to().y() - d.from().y(), 0.05);
        AtomicReference<String> label = new AtomicReference<>();
        robot.interact(() -> label.set(first().labelOf(d)));
        assertEquals(String.format("%.1f mm", Math.abs(d.to().x() - d.from().x()) * 1.5), label.get());
        // Zooming keeps the measurement on its image points.
        robot.interact(() -> first().zoomBy(2));
        assertEquals(d, first().measurementsProperty().get().getFirst());
        robot.interact(() -> first().scrollBy(1));
        assertTrue(first().measurementsProperty().get().isEmpty());
        robot.interact(() -> first().scrollBy(-1));
        assertEquals(List.of(d), List.copyOf(first().measurementsProperty().get()));
    }

    @Test
    void an_angle_and_an_ellipse_drawn_with_the_mouse_read_their_values_and_stay_on_their_image_points(FxRobot robot)
            throws Exception {
        dropAndWait(robot, study("shapes"));
        Point2D centre = screenCentreOfViewport();
        // Angle: the first arm dragged towards the vertex, then a click for the second arm.
        robot.interact(() -> viewModel.toolProperty().set(Tool.ANGLE));
        robot.moveTo(centre.add(-80, 0)).press(MouseButton.PRIMARY).moveBy(40, 0).moveBy(40, 0)
                .release(MouseButton.PRIMARY);
        robot.moveTo(centre.add(0, -80)).clickOn(MouseButton.PRIMARY);
        // Ellipse: dragged corner to corner of its bounding box.
        robot.interact(() -> viewModel.toolProperty().set(Tool.ELLIPSE));
        robot.moveTo(centre.add(-60, -40)).press(MouseButton.PRIMARY).moveBy(60, 40).moveBy(60, 40)
                .release(MouseButton.PRIMARY);
        waitForPacedUpdates();

        List<Measurement> measurements = List.copyOf(first().measurementsProperty().get());
        assertEquals(2, measurements.size(), measurements.toString());
        Measurement.Angle angle = (Measurement.Angle) measurements.get(0);
        Measurement.EllipseRoi ellipse = (Measurement.EllipseRoi) measurements.get(1);
        double zoom = firstViewport().imageToScreen().getMxx();
        assertEquals(80 / zoom, Math.abs(angle.first().x() - angle.vertex().x()), 0.05);
        assertEquals(80 / zoom, Math.abs(angle.second().y() - angle.vertex().y()), 0.05);
        assertEquals("90.0°", onFx(() -> first().labelOf(angle)));
        assertEquals(120 / zoom, ellipse.maxX() - ellipse.minX(), 0.05);
        assertEquals(80 / zoom, ellipse.maxY() - ellipse.minY(), 0.05);
        String statistics = onFx(() -> first().labelOf(ellipse));
        assertTrue(statistics.startsWith("mean ") && statistics.contains(" SD ") && statistics.contains("min ")
                && statistics.contains(" max ") && statistics.endsWith(" mm²"), statistics);

        // Drawn where their image points are on screen, before and after a zoom and a pan.
        List<Point2D> before = handlesOnScreen();
        assertEquals(expectedHandles(measurements), before);
        robot.interact(() -> first().zoomBy(1.5));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(expectedHandles(measurements), handlesOnScreen());
        robot.interact(() -> first().panBy(37, -21));
        WaitForAsyncUtils.waitForFxEvents();
        List<Point2D> after = handlesOnScreen();
        assertEquals(expectedHandles(measurements), after);
        assertTrue(java.util.stream.IntStream.range(0, before.size()).allMatch(i -> before.get(i).distance(after.get(i)) > 5)
                && java.util.stream.IntStream.range(0, before.size()).anyMatch(i -> before.get(i).distance(after.get(i)) > 30),
                "the figures moved with the image: " + before + " -> " + after);
    }

    /** The centres of the measurement handles drawn in the first viewport, rounded to 0.01 px. */
    private List<Point2D> handlesOnScreen() throws Exception {
        return onFx(() -> firstViewport().measurementLayer().getChildrenUnmodifiable().stream()
                .filter(n -> n instanceof javafx.scene.shape.Circle)
                .map(n -> (javafx.scene.shape.Circle) n)
                .map(c -> rounded(new Point2D(c.getCenterX(), c.getCenterY()))).toList());
    }

    /** Where the first viewport maps the measurements' points, rounded to 0.01 px. */
    private List<Point2D> expectedHandles(List<Measurement> measurements) throws Exception {
        return onFx(() -> measurements.stream().flatMap(m -> m.points().stream())
                .map(p -> rounded(firstViewport().imageToScreen().transform(p.x(), p.y()))).toList());
    }

    private static Point2D rounded(Point2D p) {
        return new Point2D(Math.round(p.getX() * 100) / 100.0, Math.round(p.getY() * 100) / 100.0);
    }

    @Test
    void a_series_goes_to_the_viewport_it_is_dropped_on_or_to_the_active_one_on_a_double_click(FxRobot robot)
            throws Exception {
        CtAndDx opened = openCtAndDx(robot, "placing", Layout.TWO_BY_TWO);
        SeriesEntry ctEntry = opened.ct();
        SeriesEntry dxEntry = opened.dx();

        // Dragged from the browser (its drag carries the series' index) and dropped on the fourth viewport.
        ViewportView fourth = window.viewportViews().get(3);
        AtomicReference<TransferMode> accepted = new AtomicReference<>();
        AtomicReference<Boolean> dropped = new AtomicReference<>();
        robot.interact(() -> {
            FileDrag drag = new FileDrag(List.of());
            accepted.set(drag.dragOverWithText(fourth, ViewportView.SERIES_DRAG_PREFIX + viewModel.series().indexOf(dxEntry)));
            dropped.set(drag.drop(fourth));
        });
        assertEquals(TransferMode.COPY, accepted.get());
        assertTrue(dropped.get());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> viewModel.viewport(3).imageProperty().get() != null);
        assertEquals(dxEntry, viewModel.viewport(3).seriesProperty().get());

        // A double-click in the browser: the active viewport.
        robot.interact(() -> viewModel.activeViewportProperty().set(2));
        robot.doubleClickOn(robot.lookup(".tree-cell").match((TreeCell<?> c) -> shows(c, ctEntry)).<Node>query());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> viewModel.viewport(2).imageProperty().get() != null);
        assertEquals(ctEntry, viewModel.viewport(2).seriesProperty().get());
        assertEquals(dxEntry, viewModel.viewport(3).seriesProperty().get(), "the dropped series stays where it went");
    }

    @Test
    void a_broken_file_in_a_dropped_folder_is_listed_and_the_good_series_still_opens(FxRobot robot) throws Exception {
        Path folder = study("broken");
        Path broken = folder.resolve("CT").resolve("scan-garbage.dcm");
        Files.writeString(broken, "not DICOM at all");
        robot.interact(() -> window.openDropped(List.of(folder.toFile())));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !viewModel.failures().isEmpty()
                && first().imageProperty().get() != null);
        waitForPacedUpdates();
        FailurePanel panel = window.failurePanel();
        assertTrue(panel.isVisible());
        assertEquals("1 file could not be opened", panel.title().getText());
        assertEquals(broken.toAbsolutePath().normalize(), panel.list().getItems().getFirst().file());
        assertEquals(8, viewModel.series().getFirst().slices().size());
        robot.clickOn("Dismiss");
        waitForPacedUpdates();
        assertTrue(!panel.isVisible());
    }

    @Test
    void the_corner_texts_draw_in_their_four_corners_and_nowhere_else_and_go_when_switched_off(FxRobot robot)
            throws Exception {
        dropAndWait(robot, study("corner"));
        // The probe fills the bottom-right corner: hover over the image.
        robot.moveTo(screenCentreOfViewport());
        waitForPacedUpdates();
        assertTrue(first().bottomRightProperty().get().startsWith("x "), first().bottomRightProperty().get());
        WritableImage with = snapshotOfViewport(robot);
        robot.interact(() -> viewModel.cornerTextVisibleProperty().set(false));
        waitForPacedUpdates();
        WritableImage without = snapshotOfViewport(robot);

        // Text is what differs between the two shots; the image under it is the same.
        int w = (int) with.getWidth();
        int h = (int) with.getHeight();
        int[] perCorner = new int[4];
        int elsewhere = 0;
        int[] minX = {w, w, w, w};
        int[] maxX = {-1, -1, -1, -1};
        int[] minY = {h, h, h, h};
        int[] maxY = {-1, -1, -1, -1};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (with.getPixelReader().getArgb(x, y) == without.getPixelReader().getArgb(x, y)) {
                    continue;
                }
                // Corner boxes: 45% of the width from a side, 25% of the height from the top or the bottom.
                boolean left = x < w * 0.45;
                boolean right = x >= w * 0.55;
                boolean top = y < h * 0.25;
                boolean bottom = y >= h * 0.75;
                int corner = top && left ? 0 : top && right ? 1 : bottom && left ? 2 : bottom && right ? 3 : -1;
                if (corner < 0) {
                    elsewhere++;
                    continue;
                }
                perCorner[corner]++;
                minX[corner] = Math.min(minX[corner], x);
                maxX[corner] = Math.max(maxX[corner], x);
                minY[corner] = Math.min(minY[corner], y);
                maxY[corner] = Math.max(maxY[corner], y);
            }
        }
        assertEquals(0, elsewhere, "text outside the corners");
        String[] names = {"top-left", "top-right", "bottom-left", "bottom-right"};
        for (int c = 0; c < 4; c++) {
            assertTrue(perCorner[c] > 30, names[c] + " corner holds no text");
        }
        // Each block hugs its own corner, within the 6 px margin and a few pixels of glyph bearing.
        int edge = 12;
        assertTrue(minX[0] <= edge && minY[0] <= edge, "top-left text at " + minX[0] + "," + minY[0]);
        assertTrue(maxX[1] >= w - edge && minY[1] <= edge, "top-right text at " + maxX[1] + "," + minY[1]);
        assertTrue(minX[2] <= edge && maxY[2] >= h - edge, "bottom-left text at " + minX[2] + "," + maxY[2]);
        assertTrue(maxX[3] >= w - edge && maxY[3] >= h - edge, "bottom-right text at " + maxX[3] + "," + maxY[3]);
        // The top-right block has five lines (description, series, image n/m, position, thickness); the
        // top-left four (name, ID, date, study): the right one reaches lower.
        assertTrue(maxY[1] > maxY[0], "top-right " + maxY[1] + " vs top-left " + maxY[0]);
        // Switched off, the corners are the image's own pixels: air, black at the file's 40/400 window.
        assertEquals(0, bright(without, 0, 0, 150, 50));
    }

    private WritableImage snapshotOfViewport(FxRobot robot) {
        AtomicReference<WritableImage> shot = new AtomicReference<>();
        robot.interact(() -> shot.set(firstViewport().snapshot(new SnapshotParameters(), null)));
        return shot.get();
    }

    /** Bright pixels in a rectangle of a snapshot. */
    private static int bright(WritableImage image, int x0, int y0, int width, int height) {
        int count = 0;
        for (int y = y0; y < y0 + height; y++) {
            for (int x = x0; x < x0 + width; x++) {
                if ((image.getPixelReader().getArgb(x, y) & 0xFF) > 100) {
                    count++;
                }
            }
        }
        return count;
    }

    /** The browser's top-level row of {@code tag}, or null; on the FX thread. */
    private TreeItem<AttributeBrowserView.Line> rowOf(int tag) {
        return window.attributes().table().getRoot().getChildren().stream()
                .filter(i -> i.getValue().row().tag() == tag).findFirst().orElse(null);
    }

    private TreeItem<AttributeBrowserView.Line> attributeRow(int tag) throws Exception {
        return onFx(() -> rowOf(tag));
    }

    private boolean browserShowsInstanceNumberOfSlice(int slice) throws Exception {
        return onFx(() -> {
            TreeItem<AttributeBrowserView.Line> row = rowOf(Tag.INSTANCE_NUMBER);
            SeriesEntry entry = viewModel.series().getFirst();
            int expected = entry.instance(entry.slices().get(slice).instanceIndex()).instanceNumber();
            return row != null && row.getValue().valueProperty().get().equals(Integer.toString(expected));
        });
    }

    @Test
    void the_attribute_browser_follows_the_image_in_view_and_updates_its_rows_in_place(FxRobot robot)
            throws Exception {
        dropAndWait(robot, study("attributes"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> browserShowsInstanceNumberOfSlice(0));
        TreeItem<AttributeBrowserView.Line> patientName = attributeRow(Tag.PATIENT_NAME);
        assertEquals("DEMO^PHANTOM", patientName.getValue().valueProperty().get());

        robot.interact(() -> first().setSlice(5));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> browserShowsInstanceNumberOfSlice(5));
        // Rows whose text did not change are the same tree items: nothing was rebuilt.
        assertTrue(patientName == attributeRow(Tag.PATIENT_NAME), "the patient's row was kept");

        // Another study's image: its own attributes.
        dropAndWait(robot, study("attributes-2"));
        robot.interact(() -> viewModel.showSeries(viewModel.series().getLast(), 0));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> onFx(() -> {
            var uid = rowOf(Tag.SOP_INSTANCE_UID);
            return uid != null && uid.getValue().valueProperty().get()
                    .equals(first().instanceProperty().get().sopInstanceUid());
        }));
    }

    @Test
    void a_hidden_attribute_browser_reads_nothing_and_shows_the_image_in_view_when_shown_again(FxRobot robot)
            throws Exception {
        dropAndWait(robot, study("hidden"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> browserShowsInstanceNumberOfSlice(0));
        robot.interact(() -> window.attributes().setVisible(false));
        assertTrue(!viewModel.attributes().activeProperty().get());

        String shownFile = viewModel.attributes().messageProperty().get();
        robot.interact(() -> first().setSlice(3));
        robot.interact(() -> first().setSlice(6));
        // A read would have started at once ("Reading ..."); hidden, the browser keeps what it showed.
        assertEquals(shownFile, viewModel.attributes().messageProperty().get());
        assertTrue(browserShowsInstanceNumberOfSlice(0), "no header read while hidden");

        robot.interact(() -> window.attributes().setVisible(true));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> browserShowsInstanceNumberOfSlice(6));
    }

    @Test
    void nested_sequences_are_sub_trees_updated_in_place_and_the_search_expands_them(FxRobot robot)
            throws Exception {
        AttributeRow item1 = new AttributeRow(-1, "Item 1", "", List.of(
                new AttributeRow(0x00081150, "Referenced SOP Class UID", "1.2.3", List.of()),
                new AttributeRow(0x00081155, "Referenced SOP Instance UID", "1.2.3.4", List.of())));
        AttributeRow sequence = new AttributeRow(0x00081140, "Referenced Image Sequence", "1 item", List.of(item1));
        AttributeRow name = new AttributeRow(Tag.PATIENT_NAME, "Patient Name", "DOE^JANE", List.of());
        robot.interact(() -> viewModel.attributes().rowsProperty().set(List.of(name, sequence)));
        TreeItem<AttributeBrowserView.Line> seq = attributeRow(0x00081140);
        TreeItem<AttributeBrowserView.Line> item = seq.getChildren().getFirst();
        TreeItem<AttributeBrowserView.Line> instanceUid = item.getChildren().get(1);
        assertEquals("1.2.3.4", instanceUid.getValue().valueProperty().get());
        assertTrue(!seq.isExpanded(), "collapsed without a search");

        // The next image: another referenced instance, and a second item.
        AttributeRow newItem1 = new AttributeRow(-1, "Item 1", "", List.of(item1.children().get(0),
                new AttributeRow(0x00081155, "Referenced SOP Instance UID", "1.2.3.5", List.of())));
        AttributeRow item2 = new AttributeRow(-1, "Item 2", "", List.of(
                new AttributeRow(0x00081155, "Referenced SOP Instance UID", "1.2.3.6", List.of())));
        robot.interact(() -> viewModel.attributes().rowsProperty().set(List.of(name,
                new AttributeRow(0x00081140, "Referenced Image Sequence", "2 items", List.of(newItem1, item2)))));
        assertTrue(seq == attributeRow(0x00081140) && item == seq.getChildren().getFirst()
                && instanceUid == item.getChildren().get(1), "the sub-tree's items are kept");
        assertEquals("1.2.3.5", instanceUid.getValue().valueProperty().get());
        assertEquals("2 items", seq.getValue().valueProperty().get());
        assertEquals(2, onFx(() -> seq.getChildren().size()));
        assertEquals("1.2.3.6", onFx(() -> seq.getChildren().get(1).getChildren().getFirst().getValue()
                .valueProperty().get()));

        // A search keeps the sequence (something inside matches), expanded, with only the matching part.
        robot.interact(() -> viewModel.attributes().filterProperty().set("1.2.3.6"));
        assertEquals(List.of(0x00081140), onFx(() -> window.attributes().table().getRoot().getChildren().stream()
                .map(i -> i.getValue().row().tag()).toList()));
        assertTrue(onFx(() -> rowOf(0x00081140).isExpanded()));
        assertEquals(List.of("Item 2"), onFx(() -> rowOf(0x00081140).getChildren().stream()
                .map(i -> i.getValue().row().name()).toList()));
    }

    private void setAttributeRows(FxRobot robot, List<AttributeRow> rows) throws Exception {
        robot.interact(() -> viewModel.attributes().rowsProperty().set(rows));
        waitForPacedUpdates();
    }

    private List<TreeItem<AttributeBrowserView.Line>> attributeItems() throws Exception {
        return onFx(() -> List.copyOf(window.attributes().table().getRoot().getChildren()));
    }

    /** The texts the table's cells show now, as laid out. */
    private List<String> attributeCellTexts(FxRobot robot) throws Exception {
        robot.interact(() -> window.attributes().table().layout());
        return onFx(() -> robot.lookup(".tree-table-cell").queryAllAs(javafx.scene.control.TreeTableCell.class)
                .stream().filter(c -> !c.isEmpty() && c.isVisible() && c.getText() != null)
                .map(javafx.scene.control.Labeled::getText).toList());
    }

    @Test
    void the_attribute_table_keeps_its_items_blank_without_an_image_and_shows_the_next_images_rows_in_them(
            FxRobot robot) throws Exception {
        AttributeRow item = new AttributeRow(-1, "Item 1", "", List.of(
                new AttributeRow(0x00081155, "Referenced SOP Instance UID", "1.2.3.4", List.of())));
        setAttributeRows(robot, List.of(new AttributeRow(Tag.PATIENT_NAME, "Patient Name", "DOE^JANE", List.of()),
                new AttributeRow(0x00081140, "Referenced Image Sequence", "1 item", List.of(item))));
        List<TreeItem<AttributeBrowserView.Line>> items = attributeItems();
        assertEquals(2, items.size());
        robot.interact(() -> items.get(1).setExpanded(true));

        // No image (the study closed): the rows on screen stay, blank and folded, and show nothing.
        setAttributeRows(robot, List.of());
        assertEquals(items, attributeItems(), "the same tree items");
        for (TreeItem<AttributeBrowserView.Line> i : items) {
            assertEquals("", i.getValue().tagProperty().get() + i.getValue().nameProperty().get()
                    + i.getValue().valueProperty().get());
            assertTrue(!i.isExpanded() && onFx(() -> i.getChildren().isEmpty()));
        }
        assertTrue(attributeCellTexts(robot).stream().allMatch(String::isEmpty), "no text on screen");

        // Another study's image with other attributes: its rows take the same items, a nested sequence included.
        AttributeRow series = new AttributeRow(-1, "Item 1", "", List.of(
                new AttributeRow(Tag.SERIES_INSTANCE_UID, "Series Instance UID", "9.8.7", List.of())));
        List<AttributeRow> next = List.of(new AttributeRow(Tag.SOP_INSTANCE_UID, "SOP Instance UID", "5.6.7", List.of()),
                new AttributeRow(0x00081115, "Referenced Series Sequence", "1 item", List.of(series)),
                new AttributeRow(Tag.STUDY_DATE, "Study Date", "20260101", List.of()));
        setAttributeRows(robot, next);
        List<TreeItem<AttributeBrowserView.Line>> shown = attributeItems();
        assertEquals(3, shown.size());
        assertTrue(shown.get(0) == items.get(0) && shown.get(1) == items.get(1), "the items were taken over");
        assertEquals(List.of("5.6.7", "1 item", "20260101"),
                shown.stream().map(i -> i.getValue().valueProperty().get()).toList());
        assertEquals("(0008,0018)", shown.get(0).getValue().tagProperty().get());
        assertEquals(Tag.SOP_INSTANCE_UID, shown.get(0).getValue().row().tag());
        assertTrue(!shown.get(1).isExpanded(), "a taken-over item starts folded, as a new one");
        assertEquals("9.8.7", onFx(() -> shown.get(1).getChildren().getFirst().getChildren().getFirst().getValue()
                .valueProperty().get()));
        assertTrue(attributeCellTexts(robot).containsAll(List.of("(0008,0018)", "SOP Instance UID", "5.6.7",
                "Referenced Series Sequence", "20260101")), "the cells show the new rows");
        assertTrue(!attributeCellTexts(robot).contains("DOE^JANE"));

        // A search shows only the matching part, expanded; one that matches nothing blanks the rows; clearing it
        // shows every row again.
        robot.interact(() -> viewModel.attributes().filterProperty().set("9.8.7"));
        assertEquals(List.of(0x00081115), attributeItems().stream().map(i -> i.getValue().row().tag()).toList());
        assertTrue(attributeItems().getFirst().isExpanded());
        assertEquals("9.8.7", onFx(() -> attributeItems().getFirst().getChildren().getFirst().getChildren()
                .getFirst().getValue().valueProperty().get()));
        robot.interact(() -> viewModel.attributes().filterProperty().set("no such value"));
        assertTrue(attributeItems().stream().allMatch(i -> i.getValue().valueProperty().get().isEmpty()));
        robot.interact(() -> viewModel.attributes().filterProperty().set(""));
        assertEquals(List.of("5.6.7", "1 item", "20260101"),
                attributeItems().stream().map(i -> i.getValue().valueProperty().get()).toList());
        assertTrue(attributeItems().stream().noneMatch(TreeItem::isExpanded), "folded again without a search");
    }

    @Test
    void keyboard_shortcuts_change_the_layout_run_cine_focus_the_search_and_dismiss_failures(FxRobot robot)
            throws Exception {
        dropAndWait(robot, study("keys"));
        robot.clickOn(firstViewport());
        assertEquals(Layout.ONE, viewModel.layoutProperty().get());
        robot.push(KeyCode.CONTROL, KeyCode.L);
        assertEquals(Layout.ONE_BY_TWO, viewModel.layoutProperty().get());
        robot.push(KeyCode.CONTROL, KeyCode.L);
        assertEquals(Layout.TWO_BY_TWO, viewModel.layoutProperty().get());
        robot.push(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.DIGIT1);
        assertEquals(Layout.ONE, viewModel.layoutProperty().get());

        robot.push(KeyCode.SPACE);
        assertTrue(first().cineRunningProperty().get(), "Space starts cine");
        robot.push(KeyCode.CLOSE_BRACKET);
        robot.push(KeyCode.CLOSE_BRACKET);
        assertEquals(12, first().cineFramesPerSecondProperty().get(), 1e-9);
        robot.push(KeyCode.OPEN_BRACKET);
        assertEquals(11, first().cineFramesPerSecondProperty().get(), 1e-9);
        // Cine moves through the slices.
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> first().sliceProperty().get() > 0);
        robot.push(KeyCode.SPACE);
        assertTrue(!first().cineRunningProperty().get(), "Space stops cine");

        robot.push(KeyCode.CONTROL, KeyCode.F);
        assertEquals(window.attributes().search(), window.getScene().getFocusOwner());
        // Typing there is typing, not the bare-key shortcuts (P: pan tool, ]: faster cine).
        robot.write("pixel]");
        assertEquals("pixel]", window.attributes().search().getText());
        assertEquals(Tool.WINDOW_LEVEL, viewModel.toolProperty().get());
        assertEquals(11, first().cineFramesPerSecondProperty().get(), 1e-9);
        robot.push(KeyCode.ESCAPE);
        assertEquals(firstViewport(), window.getScene().getFocusOwner());
        robot.push(KeyCode.P);
        assertEquals(Tool.PAN, viewModel.toolProperty().get());

        robot.interact(() -> viewModel.failures().add(new FailedFile(Path.of("x.dcm"), "not DICOM")));
        assertTrue(window.failurePanel().isVisible());
        robot.push(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.D);
        assertTrue(!window.failurePanel().isVisible(), "Ctrl+Shift+D dismisses the failure list");
    }

    @Test
    void the_study_browser_adds_and_removes_series_in_place_keeping_selection_expansion_and_thumbnails(FxRobot robot)
            throws Exception {
        dropAndWait(robot, study("browser-incremental"));
        SeriesEntry ct = viewModel.series().getFirst();
        var root = window.browser().tree().getRoot();
        TreeItem<StudyBrowserView.Row> ctPatient = root.getChildren().getFirst();
        TreeItem<StudyBrowserView.Row> ctStudy = ctPatient.getChildren().getFirst();
        TreeItem<StudyBrowserView.Row> ctSeries = ctStudy.getChildren().getFirst();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> ct.thumbnailProperty().get() != null);
        robot.interact(() -> {
            window.browser().tree().getSelectionModel().select(ctStudy);
            // The user folds the study: a later change of the list must not unfold it.
            ctStudy.setExpanded(false);
        });

        Path dx = ProjectionImage.write(temp.resolve("browser-incremental-dx"), 0.143, Double.NaN);
        robot.interact(() -> window.openDropped(List.of(dx.toFile())));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> viewModel.series().size() == 2);
        waitForPacedUpdates();
        SeriesEntry dxEntry = viewModel.series().get(1);
        assertEquals(2, root.getChildren().size(), "the DX patient is added after the CT one");
        assertTrue(root.getChildren().getFirst() == ctPatient && ctPatient.getChildren().getFirst() == ctStudy
                && ctStudy.getChildren().getFirst() == ctSeries, "the CT rows are the same items");
        assertTrue(!ctStudy.isExpanded(), "the folded study stays folded");
        assertEquals(ctStudy, window.browser().tree().getSelectionModel().getSelectedItem());
        TreeItem<StudyBrowserView.Row> dxSeries = root.getChildren().get(1).getChildren().getFirst().getChildren()
                .getFirst();
        assertEquals(dxEntry, dxSeries.getValue().content());

        // The new series' row on screen: its count, and its thumbnail once decoded, in a slot of a fixed size.
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> dxEntry.thumbnailProperty().get() != null);
        waitForPacedUpdates();
        TreeCell<?> dxCell = robot.lookup(".tree-cell").match((TreeCell<?> c) -> shows(c, dxEntry)).query();
        assertTrue(robot.from(dxCell).lookup((javafx.scene.control.Label l) -> "DX · 1 image".equals(l.getText()))
                .tryQuery().isPresent(), "the instance count is shown");
        javafx.scene.image.ImageView thumbnail = robot.from(dxCell).lookup(".image-view").query();
        assertEquals(dxEntry.thumbnailProperty().get(), thumbnail.getImage());
        assertEquals(StudyBrowserView.THUMBNAIL_SIDE, ((javafx.scene.layout.Region) thumbnail.getParent()).getHeight());
        // Every row is as tall as a series row (one row height: the tree need not measure rows), and the thumbnail
        // fits inside its row.
        assertEquals(StudyBrowserView.ROW_HEIGHT, dxCell.getHeight());
        javafx.geometry.Bounds inCell = dxCell.sceneToLocal(thumbnail.getParent().localToScene(
                thumbnail.getParent().getLayoutBounds()));
        assertTrue(inCell.getMinY() >= 0 && inCell.getMaxY() <= dxCell.getHeight(), "thumbnail inside its row: " + inCell);
        TreeCell<?> dxStudyCell = robot.lookup(".tree-cell").match((TreeCell<?> c) -> shows(c, dxEntry.study())).query();
        assertEquals(StudyBrowserView.ROW_HEIGHT, dxStudyCell.getHeight());
        assertEquals(StudyBrowserView.studyText(dxEntry.study()), dxStudyCell.getText());

        // Closing the DX study removes its rows only; the CT rows and the selection stay.
        robot.interact(() -> viewModel.closeStudy(dxEntry.study()));
        waitForPacedUpdates();
        assertEquals(List.of(ctPatient), List.copyOf(root.getChildren()));
        assertEquals(ctStudy, window.browser().tree().getSelectionModel().getSelectedItem());
    }

    @Test
    void a_series_that_joins_a_study_shown_is_counted_on_its_row_which_stays_the_same_item(FxRobot robot)
            throws Exception {
        String studyUid = "1.2.826.0.1.3680043.10.77.30";
        Path ct = temp.resolve("joining-ct");
        FlatGreySeries.writeSeries(ct, "ct", studyUid, 1, "CT", 2);
        dropAndWait(robot, ct);
        var root = window.browser().tree().getRoot();
        TreeItem<StudyBrowserView.Row> patientItem = root.getChildren().getFirst();
        TreeItem<StudyBrowserView.Row> studyItem = patientItem.getChildren().getFirst();
        robot.interact(() -> window.browser().tree().getSelectionModel().select(studyItem));
        assertTrue(onFx(() -> studyCell(robot, studyItem).getText()).contains("CT · 1 series"));

        Path mr = temp.resolve("joining-mr");
        FlatGreySeries.writeSeries(mr, "mr", studyUid, 2, "MR", 1);
        robot.interact(() -> window.openDropped(List.of(mr.toFile())));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> viewModel.series().size() == 2
                && !viewModel.scanningProperty().get());
        waitForPacedUpdates();

        assertEquals(List.of(patientItem), List.copyOf(root.getChildren()), "one patient row, the same item");
        assertEquals(List.of(studyItem), List.copyOf(patientItem.getChildren()), "one study row, the same item");
        assertEquals(2, studyItem.getChildren().size());
        assertEquals(studyItem, window.browser().tree().getSelectionModel().getSelectedItem(), "still selected");
        assertTrue(studyItem.getValue().content() == viewModel.series().getFirst().study(), "the row's latest study");
        String text = onFx(() -> studyCell(robot, studyItem).getText());
        assertTrue(text.contains("CT, MR · 2 series"), "the study row counts both series: " + text);
    }

    /** The cell showing {@code item}'s row. */
    private static TreeCell<?> studyCell(FxRobot robot, TreeItem<StudyBrowserView.Row> item) {
        return robot.lookup(".tree-cell").match((TreeCell<?> c) -> !c.isEmpty() && c.getTreeItem() == item).query();
    }

    @Test
    void the_study_browser_starts_with_hidden_blank_rows_for_a_screen_and_the_first_study_takes_them_over(
            FxRobot robot) throws Exception {
        var root = window.browser().tree().getRoot();
        assertEquals(1, root.getChildren().size());
        TreeItem<StudyBrowserView.Row> patient = root.getChildren().getFirst();
        assertEquals(1, patient.getChildren().size());
        TreeItem<StudyBrowserView.Row> studyItem = patient.getChildren().getFirst();
        int screenRows = (int) Math.ceil(onFx(() -> javafx.stage.Screen.getPrimary().getVisualBounds().getHeight())
                / StudyBrowserView.ROW_HEIGHT);
        assertEquals(screenRows - 2, studyItem.getChildren().size(), "series rows down to the screen's bottom");
        assertTrue(patient.isExpanded() && studyItem.isExpanded());
        assertNull(patient.getValue().content());
        assertTrue(studyItem.getChildren().stream().allMatch(i -> i.getValue().content() == null));
        assertTrue(window.browser().tree().getOpacity() == 0 && window.browser().tree().isMouseTransparent(),
                "blank rows are not seen");
        // The series rows' cells already hold the (empty) series graphic that the first study's series fill in.
        List<TreeCell<?>> seriesCells = robot.lookup(".tree-cell").queryAllAs(TreeCell.class).stream()
                .<TreeCell<?>>map(c -> c)
                .filter(c -> !c.isEmpty() && c.getTreeItem() != null && c.getTreeItem().getParent() == studyItem)
                .toList();
        assertTrue(seriesCells.size() >= 5, "series cells on screen: " + seriesCells.size());
        assertTrue(seriesCells.stream().allMatch(c -> c.getGraphic() instanceof javafx.scene.layout.HBox
                && robot.from(c).lookup((javafx.scene.control.Label l) -> l.getText() != null
                && !l.getText().isEmpty()).tryQuery().isEmpty()), "empty series graphics");

        dropAndWait(robot, study("browser-start"));
        SeriesEntry entry = viewModel.series().getFirst();
        assertEquals(List.of(patient), List.copyOf(root.getChildren()), "the blank patient row was taken over");
        assertEquals(entry.patient(), patient.getValue().content());
        assertEquals(List.of(studyItem), List.copyOf(patient.getChildren()));
        assertEquals(entry.study(), studyItem.getValue().content());
        assertEquals(1, studyItem.getChildren().size(), "the blank series rows left over are gone");
        assertEquals(entry, studyItem.getChildren().getFirst().getValue().content());
        assertTrue(window.browser().tree().getOpacity() == 1);
        TreeCell<?> cell = robot.lookup(".tree-cell").match((TreeCell<?> c) -> shows(c, entry)).query();
        assertTrue(robot.from(cell).lookup((javafx.scene.control.Label l) -> "CT · 8 images".equals(l.getText()))
                .tryQuery().isPresent(), "the series row shows the series");
    }

    @Test
    void the_window_opens_what_it_starts_with_after_its_first_frame_saying_so_in_the_status_bar(FxRobot robot)
            throws Exception {
        ViewerViewModel other = ViewerWithoutDemo.viewModel(executor);
        MainWindow otherWindow = new MainWindow(other);
        int[] layoutPulses = {0};
        List<Integer> pulsesWhenOpened = new java.util.ArrayList<>();
        List<String> statusWhenOpened = new java.util.ArrayList<>();
        robot.interact(() -> {
            Stage stage = new Stage();
            stage.setScene(otherWindow.createScene(800, 600));
            stage.getScene().addPostLayoutPulseListener(() -> layoutPulses[0]++);
            otherWindow.showThenOpen(stage, () -> {
                pulsesWhenOpened.add(layoutPulses[0]);
                statusWhenOpened.add(otherWindow.statusBar().getText());
            });
            assertTrue(pulsesWhenOpened.isEmpty(), "not while the window is being shown");
        });
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !pulsesWhenOpened.isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, pulsesWhenOpened.size(), "opened once");
        assertTrue(pulsesWhenOpened.getFirst() >= 2, "after the frame after the first: " + pulsesWhenOpened);
        assertEquals(List.of("Opening…"), statusWhenOpened);
    }

    @Test
    void the_study_browser_keeps_its_rows_blank_when_everything_closes_and_the_next_study_takes_them_over(
            FxRobot robot) throws Exception {
        dropAndWait(robot, study("browser-blank"));
        SeriesEntry ct = viewModel.series().getFirst();
        var root = window.browser().tree().getRoot();
        TreeItem<StudyBrowserView.Row> patient = root.getChildren().getFirst();
        TreeItem<StudyBrowserView.Row> studyItem = patient.getChildren().getFirst();
        TreeItem<StudyBrowserView.Row> seriesItem = studyItem.getChildren().getFirst();
        robot.interact(() -> {
            window.browser().tree().getSelectionModel().select(seriesItem);
            studyItem.setExpanded(false);
        });

        robot.interact(() -> viewModel.closeStudy(ct.study()));
        waitForPacedUpdates();
        assertTrue(window.browser().tree().getOpacity() == 0 && window.browser().tree().isMouseTransparent(),
                "an empty browser shows no rows");
        assertEquals(List.of(patient), List.copyOf(root.getChildren()), "the rows stay, blank");
        assertNull(seriesItem.getValue().content());
        assertNull(patient.getValue().content());
        assertNull(window.browser().selectedStudy());
        assertTrue(window.browser().tree().getSelectionModel().isEmpty());

        // Another study (a DX projection) takes the blank items over in place, unfolded, and its rows show it.
        Path dx = ProjectionImage.write(temp.resolve("browser-blank-dx"), 0.143, Double.NaN);
        robot.interact(() -> window.openDropped(List.of(dx.toFile())));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> viewModel.series().size() == 1
                && first().imageProperty().get() != null);
        waitForPacedUpdates();
        SeriesEntry dxEntry = viewModel.series().getFirst();
        assertTrue(window.browser().tree().getOpacity() == 1 && !window.browser().tree().isMouseTransparent());
        assertEquals(List.of(patient), List.copyOf(root.getChildren()));
        assertEquals(dxEntry.patient(), patient.getValue().content());
        assertEquals(List.of(studyItem), List.copyOf(patient.getChildren()));
        assertEquals(dxEntry.study(), studyItem.getValue().content());
        assertEquals(List.of(seriesItem), List.copyOf(studyItem.getChildren()));
        assertEquals(dxEntry, seriesItem.getValue().content());
        assertTrue(patient.isExpanded() && studyItem.isExpanded(), "taken-over rows are unfolded, as new ones");
        TreeCell<?> dxCell = robot.lookup(".tree-cell").match((TreeCell<?> c) -> shows(c, dxEntry)).query();
        assertTrue(robot.from(dxCell).lookup((javafx.scene.control.Label l) -> "DX · 1 image".equals(l.getText()))
                .tryQuery().isPresent(), "the series row shows the new series");
        robot.interact(() -> window.browser().tree().getSelectionModel().select(studyItem));
        assertEquals(dxEntry.study(), window.browser().selectedStudy());

        // A second study is added next to it, in new rows; the first study's rows stay.
        Path ct2 = study("browser-blank-2");
        robot.interact(() -> window.openDropped(List.of(ct2.toFile())));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> viewModel.series().size() == 2);
        waitForPacedUpdates();
        assertEquals(2, root.getChildren().size());
        assertTrue(root.getChildren().getFirst() == patient && seriesItem.getValue().content() == dxEntry);
        assertEquals(studyItem, window.browser().tree().getSelectionModel().getSelectedItem());
    }

    @Test
    void the_browser_update_appends_or_removes_and_replaces_only_a_reordered_list() {
        var a = new TreeItem<Object>("a");
        var b = new TreeItem<Object>("b");
        var c = new TreeItem<Object>("c");
        javafx.collections.ObservableList<TreeItem<Object>> list = javafx.collections.FXCollections.observableArrayList();
        List<String> changes = new java.util.ArrayList<>();
        list.addListener((javafx.collections.ListChangeListener<TreeItem<Object>>) ch -> {
            while (ch.next()) {
                changes.add(ch.wasReplaced() ? "replaced" : ch.wasAdded() ? "added" : "removed");
            }
        });
        StudyBrowserView.update(list, List.of(a, b));
        StudyBrowserView.update(list, List.of(a, b));
        StudyBrowserView.update(list, List.of(a, b, c));
        StudyBrowserView.update(list, List.of(a, c));
        assertEquals(List.of(a, c), List.copyOf(list));
        assertEquals(List.of("added", "added", "removed"), changes, "nothing for the same items");
        StudyBrowserView.update(list, List.of(c, a));
        assertEquals(List.of(c, a), List.copyOf(list));
        assertEquals("replaced", changes.getLast());
    }

    @Test
    void the_keyboard_moves_through_slices_viewports_file_windows_and_shows_and_closes_from_the_browser(FxRobot robot)
            throws Exception {
        CtAndDx opened = openCtAndDx(robot, "keyboard", Layout.ONE_BY_TWO);
        SeriesEntry ctEntry = opened.ct();
        SeriesEntry dxEntry = opened.dx();
        robot.interact(() -> viewModel.showSeries(ctEntry, 0));
        robot.clickOn(firstViewport());

        // Slices: arrows one, Page Up/Down ten (clamped), Home and End; the scroll bar follows and leads.
        robot.push(KeyCode.DOWN);
        robot.push(KeyCode.RIGHT);
        assertEquals(2, first().sliceProperty().get());
        robot.push(KeyCode.UP);
        assertEquals(1, first().sliceProperty().get());
        robot.push(KeyCode.PAGE_DOWN);
        assertEquals(SPEC.slices() - 1, first().sliceProperty().get());
        robot.push(KeyCode.HOME);
        assertEquals(0, first().sliceProperty().get());
        robot.push(KeyCode.END);
        assertEquals(SPEC.slices() - 1, first().sliceProperty().get());
        assertEquals(SPEC.slices() - 1, window.viewportViews().getFirst().sliceBar().getValue(), 1e-9);
        robot.interact(() -> window.viewportViews().getFirst().sliceBar().setValue(3));
        assertEquals(3, first().sliceProperty().get());

        // The file's windows (the demo CT has two: 40/400 and -600/1500), one after the other, round.
        List<Voi> fileWindows = first().fileWindows();
        assertEquals(2, fileWindows.size(), fileWindows.toString());
        assertEquals(fileWindows.get(0), first().voiProperty().get());
        robot.push(KeyCode.DIGIT9);
        assertEquals(fileWindows.get(1), first().voiProperty().get());
        robot.push(KeyCode.DIGIT9);
        assertEquals(fileWindows.get(0), first().voiProperty().get());

        // Zoom with Ctrl and the wheel; Ctrl+R puts the view back.
        double fitted = screenPixelsPerImagePixel();
        // Fired directly, as in the wheel test: Monocle's robot turns the wheel the other way.
        robot.interact(() -> javafx.event.Event.fireEvent(firstViewport(), wheelNotch(1, true)));
        assertEquals(1.1 * fitted, screenPixelsPerImagePixel(), 1e-6 * fitted);
        assertEquals(3, first().sliceProperty().get(), "the wheel with Ctrl zooms, it does not scroll");
        robot.push(KeyCode.CONTROL, KeyCode.R);
        assertTrue(first().transformProperty().get().fitToWindow(), first().transformProperty().get().toString());
        assertEquals(fitted, screenPixelsPerImagePixel(), 1e-6 * fitted);

        // F6 and Shift+F6 move the active viewport round the layout.
        assertEquals(0, viewModel.activeViewportProperty().get());
        robot.push(KeyCode.F6);
        assertEquals(1, viewModel.activeViewportProperty().get());
        robot.push(KeyCode.F6);
        assertEquals(0, viewModel.activeViewportProperty().get());
        robot.push(KeyCode.SHIFT, KeyCode.F6);
        assertEquals(1, viewModel.activeViewportProperty().get());

        // Enter on a series in the browser shows it in the active viewport.
        robot.interact(() -> viewModel.showSeries(dxEntry, 1));
        robot.clickOn(robot.lookup(".tree-cell").match((TreeCell<?> c) -> shows(c, ctEntry)).<Node>query());
        robot.push(KeyCode.ENTER);
        assertEquals(ctEntry, viewModel.viewport(1).seriesProperty().get());

        // Ctrl+F4 on a patient's row closes that patient's studies, whatever the active viewport shows.
        robot.interact(() -> viewModel.showSeries(dxEntry, 1));
        robot.clickOn(robot.lookup(".tree-cell").match((TreeCell<?> c) -> shows(c, ctEntry.patient())).<Node>query());
        robot.push(KeyCode.CONTROL, KeyCode.F4);
        waitForPacedUpdates();
        assertEquals(List.of(dxEntry), List.copyOf(viewModel.series()));
    }

    /** The first viewport's scale as drawn: screen pixels per image pixel. */
    private double screenPixelsPerImagePixel() throws Exception {
        return onFx(() -> {
            var a = firstViewport().imageToScreen();
            return Math.sqrt(Math.abs(a.getMxx() * a.getMyy() - a.getMxy() * a.getMyx()));
        });
    }

    @Test
    void the_window_fits_the_screen_comes_back_where_it_was_and_remembers_where_it_is(FxRobot robot) throws Exception {
        javafx.geometry.Rectangle2D screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        javafx.geometry.Dimension2D first = MainWindow.firstWindowSize();
        assertEquals(Math.min(1600, screen.getWidth()), first.getWidth());
        assertEquals(Math.min(900, screen.getHeight()), first.getHeight());

        ViewerSettings settings = new ViewerSettings(new MemoryStore());
        // Saved on a larger monitor: it comes back on this screen, no larger than it.
        settings.setWindowGeometry(new ViewerSettings.WindowGeometry(100, 50, 3000, 2000, false));
        Stage stage = onFx(() -> {
            Stage s = new Stage();
            s.setScene(new javafx.scene.Scene(new javafx.scene.layout.Pane(), 300, 200));
            MainWindow.restoreAndRememberGeometry(s, settings);
            s.show();
            return s;
        });
        assertEquals(screen.getWidth(), stage.getWidth(), 1e-9);
        assertEquals(screen.getHeight(), stage.getHeight(), 1e-9);
        assertEquals(screen.getMinX(), stage.getX(), 1e-9);
        assertEquals(screen.getMinY(), stage.getY(), 1e-9);

        robot.interact(() -> {
            stage.setX(20);
            stage.setY(30);
            stage.setWidth(640);
            stage.setHeight(480);
            stage.hide();
        });
        assertEquals(java.util.Optional.of(new ViewerSettings.WindowGeometry(20, 30, 640, 480, false)),
                settings.windowGeometry(), "remembered as the window hides");
    }

    @Test
    void every_toolbar_button_has_an_icon_and_a_tooltip_naming_its_shortcut_which_does_what_the_button_does(
            FxRobot robot) throws Exception {
        javafx.scene.control.ToolBar bar = robot.lookup(".tool-bar").queryAs(javafx.scene.control.ToolBar.class);
        List<javafx.scene.control.ButtonBase> buttons = bar.getItems().stream()
                .filter(n -> n instanceof javafx.scene.control.ButtonBase).map(n -> (javafx.scene.control.ButtonBase) n)
                .toList();
        assertTrue(buttons.size() >= 20, "buttons: " + buttons.size());
        for (javafx.scene.control.ButtonBase b : buttons) {
            assertTrue(b.getGraphic() instanceof org.kordamp.ikonli.javafx.FontIcon, b + " has no icon");
            String tip = b.getTooltip() == null ? "" : b.getTooltip().getText();
            assertTrue(tip.matches(".+ \\(.+\\)"), "tooltip without a shortcut: '" + tip + "'");
        }
        // The tooltip's key does what the button does: here the invert button and I.
        dropAndWait(robot, study("toolbar"));
        javafx.scene.control.ButtonBase invert = buttons.stream()
                .filter(b -> b.getTooltip().getText().equals("Invert (I)")).findFirst().orElseThrow();
        robot.interact(invert::fire);
        assertTrue(first().invertedProperty().get());
        robot.clickOn(firstViewport());
        robot.push(KeyCode.I);
        assertFalse(first().invertedProperty().get());
    }

    @Test
    void a_study_closes_from_the_browser_context_menu_and_from_the_keyboard(FxRobot robot) throws Exception {
        CtAndDx opened = openCtAndDx(robot, "close", Layout.ONE_BY_TWO);
        SeriesEntry ctEntry = opened.ct();
        SeriesEntry dxEntry = opened.dx();

        Node ctStudyRow = robot.lookup(".tree-cell").match((TreeCell<?> c) -> shows(c, ctEntry.study()))
                .query();
        robot.rightClickOn(ctStudyRow);
        // Monocle's robot presses the right button but raises no context-menu request (no popup trigger): the
        // request a desktop right-click makes is fired at the row, and the menu it opens is clicked for real.
        robot.interact(() -> {
            Bounds b = ctStudyRow.localToScreen(ctStudyRow.getLayoutBounds());
            javafx.event.Event.fireEvent(ctStudyRow, new ContextMenuEvent(ContextMenuEvent.CONTEXT_MENU_REQUESTED,
                    10, 10, b.getMinX() + 10, b.getMinY() + 10, false, null));
        });
        robot.clickOn("Close study");
        waitForPacedUpdates();
        assertEquals(List.of(dxEntry), List.copyOf(viewModel.series()));
        assertTrue(viewModel.viewports().stream().noneMatch(vp -> vp.seriesProperty().get() == ctEntry));
        assertTrue(viewModel.viewports().stream().anyMatch(vp -> vp.seriesProperty().get() == dxEntry));
        assertEquals(1, window.browser().tree().getRoot().getChildren().size(), "only the DX patient is left");

        // Ctrl+F4: the study in the active viewport.
        robot.interact(() -> viewModel.showSeries(dxEntry, 0));
        robot.push(KeyCode.CONTROL, KeyCode.F4);
        assertTrue(viewModel.series().isEmpty());
        assertNull(first().imageProperty().get());
    }

    @Test
    void a_click_selects_a_measurement_and_delete_removes_that_one_with_its_label(FxRobot robot) throws Exception {
        Path dx = ProjectionImage.write(temp.resolve("select-dx"), 0.143, Double.NaN);
        robot.interact(() -> window.openDropped(List.of(dx.toFile())));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> first().imageProperty().get() != null);
        waitForPacedUpdates();
        robot.interact(() -> viewModel.toolProperty().set(Tool.DISTANCE));
        Point2D centre = screenCentreOfViewport();
        robot.moveTo(centre.add(-120, -60)).press(MouseButton.PRIMARY).moveBy(120, 0).moveBy(120, 0)
                .release(MouseButton.PRIMARY);
        robot.moveTo(centre.add(-120, 60)).press(MouseButton.PRIMARY).moveBy(120, 0).moveBy(120, 0)
                .release(MouseButton.PRIMARY);
        waitForPacedUpdates();
        List<Measurement> drawn = List.copyOf(first().measurementsProperty().get());
        assertEquals(2, drawn.size());
        Measurement.Distance upper = (Measurement.Distance) drawn.get(0);
        Measurement.Distance lower = (Measurement.Distance) drawn.get(1);
        // On screen: two labels in mm at the detector (Imager Pixel Spacing 0.143 mm, no Pixel Spacing).
        String upperLabel = String.format("%.1f mm (at detector)", Math.abs(upper.to().x() - upper.from().x()) * 0.143);
        assertEquals(List.of(upperLabel, upperLabel), labelsOnScreen());

        // A click on the upper line, 2 screen pixels off it: selected, drawn thicker.
        robot.clickOn(centre.add(0, -58));
        waitForPacedUpdates();
        assertEquals(upper, first().selectedMeasurementProperty().get());
        assertEquals(2, List.copyOf(first().measurementsProperty().get()).size(), "a click draws nothing");
        robot.push(KeyCode.DELETE);
        waitForPacedUpdates();
        assertEquals(List.of(lower), List.copyOf(first().measurementsProperty().get()));
        assertEquals(1, labelsOnScreen().size());

        robot.push(KeyCode.SHIFT, KeyCode.DELETE);
        waitForPacedUpdates();
        assertTrue(first().measurementsProperty().get().isEmpty());
        assertEquals(List.of(), labelsOnScreen());
    }

    private List<String> labelsOnScreen() {
        AtomicReference<List<String>> labels = new AtomicReference<>();
        WaitForAsyncUtils.waitForFxEvents();
        try {
            WaitForAsyncUtils.asyncFx(() -> {
                firstViewport().layout();
                labels.set(firstViewport().measurementLayer().getChildrenUnmodifiable().stream()
                        .filter(n -> n instanceof Text).map(n -> ((Text) n).getText()).toList());
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return labels.get();
    }

    @Test
    void files_are_opened_from_a_drop_of_several_items(FxRobot robot) throws Exception {
        Path a = study("several");
        List<File> files = List.of(a.resolve("CT").resolve("ct-001.dcm").toFile(), a.resolve("CT").resolve("ct-002.dcm").toFile());
        robot.interact(() -> window.openDropped(files));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !viewModel.series().isEmpty() && !viewModel.scanningProperty().get()
                && first().imageProperty().get() != null);
        assertEquals(2, viewModel.series().getFirst().slices().size());
    }
}
