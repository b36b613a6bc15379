package org.radmamba.viewer.fx.viewport;

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
