package org.radmamba.viewer.dicom.net;

import java.security.GeneralSecurityException;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The one TLS setup of every connection to a node (DICOMweb over https, DIMSE over TLS; search, retrieve, send and
 * echo alike): the node's trust ({@link TrustedCertificates}: its own certificate file, else the JVM's trust store)
 * and, where the node requires mutual TLS, our client certificate ({@link TlsIdentity}). Without an identity no
 * client certificate is offered.
 */
public final class NodeTls {

    private NodeTls() {
    }

    /**
     * An SSL context for connections to {@code node}.
     *
     * @throws IllegalArgumentException with a one-line reason when the trusted certificate file or the key store
     *                                  cannot be used (missing, not a certificate, wrong password, no private key)
     */
    public static SSLContext sslContext(DicomNode node) {
        TlsIdentity identity = node.clientIdentity();
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity == null ? null : identity.keyManagers(),
                    TrustedCertificates.trustManagers(node.trustedCertificates()), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM: " + e.getMessage(), e);
        }
    }

    /**
     * Why a TLS session with the node failed, in words a user can act on: its certificate is not trusted, or it
     * refused ours (or wanted one and got none).
     */
    public static String reason(Throwable e, DicomNode node, String host) {
        String alert = peerAlert(e);
        if (alert == null) {
            return TrustedCertificates.reason(e, host, node.trustedCertificates());
        }
        TlsIdentity identity = node.clientIdentity();
        return switch (alert) {
            case "certificate_required", "bad_certificate", "unknown_ca", "certificate_unknown", "access_denied",
                    "unsupported_certificate", "certificate_expired", "certificate_revoked" -> identity == null
                    ? "TLS: " + host + " requires a client certificate (alert " + alert + "); give the node a PKCS#12"
                            + " key store with ours"
                    : "TLS: " + host + " refused our client certificate from " + identity.keyStore() + " (alert "
                            + alert + ")";
            default -> identity == null
                    ? "TLS: " + host + " ended the handshake (alert " + alert + "); it may require a client"
                            + " certificate, and the node has none"
                    : "TLS: " + host + " ended the handshake (alert " + alert + ") after we offered our client"
                            + " certificate from " + identity.keyStore();
        };
    }

    /** The alert the peer sent ("Received fatal alert: unknown_ca"), or null where the failure is ours. */
    private static String peerAlert(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            int at = m.indexOf("Received fatal alert: ");
            if (t instanceof SSLException && at >= 0) {
                return m.substring(at + "Received fatal alert: ".length()).trim().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }
}
