package org.radmamba.viewer.dicom.net;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * The configured nodes, in the OS user's preferences ({@code java.util.prefs}: the registry on Windows, a file in
 * {@code ~/.java} readable by the user only on Linux and macOS), credentials included, and so the password of a node's
 * client key store ({@link TlsIdentity}), as {@link ReceiverSettings} keeps the storage SCP's. A node is configured once and
 * then named; its credentials never appear in messages ({@link Credentials#toString()}) or logs.
 */
public final class NodeDirectory {

    /** The system property that moves the directory to another preferences node (tests). */
    public static final String NODE_PROPERTY = "radmamba.nodes.preferences";

    private final Preferences root;

    public NodeDirectory(Preferences root) {
        this.root = root;
    }

    /** The user's directory: {@code org/radmamba/nodes}, or the node named by {@link #NODE_PROPERTY}. */
    public static NodeDirectory forUser() {
        return new NodeDirectory(Preferences.userRoot().node(System.getProperty(NODE_PROPERTY, "org/radmamba/nodes")));
    }

    /**
     * A configured node as saved.
     *
     * @param uri        {@code dimse://CALLED_AET@HOST:PORT} or {@code http(s)://HOST:PORT/PATH}
     * @param callingAet our AE title towards a DIMSE node
     * @param retrieve   get or move
     * @param movePort   our storage SCP's port for C-MOVE (0: none)
     * @param trustedCertificates with TLS, the file the node's certificate must chain to; null: the JVM's trust store
     * @param clientIdentity      with TLS, the client certificate the node requires; null: none
     */
    public record Entry(String name, String uri, String callingAet, DicomNode.Retrieve retrieve, int movePort,
            Credentials credentials, Path trustedCertificates, TlsIdentity clientIdentity) {

        /** A node that needs no certificate file of its own (DIMSE, http, or https the JVM's trust store checks). */
        public Entry(String name, String uri, String callingAet, DicomNode.Retrieve retrieve, int movePort,
                Credentials credentials) {
            this(name, uri, callingAet, retrieve, movePort, credentials, null, null);
        }

        /** A node that asks for no client certificate. */
        public Entry(String name, String uri, String callingAet, DicomNode.Retrieve retrieve, int movePort,
                Credentials credentials, Path trustedCertificates) {
            this(name, uri, callingAet, retrieve, movePort, credentials, trustedCertificates, null);
        }

        public Entry {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new IllegalArgumentException("a node name is letters, digits, '.', '_' or '-' (at most 64),"
                        + " not '" + name + "'");
            }
        }

        public DicomNode node() {
            DicomNode parsed = DicomNode.parse(uri, callingAet, retrieve, movePort, credentials);
            return switch (parsed) {
                case DicomNode.Dimse d -> new DicomNode.Dimse(name, d.calledAet(), d.host(), d.port(), d.callingAet(),
                        d.retrieve(), d.moveAet(), d.movePort(), d.tls(), trustedCertificates, clientIdentity);
                case DicomNode.Web w -> new DicomNode.Web(name, w.baseUrl(), w.credentials(), trustedCertificates,
                        clientIdentity);
            };
        }
    }

    public void save(Entry entry) throws BackingStoreException {
        entry.node();
        Preferences node = root.node(entry.name());
        node.clear();
        node.put("uri", entry.uri());
        node.put("callingAet", entry.callingAet());
        node.put("retrieve", entry.retrieve().name());
        node.putInt("movePort", entry.movePort());
        if (entry.trustedCertificates() != null) {
            node.put("trustedCertificates", entry.trustedCertificates().toString());
        }
        if (entry.clientIdentity() != null) {
            // The same keys, and the same keeping of the password, as ReceiverSettings for the storage SCP's.
            node.put("tlsKeyStore", entry.clientIdentity().keyStore().toString());
            node.put("tlsPassword", new String(entry.clientIdentity().password()));
        }
        switch (entry.credentials()) {
            case Credentials.Basic basic -> {
                node.put("user", basic.user());
                node.put("password", basic.password());
            }
            case Credentials.Bearer bearer -> node.put("token", bearer.token());
            case Credentials.None none -> {
            }
        }
        node.flush();
    }

    public Optional<Entry> find(String name) throws BackingStoreException {
        if (!root.nodeExists(name)) {
            return Optional.empty();
        }
        Preferences node = root.node(name);
        String user = node.get("user", null);
        String token = node.get("token", null);
        Credentials credentials = user != null ? new Credentials.Basic(user, node.get("password", ""))
                : token != null ? new Credentials.Bearer(token) : Credentials.NONE;
        String trusted = node.get("trustedCertificates", null);
        String keyStore = node.get("tlsKeyStore", null);
        return Optional.of(new Entry(name, node.get("uri", ""), node.get("callingAet", "RADMAMBA"),
                DicomNode.Retrieve.valueOf(node.get("retrieve", "GET")), node.getInt("movePort", 0), credentials,
                trusted == null ? null : Path.of(trusted), keyStore == null ? null
                : new TlsIdentity(Path.of(keyStore), node.get("tlsPassword", "").toCharArray())));
    }

    public List<Entry> list() throws BackingStoreException {
        List<Entry> entries = new ArrayList<>();
        for (String name : root.childrenNames()) {
            find(name).ifPresent(entries::add);
        }
        return entries;
    }

    public boolean remove(String name) throws BackingStoreException {
        if (!root.nodeExists(name)) {
            return false;
        }
        root.node(name).removeNode();
        root.flush();
        return true;
    }
}
