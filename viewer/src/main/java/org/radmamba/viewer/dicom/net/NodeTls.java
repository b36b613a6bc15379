package org.radmamba.viewer.dicom.net;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;

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
            context.init(identity == null ? null : presentAlways(identity.keyManagers()),
                    TrustedCertificates.trustManagers(node.trustedCertificates()), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM: " + e.getMessage(), e);
        }
    }

    /**
     * Key managers that show the identity's certificate to whatever server asks for one. The JDK's own offers a
     * client certificate only when its issuer is among the CAs the server names, and otherwise sends none, so that a
     * server which names no CA or another one (an intermediate, a cross-signed root) would be told we have none, and
     * the user could not see which certificate was refused. As curl and openssl do, the configured one is sent.
     */
    private static KeyManager[] presentAlways(KeyManager[] managers) {
        KeyManager[] wrapped = managers.clone();
        for (int i = 0; i < wrapped.length; i++) {
            if (wrapped[i] instanceof X509ExtendedKeyManager keys) {
                wrapped[i] = new AnyIssuer(keys);
            }
        }
        return wrapped;
    }

    private static final class AnyIssuer extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;

        AnyIssuer(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        private String firstAlias(String[] keyTypes) {
            for (String keyType : keyTypes) {
                String[] aliases = keys.getClientAliases(keyType, null);
                if (aliases != null && aliases.length > 0) {
                    return aliases[0];
                }
            }
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return firstAlias(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return firstAlias(keyTypes);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return keys.getClientAliases(keyType, null);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
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

    /**
     * Why a TLS connection failed that the node cut without an alert we could read ({@code when}: "during the TLS
     * handshake", "before answering the association"): a server that closes with our bytes unread sends a TCP reset,
     * which can swallow its alert, so on a loaded machine a refused client certificate shows as a broken pipe.
     */
    public static String cutShort(DicomNode node, String host, String when, IOException e) {
        TlsIdentity identity = node.clientIdentity();
        return "TLS: " + host + " closed the connection " + when + " (" + e.getMessage() + "); a node does that when"
                + (identity == null ? " it requires a client certificate and the node has none"
                        : " it does not trust our client certificate from " + identity.keyStore());
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
