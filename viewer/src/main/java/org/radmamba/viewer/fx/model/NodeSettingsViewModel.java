package org.radmamba.viewer.fx.model;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.TlsIdentity;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.prefs.BackingStoreException;

/**
 * The node settings section: the configured nodes (kept by {@link NodeDirectory} in the OS user's preferences), a
 * form to add, edit or remove one (a DIMSE AE title, host and port, or a DICOMweb base URL with no, basic or bearer
 * authentication; for https or DIMSE over TLS the certificate file the node's must chain to and the PKCS#12 key
 * store of our client certificate, for a node that requires mutual TLS), and a Test that runs C-ECHO or a QIDO-RS ping
 * on the form as typed. Every outcome is one status
 * line; no line shows a password or token ({@link Credentials#toString()}). The test runs on {@code background};
 * properties change on {@code fx}.
 */
public final class NodeSettingsViewModel {

    /** How the node is reached. */
    public enum Protocol {
        DIMSE, DICOMWEB
    }

    /** How a DICOMweb node is authenticated. */
    public enum Auth {
        NONE, BASIC, BEARER
    }

    private final NodeDirectory directory;
    private final ExecutorService background;
    private final Executor fx;
    private final NetworkTimeouts timeouts;

    private final ObservableList<String> names = FXCollections.observableArrayList();
    private final StringProperty name = new SimpleStringProperty(this, "name", "");
    private final ObjectProperty<Protocol> protocol = new SimpleObjectProperty<>(this, "protocol", Protocol.DIMSE);
    private final StringProperty calledAet = new SimpleStringProperty(this, "calledAet", "");
    private final StringProperty host = new SimpleStringProperty(this, "host", "");
    private final StringProperty port = new SimpleStringProperty(this, "port", "");
    private final StringProperty callingAet = new SimpleStringProperty(this, "callingAet", "RADMAMBA");
    private final ObjectProperty<DicomNode.Retrieve> retrieve =
            new SimpleObjectProperty<>(this, "retrieve", DicomNode.Retrieve.GET);
    private final StringProperty movePort = new SimpleStringProperty(this, "movePort", "0");
    private final StringProperty baseUrl = new SimpleStringProperty(this, "baseUrl", "");
    private final ObjectProperty<Auth> auth = new SimpleObjectProperty<>(this, "auth", Auth.NONE);
    private final StringProperty user = new SimpleStringProperty(this, "user", "");
    private final StringProperty password = new SimpleStringProperty(this, "password", "");
    private final StringProperty token = new SimpleStringProperty(this, "token", "");
    private final StringProperty trustedCertificates = new SimpleStringProperty(this, "trustedCertificates", "");
    private final BooleanProperty tls = new SimpleBooleanProperty(this, "tls");
    private final StringProperty clientKeyStore = new SimpleStringProperty(this, "clientKeyStore", "");
    private final StringProperty clientKeyStorePassword = new SimpleStringProperty(this, "clientKeyStorePassword", "");
    private final BooleanBinding secure = Bindings.createBooleanBinding(() -> protocol.get() == Protocol.DIMSE
            ? tls.get() : baseUrl.get().trim().toLowerCase(Locale.ROOT).startsWith("https://"), protocol, tls, baseUrl);
    private final StringProperty status = new SimpleStringProperty(this, "status", "");
    private final BooleanProperty busy = new SimpleBooleanProperty(this, "busy");

    public NodeSettingsViewModel(NodeDirectory directory, ExecutorService background, Executor fx,
            NetworkTimeouts timeouts) {
        this.directory = directory;
        this.background = background;
        this.fx = fx;
        this.timeouts = timeouts;
        refresh();
    }

    private void refresh() {
        try {
            names.setAll(directory.list().stream().map(NodeDirectory.Entry::name).toList());
        } catch (BackingStoreException e) {
            status.set("the configured nodes cannot be read: " + e.getMessage());
        }
    }

    /** Fills the form with a configured node. */
    public void select(String nodeName) {
        Optional<NodeDirectory.Entry> found;
        try {
            found = directory.find(nodeName);
        } catch (BackingStoreException e) {
            status.set("the configured nodes cannot be read: " + e.getMessage());
            return;
        }
        if (found.isEmpty()) {
            status.set("no node named '" + nodeName + "' is configured");
            return;
        }
        NodeDirectory.Entry entry = found.get();
        newNode();
        if (entry.clientIdentity() != null) {
            clientKeyStore.set(entry.clientIdentity().keyStore().toString());
            clientKeyStorePassword.set(new String(entry.clientIdentity().password()));
        }
        name.set(entry.name());
        callingAet.set(entry.callingAet());
        retrieve.set(entry.retrieve());
        movePort.set(Integer.toString(entry.movePort()));
        switch (entry.node()) {
            case DicomNode.Dimse d -> {
                protocol.set(Protocol.DIMSE);
                calledAet.set(d.calledAet());
                host.set(d.host());
                port.set(Integer.toString(d.port()));
                tls.set(d.tls());
                trustedCertificates.set(d.trustedCertificates() == null ? "" : d.trustedCertificates().toString());
            }
            case DicomNode.Web w -> {
                protocol.set(Protocol.DICOMWEB);
                baseUrl.set(w.baseUrl().toString());
                trustedCertificates.set(w.trustedCertificates() == null ? "" : w.trustedCertificates().toString());
            }
        }
        switch (entry.credentials()) {
            case Credentials.Basic b -> {
                auth.set(Auth.BASIC);
                user.set(b.user());
                password.set(b.password());
            }
            case Credentials.Bearer b -> {
                auth.set(Auth.BEARER);
                token.set(b.token());
            }
            case Credentials.None n -> auth.set(Auth.NONE);
        }
        status.set("");
    }

    /** Empties the form for a new node. */
    public void newNode() {
        name.set("");
        protocol.set(Protocol.DIMSE);
        calledAet.set("");
        host.set("");
        port.set("");
        callingAet.set("RADMAMBA");
        retrieve.set(DicomNode.Retrieve.GET);
        movePort.set("0");
        baseUrl.set("");
        auth.set(Auth.NONE);
        user.set("");
        password.set("");
        token.set("");
        trustedCertificates.set("");
        tls.set(false);
        clientKeyStore.set("");
        clientKeyStorePassword.set("");
        status.set("");
    }

    /**
     * The form as a directory entry. A client key store is checked here (it exists, opens with its password, holds a
     * private key), so that what is saved or tested can be shown to the node; it is kept for TLS nodes only.
     *
     * @throws IllegalArgumentException with a one-line reason for a field that is wrong
     */
    public NodeDirectory.Entry entry() {
        String uri = switch (protocol.get()) {
            case DIMSE -> (tls.get() ? DicomNode.TLS_SCHEME : "dimse://") + calledAet.get().trim() + "@" + host.get().trim() + ":" + number(port, "port");
            case DICOMWEB -> baseUrl.get().trim();
        };
        Credentials credentials = protocol.get() == Protocol.DIMSE ? Credentials.NONE : switch (auth.get()) {
            case NONE -> Credentials.NONE;
            case BASIC -> new Credentials.Basic(user.get(), password.get());
            case BEARER -> new Credentials.Bearer(token.get().trim());
        };
        String trusted = trustedCertificates.get().trim();
        String keyStore = clientKeyStore.get().trim();
        TlsIdentity identity = keyStore.isEmpty() || !secure.get() ? null
                : new TlsIdentity(Path.of(keyStore), clientKeyStorePassword.get().toCharArray());
        NodeDirectory.Entry entry = new NodeDirectory.Entry(name.get().trim(), uri, callingAet.get().trim(),
                retrieve.get(), protocol.get() == Protocol.DIMSE ? number(movePort, "move port") : 0, credentials,
                trusted.isEmpty() || (protocol.get() == Protocol.DIMSE && !tls.get()) ? null : Path.of(trusted),
                identity);
        entry.node();
        if (identity != null) {
            identity.keyManagers();
        }
        return entry;
    }

    private static int number(StringProperty field, String what) {
        try {
            return Integer.parseInt(field.get().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the " + what + " '" + field.get() + "' is not a number");
        }
    }

    /** Saves the form under its name (replacing a node of that name); false with the reason as status if wrong. */
    public boolean save() {
        NodeDirectory.Entry entry;
        try {
            entry = entry();
        } catch (IllegalArgumentException e) {
            status.set(e.getMessage());
            return false;
        }
        try {
            directory.save(entry);
        } catch (BackingStoreException e) {
            status.set("the node cannot be saved: " + e.getMessage());
            return false;
        }
        refresh();
        status.set("Saved " + entry.node().label());
        return true;
    }

    /** Removes the node named in the form. */
    public void remove() {
        String nodeName = name.get().trim();
        try {
            if (!directory.remove(nodeName)) {
                status.set("no node named '" + nodeName + "' is configured");
                return;
            }
        } catch (BackingStoreException e) {
            status.set("the node cannot be removed: " + e.getMessage());
            return;
        }
        refresh();
        newNode();
        status.set("Removed " + nodeName);
    }

    /** C-ECHO (DIMSE) or a QIDO-RS search for one study (DICOMweb) on the form as typed, saved or not. */
    public void test() {
        DicomNode node;
        try {
            node = entry().node();
        } catch (IllegalArgumentException e) {
            status.set(e.getMessage());
            return;
        }
        String how = node instanceof DicomNode.Dimse ? "C-ECHO" : "QIDO-RS";
        busy.set(true);
        status.set("Testing " + node.label() + " (" + how + ")…");
        background.submit(() -> {
            long start = System.nanoTime();
            String line;
            try {
                DicomNetworks.connect(node, timeouts).echo();
                line = node.label() + ": " + how + " answered in " + (System.nanoTime() - start) / 1_000_000 + " ms";
            } catch (NetworkException e) {
                line = e.getMessage();
            } catch (IllegalArgumentException e) {
                // A trusted certificate file or a client key store that cannot be used (the line names the node).
                line = e.getMessage();
            } catch (RuntimeException e) {
                line = node.label() + ": unexpected failure: " + e;
            }
            String result = line;
            fx.execute(() -> {
                status.set(result);
                busy.set(false);
            });
        });
    }

    public ObservableList<String> names() {
        return names;
    }

    public StringProperty name() {
        return name;
    }

    public ObjectProperty<Protocol> protocol() {
        return protocol;
    }

    public StringProperty calledAet() {
        return calledAet;
    }

    public StringProperty host() {
        return host;
    }

    public StringProperty port() {
        return port;
    }

    public StringProperty callingAet() {
        return callingAet;
    }

    public ObjectProperty<DicomNode.Retrieve> retrieve() {
        return retrieve;
    }

    public StringProperty movePort() {
        return movePort;
    }

    public StringProperty baseUrl() {
        return baseUrl;
    }

    public ObjectProperty<Auth> auth() {
        return auth;
    }

    public StringProperty user() {
        return user;
    }

    public StringProperty password() {
        return password;
    }

    public StringProperty token() {
        return token;
    }

    /** DIMSE over TLS. */
    public BooleanProperty tls() {
        return tls;
    }

    /**
     * For https or DIMSE over TLS: a PEM or DER file of the certificates the node's certificate must chain to (its CA, or its own
     * self-signed one); empty for the JVM's trust store.
     */
    public StringProperty trustedCertificates() {
        return trustedCertificates;
    }

    /**
     * For https or DIMSE over TLS: the PKCS#12 file of our private key and client certificate, shown to a node that
     * requires mutual TLS; empty for none.
     */
    public StringProperty clientKeyStore() {
        return clientKeyStore;
    }

    /**
     * The client key store's password, kept with the node in the OS user's preferences as the storage SCP's key store
     * password is ({@link org.radmamba.viewer.dicom.net.ReceiverSettings}).
     */
    public StringProperty clientKeyStorePassword() {
        return clientKeyStorePassword;
    }

    /**
     * Whether the form's node runs TLS (DIMSE over TLS, or a DICOMweb URL that is https): the trusted certificate and
     * client key store fields are shown and kept for such a node only.
     */
    public BooleanBinding secure() {
        return secure;
    }

    /** One line: saved, removed, the test's answer, or what is wrong (never a secret). */
    public StringProperty status() {
        return status;
    }

    public BooleanProperty busy() {
        return busy;
    }
}
