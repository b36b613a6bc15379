package org.radmamba.app.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.RemoteNode;
import org.radmamba.viewer.dicom.net.TlsIdentity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DICOM over mutual TLS against DCMTK's storescp with {@code +tls --require-peer-cert --add-cert-file ca.pem}: it
 * takes only callers whose certificate chains to the CA that openssl makes for the test (OpenSSL checks ours, not the
 * JDK). With our client identity, C-ECHO and C-STORE succeed and the files arrive byte for byte; without one, or with
 * a certificate storescp does not trust, one line naming the node and the refusal, and nothing arrives.
 */
class DimseMutualTlsTest {

    @TempDir
    static Path dir;

    private static Process storescp;
    private static int port;
    private static Path serverCertificate;
    private static ClientCertificates clients;
    private static Path received;

    @BeforeAll
    static void startStorescpRequiringClientCertificates() throws Exception {
        Path binary = Peers.requireDcmtk("storescp");
        Peers.requireOpenssl();
        Path key = dir.resolve("server-key.pem");
        serverCertificate = dir.resolve("server.pem");
        DicomWebTlsTest.selfSigned(key, serverCertificate);
        clients = ClientCertificates.make(dir.resolve("clients"));
        received = Files.createDirectories(dir.resolve("received"));
        port = Orthanc.freePort();
        storescp = Peers.startListening(List.of(binary.toString(), "-aet", "STORESCP", "+tls", key.toString(),
                serverCertificate.toString(), "-pw", "--require-peer-cert", "--add-cert-file", clients.ca.toString(),
                "+B", "-od", received.toString(), Integer.toString(port)), port,
                dir.resolve("storescp.log"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        Peers.stop(storescp);
    }


    /**
     * The line naming storescp's alert, or, when the alert was lost to the TCP reset of a server that closes with our
     * bytes unread (it happens on a loaded machine), the line that says what such a close means ({@code cutTail}).
     */
    private static void assertRefusal(String withAlert, String cutTail, String message) {
        String cut = label() + ": C-STORE: TLS: 127.0.0.1 closed the connection ";
        if (message.startsWith(cut)) {
            assertTrue(message.endsWith(cutTail), message);
        } else {
            assertEquals(withAlert, message);
        }
    }

    private static RemoteNode node(Path keyStore) {
        return DicomNetworks.connect(new DicomNode.Dimse("mtls-scp", "STORESCP", "127.0.0.1", port, "RADMAMBA",
                DicomNode.Retrieve.GET, "RADMAMBA", 0, true, serverCertificate, keyStore == null ? null
                : new TlsIdentity(keyStore, ClientCertificates.PASSWORD.toCharArray())), NetworkTimeouts.DEFAULT);
    }

    private static String label() {
        return "mtls-scp (dimse+tls://STORESCP@127.0.0.1:" + port + ")";
    }

    @Test
    void with_our_client_certificate_echo_and_store_succeed_and_the_files_arrive() throws Exception {
        RemoteNode node = node(clients.keyStore);
        node.echo();
        List<Path> files = Fixtures.study(dir.resolve("smith"), Fixtures.SMITH, 1, 3, 64);
        RemoteNode.SendResult result = node.send(files, RemoteNode.TransferListener.NONE);
        assertEquals(3, result.sent(), String.valueOf(result.failures()));
        assertEquals(List.of(), result.failures());
        Received.sameDataSets(files, received);
    }

    @Test
    void without_a_client_certificate_or_with_an_untrusted_one_the_send_is_one_line_and_nothing_arrives()
            throws Exception {
        List<Path> files = Fixtures.study(dir.resolve("doe"), Fixtures.DOE, 1, 2, 64);
        List<Path> before = Received.files(received);

        NetworkException none = assertThrows(NetworkException.class,
                () -> node(null).send(files, RemoteNode.TransferListener.NONE));
        assertEquals(NetworkException.Failure.REFUSED, none.failure(), none.getMessage());
        assertRefusal(label() + ": C-STORE: TLS: 127.0.0.1 requires a client certificate (alert"
                + " certificate_required); give the node a PKCS#12 key store with ours",
                "; a node does that when it requires a client certificate and the node has none", none.getMessage());

        NetworkException untrusted = assertThrows(NetworkException.class,
                () -> node(clients.untrustedKeyStore).send(files, RemoteNode.TransferListener.NONE));
        assertEquals(NetworkException.Failure.REFUSED, untrusted.failure(), untrusted.getMessage());
        assertRefusal(label() + ": C-STORE: TLS: 127.0.0.1 refused our client certificate from "
                + clients.untrustedKeyStore + " (alert unknown_ca)", "; a node does that when it does not trust our"
                + " client certificate from " + clients.untrustedKeyStore, untrusted.getMessage());

        assertEquals(before, Received.files(received));
    }
}
