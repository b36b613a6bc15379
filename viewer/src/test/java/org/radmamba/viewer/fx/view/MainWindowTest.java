package org.radmamba.viewer.fx.view;

import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.measure.Measurement;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.Tool;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.fx.viewport.ImageViewport;
import org.radmamba.viewer.fx.viewport.WindowLevelDrag;
import org.radmamba.viewer.pixel.Voi;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main window, headless (Monocle), with real worker threads and real generated DICOM files: what a user
 * sees after dropping a folder, dragging the window, scrolling and measuring.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    /** 128 px at 1.5 mm, 8 slices, no noise: displayed values follow from the phantom's HU exactly. */
    static final DemoStudy.Spec SPEC = new DemoStudy.Spec(128, 8, 1.5, 5, 0, false);

    @TempDir
    static Path temp;

    private FxTaskExecutor executor;
    private ViewerViewModel viewModel;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor(2);
        viewModel = new ViewerViewModel(new DicomStudyService(), executor, new ViewerSettings(new MemoryStore()),
                () -> {
                    throw new IOException("no demo in this test");
                });
        window = new MainWindow(viewModel);
        stage.setScene(window.createScene(1200, 800));
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        executor.close();
        // Stages left open would lie under the robot's mouse in the next test class.
        FxToolkit.cleanupStages();
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
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !viewModel.series().isEmpty()
                && viewModel.viewport(0).imageProperty().get() != null
                && viewModel.viewport(0).voiProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
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
        assertEquals(entry, patients.getFirst().getChildren().getFirst().getChildren().getFirst().getValue());
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> entry.thumbnailProperty().get() != null);
        // The file's first window (40/400) is applied to what the viewport shows.
        assertEquals(linear(hu(0, 64, 40), 40, 400), displayed(64, 40));
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
        WaitForAsyncUtils.waitForFxEvents();
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
        WaitForAsyncUtils.waitForFxEvents();
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
        double x = firstViewport().getWidth() / 2;
        double y = firstViewport().getHeight() / 2;
        Point2D screen = firstViewport().localToScreen(x, y);
        return new javafx.scene.input.ScrollEvent(javafx.scene.input.ScrollEvent.SCROLL, x, y, screen.getX(),
                screen.getY(), false, false, false, false, false, false, 0, -40, 0, -40,
                javafx.scene.input.ScrollEvent.HorizontalTextScrollUnits.NONE, 0,
                javafx.scene.input.ScrollEvent.VerticalTextScrollUnits.LINES, -1, 0, null);
    }

    @Test
    void a_distance_drawn_with_the_mouse_reads_millimetres_from_pixel_spacing(FxRobot robot) throws Exception {
        dropAndWait(robot, study("distance"));
        robot.interact(() -> viewModel.toolProperty().set(Tool.DISTANCE));
        Point2D centre = screenCentreOfViewport();
        robot.moveTo(centre.add(-100, 0)).press(MouseButton.PRIMARY).moveBy(100, 0).moveBy(100, 0)
                .release(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
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
    void a_broken_file_in_a_dropped_folder_is_listed_and_the_good_series_still_opens(FxRobot robot) throws Exception {
        Path folder = study("broken");
        Path broken = folder.resolve("CT").resolve("scan-garbage.dcm");
        Files.writeString(broken, "not DICOM at all");
        robot.interact(() -> window.openDropped(List.of(folder.toFile())));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !viewModel.failures().isEmpty()
                && first().imageProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        FailurePanel panel = window.failurePanel();
        assertTrue(panel.isVisible());
        assertEquals("1 file could not be opened", panel.title().getText());
        assertEquals(broken.toAbsolutePath().normalize(), panel.list().getItems().getFirst().file());
        assertEquals(8, viewModel.series().getFirst().slices().size());
        robot.clickOn("Dismiss");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(!panel.isVisible());
    }

    @Test
    void the_corner_text_draws_in_the_top_left_of_the_viewport_and_goes_when_switched_off(FxRobot robot)
            throws Exception {
        dropAndWait(robot, study("corner"));
        assertTrue(bright(snapshotOfViewport(robot)) > 30, "patient name expected in the top-left corner");
        robot.interact(() -> viewModel.cornerTextVisibleProperty().set(false));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(0, bright(snapshotOfViewport(robot)));
    }

    private WritableImage snapshotOfViewport(FxRobot robot) {
        AtomicReference<WritableImage> shot = new AtomicReference<>();
        robot.interact(() -> shot.set(firstViewport().snapshot(new SnapshotParameters(), null)));
        return shot.get();
    }

    /** Bright pixels in the 150×50 top-left corner, where the image itself is air (black) at 40/400. */
    private static int bright(WritableImage image) {
        int count = 0;
        for (int y = 0; y < 50; y++) {
            for (int x = 0; x < 150; x++) {
                if ((image.getPixelReader().getArgb(x, y) & 0xFF) > 100) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void files_are_opened_from_a_drop_of_several_items(FxRobot robot) throws Exception {
        Path a = study("several");
        List<File> files = List.of(a.resolve("CT").resolve("ct-001.dcm").toFile(), a.resolve("CT").resolve("ct-002.dcm").toFile());
        robot.interact(() -> window.openDropped(files));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !viewModel.series().isEmpty()
                && first().imageProperty().get() != null);
        assertEquals(2, viewModel.series().getFirst().slices().size());
    }
}
