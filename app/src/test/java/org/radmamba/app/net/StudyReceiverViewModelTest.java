package org.radmamba.app.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.ReceiverSettings;
import org.radmamba.viewer.fx.model.StudyReceiverViewModel;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.CurrentThreadTaskExecutor;
import org.testfx.api.FxToolkit;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storage SCP that runs while the viewer runs, with DCMTK's storescu as the peer that pushes a study: the study
 * joins the browser's view model while the SCP runs, its settings are kept in the user's preferences, and a port in
 * use is one line.
 */
class StudyReceiverViewModelTest {

    @TempDir
    Path dir;

    private final Preferences preferences =
            Preferences.userRoot().node("org/radmamba/test-receiver-" + UUID.randomUUID());

    @BeforeAll
    static void toolkit() throws Exception {
        // The browser's thumbnails are JavaFX images: the toolkit (headless Monocle), not a window.
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void forget() throws Exception {
        preferences.removeNode();
    }

    private static int instancesShown(ViewerViewModel browser) {
        return browser.series().stream().mapToInt(e -> e.series().instances().size()).sum();
    }

    @Test
    void a_study_pushed_by_storescu_joins_the_browser_while_the_receiver_runs() throws Exception {
        Peers.requireDcmtk("storescu");
        List<Path> files = Fixtures.study(dir.resolve("fixtures"), Fixtures.DOE, 2, 3, 64);
        int port = Orthanc.freePort();
        Path folder = dir.resolve("received");
        new ReceiverSettings(true, "RADMAMBA", port, Set.of("DCMTK"), folder).save(preferences);
        // The browser's view model is used on one thread, as on the JavaFX thread in the app.
        ExecutorService ui = Executors.newSingleThreadExecutor();
        ViewerViewModel browser = ui.submit(() -> new ViewerViewModel(new DicomStudyService(),
                new CurrentThreadTaskExecutor(), new ViewerSettings(new MemoryStore()), () -> dir)).get();
        List<List<Path>> batches = Collections.synchronizedList(new ArrayList<>());
        try (StudyReceiverViewModel receiver = new StudyReceiverViewModel(preferences, ui, batch -> {
            batches.add(batch);
            browser.openReceived(batch);
        })) {
            receiver.startIfEnabled();
            assertTrue(receiver.running().get(), receiver.status().get());
            assertEquals("Receiving as RADMAMBA on port " + port + " into " + folder, receiver.status().get());

            List<String> args = new ArrayList<>(List.of("-aet", "DCMTK", "-aec", "RADMAMBA", "127.0.0.1",
                    Integer.toString(port)));
            files.forEach(f -> args.add(f.toString()));
            StorageScpTest.Result store = StorageScpTest.dcmtk("storescu", args);
            assertEquals(0, store.exitCode(), store.output());

            // While the receiver still runs, the browser gets the whole study (waited for, not timed).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ui.submit(() -> instancesShown(browser)).get() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(receiver.running().get());
            assertEquals(6, ui.submit(() -> instancesShown(browser)).get(), "batches: " + batches);
            List<String> labels = ui.submit(() -> browser.series().stream().map(e -> e.label()).sorted().toList())
                    .get();
            assertEquals(List.of("CT · Series 1 · 3 images", "CT · Series 2 · 3 images"), labels);
            assertEquals(Fixtures.DOE.studyUid(), ui.submit(() -> browser.series().getFirst().study()
                    .studyInstanceUid()).get());
        } finally {
            ui.shutdown();
            assertTrue(ui.awaitTermination(30, TimeUnit.SECONDS));
        }
        Received.sameDataSets(files, folder);
        assertEquals(Set.copyOf(Received.files(folder)),
                batches.stream().flatMap(List::stream).collect(Collectors.toSet()));
    }

    @Test
    void with_a_tls_key_store_the_receiver_answers_dcmtk_over_tls_only() throws Exception {
        Peers.requireDcmtk("echoscu");
        Peers.requireOpenssl();
        Path key = dir.resolve("key.pem");
        Path certificate = dir.resolve("certificate.pem");
        DicomWebTlsTest.selfSigned(key, certificate);
        Path keyStore = dir.resolve("receiver.p12");
        DicomWebTlsTest.openssl("pkcs12", "-export", "-inkey", key.toString(), "-in", certificate.toString(),
                "-out", keyStore.toString(), "-passout", "pass:test-only");
        int port = Orthanc.freePort();
        try (StudyReceiverViewModel receiver = new StudyReceiverViewModel(preferences, Runnable::run, batch -> { })) {
            receiver.enabled().set(true);
            receiver.port().set(Integer.toString(port));
            receiver.folder().set(dir.resolve("in").toString());
            receiver.tlsKeyStore().set(keyStore.toString());
            receiver.tlsPassword().set("test-only");
            receiver.apply();
            assertEquals("Receiving as RADMAMBA on port " + port + " (TLS) into " + dir.resolve("in"),
                    receiver.status().get());

            StorageScpTest.Result overTls = StorageScpTest.dcmtk("echoscu", List.of("+tla", "+cf",
                    certificate.toString(), "-aec", "RADMAMBA", "127.0.0.1", Integer.toString(port)));
            assertEquals(0, overTls.exitCode(), overTls.output());
            StorageScpTest.Result plain = StorageScpTest.dcmtk("echoscu", List.of("-aec", "RADMAMBA", "127.0.0.1",
                    Integer.toString(port)));
            assertTrue(plain.exitCode() != 0, "plain TCP must not be answered: " + plain.output());

            StudyReceiverViewModel reopened = new StudyReceiverViewModel(preferences, Runnable::run, batch -> { });
            assertEquals(keyStore.toString(), reopened.tlsKeyStore().get(), "kept in the preferences");

            receiver.tlsKeyStore().set(dir.resolve("missing.p12").toString());
            receiver.apply();
            assertEquals("Not receiving: the TLS key store " + dir.resolve("missing.p12") + " does not exist;"
                    + " check File > Network settings", receiver.status().get());
            assertFalse(receiver.running().get());
        }
    }

    @Test
    void the_settings_are_kept_and_a_port_in_use_is_one_line_and_nothing_runs() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            StudyReceiverViewModel receiver = new StudyReceiverViewModel(preferences, Runnable::run, batch -> { });
            assertFalse(receiver.enabled().get(), "off until the user turns it on");
            receiver.enabled().set(true);
            receiver.aet().set("RM_VIEWER");
            receiver.port().set(Integer.toString(port));
            receiver.allowedAets().set("PACS1, PACS2");
            receiver.folder().set(dir.resolve("in").toString());

            receiver.apply();

            assertFalse(receiver.running().get());
            assertEquals("Not receiving: port " + port + " is in use by another program; choose another port in"
                    + " File > Network settings", receiver.status().get());
            assertEquals(new ReceiverSettings(true, "RM_VIEWER", port, Set.of("PACS1", "PACS2"), dir.resolve("in")),
                    ReceiverSettings.load(preferences), "kept in the preferences");
            StudyReceiverViewModel reopened = new StudyReceiverViewModel(preferences, Runnable::run, batch -> { });
            assertEquals("PACS1 PACS2", reopened.allowedAets().get());
            assertEquals(Integer.toString(port), reopened.port().get());

            receiver.port().set("eleven");
            receiver.apply();
            assertEquals("the port 'eleven' is not a number", receiver.status().get());
            receiver.port().set(Integer.toString(port));
            receiver.aet().set("A_TITLE_FAR_TOO_LONG");
            receiver.apply();
            assertEquals("AE title 'A_TITLE_FAR_TOO_LONG' is not 1 to 16 printable ASCII characters",
                    receiver.status().get());
        }
    }
}
