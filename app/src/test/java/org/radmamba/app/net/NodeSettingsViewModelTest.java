package org.radmamba.app.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.fx.model.NodeSettingsViewModel;
import org.radmamba.viewer.fx.model.NodeSettingsViewModel.Auth;
import org.radmamba.viewer.fx.model.NodeSettingsViewModel.Protocol;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node settings' view model against a real Orthanc: add, edit, remove, and the Test button by DIMSE and QIDO. */
class NodeSettingsViewModelTest {

    @TempDir
    static Path shared;

    private static Orthanc orthanc;
    private static ExecutorService background;
    private static Preferences preferences;

    @BeforeAll
    static void start() throws Exception {
        orthanc = Orthanc.start(shared.resolve("orthanc"), Orthanc.freePort());
        background = Executors.newVirtualThreadPerTaskExecutor();
        preferences = Preferences.userRoot().node("org/radmamba/test-node-settings-" + UUID.randomUUID());
    }

    @AfterAll
    static void stop() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
        background.shutdownNow();
        preferences.removeNode();
    }

    private static NodeSettingsViewModel viewModel() {
        return new NodeSettingsViewModel(new NodeDirectory(preferences), background, Runnable::run,
                NetworkTimeouts.DEFAULT);
    }

    /** Presses Test and waits for its answer. */
    private static String test(NodeSettingsViewModel vm) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        vm.busy().addListener((obs, was, now) -> {
            if (!now) {
                done.countDown();
            }
        });
        vm.test();
        assertTrue(done.await(60, TimeUnit.SECONDS), "still testing: " + vm.status().get());
        return vm.status().get();
    }

    @Test
    void a_dimse_node_is_added_tested_edited_and_removed() throws Exception {
        NodeSettingsViewModel vm = viewModel();
        vm.newNode();
        vm.name().set("pacs");
        vm.calledAet().set(Orthanc.AET);
        vm.host().set("127.0.0.1");
        vm.port().set(Integer.toString(orthanc.dicomPort()));
        assertTrue(vm.save(), vm.status().get());
        String label = "pacs (" + orthanc.dimseUri() + ")";
        assertEquals("Saved " + label, vm.status().get());
        assertTrue(vm.names().contains("pacs"));
        assertEquals(orthanc.dimseUri(), new NodeDirectory(preferences).find("pacs").orElseThrow().uri());

        assertTrue(test(vm).matches("\\Q" + label + ": C-ECHO answered in \\E\\d+ ms"), vm.status().get());

        // Another view model (the app started again) finds it as saved; a wrong AE title is the node's one line.
        NodeSettingsViewModel again = viewModel();
        again.select("pacs");
        assertEquals(Protocol.DIMSE, again.protocol().get());
        assertEquals(Integer.toString(orthanc.dicomPort()), again.port().get());
        again.calledAet().set("WRONG");
        String refused = test(again);
        assertTrue(refused.startsWith("pacs (dimse://WRONG@127.0.0.1:" + orthanc.dicomPort() + "): C-ECHO:"
                + " association rejected"), refused);
        assertFalse(refused.contains("\n"), refused);

        again.port().set(Integer.toString(Orthanc.freePort()));
        again.calledAet().set(Orthanc.AET);
        String closed = test(again);
        assertTrue(closed.contains("connection refused"), closed);

        again.port().set("4242x");
        again.save();
        assertEquals("the port '4242x' is not a number", again.status().get());

        again.remove();
        assertEquals("Removed pacs", again.status().get());
        assertFalse(again.names().contains("pacs"));
        assertTrue(new NodeDirectory(preferences).find("pacs").isEmpty());
    }

    @Test
    void a_dicomweb_node_is_tested_with_basic_and_bearer_auth_and_no_line_shows_a_secret() throws Exception {
        NodeSettingsViewModel vm = viewModel();
        vm.newNode();
        vm.name().set("web");
        vm.protocol().set(Protocol.DICOMWEB);
        vm.baseUrl().set(orthanc.dicomWebUri());
        vm.auth().set(Auth.BASIC);
        vm.user().set(Orthanc.USER);
        vm.password().set(Orthanc.PASSWORD);
        assertTrue(vm.save(), vm.status().get());
        assertEquals(new Credentials.Basic(Orthanc.USER, Orthanc.PASSWORD),
                new NodeDirectory(preferences).find("web").orElseThrow().credentials());
        String label = "web (" + orthanc.dicomWebUri() + ")";
        assertTrue(test(vm).matches("\\Q" + label + ": QIDO-RS answered in \\E\\d+ ms"), vm.status().get());

        vm.password().set("not-" + Orthanc.PASSWORD);
        String wrong = test(vm);
        assertTrue(wrong.contains("authentication failed (HTTP 401)"), wrong);
        assertFalse(wrong.contains(Orthanc.PASSWORD), wrong);

        vm.auth().set(Auth.BEARER);
        vm.token().set("token-0123456789");
        String bearer = test(vm);
        assertTrue(bearer.contains("HTTP 401"), bearer);
        assertFalse(bearer.contains("token-0123456789"), bearer);
        assertTrue(vm.save());
        assertFalse(vm.status().get().contains("token-0123456789"), vm.status().get());
        assertFalse(new NodeDirectory(preferences).find("web").orElseThrow().toString().contains("token-0123456789"));

        NodeSettingsViewModel again = viewModel();
        again.select("web");
        assertEquals(Auth.BEARER, again.auth().get());
        assertEquals("token-0123456789", again.token().get());
        assertEquals(List.of("web"), again.names().stream().filter("web"::equals).toList());
        assertEquals(DicomNode.Retrieve.GET, again.retrieve().get());
        again.remove();
    }
}
