package org.radmamba.viewer.dicom.net;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A remote DICOM node: a DIMSE application entity or a DICOMweb service. {@link #label()} is what every message names;
 * it never contains a credential.
 */
public sealed interface DicomNode {

    /** The scheme of a DIMSE node reached over TLS. */
    String TLS_SCHEME = "dimse+tls://";

    /** The configured name, or the address when the node was given as a URI. */
    String name();

    /** The name and address, e.g. {@code pacs (dimse://ORTHANC@127.0.0.1:4242)}, for messages. */
    String label();

    /** With TLS, the PEM or DER file the node's certificate must chain to; null for the JVM's trust store. */
    Path trustedCertificates();

    /** With TLS, the client certificate shown to a node that requires mutual TLS; null for none. */
    TlsIdentity clientIdentity();

    /** Whether connections to the node run TLS (DIMSE over TLS, or https). */
    boolean secure();

    /** How a DIMSE node is asked to send a study: by C-GET on our association, or by C-MOVE to our storage SCP. */
    enum Retrieve {
        GET, MOVE;

        public static Retrieve parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "get" -> GET;
                case "move" -> MOVE;
                default -> throw new IllegalArgumentException("retrieve must be get or move, not '" + text + "'");
            };
        }
    }

    /**
     * A DIMSE application entity.
     *
     * @param callingAet our AE title on associations we start
     * @param retrieve   C-GET or C-MOVE
     * @param moveAet    the AE title the node sends C-MOVE results to (configured on the node as our storage SCP)
     * @param movePort   the port our storage SCP listens on during a C-MOVE
     * @param tls        DICOM over TLS (PS3.15 secure transport): the association runs in a TLS session
     * @param trustedCertificates with TLS, the PEM or DER file the node's certificate must chain to; null for the
     *                   JVM's trust store
     * @param clientIdentity with TLS, our client certificate for a node that requires mutual TLS; null for none
     */
    record Dimse(String name, String calledAet, String host, int port, String callingAet, Retrieve retrieve,
            String moveAet, int movePort, boolean tls, Path trustedCertificates, TlsIdentity clientIdentity)
            implements DicomNode {

        /** A node on plain TCP. */
        public Dimse(String name, String calledAet, String host, int port, String callingAet, Retrieve retrieve,
                String moveAet, int movePort) {
            this(name, calledAet, host, port, callingAet, retrieve, moveAet, movePort, false, null, null);
        }

        /** A node that asks for no client certificate. */
        public Dimse(String name, String calledAet, String host, int port, String callingAet, Retrieve retrieve,
                String moveAet, int movePort, boolean tls, Path trustedCertificates) {
            this(name, calledAet, host, port, callingAet, retrieve, moveAet, movePort, tls, trustedCertificates,
                    null);
        }

        public Dimse {
            Objects.requireNonNull(name);
            AeTitles.check(calledAet, "called AE title");
            AeTitles.check(callingAet, "calling AE title");
            AeTitles.check(moveAet, "move destination AE title");
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("no host");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not in 1-65535");
            }
            if (movePort < 0 || movePort > 65535) {
                throw new IllegalArgumentException("move port " + movePort + " is not in 0-65535");
            }
            if (!tls && clientIdentity != null) {
                throw new IllegalArgumentException("a client certificate needs DICOM over TLS (" + TLS_SCHEME + ")");
            }
        }

        @Override
        public boolean secure() {
            return tls;
        }

        public String uri() {
            return (tls ? TLS_SCHEME : "dimse://") + calledAet + "@" + host + ":" + port;
        }

        @Override
        public String label() {
            return name.equals(uri()) ? uri() : name + " (" + uri() + ")";
        }
    }

    /**
     * A DICOMweb service at {@code baseUrl} (the prefix of /studies), with its credentials.
     *
     * @param trustedCertificates for https: a PEM or DER file of the certificates (a CA's, or the server's own
     *                            self-signed one) that this node's TLS certificate must chain to, instead of the
     *                            JVM's trust store; null for the JVM's trust store. Nothing is ever trusted blindly.
     * @param clientIdentity      for https: our client certificate for a node that requires mutual TLS; null for none
     */
    record Web(String name, URI baseUrl, Credentials credentials, Path trustedCertificates, TlsIdentity clientIdentity)
            implements DicomNode {

        /** A node whose https certificate the JVM's trust store checks. */
        public Web(String name, URI baseUrl, Credentials credentials) {
            this(name, baseUrl, credentials, null, null);
        }

        /** A node that asks for no client certificate. */
        public Web(String name, URI baseUrl, Credentials credentials, Path trustedCertificates) {
            this(name, baseUrl, credentials, trustedCertificates, null);
        }

        public Web {
            Objects.requireNonNull(name);
            Objects.requireNonNull(credentials);
            String scheme = baseUrl.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("a DICOMweb base URL is http(s)://HOST:PORT/PATH, not " + baseUrl);
            }
            if (baseUrl.getHost() == null) {
                throw new IllegalArgumentException("no host in " + baseUrl);
            }
            if (baseUrl.getUserInfo() != null) {
                throw new IllegalArgumentException("put credentials in the node's settings, not in the URL");
            }
            if (!"https".equals(scheme) && clientIdentity != null) {
                throw new IllegalArgumentException("a client certificate needs https, not " + scheme);
            }
        }

        @Override
        public boolean secure() {
            return "https".equals(baseUrl.getScheme());
        }

        @Override
        public String label() {
            return name.equals(baseUrl.toString()) ? baseUrl.toString() : name + " (" + baseUrl + ")";
        }
    }

    /**
     * Parses {@code dimse://CALLED_AET@HOST:PORT} or {@code http(s)://HOST:PORT/PATH}.
     *
     * @throws IllegalArgumentException with a one-line reason
     */
    static DicomNode parse(String uri, String callingAet, Retrieve retrieve, int movePort, Credentials credentials) {
        if (uri.startsWith("dimse://") || uri.startsWith(TLS_SCHEME)) {
            boolean tls = uri.startsWith(TLS_SCHEME);
            String rest = uri.substring(tls ? TLS_SCHEME.length() : "dimse://".length());
            int at = rest.indexOf('@');
            int colon = rest.lastIndexOf(':');
            if (at <= 0 || colon < at) {
                throw new IllegalArgumentException("a DIMSE node is dimse://CALLED_AET@HOST:PORT (dimse+tls:// over"
                        + " TLS), not " + uri);
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the port of " + uri + " is not a number");
            }
            return new Dimse(uri, rest.substring(0, at), rest.substring(at + 1, colon), port, callingAet, retrieve,
                    callingAet, movePort, tls, null);
        }
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            URI parsed;
            try {
                parsed = new URI(uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not a URL: " + uri);
            }
            return new Web(uri, parsed, credentials);
        }
        throw new IllegalArgumentException("a node is a configured name, dimse://CALLED_AET@HOST:PORT or"
                + " http(s)://HOST:PORT/PATH, not '" + uri + "'");
    }
}
