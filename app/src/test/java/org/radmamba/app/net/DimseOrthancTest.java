package org.radmamba.app.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.FindMatch;
import org.radmamba.viewer.dicom.net.FindQuery;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.QueryLevel;
import org.radmamba.viewer.dicom.net.RemoteNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DIMSE adapter against a real Orthanc: every operation, and the faults a PACS user meets. */
class DimseOrthancTest {

    @TempDir
    static Path shared;

    private static Orthanc orthanc;
    private static int movePort;
    private static List<Path> doe;
    private static List<Path> doeLater;
    private static List<Path> smith;

    @TempDir
    Path dir;

    @BeforeAll
    static void startOrthancWithThreeStudies() throws Exception {
        movePort = Orthanc.freePort();
        ThreeStudies archive = ThreeStudies.start(shared, movePort);
        orthanc = archive.orthanc();
        doe = archive.doe();
        doeLater = archive.doeLater();
        smith = archive.smith();
    }

    @AfterAll
    static void stopOrthanc() {
        if (orthanc != null) {
            orthanc.close();
        }
    }

    private static DicomNode.Dimse node(DicomNode.Retrieve retrieve) {
        return new DicomNode.Dimse("orthanc", Orthanc.AET, "127.0.0.1", orthanc.dicomPort(), "RADMAMBA", retrieve,
                "RADMAMBA", movePort);
    }

    private static RemoteNode remote() {
        return DicomNetworks.connect(node(DicomNode.Retrieve.GET), NetworkTimeouts.DEFAULT);
    }

    @Test
    void echo_is_answered() throws Exception {
        remote().echo();
    }

    @Test
    void studies_are_found_by_patient_name_with_a_wildcard() throws Exception {
        List<FindMatch> matches = remote().find(FindQuery.studies().withPatientName("Doe*"));

        assertEquals(2, matches.size(), matches.toString());
        FindMatch chest = matches.stream().filter(m -> m.studyInstanceUid().equals(Fixtures.DOE.studyUid()))
                .findFirst().orElseThrow();
        assertEquals("Doe^Jane", chest.patientName());
        assertEquals("PID-DOE", chest.patientId());
        assertEquals("20240115", chest.studyDate());
        assertEquals(List.of("CT"), chest.modalities());
        assertEquals("ACC-1001", chest.accessionNumber());
        assertEquals("Chest CT", chest.studyDescription());
        assertEquals(OptionalInt.of(6), chest.numberOfInstances());
    }

    @Test
    void each_study_key_narrows_the_search() throws Exception {
        RemoteNode node = remote();
        FindQuery all = FindQuery.studies();
        assertEquals(List.of(Fixtures.DOE.studyUid(), Fixtures.SMITH.studyUid()), Fixtures.studyUids(node.find(
                new FindQuery(QueryLevel.STUDY, "", "", "20240101-20241231", "", "", "", ""))));
        assertEquals(List.of(Fixtures.DOE_LATER.studyUid()), Fixtures.studyUids(node.find(
                new FindQuery(QueryLevel.STUDY, "", "", "20250101-", "", "", "", ""))));
        assertEquals(List.of(Fixtures.DOE_LATER.studyUid()), Fixtures.studyUids(node.find(
                new FindQuery(QueryLevel.STUDY, "", "", "", "MR", "", "", ""))));
        assertEquals(List.of(Fixtures.SMITH.studyUid()), Fixtures.studyUids(node.find(
                new FindQuery(QueryLevel.STUDY, "", "", "", "", "ACC-2001", "", ""))));
        assertEquals(List.of(Fixtures.DOE_LATER.studyUid()), Fixtures.studyUids(node.find(
                new FindQuery(QueryLevel.STUDY, "", "", "", "", "", "Knee*", ""))));
        assertEquals(List.of(Fixtures.SMITH.studyUid()), Fixtures.studyUids(node.find(
                new FindQuery(QueryLevel.STUDY, "", "PID-SMITH", "", "", "", "", ""))));
        assertEquals(List.of(), Fixtures.studyUids(node.find(all.withPatientName("Nobody*"))));
    }

    @Test
    void patients_and_series_are_found_at_their_levels() throws Exception {
        List<FindMatch> patients = remote().find(new FindQuery(QueryLevel.PATIENT, "Doe*", "", "", "", "", "", ""));
        assertEquals(1, patients.size(), patients.toString());
        assertEquals("PID-DOE", patients.get(0).patientId());
        assertEquals(OptionalInt.of(8), patients.get(0).numberOfInstances());

        List<FindMatch> series = remote().find(FindQuery.studies().withStudyInstanceUid(Fixtures.DOE.studyUid())
                .withLevel(QueryLevel.SERIES));
        assertEquals(2, series.size(), series.toString());
        List<String> seriesUids = series.stream().map(FindMatch::seriesInstanceUid).sorted().toList();
        assertEquals(List.of(Fixtures.seriesUid(Fixtures.DOE, 1), Fixtures.seriesUid(Fixtures.DOE, 2)), seriesUids);
        assertTrue(series.stream().allMatch(s -> s.modalities().equals(List.of("CT"))
                && s.numberOfInstances().equals(OptionalInt.of(3))), series.toString());
    }

    @Test
    void a_study_is_retrieved_by_c_get_as_stored() throws Exception {
        List<Integer> progress = new ArrayList<>();
        RemoteNode.RetrieveResult result = remote().retrieve(Fixtures.DOE.studyUid(), null, dir,
                (file, done, total) -> progress.add(done));

        assertEquals(6, result.files().size());
        assertEquals(List.of(1, 2, 3, 4, 5, 6), progress);
        Received.sameDataSets(doe, dir);
        assertEquals(Fixtures.DOE.studyUid(), DicomReaders.standard().readHeader(result.files().get(0)).dataset()
                .string(Tag.STUDY_INSTANCE_UID, ""));
    }

    @Test
    void one_series_is_retrieved_by_c_get() throws Exception {
        String series = Fixtures.seriesUid(Fixtures.DOE, 2);
        remote().retrieve(Fixtures.DOE.studyUid(), series, dir, RemoteNode.TransferListener.NONE);

        Received.sameDataSets(doe.subList(3, 6), dir);
    }

    @Test
    void a_study_is_retrieved_by_c_move_to_our_storage_scp() throws Exception {
        RemoteNode node = DicomNetworks.connect(node(DicomNode.Retrieve.MOVE), NetworkTimeouts.DEFAULT);
        RemoteNode.RetrieveResult result = node.retrieve(Fixtures.SMITH.studyUid(), null, dir,
                RemoteNode.TransferListener.NONE);

        assertEquals(4, result.files().size());
        Received.sameDataSets(smith, dir);
    }

    @Test
    void sent_files_are_stored_and_found_again() throws Exception {
        Fixtures.StudyKeys keys = new Fixtures.StudyKeys("Sent^Study", "PID-SENT", "20260102", "CT", "ACC-SENT",
                "Sent by C-STORE", "2.25.4711099");
        List<Path> files = Fixtures.study(dir.resolve("sent"), keys, 1, 3, 32);

        RemoteNode.SendResult result = remote().send(files, RemoteNode.TransferListener.NONE);

        assertEquals(3, result.sent());
        assertEquals(List.of(), result.failures());
        List<FindMatch> found = remote().find(FindQuery.studies().withPatientName("Sent^Study"));
        assertEquals(1, found.size());
        assertEquals(OptionalInt.of(3), found.get(0).numberOfInstances());
        remote().retrieve(keys.studyUid(), null, dir.resolve("back"), RemoteNode.TransferListener.NONE);
        Received.sameDataSets(files, dir.resolve("back"));
    }

    @Test
    void a_wrong_called_ae_title_is_a_refused_association_named_in_one_line() {
        DicomNode.Dimse wrong = new DicomNode.Dimse("orthanc", "NOT_ORTHANC", "127.0.0.1", orthanc.dicomPort(),
                "RADMAMBA", DicomNode.Retrieve.GET, "RADMAMBA", 0);

        NetworkException e = assertThrows(NetworkException.class,
                () -> DicomNetworks.connect(wrong, NetworkTimeouts.DEFAULT).echo());

        assertEquals(NetworkException.Failure.REFUSED, e.failure());
        assertTrue(e.getMessage().startsWith("orthanc (dimse://NOT_ORTHANC@127.0.0.1:" + orthanc.dicomPort()
                + "): C-ECHO: association rejected"), e.getMessage());
        assertTrue(e.getMessage().contains("NOT_ORTHANC") && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void a_closed_port_is_unreachable() throws Exception {
        int closed = Orthanc.freePort();
        DicomNode.Dimse nobody = new DicomNode.Dimse("nobody", "ANY", "127.0.0.1", closed, "RADMAMBA",
                DicomNode.Retrieve.GET, "RADMAMBA", 0);

        NetworkException e = assertThrows(NetworkException.class,
                () -> DicomNetworks.connect(nobody, NetworkTimeouts.DEFAULT).find(FindQuery.studies()));

        assertEquals(NetworkException.Failure.UNREACHABLE, e.failure());
        assertEquals("nobody (dimse://ANY@127.0.0.1:" + closed + "): C-FIND: connection refused: nothing listens on"
                + " 127.0.0.1:" + closed, e.getMessage());
    }

    @Test
    void a_node_that_accepts_the_connection_and_stays_silent_times_out() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            });
            DicomNode.Dimse node = new DicomNode.Dimse("silent", "SILENT", "127.0.0.1", silent.getLocalPort(),
                    "RADMAMBA", DicomNode.Retrieve.GET, "RADMAMBA", 0);
            long start = System.nanoTime();

            NetworkException e = assertThrows(NetworkException.class, () -> DicomNetworks.connect(node,
                    new NetworkTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))).echo());

            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertEquals(NetworkException.Failure.TIMEOUT, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("C-ECHO: no answer for 2 s"), e.getMessage());
            assertTrue(seconds < 10, "took " + seconds + " s");
            silent.close();
            acceptor.join(Duration.ofSeconds(5));
        }
    }
}
