package org.radmamba.app.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.fx.model.RemoteSearchViewModel;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PACS that refuses one instance of a send: a real Orthanc, sent three instances of which the second has no Study
 * Instance UID, which Orthanc refuses (C-STORE status A700, and a failed SOP in the STOW-RS answer). The send through
 * the search panel's view model (the one send path of Send…, Send to ▸ node and the AI result's Send) reports the
 * others as sent and that one in the same line, and Orthanc holds exactly the others. (Orthanc 1.10.1's Lua
 * {@code ReceivedInstanceFilter} cannot be used for this: an instance it filters out is answered C-STORE Success and
 * HTTP 200 "FilteredOut", so the sender is never told.)
 */
class RejectedInstanceTest {

    @TempDir
    static Path dir;

    private static Orthanc orthanc;
    private static Preferences preferences;
    private static ExecutorService background;

    @TempDir
    Path store;

    @BeforeAll
    static void startOrthanc() throws Exception {
        Peers.requireOrthanc();
        orthanc = Orthanc.start(dir.resolve("orthanc"), Orthanc.freePort());
        preferences = Preferences.userRoot().node("org/radmamba/test-rejected-" + UUID.randomUUID());
        NodeDirectory directory = new NodeDirectory(preferences);
        directory.save(new NodeDirectory.Entry("pacs", orthanc.dimseUri(), "RADMAMBA", DicomNode.Retrieve.GET, 0,
                Credentials.NONE));
        directory.save(new NodeDirectory.Entry("web", orthanc.dicomWebUri(), "RADMAMBA", DicomNode.Retrieve.GET, 0,
                new Credentials.Basic(Orthanc.USER, Orthanc.PASSWORD)));
        background = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void stop() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
        if (preferences != null) {
            preferences.removeNode();
        }
        if (background != null) {
            background.shutdownNow();
        }
    }

    private static String refused(Fixtures.StudyKeys study) {
        return Fixtures.seriesUid(study, 1) + ".2";
    }

    /** The study's second instance again, without its Study Instance UID: readable DICOM that Orthanc refuses. */
    private static void withoutStudyUid(Path file, Fixtures.StudyKeys study) throws java.io.IOException {
        short[] pixels = new short[8 * 8];
        DicomFileWriter.write(file, Fixtures.CT_IMAGE_STORAGE, refused(study), new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", Fixtures.CT_IMAGE_STORAGE)
                .string(Tag.SOP_INSTANCE_UID, "UI", refused(study))
                .string(Tag.MODALITY, "CS", "CT")
                .string(Tag.PATIENT_NAME, "PN", study.patientName())
                .string(Tag.PATIENT_ID, "LO", study.patientId())
                .string(Tag.SERIES_INSTANCE_UID, "UI", Fixtures.seriesUid(study, 1))
                .unsignedShort(Tag.SAMPLES_PER_PIXEL, 1)
                .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                .unsignedShort(Tag.ROWS, 8)
                .unsignedShort(Tag.COLUMNS, 8)
                .unsignedShort(Tag.BITS_ALLOCATED, 16)
                .unsignedShort(Tag.BITS_STORED, 12)
                .unsignedShort(Tag.HIGH_BIT, 11)
                .unsignedShort(Tag.PIXEL_REPRESENTATION, 0)
                .otherWords(Tag.PIXEL_DATA, pixels));
    }

    /** The SOP instance UIDs Orthanc holds of a study, asked on its REST API, not through the code under test. */
    private static List<String> instancesInOrthanc(Fixtures.StudyKeys study) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String query = "{\"Level\":\"Instance\",\"Expand\":true,\"Query\":{\"StudyInstanceUID\":\""
                + study.studyUid() + "\"}}";
        var answer = json.readTree(orthanc.rest("POST", "/tools/find", query.getBytes()).body());
        List<String> uids = new java.util.ArrayList<>();
        answer.forEach(instance -> uids.add(instance.path("MainDicomTags").path("SOPInstanceUID").asText()));
        return uids.stream().sorted().toList();
    }

    @ParameterizedTest
    @CsvSource({"pacs, SMITH", "web, DOE_LATER"})
    void the_refused_instance_is_named_in_the_line_and_the_others_are_sent(String node, String study)
            throws Exception {
        Fixtures.StudyKeys keys = study.equals("SMITH") ? Fixtures.SMITH : Fixtures.DOE_LATER;
        List<Path> files = Fixtures.study(dir.resolve(node), keys, 1, 3, 64);
        withoutStudyUid(files.get(1), keys);
        RemoteSearchViewModel vm = new RemoteSearchViewModel(new NodeDirectory(preferences), background,
                Runnable::run, batch -> { }, store, NetworkTimeouts.DEFAULT);

        CountDownLatch done = new CountDownLatch(1);
        vm.busy().addListener((obs, was, now) -> {
            if (!now) {
                done.countDown();
            }
        });
        vm.send(node, files);
        assertTrue(done.await(60, TimeUnit.SECONDS), "still sending: " + vm.status().get());

        String label = node.equals("pacs") ? "pacs (" + orthanc.dimseUri() + ")"
                : "web (" + orthanc.dicomWebUri() + ")";
        String why = node.equals("pacs") ? files.get(1) + ": the node did not accept it (C-STORE failure status)"
                // Orthanc's DICOMweb plugin gives C000 (cannot understand) for an instance it cannot index.
                : "instance " + refused(keys) + " refused by the node (status C000)";
        assertEquals("2 of 3 file(s) sent to " + label + "; " + why, vm.status().get());
        assertEquals(List.of(Fixtures.seriesUid(keys, 1) + ".1", Fixtures.seriesUid(keys, 1) + ".3"),
                instancesInOrthanc(keys));
    }
}
