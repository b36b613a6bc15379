package org.radmamba.app.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.FindQuery;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.RemoteNode;
import org.radmamba.viewer.dicom.net.TlsIdentity;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Query and retrieve over DICOM with mutual TLS against a real PACS: Orthanc's DICOM TLS (DCMTK's OpenSSL layer)
 * requiring a client certificate that chains to the test's CA. With our client identity C-FIND finds the study and
 * C-GET brings it back as stored; without one, the search is one line that names the node and the missing
 * certificate.
 */
class DimseQueryMutualTlsTest {

    @TempDir
    static Path dir;

    private static Orthanc orthanc;
    private static Path serverCertificate;
    private static ClientCertificates clients;
    private static List<Path> doe;

    @TempDir
    Path retrieved;

    @BeforeAll
    static void startOrthancRequiringClientCertificatesOnDicomTls() throws Exception {
        Peers.requireOrthanc();
        Peers.requireOpenssl();
        Path key = dir.resolve("server-key.pem");
        serverCertificate = dir.resolve("server.pem");
        DicomWebTlsTest.selfSigned(key, serverCertificate);
        clients = ClientCertificates.make(dir.resolve("clients"));
        orthanc = Orthanc.start(dir.resolve("orthanc"), Orthanc.freePort(), """
                  "DicomTlsEnabled": true,
                  "DicomTlsCertificate": "%s",
                  "DicomTlsPrivateKey": "%s",
                  "DicomTlsTrustedCertificates": "%s",
                  "DicomTlsRemoteCertificateRequired": true
                """.formatted(serverCertificate, key, clients.ca));
        doe = Fixtures.study(dir.resolve("doe"), Fixtures.DOE, 1, 2, 64);
        orthanc.upload(doe);  // over Orthanc's REST API, not the code under test
    }

    @AfterAll
    static void stop() {
        if (orthanc != null) {
            orthanc.close();
        }
    }

    private static RemoteNode node(Path keyStore) {
        return DicomNetworks.connect(new DicomNode.Dimse("pacs-tls", Orthanc.AET, "127.0.0.1", orthanc.dicomPort(),
                "RADMAMBA", DicomNode.Retrieve.GET, "RADMAMBA", 0, true, serverCertificate, keyStore == null ? null
                : new TlsIdentity(keyStore, ClientCertificates.PASSWORD.toCharArray())), NetworkTimeouts.DEFAULT);
    }

    @Test
    void with_our_client_certificate_the_study_is_found_and_retrieved_by_c_get_as_stored() throws Exception {
        RemoteNode node = node(clients.keyStore);
        assertEquals(List.of(Fixtures.DOE.studyUid()), Fixtures.studyUids(node.find(FindQuery.studies()
                .withPatientName("Doe*"))));

        RemoteNode.RetrieveResult result = node.retrieve(Fixtures.DOE.studyUid(), null, retrieved,
                RemoteNode.TransferListener.NONE);
        assertEquals(2, result.files().size());
        Received.sameDataSets(doe, retrieved);
    }

    @Test
    void without_a_client_certificate_the_search_is_one_line_naming_the_node_and_the_certificate() {
        NetworkException e = assertThrows(NetworkException.class,
                () -> node(null).find(FindQuery.studies().withPatientName("Doe*")));
        assertEquals(NetworkException.Failure.REFUSED, e.failure(), e.getMessage());
        // Orthanc's alert, or the reset that can swallow it on a loaded machine (NodeTls.cutShort): both say why
        assertTrue(e.getMessage().startsWith("pacs-tls (dimse+tls://" + Orthanc.AET + "@127.0.0.1:"
                + orthanc.dicomPort() + "): C-FIND: TLS: 127.0.0.1 "), e.getMessage());
        assertTrue(e.getMessage().contains("requires a client certificate"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
