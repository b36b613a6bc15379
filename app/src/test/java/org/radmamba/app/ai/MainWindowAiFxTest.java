package org.radmamba.app.ai;

import javafx.scene.SnapshotParameters;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Slider;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.radmamba.app.gui.AiWindow;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.overlay.LabelColours;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;
import org.radmamba.viewer.fx.overlay.OverlayRenderer;
import org.radmamba.viewer.fx.task.TaskHandle;
import org.radmamba.viewer.fx.viewport.ImageViewport;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javafx.geometry.Point2D;
import org.radmamba.app.gui.ai.AiSidePanel;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.seg.SegmentationWriter;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real main window with the AI panel docked (headless Monocle): the demo segmenter run from the panel on the
 * demo dermoscopy photograph draws its mask over exactly the lesion's pixels, and still does after zoom, pan,
 * rotation and flip; the demo classifier's top class goes into the viewport corner with the demo caveat.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowAiFxTest extends AiWindowFxTest {

    @Start
    void start(Stage stage) {
        open(stage);
        ai.bindShortcuts(stage.getScene());
        stage.show();
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
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !harness.modelChoice().getItems().isEmpty());
        onFx(() -> {
            viewModel.cornerTextVisibleProperty().set(false); // texts would cover mask pixels
            return null;
        });
    }

    private void runOnImage(String modelId) throws Exception {
        harness.run(modelId, "#ai-run-image");
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

    /** The class bars of the panel as "label percent" lines, most probable first; empty when none. */
    private List<String> classBars() throws Exception {
        return onFx(() -> {
            List<String> out = new ArrayList<>();
            List<javafx.scene.Node> names = List.copyOf(window.lookupAll(".ai-class"));
            List<javafx.scene.Node> percents = List.copyOf(window.lookupAll(".ai-percent"));
            for (int i = 0; i < percents.size(); i++) {
                out.add(((javafx.scene.control.Label) names.get(i)).getText() + " "
                        + ((javafx.scene.control.Label) percents.get(i)).getText());
            }
            return out;
        });
    }

    private static int secondPixels(byte[] mask) {
        int n = 0;
        for (byte b : mask) {
            n += b == 1 ? 1 : 0;
        }
        return n;
    }

    private void show(SeriesEntry entry, int slice) throws Exception {
        onFx(() -> {
            viewModel.showSeries(entry, 0);
            first().setSlice(slice);
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> first().imageProperty().get() != null
                && first().seriesProperty().get() == entry);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void the_class_bars_follow_the_image_on_screen_a_ct_slice_then_a_photograph_then_the_ct_again() throws Exception {
        Path folder = temp.resolve("demo-follow");
        DemoStudy.generate(folder, new DemoStudy.Spec(64, 2, 1.5, 5, 0, true));
        List<Path> files = new ArrayList<>();
        try (var ct = Files.list(folder.resolve("CT"))) {
            ct.sorted().forEach(files::add);
        }
        files.add(folder.resolve("photographs").resolve("dermoscopy-lesion.png"));
        openAndShow(files, "CT");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> viewModel.series().size() == 2);
        SeriesEntry ct = onFx(() -> first().seriesProperty().get());
        SeriesEntry photograph = onFx(() -> viewModel.series().stream().filter(e -> e != ct).findFirst().orElseThrow());
        int slice = onFx(() -> first().sliceProperty().get());
        select(DemoModelsTest.CLASSIFIER);
        fireAndAwait("#ai-run-image");
        List<String> ctBars = classBars();
        String ctCorner = onFx(() -> viewport().resultTextProperty().get());
        assertEquals(3, ctBars.size(), "the CT slice's class bars: " + ctBars);
        assertTrue(ctCorner.contains("not for diagnosis"), ctCorner);

        show(photograph, 0);
        assertEquals(List.of(), classBars(), "the CT's bars are gone with the CT");
        assertEquals("", onFx(() -> ((javafx.scene.control.Label) window.lookup("#ai-attribution")).getText()));
        assertEquals("", onFx(() -> viewport().resultTextProperty().get()), "nor is the CT's class in the corner");

        show(ct, slice);
        assertEquals(ctBars, classBars(), "the CT's own bars come back with it");
        assertEquals(ctCorner, onFx(() -> viewport().resultTextProperty().get()));

        // The other CT slice was never classified: nothing to show there either.
        show(ct, 1 - slice);
        assertEquals(List.of(), classBars());
    }

    @Test
    void the_panel_acts_on_and_shows_the_active_viewport_not_the_first() throws Exception {
        Path folder = temp.resolve("demo-active");
        DemoStudy.generate(folder, new DemoStudy.Spec(64, 2, 1.5, 5, 0, true));
        List<Path> files = new ArrayList<>();
        try (var ct = Files.list(folder.resolve("CT"))) {
            ct.sorted().forEach(files::add);
        }
        files.add(folder.resolve("photographs").resolve("dermoscopy-lesion.png"));
        openAndShow(files, "CT");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> viewModel.series().size() == 2);
        SeriesEntry ct = onFx(() -> first().seriesProperty().get());
        SeriesEntry photograph = onFx(() -> viewModel.series().stream().filter(e -> e != ct).findFirst().orElseThrow());
        onFx(() -> {
            viewModel.layoutProperty().set(org.radmamba.viewer.fx.model.Layout.ONE_BY_TWO);
            viewModel.showSeries(photograph, 1); // the second viewport, now active
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> viewModel.viewport(1).imageProperty().get() != null);
        select(DemoModelsTest.CLASSIFIER);
        fireAndAwait("#ai-run-image");
        List<String> photoBars = classBars();
        assertEquals(3, photoBars.size(), photoBars::toString);
        ImageViewport second = window.viewportViews().get(1).viewport();
        assertTrue(onFx(() -> second.resultTextProperty().get()).contains("not for diagnosis"),
                "the photograph in the active viewport was classified");
        assertEquals("", onFx(() -> viewport().resultTextProperty().get()), "the CT in the first viewport was not");

        onFx(() -> {
            viewModel.activeViewportProperty().set(0);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(), classBars(), "the CT, now active, has no result");
        onFx(() -> {
            viewModel.activeViewportProperty().set(1);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(photoBars, classBars());
    }

    /**
     * The demo dermoscopy photograph as a DICOM secondary-capture image (RGB), two instances of one study: the
     * segmenter finds the lesion in them as in the photograph.
     */
    private List<Path> dermoscopyDicom(Path folder) throws Exception {
        Path demo = temp.resolve("demo-for-seg");
        if (!demo.toFile().isDirectory()) {
            DemoStudy.generate(demo, new DemoStudy.Spec(64, 2, 1.5, 5, 0, true));
        }
        BufferedImage photo = ImageIO.read(demo.resolve("photographs").resolve("dermoscopy-lesion.png").toFile());
        Files.createDirectories(folder);
        List<Path> files = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            int w = photo.getWidth();
            int h = photo.getHeight();
            byte[] rgb = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // The second instance is mirrored, so that the two masks differ.
                    int argb = photo.getRGB(n == 1 ? x : w - 1 - x, y);
                    int i = 3 * (y * w + x);
                    rgb[i] = (byte) (argb >> 16);
                    rgb[i + 1] = (byte) (argb >> 8);
                    rgb[i + 2] = (byte) argb;
                }
            }
            String uid = "2.25.1234567" + n;
            DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset()
                    .string(Tag.SOP_CLASS_UID, "UI", "1.2.840.10008.5.1.4.1.1.7")
                    .string(Tag.SOP_INSTANCE_UID, "UI", uid)
                    .string(Tag.MODALITY, "CS", "XC")
                    .string(Tag.PATIENT_NAME, "PN", "Demo^Dermoscopy")
                    .string(Tag.PATIENT_ID, "LO", "DERMO-1")
                    .string(Tag.STUDY_INSTANCE_UID, "UI", "2.25.12345670")
                    .string(Tag.SERIES_INSTANCE_UID, "UI", "2.25.12345679")
                    .integerString(Tag.INSTANCE_NUMBER, n)
                    .decimals(Tag.PIXEL_SPACING, 0.1, 0.1)
                    .decimals(Tag.SLICE_THICKNESS, 2.0)
                    .unsignedShort(Tag.SAMPLES_PER_PIXEL, 3)
                    .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "RGB")
                    .unsignedShort(Tag.PLANAR_CONFIGURATION, 0)
                    .unsignedShort(Tag.ROWS, h)
                    .unsignedShort(Tag.COLUMNS, w)
                    .unsignedShort(Tag.BITS_ALLOCATED, 8)
                    .unsignedShort(Tag.BITS_STORED, 8)
                    .unsignedShort(Tag.HIGH_BIT, 7)
                    .unsignedShort(Tag.PIXEL_REPRESENTATION, 0)
                    .otherBytes(0x7FE00010, rgb);
            Path file = folder.resolve("dermoscopy-" + n + ".dcm");
            DicomFileWriter.write(file, "1.2.840.10008.5.1.4.1.1.7", uid, ds);
            files.add(file);
        }
        return files;
    }

    private void openAndShow(List<Path> paths, String modality) throws Exception {
        onFx(() -> {
            viewModel.open(paths);
            return null;
        });
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !viewModel.scanningProperty().get()
                && viewModel.series().stream().anyMatch(e -> e.series().modality().equals(modality)));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !harness.modelChoice().getItems().isEmpty());
        onFx(() -> {
            SeriesEntry entry = viewModel.series().stream().filter(e -> e.series().modality().equals(modality))
                    .findFirst().orElseThrow();
            viewModel.showSeries(entry, 0);
            viewModel.cornerTextVisibleProperty().set(false);
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> first().imageProperty().get() != null);
    }

    private void select(String modelId) throws Exception {
        onFx(() -> {
            ComboBox<ModelEntry> choice = harness.modelChoice();
            choice.getSelectionModel().select(choice.getItems().stream()
                    .filter(m -> m.card().id().equals(modelId)).findFirst().orElseThrow());
            return null;
        });
    }

    private void fireAndAwait(String buttonId) throws Exception {
        onFx(() -> {
            ((Button) window.lookup(buttonId)).fire();
            return null;
        });
        InferenceService.await(onFx(() -> ai.panel().currentJob()), 300);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private byte[] maskOnSlice(int slice) throws Exception {
        onFx(() -> {
            first().setSlice(slice);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        LabelMaskImage mask = onFx(() -> viewport().maskLayer().mask());
        return mask == null ? null : mask.labels().clone();
    }

    @Test
    void masks_exported_as_a_dicom_segmentation_come_back_over_the_same_images_when_reopened() throws Exception {
        List<Path> images = dermoscopyDicom(temp.resolve("dermoscopy-dicom"));
        openAndShow(images, "XC");
        select(DemoModelsTest.SEGMENTER);
        fireAndAwait("#ai-run-series");
        byte[] first = maskOnSlice(0);
        byte[] second = maskOnSlice(1);
        assertTrue(first != null && second != null, "both images have masks");
        int lesion = 0;
        for (byte b : first) {
            lesion += b;
        }
        assertTrue(lesion > 100, "the segmenter found the lesion: " + lesion + " px");
        assertFalse(java.util.Arrays.equals(first, second), "the mirrored image has its own mask");
        int lesionPixels = 0;
        for (byte[] mask : new byte[][] {first, second}) {
            for (byte b : mask) {
                lesionPixels += b == 1 ? 1 : 0;
            }
        }
        // 0.1 mm pixels, 2 mm apart: the volume is the pixel count x 0.01 mm² x 2 mm.
        String volumes = onFx(() -> ((javafx.scene.control.Label) window.lookup("#ai-volumes")).getText());
        assertEquals(String.format(java.util.Locale.ROOT, "Over 2 images:%nlesion: %.1f mm³ (%.2f mL)",
                lesionPixels * 0.02, lesionPixels * 0.02 / 1000).replace(System.lineSeparator(), "\n"), volumes);
        // The image on screen (the second) shows its own area beside the volume of the run.
        String areas = onFx(() -> ((javafx.scene.control.Label) window.lookup("#ai-areas")).getText());
        assertEquals(String.format(java.util.Locale.ROOT, "lesion: %d px (%.1f mm²)", secondPixels(second),
                secondPixels(second) * 0.01), areas);

        Path seg = temp.resolve("exported-seg.dcm");
        SegmentationWriter.Written written = onFx(() -> ai.segmentationExport(seg)).call();
        assertEquals(2, written.frames(), "one segment over two images");

        // A fresh session: close everything, open the images and the Segmentation.
        onFx(() -> {
            viewModel.closeAll();
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> viewModel.series().isEmpty());
        List<Path> withSeg = new ArrayList<>(images);
        withSeg.add(seg);
        openAndShow(withSeg, "XC");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !viewModel.scanningProperty().get()
                && viewModel.series().stream().anyMatch(e -> e.series().modality().equals("SEG")));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> viewport().maskLayer().mask()) != null);
        assertArrayEquals(first, maskOnSlice(0), "the first image's mask, read back from the Segmentation");
        assertArrayEquals(second, maskOnSlice(1), "the second image's mask, read back from the Segmentation");
        assertEquals(List.of("lesion"), onFx(() -> viewport().maskLayer().mask()).names());
    }

    @Test
    void a_segmentation_of_photographs_is_refused_with_a_reason_and_results_export_as_json_through_the_panel()
            throws Exception {
        openDemoPhotograph();
        runOnImage(DemoModelsTest.SEGMENTER);
        TaskHandle refused = onFx(() -> ai.panel().export(AiSidePanel.Export.DICOM_SEG, temp.resolve("never.dcm")));
        assertNull(refused, "nothing to write");
        String status = onFx(() -> ((javafx.scene.control.Label) window.lookup("#ai-status")).getText());
        assertEquals("A DICOM Segmentation needs DICOM images; save the mask of a photograph as PNG.", status);
        assertFalse(Files.exists(temp.resolve("never.dcm")));

        Path json = temp.resolve("results.json");
        TaskHandle export = onFx(() -> ai.panel().export(AiSidePanel.Export.JSON, json));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, export::isDone);
        WaitForAsyncUtils.waitForFxEvents();
        String line = onFx(() -> ((javafx.scene.control.Label) window.lookup("#ai-status")).getText());
        assertTrue(line.contains("1 result(s) saved"), line);
        String text = Files.readString(json);
        assertTrue(text.contains("demo model — not for diagnosis"), text);
        assertTrue(text.contains("\"segmentation\""), text);
    }

    @Test
    void run_on_study_queues_every_image_of_the_study_on_screen() throws Exception {
        List<Path> images = dermoscopyDicom(temp.resolve("study-run"));
        openAndShow(images, "XC");
        select(DemoModelsTest.CLASSIFIER);
        @SuppressWarnings("unchecked")
        List<String> queued = onFx(() -> {
            ((Button) window.lookup("#ai-run-series")).fire();
            ((Button) window.lookup("#ai-run-study")).fire();
            return List.copyOf(((javafx.scene.control.ListView<String>) window.lookup("#ai-queue")).getItems());
        });
        assertEquals(2, queued.size(), "both jobs are in the visible queue: " + queued);
        assertTrue(queued.get(1).contains("study") && queued.get(1).endsWith("0/2 queued"), queued.get(1));
        InferenceService.Job job = onFx(() -> ai.panel().currentJob());
        InferenceService.await(job, 300);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(2, job.total());
        assertEquals(2, job.results().size());
        assertEquals(InferenceService.Job.State.DONE, job.state());
        @SuppressWarnings("unchecked")
        int left = onFx(() -> ((javafx.scene.control.ListView<String>) window.lookup("#ai-queue")).getItems().size());
        assertEquals(0, left, "the queue empties when the jobs are done");
    }

    @Test
    void the_scan_device_chosen_in_the_panel_is_used_and_remembered() throws Exception {
        onFx(() -> {
            @SuppressWarnings("unchecked")
            ComboBox<ScanDevicePreference> choice = (ComboBox<ScanDevicePreference>) window.lookup("#ai-device-choice");
            choice.getSelectionModel().select(ScanDevicePreference.CPU);
            return null;
        });
        assertEquals(ScanDevicePreference.CPU, ai.service().devicePreference());
        assertEquals("cpu", viewModel.settings().store().get(AiWindow.SCAN_DEVICE_SETTING).orElseThrow());
    }

    @Test
    void a_checkpoint_imported_from_the_panel_is_listed_and_chosen() throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !harness.modelChoice().getItems().isEmpty());
        Path pth = Path.of(getClass().getResource("/checkpoints/medmamba_tiny.pth").toURI());
        onFx(() -> {
            ai.panel().importModel(new ModelImporter.Request(pth, "Panel import", List.of("normal", "nodule", "effusion"),
                    "test"));
            return null;
        });
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> onFx(() -> harness.modelChoice().getValue() != null
                && harness.modelChoice().getValue().card().id().equals("panel-import")));
        String status = onFx(() -> ((javafx.scene.control.Label) window.lookup("#ai-status")).getText());
        assertEquals("Imported Panel import.", status);
    }
}
