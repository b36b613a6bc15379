package org.radmamba.app.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.net.ClientCertificates;
import org.radmamba.app.net.Peers;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.TlsIdentity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code radmamba remote node add ... --tls-key-store FILE --tls-password-file FILE}: the node keeps its client
 * certificate (the connections that use it are tested in DimseMutualTlsTest and DicomWebMutualTlsTest), and a key
 * store that does not open is one line and no node.
 */
class RemoteNodeClientCertificateTest {

    @TempDir
    static Path dir;

    private static String preferences;
    private static ClientCertificates clients;

    @BeforeAll
    static void certificates() throws Exception {
        Peers.requireOpenssl();
        clients = ClientCertificates.make(dir.resolve("clients"));
        preferences = "org/radmamba/test-nodes-" + UUID.randomUUID();
        System.setProperty(NodeDirectory.NODE_PROPERTY, preferences);
    }

    @AfterAll
    static void removeNodes() throws Exception {
        Preferences.userRoot().node(preferences).removeNode();
        System.clearProperty(NodeDirectory.NODE_PROPERTY);
    }

    @Test
    void a_node_added_with_a_key_store_keeps_it_and_a_wrong_password_adds_nothing() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), ClientCertificates.PASSWORD + "\n");
        InfoCommandTest.Run add = InfoCommandTest.run("remote", "node", "add", "mtls",
                "dimse+tls://PACS@127.0.0.1:2762", "--tls-key-store", clients.keyStore.toString(),
                "--tls-password-file", password.toString());
        assertEquals(ExitCodes.OK, add.exitCode(), add.err());
        assertFalse(add.out().contains(ClientCertificates.PASSWORD), add.out());
        assertEquals(new TlsIdentity(clients.keyStore, ClientCertificates.PASSWORD.toCharArray()),
                NodeDirectory.forUser().find("mtls").orElseThrow().node().clientIdentity());

        Path wrong = Files.writeString(dir.resolve("wrong"), "wrong\n");
        InfoCommandTest.Run refused = InfoCommandTest.run("remote", "node", "add", "other",
                "https://pacs.example.org/dicom-web", "--tls-key-store", clients.keyStore.toString(),
                "--tls-password-file", wrong.toString());
        assertEquals(ExitCodes.USAGE, refused.exitCode(), refused.out());
        assertTrue(refused.err().contains("the TLS key store " + clients.keyStore + " does not open with that"
                + " password"), refused.err());
        assertTrue(NodeDirectory.forUser().find("other").isEmpty());
    }
}
