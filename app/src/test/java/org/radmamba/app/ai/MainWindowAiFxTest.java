package org.radmamba.app.ai;

import javafx.application.Platform;
import javafx.scene.SnapshotParameters;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Slider;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.gui.AiWindow;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.ScanDevice;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelection;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.overlay.LabelColours;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;
import org.radmamba.viewer.fx.overlay.OverlayRenderer;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.fx.view.MainWindow;
import org.radmamba.viewer.fx.viewport.ImageViewport;
import org.radmamba.viewer.study.ImageLoader;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javafx.geometry.Point2D;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real main window with the AI panel docked (headless Monocle): the demo segmenter run from the panel on the
 * demo dermoscopy photograph draws its mask over exactly the lesion's pixels, and still does after zoom, pan,
 * rotation and flip; the demo classifier's top class goes into the viewport corner with the demo caveat.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowAiFxTest {

    @TempDir
    static Path temp;

    private static CpuSimdScan scan;
    private FxTaskExecutor executor;
    private ViewerViewModel viewModel;
    private MainWindow window;
    private AiWindow ai;

    @BeforeAll
    static void engine() {
        scan = new CpuSimdScan();
    }

    @AfterAll
    static void release() {
        scan.close();
    }

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor(2);
        viewModel = new ViewerViewModel(new DicomStudyService(), executor, new ViewerSettings(new MemoryStore()),
                () -> {
                    throw new IOException("no demo in this test");
                });
        window = new MainWindow(viewModel);
        InferenceService service = new InferenceService(p -> new ScanSelection(scan, ScanDevice.CPU, "CPU: test"),
                ScanDevicePreference.AUTO, 8, Platform::runLater, 2);
        ai = new AiWindow(window, new ImageLoader(), service, new ModelLibrary(temp.resolve("no-user-models"),
                getClass().getClassLoader()));
        stage.setScene(window.createScene(1200, 780));
        ai.bindShortcuts(stage.getScene());
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        ai.close();
        executor.close();
        FxToolkit.cleanupStages();
    }

    private static <T> T onFx(Callable<T> work) throws Exception {
        return WaitForAsyncUtils.asyncFx(work).get(30, TimeUnit.SECONDS);
    }

    private ImageViewport viewport() {
        return window.viewportViews().getFirst().viewport();
    }

    private ViewportViewModel first() {
        return viewModel.viewport(0);
    }

    private void openDemoPhotograph() throws Exception {
        Path folder = temp.resolve("demo");
        if (!folder.toFile().isDirectory()) {
            DemoStudy.generate(folder, new DemoStudy.Spec(64, 2, 1.5, 5, 0, true));
        }
        Path photograph = folder.resolve("photographs").resolve("dermoscopy-lesion.png");
        onFx(() -> {
            viewModel.open(List.of(photograph));
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> first().imageProperty().get() != null);
        // The model list is read off the FX thread.
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !modelChoice().getItems().isEmpty());
        onFx(() -> {
            viewModel.cornerTextVisibleProperty().set(false); // texts would cover mask pixels
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private ComboBox<ModelEntry> modelChoice() {
        return (ComboBox<ModelEntry>) window.lookup("#ai-model-choice");
    }

    private void runOnImage(String modelId) throws Exception {
        onFx(() -> {
            ComboBox<ModelEntry> choice = modelChoice();
            choice.getSelectionModel().select(choice.getItems().stream()
                    .filter(m -> m.card().id().equals(modelId)).findFirst().orElseThrow());
            ((Button) window.lookup("#ai-run-image")).fire();
            return null;
        });
        InferenceService.await(onFx(() -> ai.panel().currentJob()), 300);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private WritableImage snapshot() throws Exception {
        return onFx(() -> viewport().snapshot(new SnapshotParameters(), null));
    }

    /**
     * A screen pixel whose neighbours all fall on the same mask label must be the (opaque) mask colour inside the
     * lesion and nowhere near it outside. Returns the number of lesion pixels checked.
     */
    private int assertOverlayLinesUp(String when) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage shown = snapshot();
        LabelMaskImage mask = onFx(() -> viewport().maskLayer().mask());
        int[] colours = OverlayRenderer.render(mask, onFx(() -> viewport().maskLayer().style()));
        int width = (int) shown.getWidth();
        int height = (int) shown.getHeight();
        int lesion = 0;
        int background = 0;
        for (int y = 2; y < height - 2; y++) {
            for (int x = 2; x < width - 2; x++) {
                int label = uniformLabel(mask, x, y);
                if (label < 0) {
                    continue;
                }
                int shownRgb = shown.getPixelReader().getArgb(x, y) & 0xFFFFFF;
                if (label == 0) {
                    background++;
                    assertTrue(!close(LabelColours.rgb(1), shownRgb), when + ": no overlay colour outside the mask at screen "
                            + x + "," + y + ": " + Integer.toHexString(shownRgb));
                } else {
                    lesion++;
                    Point2D p = imagePoint(x + 0.5, y + 0.5);
                    int expected = colours[(int) p.getY() * mask.width() + (int) p.getX()] & 0xFFFFFF;
                    assertTrue(close(expected, shownRgb), when + ": mask colour inside the mask at screen " + x + "," + y
                            + ": " + Integer.toHexString(shownRgb) + " vs " + Integer.toHexString(expected));
                }
            }
        }
        assertTrue(background > 1000, when + ": background checked at " + background + " px");
        return lesion;
    }

    /**
     * Equal up to ±8 per channel (the software renderer's rounding); the photograph's skin and lesion tones are far
     * from the mask's orange.
     */
    private static boolean close(int rgb, int other) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xFF) - ((other >> shift) & 0xFF)) > 8) {
                return false;
            }
        }
        return true;
    }

    private Point2D imagePoint(double x, double y) throws Exception {
        return onFx(() -> viewport().screenToImage(x, y));
    }

    /**
     * The label under screen pixel (x, y) when the pixels up to 2 away agree (the renderer blends across a mask edge
     * under rotation and zoom); -1 off the image or near an edge.
     */
    private int uniformLabel(LabelMaskImage mask, int x, int y) throws Exception {
        int label = -2;
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                Point2D p = viewport().screenToImage(x + dx + 0.5, y + dy + 0.5);
                if (p.getX() < 0 || p.getY() < 0 || p.getX() >= mask.width() || p.getY() >= mask.height()) {
                    return -1;
                }
                int here = mask.label((int) p.getX(), (int) p.getY());
                if (label != -2 && here != label) {
                    return -1;
                }
                label = here;
            }
        }
        return label;
    }

    @Test
    void the_demo_segmenter_run_from_the_docked_panel_colours_the_lesion_only_and_follows_zoom_pan_rotation_and_flip()
            throws Exception {
        openDemoPhotograph();
        onFx(() -> {
            ((Slider) window.lookup("#ai-opacity")).setValue(1); // opaque: the mask colour exactly
            return null;
        });
        runOnImage(DemoModelsTest.SEGMENTER);
        LabelMaskImage mask = onFx(() -> viewport().maskLayer().mask());
        assertTrue(mask != null, "the viewport shows the mask");
        int imageWidth = (int) onFx(() -> first().imageProperty().get().getWidth()).doubleValue();
        assertEquals(imageWidth, mask.width(), "the mask has the photograph's geometry");

        int fitted = assertOverlayLinesUp("fitted");
        assertTrue(fitted > 100, "the lesion is coloured on screen: " + fitted + " px");

        onFx(() -> {
            first().zoomBy(2.5);
            first().panBy(-60, 40);
            first().rotateClockwise();
            first().flipHorizontally();
            return null;
        });
        int transformed = assertOverlayLinesUp("zoomed, panned, rotated and flipped");
        assertTrue(transformed > 4 * fitted, "zoomed in, the lesion covers more screen: " + transformed + " vs " + fitted);

        onFx(() -> {
            first().clear();
            return null;
        });
        assertNull(onFx(() -> viewport().maskLayer().mask()), "another image shows no stale mask");
    }

    @Test
    void the_demo_classifier_puts_its_top_class_and_the_demo_caveat_into_the_viewport_corner() throws Exception {
        openDemoPhotograph();
        runOnImage(DemoModelsTest.CLASSIFIER);
        String corner = onFx(() -> viewport().resultTextProperty().get());
        assertTrue(corner.matches("(?s)\\S.* \\d+\\.\\d %\\nMedMamba chest-phantom classifier \\(demo\\) — demo model — not for diagnosis"),
                corner);
    }
}
