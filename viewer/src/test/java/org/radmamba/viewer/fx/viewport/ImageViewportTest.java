package org.radmamba.viewer.fx.viewport;

import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ApplicationExtension.class)
class ImageViewportTest {

    private ImageViewport viewport;
    private final DisplayImage display = new DisplayImage();

    @Start
    void start(Stage stage) {
        viewport = new ImageViewport();
        stage.setScene(new Scene(new StackPane(viewport), 400, 400));
        stage.show();
    }

    @AfterEach
    void closeStages() throws Exception {
        // Stages left open would lie under the robot's mouse in the next test class.
        FxToolkit.cleanupStages();
    }

    private static byte[] ramp(int w, int h) {
        byte[] grey = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                grey[y * w + x] = (byte) (x * 255 / (w - 1));
            }
        }
        return grey;
    }

    private WritableImage snapshot(FxRobot robot) {
        AtomicReference<WritableImage> shot = new AtomicReference<>();
        robot.interact(() -> shot.set(viewport.snapshot(new SnapshotParameters(), null)));
        return shot.get();
    }

    @Test
    void a_grey_frame_is_written_into_the_image_pixel_for_pixel(FxRobot robot) {
        robot.interact(() -> viewport.imageProperty().set(display.writeGrey(ramp(256, 256), 256, 256, false)));
        PixelReader r = display.image().getPixelReader();
        assertEquals(0xFF000000, r.getArgb(0, 10));
        assertEquals(0xFF808080, r.getArgb(128, 10));
        assertEquals(0xFFFFFFFF, r.getArgb(255, 10));
    }

    @Test
    void inverting_maps_black_to_white(FxRobot robot) {
        robot.interact(() -> viewport.imageProperty().set(display.writeGrey(ramp(256, 256), 256, 256, true)));
        PixelReader r = display.image().getPixelReader();
        assertEquals(0xFFFFFFFF, r.getArgb(0, 10));
        assertEquals(0xFF000000, r.getArgb(255, 10));
    }

    @Test
    void a_fitted_square_image_fills_a_square_viewport_and_flips_mirror_it(FxRobot robot) {
        robot.interact(() -> viewport.imageProperty().set(display.writeGrey(ramp(256, 256), 256, 256, false)));
        WritableImage shot = snapshot(robot);
        // 256 px fitted into 400: the ramp runs left (dark) to right (bright) across the viewport.
        int left = shot.getPixelReader().getArgb(20, 200) & 0xFF;
        int right = shot.getPixelReader().getArgb(380, 200) & 0xFF;
        assertTrue(left < 30 && right > 225, "left " + left + ", right " + right);

        robot.interact(() -> viewport.transformProperty().set(viewport.transformProperty().get().flippedHorizontally()));
        WritableImage flipped = snapshot(robot);
        assertTrue((flipped.getPixelReader().getArgb(20, 200) & 0xFF) > 225);
        assertTrue((flipped.getPixelReader().getArgb(380, 200) & 0xFF) < 30);
    }

    @Test
    void corner_text_draws_in_the_top_left_corner_only_when_shown(FxRobot robot) {
        byte[] black = new byte[256 * 256];
        robot.interact(() -> {
            viewport.imageProperty().set(display.writeGrey(black, 256, 256, false));
            viewport.topLeftTextProperty().set("DEMO^PHANTOM\nID 0001");
        });
        assertTrue(brightPixels(snapshot(robot), 0, 0, 120, 40) > 20, "corner text expected top left");

        robot.interact(() -> viewport.cornerTextVisibleProperty().set(false));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(0, brightPixels(snapshot(robot), 0, 0, 120, 40));
    }

    /** A grey pattern without symmetry, so that a wrong flip, turn or offset shows. */
    private static byte[] pattern(int w, int h) {
        byte[] grey = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                grey[y * w + x] = (byte) ((x * 37 + y * 101 + x * y) & 0xFF);
            }
        }
        return grey;
    }

    /**
     * The image is drawn at screen resolution by the viewport itself: each screen pixel must show the image pixel
     * that {@link ImageViewport#screenToImage} (the probe's and the measurements' map) gives for its centre, black
     * outside the image, for every placement.
     */
    @Test
    void each_screen_pixel_shows_the_image_pixel_the_probe_maps_it_to(FxRobot robot) {
        int w = 64;
        int h = 48;
        byte[] grey = pattern(w, h);
        robot.interact(() -> viewport.imageProperty().set(display.writeGrey(grey, w, h, false)));
        ViewportTransform fit = ViewportTransform.fit();
        ViewportTransform[] placements = {
            fit,
            fit.actualSize(),
            fit.withZoom(2).panBy(13, -7),
            fit.withZoom(3.3),
            fit.rotateClockwise(),
            fit.rotateCounterClockwise().flippedHorizontally(),
            fit.flippedVertically().withZoom(1.7),
            fit.rotateClockwise().rotateClockwise().withZoom(0.5),
            ViewportTransform.fit(1.5).rotateClockwise(),
        };
        for (ViewportTransform t : placements) {
            robot.interact(() -> viewport.transformProperty().set(t));
            WritableImage shot = snapshot(robot);
            boolean reduced = viewport.imageToScreen().getMxx() * viewport.imageToScreen().getMxx()
                    + viewport.imageToScreen().getMyx() * viewport.imageToScreen().getMyx() < 1;
            int checked = 0;
            for (int y = 0; y < (int) shot.getHeight(); y += 5) {
                for (int x = 0; x < (int) shot.getWidth(); x += 5) {
                    Point2D p = viewport.screenToImage(x + 0.5, y + 0.5);
                    double fu = p.getX() - Math.floor(p.getX());
                    double fv = p.getY() - Math.floor(p.getY());
                    int actual = shot.getPixelReader().getArgb(x, y) & 0xFF;
                    boolean inside = p.getX() >= 0 && p.getX() < w && p.getY() >= 0 && p.getY() < h;
                    if (!inside) {
                        Point2D far = viewport.screenToImage(x + 0.5, y + 0.5);
                        if (far.getX() < -1 || far.getX() > w + 1 || far.getY() < -1 || far.getY() > h + 1) {
                            assertEquals(0, actual, t + ": black outside the image at " + x + "," + y);
                        }
                        continue;
                    }
                    if (reduced || fu < 0.1 || fu > 0.9 || fv < 0.1 || fv > 0.9) {
                        // Reduced images are smoothed; a centre on a pixel edge may round either way.
                        continue;
                    }
                    int expected = grey[(int) p.getY() * w + (int) p.getX()] & 0xFF;
                    assertEquals(expected, actual, t + ": screen " + x + "," + y + " -> image " + p);
                    checked++;
                }
            }
            assertTrue(reduced || checked > 100, t + ": only " + checked + " pixels checked");
        }
    }

    @Test
    void an_image_refilled_in_place_is_redrawn_when_its_revision_changes(FxRobot robot) {
        robot.interact(() -> viewport.imageProperty().set(display.writeGrey(new byte[64 * 64], 64, 64, false)));
        assertEquals(0, snapshot(robot).getPixelReader().getArgb(200, 200) & 0xFF);
        byte[] white = new byte[64 * 64];
        java.util.Arrays.fill(white, (byte) 255);
        robot.interact(() -> {
            // The same image object, new pixels: only the revision tells the viewport.
            display.writeGrey(white, 64, 64, false);
            viewport.imageRevisionProperty().set(viewport.imageRevisionProperty().get() + 1);
        });
        assertEquals(255, snapshot(robot).getPixelReader().getArgb(200, 200) & 0xFF);
    }

    static int brightPixels(WritableImage image, int x0, int y0, int w, int h) {
        int count = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                if ((image.getPixelReader().getArgb(x, y) & 0xFF) > 100) {
                    count++;
                }
            }
        }
        return count;
    }
}
