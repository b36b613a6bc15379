package org.radmamba.viewer.dicom.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS trust of a node (DICOMweb over https, DIMSE over TLS) that has a certificate file of its own: the
 * certificates in it (PEM or DER, a CA's or the server's self-signed one) are the only anchors its certificate may
 * chain to, with the JDK's usual checks (validity, host name); without a file, the JVM's trust store. There is no
 * "trust all" mode.
 */
public final class TrustedCertificates {

    private TrustedCertificates() {
    }

    /**
     * Trust managers that trust exactly the certificates in {@code file}, or the JVM's trust store for null. The SSL
     * context of a node is made by {@link NodeTls}, which adds our client certificate where the node has one.
     *
     * @throws IllegalArgumentException with a one-line reason when the file cannot be read or holds no certificate
     */
    public static TrustManager[] trustManagers(Path file) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (file == null) {
                trust.init((KeyStore) null);
                return trust.getTrustManagers();
            }
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(file)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("the trusted certificate file " + file + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("trusted-" + i++, certificate);
            }
            trust.init(store);
            return trust.getTrustManagers();
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the trusted certificate file " + file + " is not a PEM or DER"
                    + " certificate: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the trusted certificate file " + file + " cannot be read: "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM: " + e.getMessage(), e);
        }
    }

    /** Why a TLS handshake failed, in words a user can act on. */
    public static String reason(Throwable e, String host, Path trusted) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException || t instanceof java.security.cert.CertPathBuilderException) {
                return "TLS: the certificate of " + host + " is not trusted (" + (trusted == null
                        ? "not by the JVM's trust store: give the node its CA or certificate file"
                        : "it does not chain to " + trusted) + ")";
            }
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof CertificateException && m.contains("no subject alternative")) {
                return "TLS: the certificate of " + host + " is not issued for that name (" + t.getMessage() + ")";
            }
        }
        return "TLS failed: " + e.getMessage();
    }
}
