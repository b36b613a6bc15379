package org.radmamba.app.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.FindMatch;
import org.radmamba.viewer.dicom.net.FindQuery;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.QueryLevel;
import org.radmamba.viewer.dicom.net.RemoteNode;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DICOMweb adapter against a real Orthanc with its DICOMweb plugin: QIDO-RS, WADO-RS, STOW-RS, and faults. */
class DicomWebOrthancTest {

    @TempDir
    static Path shared;

    private static Orthanc orthanc;
    private static List<Path> doe;
    private static List<Path> smith;

    @TempDir
    Path dir;

    @BeforeAll
    static void startOrthancWithThreeStudies() throws Exception {
        ThreeStudies archive = ThreeStudies.start(shared, Orthanc.freePort());
        orthanc = archive.orthanc();
        doe = archive.doe();
        smith = archive.smith();
    }

    @AfterAll
    static void stopOrthanc() {
        if (orthanc != null) {
            orthanc.close();
        }
    }

    private static RemoteNode remote(Credentials credentials) {
        return DicomNetworks.connect(new DicomNode.Web("orthanc-web", URI.create(orthanc.dicomWebUri()), credentials),
                NetworkTimeouts.DEFAULT);
    }

    private static RemoteNode remote() {
        return remote(new Credentials.Basic(Orthanc.USER, Orthanc.PASSWORD));
    }

    @Test
    void the_ping_is_answered() throws Exception {
        remote().echo();
    }

    @Test
    void studies_are_found_by_each_key() throws Exception {
        List<FindMatch> doeStudies = remote().find(FindQuery.studies().withPatientName("Doe*"));
        assertEquals(2, doeStudies.size(), doeStudies.toString());
        FindMatch chest = doeStudies.stream().filter(m -> m.studyInstanceUid().equals(Fixtures.DOE.studyUid()))
                .findFirst().orElseThrow();
        assertEquals("Doe^Jane", chest.patientName());
        assertEquals("PID-DOE", chest.patientId());
        assertEquals("20240115", chest.studyDate());
        assertEquals(List.of("CT"), chest.modalities());
        assertEquals("ACC-1001", chest.accessionNumber());
        assertEquals(OptionalInt.of(6), chest.numberOfInstances());

        RemoteNode node = remote();
        assertEquals(List.of(Fixtures.DOE.studyUid(), Fixtures.SMITH.studyUid()), Fixtures.studyUids(node.find(
                new FindQuery(QueryLevel.STUDY, "", "", "20240101-20241231", "", "", "", ""))));
        assertEquals(List.of(Fixtures.DOE_LATER.studyUid()), Fixtures.studyUids(node.find(
                new FindQuery(QueryLevel.STUDY, "", "", "", "MR", "", "", ""))));
        assertEquals(List.of(Fixtures.SMITH.studyUid()), Fixtures.studyUids(node.find(
                new FindQuery(QueryLevel.STUDY, "", "", "", "", "ACC-2001", "", ""))));
        assertEquals(List.of(Fixtures.DOE_LATER.studyUid()), Fixtures.studyUids(node.find(
                new FindQuery(QueryLevel.STUDY, "", "", "", "", "", "Knee*", ""))));
    }

    @Test
    void patients_and_series_are_found() throws Exception {
        List<FindMatch> patients = remote().find(new FindQuery(QueryLevel.PATIENT, "Doe*", "", "", "", "", "", ""));
        assertEquals(1, patients.size(), patients.toString());
        assertEquals(OptionalInt.of(8), patients.get(0).numberOfInstances());

        List<FindMatch> series = remote().find(FindQuery.studies().withStudyInstanceUid(Fixtures.DOE.studyUid())
                .withLevel(QueryLevel.SERIES));
        assertEquals(List.of(Fixtures.seriesUid(Fixtures.DOE, 1), Fixtures.seriesUid(Fixtures.DOE, 2)),
                series.stream().map(FindMatch::seriesInstanceUid).sorted().toList());
        assertTrue(series.stream().allMatch(s -> s.modalities().equals(List.of("CT"))
                && s.numberOfInstances().equals(OptionalInt.of(3))), series.toString());
    }

    @Test
    void a_study_and_a_series_are_retrieved_by_wado_rs() throws Exception {
        List<Integer> progress = new ArrayList<>();
        RemoteNode.RetrieveResult study = remote().retrieve(Fixtures.DOE.studyUid(), null, dir.resolve("study"),
                (file, done, total) -> progress.add(done));
        assertEquals(6, study.files().size());
        assertEquals(List.of(1, 2, 3, 4, 5, 6), progress);
        Received.sameDataSets(doe, dir.resolve("study"));

        remote().retrieve(Fixtures.SMITH.studyUid(), Fixtures.seriesUid(Fixtures.SMITH, 1), dir.resolve("series"),
                RemoteNode.TransferListener.NONE);
        Received.sameDataSets(smith, dir.resolve("series"));
    }

    @Test
    void sent_files_are_stored_by_stow_rs_and_found_again() throws Exception {
        Fixtures.StudyKeys keys = new Fixtures.StudyKeys("Stowed^Study", "PID-STOW", "20260103", "CT", "ACC-STOW",
                "Sent by STOW-RS", "2.25.4711098");
        List<Path> files = Fixtures.study(dir.resolve("sent"), keys, 1, 3, 32);

        RemoteNode.SendResult result = remote().send(files, RemoteNode.TransferListener.NONE);

        assertEquals(3, result.sent());
        assertEquals(List.of(), result.failures());
        List<FindMatch> found = remote().find(FindQuery.studies().withPatientName("Stowed*"));
        assertEquals(1, found.size());
        assertEquals(OptionalInt.of(3), found.get(0).numberOfInstances());
    }

    @Test
    void wrong_credentials_and_a_bearer_token_orthanc_does_not_know_are_refused() {
        NetworkException wrong = assertThrows(NetworkException.class,
                () -> remote(new Credentials.Basic(Orthanc.USER, "wrong")).echo());
        assertEquals(NetworkException.Failure.REFUSED, wrong.failure());
        assertEquals("orthanc-web (" + orthanc.dicomWebUri() + "): QIDO-RS: authentication failed (HTTP 401): check"
                + " the node's user and password or token", wrong.getMessage());
        assertTrue(!wrong.getMessage().contains("wrong"), "the message shows the password");

        NetworkException bearer = assertThrows(NetworkException.class,
                () -> remote(new Credentials.Bearer("token-123")).echo());
        assertTrue(bearer.getMessage().contains("HTTP 401") && !bearer.getMessage().contains("token-123"),
                bearer.getMessage());
    }

    @Test
    void a_closed_port_is_unreachable_and_an_unknown_study_is_refused() throws Exception {
        int closed = Orthanc.freePort();
        RemoteNode nobody = DicomNetworks.connect(new DicomNode.Web("nobody", URI.create("http://127.0.0.1:" + closed
                + "/dicom-web"), Credentials.NONE), NetworkTimeouts.DEFAULT);
        NetworkException e = assertThrows(NetworkException.class, () -> nobody.find(FindQuery.studies()));
        assertEquals(NetworkException.Failure.UNREACHABLE, e.failure(), e.getMessage());
        assertTrue(e.getMessage().startsWith("nobody (http://127.0.0.1:" + closed + "/dicom-web): QIDO-RS:"
                + " connection refused"), e.getMessage());

        NetworkException unknown = assertThrows(NetworkException.class,
                () -> remote().retrieve("2.25.999", null, dir, RemoteNode.TransferListener.NONE));
        assertEquals(NetworkException.Failure.REFUSED, unknown.failure(), unknown.getMessage());
        assertEquals(List.of(), Received.files(dir));
    }
}
