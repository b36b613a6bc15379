package org.radmamba.app.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.FindQuery;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.RemoteNode;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DICOMweb over https against a real Orthanc behind a TLS front ({@link TlsTerminator}; Orthanc 1.10.1's own https
 * crashes here) with a self-signed certificate that openssl makes for the test: the node trusts exactly the
 * certificate file it is given; without it (the JVM's trust store) or with another certificate, the handshake fails
 * with one line saying so. Nothing is trusted blindly.
 */
class DicomWebTlsTest {

    @TempDir
    static Path dir;

    private static Orthanc orthanc;
    private static TlsTerminator front;
    private static String baseUrl;
    private static Path certificate;
    private static Path otherCertificate;
    private static List<Path> doe;

    @BeforeAll
    static void startOrthancOnHttps() throws Exception {
        Peers.requireOrthanc();
        Path key = dir.resolve("key.pem");
        certificate = dir.resolve("certificate.pem");
        selfSigned(key, certificate);
        Path pkcs12 = dir.resolve("server.p12");
        openssl("pkcs12", "-export", "-inkey", key.toString(), "-in", certificate.toString(), "-out",
                pkcs12.toString(), "-passout", "pass:test-only");
        otherCertificate = dir.resolve("other-certificate.pem");
        selfSigned(dir.resolve("other-key.pem"), otherCertificate);
        orthanc = Orthanc.start(dir.resolve("orthanc"), Orthanc.freePort());
        front = TlsTerminator.start(pkcs12, "test-only".toCharArray(), orthanc.httpPort());
        baseUrl = "https://127.0.0.1:" + front.port() + "/dicom-web";
        doe = Fixtures.study(dir.resolve("doe"), Fixtures.DOE, 2, 2, 64);
        orthanc.upload(doe);
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    /** A self-signed certificate for 127.0.0.1 (subject alternative name: the JDK checks the host). */
    static void selfSigned(Path key, Path cert) throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
    }

    static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Peers.requireOpenssl().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl: " + output);
    }

    private static RemoteNode node(Path trusted) {
        return DicomNetworks.connect(new DicomNode.Web("tls", URI.create(baseUrl),
                new Credentials.Basic(Orthanc.USER, Orthanc.PASSWORD), trusted), NetworkTimeouts.DEFAULT);
    }

    @Test
    void with_its_certificate_trusted_the_node_answers_searches_and_retrieves_over_https() throws Exception {
        RemoteNode node = node(certificate);
        node.echo();
        assertEquals(List.of(Fixtures.DOE.studyUid()), Fixtures.studyUids(node.find(FindQuery.studies())));
        Path out = dir.resolve("retrieved");
        RemoteNode.RetrieveResult result = node.retrieve(Fixtures.DOE.studyUid(), null, out,
                RemoteNode.TransferListener.NONE);
        assertEquals(4, result.files().size());
        Received.sameDataSets(doe, out);
    }

    @Test
    void without_the_certificate_or_with_another_the_handshake_fails_in_one_line() {
        NetworkException jvm = assertThrows(NetworkException.class, () -> node(null).echo());
        assertEquals(NetworkException.Failure.REFUSED, jvm.failure());
        assertTrue(jvm.getMessage().startsWith("tls (" + baseUrl + "): "), jvm.getMessage());
        assertTrue(jvm.getMessage().endsWith(": TLS: the certificate of 127.0.0.1 is not trusted (not by the JVM's"
                + " trust store: give the node its CA or certificate file)"), jvm.getMessage());

        NetworkException other = assertThrows(NetworkException.class, () -> node(otherCertificate).echo());
        assertTrue(other.getMessage().endsWith(": TLS: the certificate of 127.0.0.1 is not trusted (it does not"
                + " chain to " + otherCertificate + ")"), other.getMessage());
    }

    @Test
    void a_certificate_file_that_is_not_one_is_one_line_and_the_file_is_kept_with_the_node() throws Exception {
        Path notACertificate = dir.resolve("not-a-certificate.pem");
        Files.writeString(notACertificate, "hello\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> node(notACertificate));
        assertTrue(e.getMessage().startsWith("tls (" + baseUrl + "): the trusted certificate file "
                + notACertificate + " is not a PEM or DER certificate"), e.getMessage());

        Preferences preferences = Preferences.userRoot().node("org/radmamba/test-tls-" + UUID.randomUUID());
        try {
            NodeDirectory directory = new NodeDirectory(preferences);
            directory.save(new NodeDirectory.Entry("tls", baseUrl, "RADMAMBA", DicomNode.Retrieve.GET,
                    0, Credentials.NONE, certificate));
            DicomNode.Web saved = (DicomNode.Web) directory.find("tls").orElseThrow().node();
            assertEquals(certificate, saved.trustedCertificates());
        } finally {
            preferences.removeNode();
        }
    }
}
