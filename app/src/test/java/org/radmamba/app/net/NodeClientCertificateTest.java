package org.radmamba.app.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.TlsIdentity;
import org.radmamba.viewer.fx.model.NodeSettingsViewModel;
import org.radmamba.viewer.fx.model.NodeSettingsViewModel.Protocol;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node form's client certificate (a PKCS#12 key store and its password, for a node that requires mutual TLS):
 * kept with the node in the preferences and shown again, checked on Save with one line for a key store that cannot
 * be used (missing, wrong password, no private key, not PKCS#12) while nothing is saved, and offered and kept for
 * https and DIMSE over TLS only. The key stores are real ones that openssl makes.
 */
class NodeClientCertificateTest {

    @TempDir
    static Path dir;

    private static ClientCertificates clients;
    private static ExecutorService background;

    private Preferences preferences;

    @BeforeAll
    static void certificates() throws Exception {
        Peers.requireOpenssl();
        clients = ClientCertificates.make(dir.resolve("clients"));
        background = Executors.newVirtualThreadPerTaskExecutor();
    }

    @BeforeEach
    void preferences() {
        preferences = Preferences.userRoot().node("org/radmamba/test-client-certificate-" + UUID.randomUUID());
    }

    @AfterEach
    void removePreferences() throws Exception {
        preferences.removeNode();
    }

    private NodeSettingsViewModel viewModel() {
        return new NodeSettingsViewModel(new NodeDirectory(preferences), background, Runnable::run,
                NetworkTimeouts.DEFAULT);
    }

    private static NodeSettingsViewModel httpsForm(NodeSettingsViewModel vm, Path keyStore, String password) {
        vm.newNode();
        vm.name().set("pacs");
        vm.protocol().set(Protocol.DICOMWEB);
        vm.baseUrl().set("https://pacs.example.org/dicom-web");
        vm.clientKeyStore().set(keyStore.toString());
        vm.clientKeyStorePassword().set(password);
        return vm;
    }

    @Test
    void the_client_certificate_is_kept_with_the_node_and_shown_again() throws Exception {
        NodeSettingsViewModel vm = httpsForm(viewModel(), clients.keyStore, ClientCertificates.PASSWORD);
        assertTrue(vm.save(), vm.status().get());
        assertEquals("Saved pacs (https://pacs.example.org/dicom-web)", vm.status().get());

        NodeDirectory.Entry saved = new NodeDirectory(preferences).find("pacs").orElseThrow();
        assertEquals(new TlsIdentity(clients.keyStore, ClientCertificates.PASSWORD.toCharArray()),
                saved.clientIdentity());
        assertEquals(saved.clientIdentity(), saved.node().clientIdentity());
        // The same keys as the storage SCP's key store in ReceiverSettings.
        assertEquals(clients.keyStore.toString(), preferences.node("pacs").get("tlsKeyStore", null));

        NodeSettingsViewModel again = viewModel();
        again.select("pacs");
        assertEquals(clients.keyStore.toString(), again.clientKeyStore().get());
        assertEquals(ClientCertificates.PASSWORD, again.clientKeyStorePassword().get());
        assertTrue(again.secure().get());

        again.clientKeyStore().set("");
        assertTrue(again.save(), again.status().get());
        assertNull(new NodeDirectory(preferences).find("pacs").orElseThrow().clientIdentity(), "removed");
        assertNull(preferences.node("pacs").get("tlsPassword", null), "no password left behind");
    }

    @Test
    void a_key_store_that_cannot_be_used_is_one_line_on_save_and_nothing_is_saved() throws Exception {
        NodeSettingsViewModel vm = viewModel();
        Path missing = dir.resolve("missing.p12");
        assertFalse(httpsForm(vm, missing, ClientCertificates.PASSWORD).save());
        assertEquals("the TLS key store " + missing + " does not exist", vm.status().get());

        assertFalse(httpsForm(vm, clients.keyStore, "wrong").save());
        assertEquals("the TLS key store " + clients.keyStore + " does not open with that password",
                vm.status().get());

        assertFalse(httpsForm(vm, clients.certificateOnly, ClientCertificates.PASSWORD).save());
        assertEquals("the TLS key store " + clients.certificateOnly + " holds no private key (make it with openssl"
                + " pkcs12 -export -inkey KEY.pem -in CERTIFICATE.pem)", vm.status().get());

        assertFalse(httpsForm(vm, clients.ca, ClientCertificates.PASSWORD).save());
        assertTrue(vm.status().get().startsWith("the TLS key store " + clients.ca + " cannot be read as PKCS#12 ("),
                vm.status().get());
        assertFalse(vm.status().get().contains("\n"), vm.status().get());

        assertTrue(vm.names().isEmpty());
        assertTrue(new NodeDirectory(preferences).find("pacs").isEmpty());
    }

    @Test
    void the_client_certificate_is_offered_and_kept_for_https_and_dimse_over_tls_only() throws Exception {
        NodeSettingsViewModel vm = httpsForm(viewModel(), clients.keyStore, ClientCertificates.PASSWORD);
        assertTrue(vm.secure().get());
        vm.baseUrl().set("http://pacs.example.org/dicom-web");
        assertFalse(vm.secure().get(), "plain http");
        assertTrue(vm.save(), vm.status().get());
        assertNull(new NodeDirectory(preferences).find("pacs").orElseThrow().clientIdentity());

        vm.protocol().set(Protocol.DIMSE);
        vm.calledAet().set("PACS");
        vm.host().set("127.0.0.1");
        vm.port().set("11112");
        assertFalse(vm.secure().get(), "plain DIMSE");
        assertTrue(vm.save(), vm.status().get());
        assertNull(new NodeDirectory(preferences).find("pacs").orElseThrow().clientIdentity());

        vm.tls().set(true);
        assertTrue(vm.secure().get(), "DIMSE over TLS");
        assertTrue(vm.save(), vm.status().get());
        NodeDirectory.Entry saved = new NodeDirectory(preferences).find("pacs").orElseThrow();
        assertEquals("dimse+tls://PACS@127.0.0.1:11112", saved.uri());
        assertArrayEquals(ClientCertificates.PASSWORD.toCharArray(), saved.node().clientIdentity().password());
    }
}
