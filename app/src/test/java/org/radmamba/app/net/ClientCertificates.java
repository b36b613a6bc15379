package org.radmamba.app.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The certificates of the mutual TLS tests, made by openssl in the test's folder: a CA that the peers trust for
 * client certificates, our client certificate signed by it in a PKCS#12 key store (key, certificate and CA), a
 * self-signed client certificate no peer trusts, and a key store holding a certificate but no private key.
 */
public final class ClientCertificates {

    public static final String PASSWORD = "client-only";

    /** The CA's certificate (PEM): what a peer is told to trust for client certificates. */
    public final Path ca;
    /** Our client identity, signed by {@link #ca}. */
    public final Path keyStore;
    /** A client identity that chains to no CA a peer trusts. */
    public final Path untrustedKeyStore;
    /** A PKCS#12 file with the client certificate only, as {@code openssl pkcs12 -export -nokeys} makes it. */
    public final Path certificateOnly;

    private ClientCertificates(Path ca, Path keyStore, Path untrustedKeyStore, Path certificateOnly) {
        this.ca = ca;
        this.keyStore = keyStore;
        this.untrustedKeyStore = untrustedKeyStore;
        this.certificateOnly = certificateOnly;
    }

    public static ClientCertificates make(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path caKey = dir.resolve("ca-key.pem");
        Path ca = dir.resolve("ca.pem");
        DicomWebTlsTest.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out",
                ca.toString(), "-days", "2", "-subj", "/CN=RadMamba test client CA", "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Path key = dir.resolve("client-key.pem");
        Path request = dir.resolve("client.csr");
        DicomWebTlsTest.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                request.toString(), "-subj", "/CN=RADMAMBA");
        Path extensions = dir.resolve("client.ext");
        Files.writeString(extensions, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                + "extendedKeyUsage=clientAuth\n");
        Path certificate = dir.resolve("client.pem");
        DicomWebTlsTest.openssl("x509", "-req", "-in", request.toString(), "-CA", ca.toString(), "-CAkey",
                caKey.toString(), "-CAcreateserial", "-out", certificate.toString(), "-days", "2", "-extfile",
                extensions.toString());
        Path keyStore = dir.resolve("client.p12");
        DicomWebTlsTest.openssl("pkcs12", "-export", "-inkey", key.toString(), "-in", certificate.toString(),
                "-certfile", ca.toString(), "-out", keyStore.toString(), "-passout", "pass:" + PASSWORD);

        Path otherKey = dir.resolve("untrusted-key.pem");
        Path other = dir.resolve("untrusted.pem");
        DicomWebTlsTest.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", otherKey.toString(),
                "-out", other.toString(), "-days", "2", "-subj", "/CN=RADMAMBA");
        Path untrusted = dir.resolve("untrusted.p12");
        DicomWebTlsTest.openssl("pkcs12", "-export", "-inkey", otherKey.toString(), "-in", other.toString(), "-out",
                untrusted.toString(), "-passout", "pass:" + PASSWORD);

        Path certificateOnly = dir.resolve("certificate-only.p12");
        DicomWebTlsTest.openssl("pkcs12", "-export", "-nokeys", "-in", certificate.toString(), "-out",
                certificateOnly.toString(), "-passout", "pass:" + PASSWORD);
        return new ClientCertificates(ca, keyStore, untrusted, certificateOnly);
    }
}
