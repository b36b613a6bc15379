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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DICOM over TLS (PS3.15) against DCMTK's storescp with +tls and a self-signed certificate that openssl makes for the
 * test: C-ECHO and C-STORE through our TLS session when the node trusts that certificate, and one line when it does
 * not (the JVM's trust store, or another certificate).
 */
class DimseTlsTest {

    @TempDir
    static Path dir;

    private static Process storescp;
    private static int port;
    private static Path certificate;
    private static Path otherCertificate;
    private static Path received;

    @BeforeAll
    static void startStorescpWithTls() throws Exception {
        Path binary = Peers.requireDcmtk("storescp");
        Peers.requireOpenssl();
        Path key = dir.resolve("key.pem");
        certificate = dir.resolve("certificate.pem");
        DicomWebTlsTest.selfSigned(key, certificate);
        otherCertificate = dir.resolve("other-certificate.pem");
        DicomWebTlsTest.selfSigned(dir.resolve("other-key.pem"), otherCertificate);
        received = Files.createDirectories(dir.resolve("received"));
        port = Orthanc.freePort();
        storescp = Peers.startListening(List.of(binary.toString(), "-aet", "STORESCP", "+tls", key.toString(),
                certificate.toString(), "-pw", "-ic", "+B", "-od", received.toString(), Integer.toString(port)), port,
                dir.resolve("storescp.log"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        Peers.stop(storescp);
    }


    private static RemoteNode node(Path trusted) {
        return DicomNetworks.connect(new DicomNode.Dimse("tls-scp", "STORESCP", "127.0.0.1", port, "RADMAMBA",
                DicomNode.Retrieve.GET, "RADMAMBA", 0, true, trusted), NetworkTimeouts.DEFAULT);
    }

    @Test
    void echo_and_store_run_over_tls_to_a_node_whose_certificate_is_trusted() throws Exception {
        RemoteNode node = node(certificate);
        assertEquals("tls-scp (dimse+tls://STORESCP@127.0.0.1:" + port + ")", node.node().label());
        node.echo();
        List<Path> files = Fixtures.study(dir.resolve("smith"), Fixtures.SMITH, 1, 3, 64);
        RemoteNode.SendResult result = node.send(files, RemoteNode.TransferListener.NONE);
        assertEquals(3, result.sent(), String.valueOf(result.failures()));
        Received.sameDataSets(files, received);
    }

    @Test
    void an_untrusted_certificate_is_one_line_naming_the_trust_that_failed() {
        NetworkException jvm = assertThrows(NetworkException.class, () -> node(null).echo());
        assertEquals(NetworkException.Failure.REFUSED, jvm.failure());
        assertEquals("tls-scp (dimse+tls://STORESCP@127.0.0.1:" + port + "): C-ECHO: TLS: the certificate of"
                + " 127.0.0.1 is not trusted (not by the JVM's trust store: give the node its CA or certificate"
                + " file)", jvm.getMessage());
        NetworkException other = assertThrows(NetworkException.class, () -> node(otherCertificate).echo());
        assertTrue(other.getMessage().endsWith(": TLS: the certificate of 127.0.0.1 is not trusted (it does not chain"
                + " to " + otherCertificate + ")"), other.getMessage());
    }
}
