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

import java.net.InetSocketAddress;
import java.net.Socket;
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
        storescp = new ProcessBuilder(binary.toString(), "-aet", "STORESCP", "+tls", key.toString(),
                serverCertificate.toString(), "-pw", "--require-peer-cert", "--add-cert-file", clients.ca.toString(),
                "+B", "-od", received.toString(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("storescp.log").toFile()).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!listening(port)) {
            assertTrue(storescp.isAlive() && System.nanoTime() < deadline, "storescp did not start: "
                    + Files.readString(dir.resolve("storescp.log")));
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (storescp != null) {
            storescp.destroy();
            storescp.waitFor();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (java.io.IOException e) {
            return false;
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
        assertEquals(NetworkException.Failure.REFUSED, none.failure());
        assertEquals(label() + ": C-STORE: TLS: 127.0.0.1 requires a client certificate (alert"
                + " certificate_required); give the node a PKCS#12 key store with ours", none.getMessage());

        NetworkException untrusted = assertThrows(NetworkException.class,
                () -> node(clients.untrustedKeyStore).send(files, RemoteNode.TransferListener.NONE));
        assertEquals(NetworkException.Failure.REFUSED, untrusted.failure());
        assertEquals(label() + ": C-STORE: TLS: 127.0.0.1 refused our client certificate from "
                + clients.untrustedKeyStore + " (alert unknown_ca)", untrusted.getMessage());

        assertEquals(before, Received.files(received));
    }
}
