package org.radmamba.app.ai;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.radmamba.app.net.Orthanc;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.FindMatch;
import org.radmamba.viewer.dicom.net.FindQuery;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.QueryLevel;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real main window (headless Monocle) and a real Orthanc: a demo model's results on a CT series are sent from
 * the AI panel in one click, and a C-FIND on Orthanc finds the SR (and for masks the SEG) in the CT's study.
 */
@ExtendWith(ApplicationExtension.class)
class SendResultFxTest extends AiWindowFxTest {

    private static Orthanc orthanc;
    private static String nodesNode;

    @BeforeAll
    static void startPacs() throws Exception {
        orthanc = Orthanc.start(temp.resolve("orthanc"), Orthanc.freePort());
        // The AI window reads the user's nodes: here a preferences node of this test's own.
        nodesNode = "org/radmamba/test-send-" + UUID.randomUUID();
        System.setProperty(NodeDirectory.NODE_PROPERTY, nodesNode);
        NodeDirectory.forUser().save(new NodeDirectory.Entry("pacs", orthanc.dimseUri(), "RADMAMBA",
                DicomNode.Retrieve.GET, 0, Credentials.NONE));
    }

    @AfterAll
    static void stopPacs() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
        Preferences.userRoot().node(nodesNode).removeNode();
        System.clearProperty(NodeDirectory.NODE_PROPERTY);
    }

    @Start
    void start(Stage stage) {
        open(stage);
        stage.show();
    }

    /** A CT series of three slices, opened and shown, in a study of its own (the demo generator's UIDs). */
    private SeriesEntry openCt(String name) throws Exception {
        Path folder = temp.resolve(name);
        DemoStudy.generate(folder, new DemoStudy.Spec(64, 3, 1.5, 5, 0, false));
        List<Path> files = new ArrayList<>();
        try (var ct = Files.list(folder.resolve("CT"))) {
            ct.sorted().forEach(files::add);
        }
        onFx(() -> {
            viewModel.open(files);
            return null;
        });
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !viewModel.scanningProperty().get()
                && viewModel.series().stream().anyMatch(e -> e.series().modality().equals("CT")));
        SeriesEntry ct = onFx(() -> viewModel.series().stream().filter(e -> e.series().modality().equals("CT"))
                .findFirst().orElseThrow());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !onFx(() -> harness.modelChoice().getItems().isEmpty()));
        onFx(() -> {
            viewModel.showSeries(ct, 0);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        return ct;
    }

    /** Clicks Send with the node "pacs" chosen and waits for the one line it ends with. */
    private String send() throws Exception {
        onFx(() -> {
            ai.sender().refreshNodes();
            ai.sender().node().set("pacs");
            ((Button) window.lookup("#ai-send")).fire();
            return null;
        });
        Label line = (Label) window.lookup("#ai-send-status");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> onFx(() -> line.getText().startsWith("Sent")
                || line.getText().startsWith("Not")));
        return onFx(line::getText);
    }

    /** The modalities of the series Orthanc holds in the study, by C-FIND through our DIMSE adapter. */
    private static List<String> modalitiesOnOrthanc(String studyUid) throws Exception {
        List<FindMatch> series = DicomNetworks.connect(NodeDirectory.forUser().find("pacs").orElseThrow().node(),
                NetworkTimeouts.DEFAULT).find(new FindQuery(QueryLevel.SERIES, "", "", "", "", "", "", studyUid));
        return series.stream().flatMap(m -> m.modalities().stream()).sorted().toList();
    }

    /**
     * The series modalities in {@code after} that {@code before} did not have (both tests' CT has the demo
     * generator's study UID, so each looks at what its own send added).
     */
    private static List<String> added(List<String> before, List<String> after) {
        List<String> rest = new ArrayList<>(after);
        before.forEach(rest::remove);
        return rest;
    }

    @Test
    void a_classification_is_sent_as_an_sr_that_a_c_find_finds_in_the_study() throws Exception {
        SeriesEntry ct = openCt("classified");
        harness.run(DemoModelsTest.CLASSIFIER, "#ai-run-series");

        List<String> before = modalitiesOnOrthanc(ct.study().studyInstanceUid());

        assertEquals("Sent the DICOM SR to pacs (" + orthanc.dimseUri() + ")", send());

        assertEquals(List.of("SR"), added(before, modalitiesOnOrthanc(ct.study().studyInstanceUid())),
                "one SR series, and not the images");
    }

    @Test
    void masks_are_sent_as_seg_and_sr_that_a_c_find_finds_in_the_study() throws Exception {
        SeriesEntry ct = openCt("segmented");
        harness.run(DemoModelsTest.SEGMENTER, "#ai-run-series");

        List<String> before = modalitiesOnOrthanc(ct.study().studyInstanceUid());

        assertEquals("Sent the DICOM SEG and its SR to pacs (" + orthanc.dimseUri() + ")", send());

        assertEquals(List.of("SEG", "SR"), added(before, modalitiesOnOrthanc(ct.study().studyInstanceUid())));
    }
}
