package org.radmamba.app.net;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.StorageScp;
import org.radmamba.viewer.dicom.net.TlsIdentity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our storage SCP over TLS with DCMTK's echoscu and storescu (+tla: TLS without a client certificate, our certificate
 * checked against the one openssl made for the test) as the peer; a caller that does not trust our certificate gets
 * no association and nothing is stored.
 */
class StorageScpTlsTest {

    @TempDir
    static Path dir;

    private static Path certificate;
    private static Path otherCertificate;
    private static Path keyStore;

    @BeforeAll
    static void certificates() throws Exception {
        Peers.requireDcmtk("storescu");
        Peers.requireOpenssl();
        Path key = dir.resolve("key.pem");
        certificate = dir.resolve("certificate.pem");
        DicomWebTlsTest.selfSigned(key, certificate);
        keyStore = dir.resolve("scp.p12");
        DicomWebTlsTest.openssl("pkcs12", "-export", "-inkey", key.toString(), "-in", certificate.toString(), "-out",
                keyStore.toString(), "-passout", "pass:test-only");
        otherCertificate = dir.resolve("other-certificate.pem");
        DicomWebTlsTest.selfSigned(dir.resolve("other-key.pem"), otherCertificate);
    }

    private static List<String> tls(Path trusted, int port, String... more) {
        List<String> args = new ArrayList<>(List.of("+tla", "+cf", trusted.toString(), "-aet", "DCMTK", "-aec",
                "RADMAMBA", "127.0.0.1", Integer.toString(port)));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void echoscu_and_storescu_over_tls_are_answered_and_an_untrusting_caller_stores_nothing() throws Exception {
        List<Path> files = Fixtures.study(dir.resolve("fixtures"), Fixtures.SMITH, 1, 3, 64);
        Path out = dir.resolve("received");
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        try (StorageScp scp = DicomNetworks.listen(new StorageScp.Config("RADMAMBA", 0, out, Set.of(),
                Duration.ofSeconds(30), new TlsIdentity(keyStore, "test-only".toCharArray())),
                new StorageScp.Listener() {
                    @Override
                    public void failed(String message) {
                        failures.add(message);
                    }
                })) {
            StorageScpTest.Result echo = StorageScpTest.dcmtk("echoscu", tls(certificate, scp.port()));
            assertEquals(0, echo.exitCode(), echo.output());

            StorageScpTest.Result untrusting = StorageScpTest.dcmtk("storescu", tls(otherCertificate, scp.port(),
                    files.getFirst().toString()));
            assertNotEquals(0, untrusting.exitCode(), untrusting.output());
            assertTrue(Received.files(out).isEmpty(), "nothing stored for a caller that refused our certificate");

            List<String> args = tls(certificate, scp.port());
            files.forEach(f -> args.add(f.toString()));
            StorageScpTest.Result store = StorageScpTest.dcmtk("storescu", args);
            assertEquals(0, store.exitCode(), store.output());
        }
        Received.sameDataSets(files, out);
    }
}
