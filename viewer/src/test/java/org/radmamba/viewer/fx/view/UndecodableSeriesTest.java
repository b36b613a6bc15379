package org.radmamba.viewer.fx.view;

import javafx.scene.SnapshotParameters;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.viewport.ImageViewport;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A viewport shows only its own pixels: after a good image of one patient, a series of another patient whose only
 * frame cannot be decoded leaves no pixel of the first on screen, under the second's corner text, and says why.
 * Headless (Monocle), real worker threads, real files.
 */
@ExtendWith(ApplicationExtension.class)
class UndecodableSeriesTest extends MainWindowFxTest {

    /** The good image's one grey, shown as it is (window 128/256 on 8 bits): nothing else in a viewport is this grey. */
    private static final int GOOD_GREY = 0x80;

    @TempDir
    static Path temp;

    @Start
    void start(Stage stage) {
        show(stage, 900, 700);
    }

    private static Path folder() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("two-patients"));
        byte[] grey = new byte[64 * 64];
        Arrays.fill(grey, (byte) GOOD_GREY);
        DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 64, 64, 8, false)
                .str(Tag.PATIENT_NAME, "PN", "AAA^GOOD").str(Tag.PATIENT_ID, "LO", "GOOD-1")
                .ui(Tag.STUDY_INSTANCE_UID, "1.2.826.0.1.3680043.10.3.1").ui(Tag.SERIES_INSTANCE_UID, "1.2.826.0.1.3680043.10.3.2")
                .ui(Tag.SOP_INSTANCE_UID, "1.2.826.0.1.3680043.10.3.3")
                .ds(Tag.WINDOW_CENTER, 128).ds(Tag.WINDOW_WIDTH, 256)
                .pixels8(grey).write(folder.resolve("good.dcm"));
        // An RLE frame whose header claims no segments: the header reads, the frame cannot be decoded.
        byte[] rle = new byte[64 + 16];
        ByteBuffer.wrap(rle).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0);
        DicomBuilder.image(TransferSyntax.RLE_LOSSLESS, 64, 64, 8, false)
                .str(Tag.PATIENT_NAME, "PN", "ZZZ^BROKEN").str(Tag.PATIENT_ID, "LO", "BAD-2")
                .ui(Tag.STUDY_INSTANCE_UID, "1.2.826.0.1.3680043.10.4.1").ui(Tag.SERIES_INSTANCE_UID, "1.2.826.0.1.3680043.10.4.2")
                .ui(Tag.SOP_INSTANCE_UID, "1.2.826.0.1.3680043.10.4.3")
                .encapsulated(new long[0], List.of(rle)).write(folder.resolve("undecodable.dcm"));
        return folder;
    }

    private ImageViewport firstViewport() {
        return window.viewportViews().getFirst().viewport();
    }

    /** Pixels of the viewport as rendered whose colour is the good image's grey. */
    private int goodGreyPixels(FxRobot robot) {
        AtomicReference<WritableImage> shot = new AtomicReference<>();
        robot.interact(() -> shot.set(firstViewport().snapshot(new SnapshotParameters(), null)));
        PixelReader pixels = shot.get().getPixelReader();
        int count = 0;
        for (int y = 0; y < (int) shot.get().getHeight(); y++) {
            for (int x = 0; x < (int) shot.get().getWidth(); x++) {
                int argb = pixels.getArgb(x, y);
                int r = argb >> 16 & 0xFF;
                int g = argb >> 8 & 0xFF;
                int b = argb & 0xFF;
                if (Math.abs(r - GOOD_GREY) <= 2 && Math.abs(g - GOOD_GREY) <= 2 && Math.abs(b - GOOD_GREY) <= 2) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void an_undecodable_series_after_another_patients_image_shows_no_stale_pixel_and_says_why(FxRobot robot) throws Exception {
        Path folder = folder();
        robot.interact(() -> window.openDropped(List.of(folder.toFile())));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> viewModel.series().size() == 2
                && viewModel.viewport(0).imageProperty().get() != null);
        SeriesEntry good = onFx(() -> viewModel.viewport(0).seriesProperty().get());
        assertEquals("AAA^GOOD", good.patient().patientName());
        robot.interact(() -> viewModel.cornerTextVisibleProperty().set(false));
        WaitForAsyncUtils.waitForFxEvents();
        int before = goodGreyPixels(robot);
        assertTrue(before > 1000, "the good image is on screen: " + before + " pixels of its grey");

        SeriesEntry broken = onFx(() -> viewModel.series().stream()
                .filter(s -> s.patient().patientName().equals("ZZZ^BROKEN")).findFirst().orElseThrow());
        robot.interact(() -> viewModel.showSeries(broken, 0));
        ViewportViewModel viewport = viewModel.viewport(0);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !viewport.cannotDisplayProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(0, goodGreyPixels(robot), "no pixel of the other patient's image remains");
        assertNull(onFx(() -> viewport.imageProperty().get()));
        String reason = onFx(() -> firstViewport().cannotDisplayTextProperty().get());
        assertTrue(reason.startsWith("Cannot display: ") && reason.contains("segment"), reason);
        assertTrue(onFx(() -> viewport.topLeftProperty().get()).contains("BAD-2"));
        assertTrue(onFx(() -> viewport.bottomLeftProperty().get()).contains("Cannot display"),
                "no endless Loading…: " + onFx(() -> viewport.bottomLeftProperty().get()));
        // The reason is drawn: its warning colour is on screen, with the corner text off.
        AtomicReference<WritableImage> shot = new AtomicReference<>();
        robot.interact(() -> shot.set(firstViewport().snapshot(new SnapshotParameters(), null)));
        int warning = 0;
        for (int y = 0; y < (int) shot.get().getHeight(); y++) {
            for (int x = 0; x < (int) shot.get().getWidth(); x++) {
                int argb = shot.get().getPixelReader().getArgb(x, y);
                if ((argb >> 16 & 0xFF) > 150 && (argb & 0xFF) < 130) {
                    warning++;
                }
            }
        }
        assertTrue(warning > 20, "the reason is drawn in the viewport: " + warning + " pixels");
        // The browser's thumbnail of the broken series says the same, in place of a picture.
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !broken.thumbnailFailureProperty().get().isEmpty());
        assertNull(onFx(() -> broken.thumbnailProperty().get()));
    }
}
