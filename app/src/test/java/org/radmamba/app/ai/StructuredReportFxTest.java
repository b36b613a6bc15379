package org.radmamba.app.ai;

import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.radmamba.app.gui.ai.AiSidePanel;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.task.TaskHandle;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real main window (headless Monocle): the demo classifier run on a CT series is exported from the AI panel as
 * a DICOM SR; reopened with the images, the study browser lists the SR series and the panel shows, beside each
 * image, the class probabilities the report holds for it, and all of them when the SR series itself is shown. A
 * broken report shows the one-line reason it cannot be read, and the window goes on.
 */
@ExtendWith(ApplicationExtension.class)
class StructuredReportFxTest extends AiWindowFxTest {

    @Start
    void start(Stage stage) {
        open(stage);
        stage.show();
    }

    private ViewportViewModel first() {
        return viewModel.viewport(0);
    }

    private String findings() throws Exception {
        return onFx(() -> ((Label) window.lookup("#sr-findings")).getText());
    }

    private SeriesEntry series(String modality) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !viewModel.scanningProperty().get()
                && viewModel.series().stream().anyMatch(e -> e.series().modality().equals(modality)));
        return onFx(() -> viewModel.series().stream().filter(e -> e.series().modality().equals(modality))
                .findFirst().orElseThrow());
    }

    private void open(List<Path> files) throws Exception {
        onFx(() -> {
            viewModel.open(files);
            return null;
        });
    }

    private void show(SeriesEntry entry, int slice) throws Exception {
        onFx(() -> {
            viewModel.showSeries(entry, 0);
            if (entry.isDisplayable()) {
                first().setSlice(slice);
            }
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static List<Path> ctSlices(Path folder) throws IOException {
        DemoStudy.generate(folder, new DemoStudy.Spec(64, 3, 1.5, 5, 0, false));
        List<Path> files = new ArrayList<>();
        try (var ct = Files.list(folder.resolve("CT"))) {
            ct.sorted().forEach(files::add);
        }
        return files;
    }

    @Test
    void classifications_exported_as_dicom_sr_come_back_beside_their_images_and_the_sr_series_lists_them_all()
            throws Exception {
        List<Path> slices = ctSlices(temp.resolve("demo-sr"));
        open(slices);
        SeriesEntry ct = series("CT");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !onFx(() -> harness.modelChoice().getItems().isEmpty()));
        show(ct, 0);
        runOnSeries(DemoModelsTest.CLASSIFIER);
        // What the panel knows of slice 1 (an image in the middle of the report).
        show(ct, 1);
        ClassificationResult second = onFx(() -> ai.viewModel().shownProperty().get().classification());
        assertNotNull(second);

        Path sr = temp.resolve("classification-sr.dcm");
        TaskHandle export = onFx(() -> ai.panel().export(AiSidePanel.Export.DICOM_SR, sr));
        assertNotNull(export, onFx(() -> ((Label) window.lookup("#ai-status")).getText()));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, export::isDone);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("DICOM SR with 3 measurement group(s) saved to " + sr,
                onFx(() -> ((Label) window.lookup("#ai-status")).getText()));

        // A fresh session: the images and the report.
        onFx(() -> {
            viewModel.closeAll();
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> viewModel.series().isEmpty());
        List<Path> withReport = new ArrayList<>(slices);
        withReport.add(sr);
        open(withReport);
        SeriesEntry reopened = series("CT");
        SeriesEntry report = series("SR");
        assertEquals(reopened.study().studyInstanceUid(), report.study().studyInstanceUid(), "the SR is in the CT's study");
        show(reopened, 1);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !findings().isEmpty());
        // The window keeps results by image across sessions (the class bars come back too); the findings panel shows
        // only what the report says, so the text below is the report's, read back.

        StringBuilder expected = new StringBuilder("Imaging Measurement Report — MedMamba chest-phantom classifier (demo)\n")
                .append("Classification of image 2: ").append(second.top().label());
        for (int i = 0; i < second.labels().size(); i++) {
            expected.append("\n  ").append(second.labels().get(i)).append(": ")
                    .append(String.format(Locale.ROOT, "%.1f %%", 100 * second.probabilities()[i]));
        }
        expected.append("\nMedMamba chest-phantom classifier (demo) — demo model — not for diagnosis");
        assertEquals(expected.toString(), findings());

        show(report, 0);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> findings().contains("Classification of image 3"));
        String all = findings();
        assertTrue(all.startsWith("Imaging Measurement Report — MedMamba chest-phantom classifier (demo)\n"
                + "Classification of image 1: "), all);
        assertTrue(all.contains("\nClassification of image 2: " + second.top().label()), all);
    }

    private void runOnSeries(String modelId) throws Exception {
        harness.run(modelId, "#ai-run-series");
    }

    private String status() throws Exception {
        return onFx(() -> ((Label) window.lookup("#ai-status")).getText());
    }

    @Test
    void masks_exported_as_dicom_sr_write_the_seg_beside_it_and_come_back_as_volumes_beside_the_images()
            throws Exception {
        List<Path> slices = ctSlices(temp.resolve("demo-seg-sr"));
        open(slices);
        SeriesEntry ct = series("CT");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !onFx(() -> harness.modelChoice().getItems().isEmpty()));
        show(ct, 0);
        runOnSeries(DemoModelsTest.SEGMENTER);
        List<SegmentationResult> masks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            show(ct, i);
            masks.add(onFx(() -> ai.viewModel().shownProperty().get().segmentation()));
        }
        double volumeMl = SegmentationResult.volumeMm3(masks, 1, 5).orElseThrow() / 1000;

        Path sr = temp.resolve("masks-sr.dcm");
        TaskHandle export = onFx(() -> ai.panel().export(AiSidePanel.Export.DICOM_SR, sr));
        assertNotNull(export, status());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, export::isDone);
        WaitForAsyncUtils.waitForFxEvents();
        Path seg = AiDicomExport.segmentationFileFor(sr);
        assertEquals("DICOM Segmentation of 3 frame(s) saved to " + seg + "; DICOM SR with 1 measurement group(s) saved to "
                + sr, status());

        onFx(() -> {
            viewModel.closeAll();
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> viewModel.series().isEmpty());
        List<Path> withBoth = new ArrayList<>(slices);
        withBoth.add(seg);
        withBoth.add(sr);
        open(withBoth);
        SeriesEntry reopened = series("CT");
        series("SEG");
        series("SR");
        show(reopened, 2);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !findings().isEmpty());
        String volume = new java.math.BigDecimal(volumeMl).round(new java.math.MathContext(6)).stripTrailingZeros()
                .toPlainString();
        assertEquals("Imaging Measurement Report — VM-UNet skin-lesion segmenter (demo)\nSegment 1: lesion\n  Volume: "
                + volume + " ml\nVM-UNet skin-lesion segmenter (demo) — demo model — not for diagnosis", findings());
    }

    @Test
    void results_of_two_models_on_one_series_are_refused_with_a_reason() throws Exception {
        List<Path> slices = ctSlices(temp.resolve("demo-two-models"));
        open(slices);
        SeriesEntry ct = series("CT");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !onFx(() -> harness.modelChoice().getItems().isEmpty()));
        show(ct, 0);
        harness.run(DemoModelsTest.CLASSIFIER, "#ai-run-image");
        runOnSeries(DemoModelsTest.SEGMENTER);

        Path sr = temp.resolve("never-sr.dcm");
        assertEquals(null, onFx(() -> ai.panel().export(AiSidePanel.Export.DICOM_SR, sr)));
        assertEquals("The series holds results of 2 models (" + DemoModelsTest.CLASSIFIER + ", " + DemoModelsTest.SEGMENTER
                + "); one DICOM SR holds one model's results: run one model on the series to export them.", status());
        assertEquals(false, Files.exists(sr));
    }

    @Test
    void a_broken_report_shows_its_one_line_reason_and_the_images_stay_on_screen() throws Exception {
        List<Path> slices = ctSlices(temp.resolve("demo-broken"));
        var header = DicomReaders.standard().readHeader(slices.getFirst()).dataset();
        // A report whose one measurement has a number but no unit.
        DicomFileWriter.Dataset measuredValue = new DicomFileWriter.Dataset().string(0x0040A30A, "DS", "0.5");
        DicomFileWriter.Dataset num = item("NUM", "CLASS1", "nodule").sequence(0x0040A300, List.of(measuredValue));
        DicomFileWriter.Dataset group = item("CONTAINER", "125007", "Measurement Group").string(0x0040A050, "CS", "SEPARATE")
                .sequence(0x0040A730, List.of(num));
        DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", "1.2.840.10008.5.1.4.1.1.88.22")
                .string(Tag.SOP_INSTANCE_UID, "UI", "2.25.4711")
                .string(Tag.STUDY_INSTANCE_UID, "UI", header.string(Tag.STUDY_INSTANCE_UID, ""))
                .string(Tag.PATIENT_ID, "LO", header.string(Tag.PATIENT_ID, ""))
                .string(Tag.PATIENT_NAME, "PN", header.string(Tag.PATIENT_NAME, ""))
                .string(Tag.SERIES_INSTANCE_UID, "UI", "2.25.4712")
                .string(Tag.MODALITY, "CS", "SR")
                .string(0x0040A040, "CS", "CONTAINER")
                .sequence(0x0040A043, List.of(code("126000", "DCM", "Imaging Measurement Report")))
                .sequence(0x0040A730, List.of(group));
        Path broken = temp.resolve("broken-sr.dcm");
        DicomFileWriter.write(broken, "1.2.840.10008.5.1.4.1.1.88.22", "2.25.4711", ds);

        List<Path> files = new ArrayList<>(slices);
        files.add(broken);
        open(files);
        SeriesEntry ct = series("CT");
        SeriesEntry report = series("SR");
        show(report, 0);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !findings().isEmpty());
        assertEquals(broken + ": has a NUM content item (nodule) without Measurement Units", findings());

        show(ct, 2);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> first().imageProperty().get() != null);
        assertEquals("", findings(), "a report that could not be read says nothing about the images");
        assertEquals(false, onFx(() -> window.lookup("#sr-panel").isVisible()));
    }

    private static DicomFileWriter.Dataset code(String value, String scheme, String meaning) {
        return new DicomFileWriter.Dataset().string(0x00080100, "SH", value).string(0x00080102, "SH", scheme)
                .string(0x00080104, "LO", meaning);
    }

    private static DicomFileWriter.Dataset item(String valueType, String value, String meaning) {
        return new DicomFileWriter.Dataset().string(0x0040A010, "CS", "CONTAINS").string(0x0040A040, "CS", valueType)
                .sequence(0x0040A043, List.of(code(value, value.startsWith("CLASS") ? "99RADMAMBA" : "DCM", meaning)));
    }
}
