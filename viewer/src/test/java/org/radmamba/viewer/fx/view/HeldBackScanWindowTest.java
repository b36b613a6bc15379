package org.radmamba.viewer.fx.view;

import javafx.scene.SnapshotParameters;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.radmamba.viewer.fx.model.ViewerOverHeldBackHeaders;
import org.radmamba.viewer.study.HeldBackHeaders;
import org.testfx.api.FxRobot;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main window over a view model whose scan's headers the test holds back: what the TestFX tests of a folder
 * opened while its headers are still being read share.
 */
abstract class HeldBackScanWindowTest extends MainWindowFxTest {

    protected final HeldBackHeaders reader;

    HeldBackScanWindowTest(HeldBackHeaders reader) {
        this.reader = reader;
    }

    /** Shows the window on {@code stage}; {@code demoFolder}: what File ▸ Open demo would open. */
    void show(Stage stage, Path demoFolder) {
        show(stage, workers -> ViewerOverHeldBackHeaders.viewModel(reader, workers, demoFolder), 900, 700);
    }

    /** Before the window closes (JUnit runs a subclass's {@code @AfterEach} first): no worker waits on a header. */
    @AfterEach
    void releaseHeaders() {
        reader.release();
    }

    /** Pixels of the first viewport, as rendered on screen, within 2 of {@code grey}. */
    int pixelsOfGrey(FxRobot robot, int grey) {
        AtomicReference<WritableImage> shot = new AtomicReference<>();
        robot.interact(() -> shot.set(window.viewportViews().getFirst().viewport()
                .snapshot(new SnapshotParameters(), null)));
        PixelReader pixels = shot.get().getPixelReader();
        int count = 0;
        for (int y = 0; y < (int) shot.get().getHeight(); y++) {
            for (int x = 0; x < (int) shot.get().getWidth(); x++) {
                int argb = pixels.getArgb(x, y);
                if (Math.abs((argb >> 16 & 0xFF) - grey) <= 2 && Math.abs((argb >> 8 & 0xFF) - grey) <= 2
                        && Math.abs((argb & 0xFF) - grey) <= 2) {
                    count++;
                }
            }
        }
        return count;
    }
}
