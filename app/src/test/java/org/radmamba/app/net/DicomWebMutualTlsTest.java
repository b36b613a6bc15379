package org.radmamba.app.net;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.RemoteNode;
import org.radmamba.viewer.dicom.net.TlsIdentity;
import org.radmamba.viewer.fx.model.NodeSettingsViewModel;
import org.radmamba.viewer.fx.model.RemoteSearchViewModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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
 * DICOMweb over mutual TLS: a real Orthanc behind an https front that requires a client certificate signed by a CA
 * that openssl makes for the test ({@link TlsTerminator}: Orthanc 1.10.1 has "SslVerifyPeers" and
 * "SslTrustedClientCertificates", but its own https crashes in this environment). Through the search panel's view
 * model, as a user runs them: a node with our client identity searches, retrieves and sends (STOW-RS); a node without
 * one, or with a certificate the front does not trust, gets one line naming the node and the refusal, and nothing
 * changes, neither the results shown nor what the PACS holds.
 */
class DicomWebMutualTlsTest {

    @TempDir
    static Path dir;

    private static Orthanc orthanc;
    private static TlsTerminator front;
    private static String baseUrl;
    private static ClientCertificates clients;
    private static Preferences preferences;
    private static ExecutorService background;

    @TempDir
    Path store;

    private final List<List<Path>> opened = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startOrthancBehindAFrontThatRequiresClientCertificates() throws Exception {
        Peers.requireOrthanc();
        Path key = dir.resolve("server-key.pem");
        Path certificate = dir.resolve("server.pem");
        DicomWebTlsTest.selfSigned(key, certificate);
        Path server = dir.resolve("server.p12");
        DicomWebTlsTest.openssl("pkcs12", "-export", "-inkey", key.toString(), "-in", certificate.toString(), "-out",
                server.toString(), "-passout", "pass:server-only");
        clients = ClientCertificates.make(dir.resolve("clients"));
        orthanc = Orthanc.start(dir.resolve("orthanc"), Orthanc.freePort());
        orthanc.upload(Fixtures.study(dir.resolve("doe"), Fixtures.DOE, 1, 2, 64));
        front = TlsTerminator.start(server, "server-only".toCharArray(), orthanc.httpPort(), clients.ca);
        baseUrl = "https://127.0.0.1:" + front.port() + "/dicom-web";
        preferences = Preferences.userRoot().node("org/radmamba/test-mtls-" + UUID.randomUUID());
        NodeDirectory directory = new NodeDirectory(preferences);
        Credentials credentials = new Credentials.Basic(Orthanc.USER, Orthanc.PASSWORD);
        directory.save(new NodeDirectory.Entry("mtls", baseUrl, "RADMAMBA", DicomNode.Retrieve.GET, 0, credentials,
                certificate, identity(clients.keyStore)));
        directory.save(new NodeDirectory.Entry("no-identity", baseUrl, "RADMAMBA", DicomNode.Retrieve.GET, 0,
                credentials, certificate));
        // A node whose key store was moved away after it was configured.
        directory.save(new NodeDirectory.Entry("moved", baseUrl, "RADMAMBA", DicomNode.Retrieve.GET, 0, credentials,
                certificate, identity(dir.resolve("moved-away.p12"))));
        directory.save(new NodeDirectory.Entry("untrusted", baseUrl, "RADMAMBA", DicomNode.Retrieve.GET, 0,
                credentials, certificate, identity(clients.untrustedKeyStore)));
        background = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void stop() throws Exception {
        if (front != null) {
            front.close();
        }
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

    private static TlsIdentity identity(Path keyStore) {
        return new TlsIdentity(keyStore, ClientCertificates.PASSWORD.toCharArray());
    }

    private RemoteSearchViewModel viewModel(String node) {
        RemoteSearchViewModel vm = new RemoteSearchViewModel(new NodeDirectory(preferences), background,
                Runnable::run, opened::add, store, NetworkTimeouts.DEFAULT);
        vm.node().set(node);
        return vm;
    }

    private static void await(RemoteSearchViewModel vm, Runnable action) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        vm.busy().addListener((obs, was, now) -> {
            if (!now) {
                done.countDown();
            }
        });
        action.run();
        assertTrue(done.await(60, TimeUnit.SECONDS), "still busy: " + vm.status().get());
    }

    /** What Orthanc holds, asked on its own plain REST port, not through the code under test. */
    private static int instancesInOrthanc() throws Exception {
        return new ObjectMapper().readTree(orthanc.rest("GET", "/statistics", null).body()).path("CountInstances")
                .asInt(-1);
    }

    private static String label(String node) {
        return node + " (" + baseUrl + ")";
    }

    @Test
    void with_its_client_certificate_the_node_is_searched_retrieved_and_sent_to() throws Exception {
        RemoteSearchViewModel vm = viewModel("mtls");
        await(vm, vm::search);
        assertEquals("1 match(es) on " + label("mtls"), vm.status().get());
        assertEquals(List.of(Fixtures.DOE.studyUid()), Fixtures.studyUids(vm.results()));

        await(vm, () -> vm.retrieve(vm.results().getFirst()));
        assertEquals("2 instance(s) received from " + label("mtls"), vm.status().get());
        assertEquals(2, Received.files(store.resolve(Fixtures.DOE.studyUid())).size());

        List<Path> smith = Fixtures.study(dir.resolve("smith"), Fixtures.SMITH, 1, 3, 64);
        int before = instancesInOrthanc();
        await(vm, () -> vm.send(smith));
        assertEquals("3 of 3 file(s) sent to " + label("mtls"), vm.status().get());
        assertEquals(before + 3, instancesInOrthanc());

        // The Test button's C-ECHO counterpart, through the same TLS context.
        DicomNetworks.connect(new NodeDirectory(preferences).find("mtls").orElseThrow().node(),
                NetworkTimeouts.DEFAULT).echo();
    }

    /** The node form's Test button, on the form as typed: the key store is the one thing that differs. */
    @Test
    void the_node_forms_test_answers_with_the_client_certificate_and_says_why_without() throws Exception {
        NodeSettingsViewModel form = new NodeSettingsViewModel(new NodeDirectory(preferences), background,
                Runnable::run, NetworkTimeouts.DEFAULT);
        form.select("mtls");
        assertEquals(clients.keyStore.toString(), form.clientKeyStore().get());
        String answered = pressTest(form);
        assertTrue(answered.matches("\\Q" + label("mtls") + ": QIDO-RS answered in \\E\\d+ ms"), answered);

        form.clientKeyStore().set("");
        assertEquals(label("mtls") + ": QIDO-RS: TLS: 127.0.0.1 requires a client certificate (alert"
                + " certificate_required); give the node a PKCS#12 key store with ours", pressTest(form));
    }

    private static String pressTest(NodeSettingsViewModel form) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        form.busy().addListener((obs, was, now) -> {
            if (!now) {
                done.countDown();
            }
        });
        form.test();
        assertTrue(done.await(60, TimeUnit.SECONDS), "still testing: " + form.status().get());
        return form.status().get();
    }

    @Test
    void without_a_client_certificate_search_and_send_are_one_line_and_change_nothing() throws Exception {
        RemoteSearchViewModel vm = viewModel("no-identity");
        await(vm, vm::search);
        assertEquals(label("no-identity") + ": QIDO-RS: TLS: 127.0.0.1 requires a client certificate (alert"
                + " certificate_required); give the node a PKCS#12 key store with ours", vm.status().get());
        assertTrue(vm.results().isEmpty());

        List<Path> later = Fixtures.study(dir.resolve("doe-later"), Fixtures.DOE_LATER, 1, 2, 64);
        int before = instancesInOrthanc();
        await(vm, () -> vm.send(later));
        assertEquals(label("no-identity") + ": STOW-RS: TLS: 127.0.0.1 requires a client certificate (alert"
                + " certificate_required); give the node a PKCS#12 key store with ours", vm.status().get());
        assertEquals(before, instancesInOrthanc());
        assertTrue(opened.isEmpty());
    }

    @Test
    void a_key_store_moved_away_is_one_line_naming_the_node_before_anything_is_sent() throws Exception {
        RemoteSearchViewModel vm = viewModel("moved");
        vm.search();
        assertEquals(label("moved") + ": the TLS key store " + dir.resolve("moved-away.p12") + " does not exist",
                vm.status().get());
        assertTrue(vm.results().isEmpty());
        assertTrue(!vm.busy().get(), "nothing started");
    }

    @Test
    void a_client_certificate_the_node_does_not_trust_is_one_line_naming_our_key_store() throws Exception {
        RemoteSearchViewModel vm = viewModel("untrusted");
        await(vm, vm::search);
        assertEquals(label("untrusted") + ": QIDO-RS: TLS: 127.0.0.1 refused our client certificate from "
                + clients.untrustedKeyStore + " (alert certificate_unknown)", vm.status().get());
        assertTrue(vm.results().isEmpty());

        List<Path> later = Fixtures.study(dir.resolve("untrusted-send"), Fixtures.DOE_LATER, 1, 1, 64);
        int before = instancesInOrthanc();
        await(vm, () -> vm.send(later));
        assertTrue(vm.status().get().startsWith(label("untrusted") + ": STOW-RS: TLS: 127.0.0.1 refused our client"
                + " certificate"), vm.status().get());
        assertEquals(before, instancesInOrthanc());
    }
}
