package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.net.Fixtures;
import org.radmamba.app.net.Orthanc;
import org.radmamba.app.net.Peers;
import org.radmamba.app.net.Received;
import org.radmamba.viewer.dicom.net.NodeDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code radmamba remote ...} end to end against a real Orthanc, by DIMSE and DICOMweb, and with DCMTK. */
class RemoteCommandTest {

    @TempDir
    static Path shared;

    private static Orthanc orthanc;
    private static int movePort;
    private static List<Path> doe;
    private static String preferences;

    @TempDir
    Path dir;

    @BeforeAll
    static void startOrthanc() throws Exception {
        preferences = "org/radmamba/test-nodes-" + UUID.randomUUID();
        System.setProperty(NodeDirectory.NODE_PROPERTY, preferences);
        movePort = Orthanc.freePort();
        orthanc = Orthanc.start(shared.resolve("orthanc"), movePort);
        doe = Fixtures.study(shared.resolve("doe"), Fixtures.DOE, 2, 3, 64);
        orthanc.upload(doe);
        orthanc.upload(Fixtures.study(shared.resolve("smith"), Fixtures.SMITH, 1, 2, 64));
    }

    @AfterAll
    static void stopOrthanc() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
        Preferences.userRoot().node(preferences).removeNode();
        System.clearProperty(NodeDirectory.NODE_PROPERTY);
    }

    private static InfoCommandTest.Run run(String... args) {
        return InfoCommandTest.run(args);
    }

    @Test
    void a_node_is_configured_once_then_named_and_its_password_is_never_shown() throws Exception {
        Path password = dir.resolve("password");
        Files.writeString(password, Orthanc.PASSWORD + "\n");

        InfoCommandTest.Run add = run("remote", "node", "add", "pacs-web", orthanc.dicomWebUri(), "--user",
                Orthanc.USER, "--password-file", password.toString());
        assertEquals(ExitCodes.OK, add.exitCode(), add.err());
        InfoCommandTest.Run addDimse = run("remote", "node", "add", "pacs", orthanc.dimseUri());
        assertEquals(ExitCodes.OK, addDimse.exitCode(), addDimse.err());
        InfoCommandTest.Run list = run("remote", "node", "list");
        assertTrue(list.out().contains("pacs-web (" + orthanc.dicomWebUri() + ")  basic authentication as "
                + Orthanc.USER), list.out());
        assertTrue(!list.out().contains(Orthanc.PASSWORD) && !add.out().contains(Orthanc.PASSWORD), list.out());

        InfoCommandTest.Run echoWeb = run("remote", "echo", "pacs-web");
        assertEquals(ExitCodes.OK, echoWeb.exitCode(), echoWeb.err());
        assertEquals("pacs-web (" + orthanc.dicomWebUri() + "): answered", echoWeb.out().strip());
        InfoCommandTest.Run echoDimse = run("remote", "echo", "pacs");
        assertEquals(ExitCodes.OK, echoDimse.exitCode(), echoDimse.err());

        InfoCommandTest.Run find = run("remote", "find", "pacs-web", "--patient-name", "Smith*", "--json");
        assertEquals(ExitCodes.OK, find.exitCode(), find.err());
        assertEquals(Fixtures.SMITH.studyUid(), new ObjectMapper().readTree(find.out()).get(0)
                .get("StudyInstanceUID").asText());

        assertEquals(ExitCodes.OK, run("remote", "node", "remove", "pacs-web").exitCode());
        InfoCommandTest.Run gone = run("remote", "echo", "pacs-web");
        assertEquals(ExitCodes.USAGE, gone.exitCode());
        assertTrue(gone.err().contains("no node named 'pacs-web' is configured"), gone.err());
    }

    @Test
    void find_json_lists_each_match_with_its_keys_at_every_level() throws Exception {
        for (String node : new String[] {orthanc.dimseUri(), orthanc.dicomWebUri()}) {
            String[] auth = node.startsWith("http") ? new String[] {"--user", Orthanc.USER, "--password-file",
                    passwordFile().toString()} : new String[0];
            InfoCommandTest.Run studies = run(concat(new String[] {"remote", "find", node, "--patient-name", "Doe*",
                    "--study-date", "20240101-20241231", "--modality", "CT", "--json"}, auth));
            assertEquals(ExitCodes.OK, studies.exitCode(), node + ": " + studies.err());
            JsonNode study = single(studies.out());
            assertEquals("study", study.get("level").asText());
            assertEquals("Doe^Jane", study.get("PatientName").asText());
            assertEquals("PID-DOE", study.get("PatientID").asText());
            assertEquals(Fixtures.DOE.studyUid(), study.get("StudyInstanceUID").asText());
            assertEquals("20240115", study.get("StudyDate").asText());
            assertEquals("CT", study.get("ModalitiesInStudy").get(0).asText());
            assertEquals(6, study.get("NumberOfInstances").asInt());

            InfoCommandTest.Run series = run(concat(new String[] {"remote", "find", node, "--level", "series",
                    "--study", Fixtures.DOE.studyUid(), "--json"}, auth));
            assertEquals(ExitCodes.OK, series.exitCode(), node + ": " + series.err());
            JsonNode list = new ObjectMapper().readTree(series.out());
            assertEquals(2, list.size(), series.out());
            assertTrue(list.get(0).get("SeriesInstanceUID").asText().startsWith(Fixtures.DOE.studyUid() + "."));
            assertEquals("CT", list.get(0).get("Modality").asText());
            assertEquals(3, list.get(0).get("NumberOfInstances").asInt());

            InfoCommandTest.Run patients = run(concat(new String[] {"remote", "find", node, "--level", "patient",
                    "--patient-id", "PID-DOE", "--json"}, auth));
            assertEquals(ExitCodes.OK, patients.exitCode(), node + ": " + patients.err());
            assertEquals("patient", single(patients.out()).get("level").asText());
        }
    }

    @Test
    void get_retrieves_by_c_get_c_move_and_wado_rs() throws Exception {
        InfoCommandTest.Run get = run("remote", "get", orthanc.dimseUri(), "--study", Fixtures.DOE.studyUid(),
                "--out", dir.resolve("get").toString());
        assertEquals(ExitCodes.OK, get.exitCode(), get.err());
        assertEquals("6 instance(s) received into " + dir.resolve("get"), get.out().strip());
        Received.sameDataSets(doe, dir.resolve("get"));

        InfoCommandTest.Run move = run("remote", "get", orthanc.dimseUri(), "--retrieve", "move", "--move-port",
                Integer.toString(movePort), "--study", Fixtures.DOE.studyUid(), "--series",
                Fixtures.seriesUid(Fixtures.DOE, 1), "--out", dir.resolve("move").toString());
        assertEquals(ExitCodes.OK, move.exitCode(), move.err());
        Received.sameDataSets(doe.subList(0, 3), dir.resolve("move"));

        InfoCommandTest.Run wado = run("remote", "get", orthanc.dicomWebUri(), "--user", Orthanc.USER,
                "--password-file", passwordFile().toString(), "--study", Fixtures.DOE.studyUid(), "--out",
                dir.resolve("wado").toString());
        assertEquals(ExitCodes.OK, wado.exitCode(), wado.err());
        Received.sameDataSets(doe, dir.resolve("wado"));
    }

    @Test
    void send_stores_a_folder_and_says_which_inputs_are_not_dicom() throws Exception {
        Fixtures.StudyKeys keys = new Fixtures.StudyKeys("Cli^Sent", "PID-CLI", "20260104", "CT", "ACC-CLI",
                "Sent from the CLI", "2.25.4711097");
        Path folder = dir.resolve("to-send");
        Fixtures.study(folder, keys, 1, 2, 32);
        Path text = Files.writeString(dir.resolve("notes.txt"), "not DICOM");

        InfoCommandTest.Run send = run("remote", "send", orthanc.dimseUri(), folder.toString(), text.toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, send.exitCode(), send.err());
        assertTrue(send.out().contains("2 of 2 file(s) sent"), send.out());
        assertTrue(send.err().contains("notes.txt"), send.err());
        InfoCommandTest.Run find = run("remote", "find", orthanc.dimseUri(), "--accession", "ACC-CLI", "--json");
        assertEquals(2, single(find.out()).get("NumberOfInstances").asInt());
    }

    @Test
    void listen_files_what_storescu_sends() throws Exception {
        Path storescu = Peers.requireDcmtk("storescu");
        int port = Orthanc.freePort();
        Path out = dir.resolve("listened");
        InfoCommandTest.Run[] result = new InfoCommandTest.Run[1];
        Thread listener = Thread.ofPlatform().start(() -> result[0] = run("remote", "listen", "--aet", "RADMAMBA",
                "--port", Integer.toString(port), "--out", out.toString(), "--count", "2"));
        List<Path> files = Fixtures.study(dir.resolve("fixtures"), Fixtures.SMITH, 1, 2, 32);
        // storescu is retried until the listener has opened its port, bounded by time rather than by attempts: a
        // loaded machine can take seconds to start the command. A refused connection is no association, so it does
        // not count towards --count (a bare TCP probe of the port would).
        Process process;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            process = new ProcessBuilder(storescu.toString(), "-aet", "DCMTK", "-aec", "RADMAMBA", "127.0.0.1",
                    Integer.toString(port), files.get(0).toString(), files.get(1).toString())
                    .redirectErrorStream(true).start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "storescu did not finish");
            if (process.exitValue() == 0 || !listener.isAlive() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(200);
        }
        listener.join(60_000);

        assertEquals(0, process.exitValue(), new String(process.getInputStream().readAllBytes()));
        assertEquals(ExitCodes.OK, result[0].exitCode(), result[0].err());
        assertEquals(2, result[0].out().lines().filter(l -> l.endsWith("(from DCMTK)")).count(), result[0].out());
        Received.sameDataSets(files, out);
    }

    @Test
    void a_refusing_or_absent_node_exits_4_with_one_line_naming_node_and_step() throws Exception {
        InfoCommandTest.Run wrongAe = run("remote", "echo", "dimse://WRONG_AE@127.0.0.1:" + orthanc.dicomPort());
        assertEquals(ExitCodes.NODE_FAILED, wrongAe.exitCode());
        assertEquals(1, wrongAe.err().lines().count(), wrongAe.err());
        assertTrue(wrongAe.err().startsWith("dimse://WRONG_AE@127.0.0.1:" + orthanc.dicomPort()
                + ": C-ECHO: association rejected"), wrongAe.err());

        int closed = Orthanc.freePort();
        InfoCommandTest.Run absent = run("remote", "find", "http://127.0.0.1:" + closed + "/dicom-web",
                "--patient-name", "X*");
        assertEquals(ExitCodes.NODE_FAILED, absent.exitCode());
        assertEquals("http://127.0.0.1:" + closed + "/dicom-web: QIDO-RS: connection refused: nothing listens at"
                + " 127.0.0.1:" + closed, absent.err().strip());

        InfoCommandTest.Run badDate = run("remote", "find", orthanc.dimseUri(), "--study-date", "2024-01");
        assertEquals(ExitCodes.USAGE, badDate.exitCode(), badDate.err());
        assertTrue(badDate.err().contains("study date must be YYYYMMDD"), badDate.err());
    }

    private Path passwordFile() throws Exception {
        Path file = dir.resolve("orthanc-password");
        if (!Files.exists(file)) {
            Files.writeString(file, Orthanc.PASSWORD);
        }
        return file;
    }

    private static JsonNode single(String json) throws Exception {
        JsonNode list = new ObjectMapper().readTree(json);
        assertEquals(1, list.size(), json);
        return list.get(0);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
