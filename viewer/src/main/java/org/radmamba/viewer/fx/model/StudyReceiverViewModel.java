package org.radmamba.viewer.fx.model;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.ReceiverSettings;
import org.radmamba.viewer.dicom.net.StorageScp;
import org.radmamba.viewer.dicom.net.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * The storage SCP that runs while the viewer runs, and its settings section: whether it starts with the app, its AE
 * title, port, allowed calling AE titles and folder (kept in the user's preferences, {@link ReceiverSettings}).
 * Studies pushed to it join the study browser as their instances arrive. A port it cannot listen on (another program
 * has it) is one status line; the viewer runs on without it. Properties change on {@code fx}.
 */
public final class StudyReceiverViewModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StudyReceiverViewModel.class);
    private static final long BATCH_NANOS = 200_000_000L;
    private static final Duration IDLE = Duration.ofSeconds(60);

    private final Preferences preferences;
    private final Executor fx;
    private final Consumer<List<Path>> open;

    private final BooleanProperty enabled = new SimpleBooleanProperty(this, "enabled");
    private final StringProperty aet = new SimpleStringProperty(this, "aet", "");
    private final StringProperty port = new SimpleStringProperty(this, "port", "");
    private final StringProperty allowedAets = new SimpleStringProperty(this, "allowedAets", "");
    private final StringProperty folder = new SimpleStringProperty(this, "folder", "");
    private final StringProperty tlsKeyStore = new SimpleStringProperty(this, "tlsKeyStore", "");
    private final StringProperty tlsPassword = new SimpleStringProperty(this, "tlsPassword", "");
    private final StringProperty status = new SimpleStringProperty(this, "status", "");
    private final BooleanProperty running = new SimpleBooleanProperty(this, "running");
    private final IntegerProperty received = new SimpleIntegerProperty(this, "received");

    private StorageScp scp;
    private ArrivalBatcher<Path> batcher;

    /**
     * @param preferences where the settings are kept ({@link ReceiverSettings#userNode()} in the app)
     * @param open        adds received files to the study browser ({@code ViewerViewModel::openReceived})
     */
    public StudyReceiverViewModel(Preferences preferences, Executor fx, Consumer<List<Path>> open) {
        this.preferences = preferences;
        this.fx = fx;
        this.open = open;
        show(ReceiverSettings.load(preferences));
    }

    private void show(ReceiverSettings settings) {
        enabled.set(settings.enabled());
        aet.set(settings.aet());
        port.set(Integer.toString(settings.port()));
        allowedAets.set(String.join(" ", settings.allowedCallingAets().stream().sorted().toList()));
        folder.set(settings.folder().toString());
        tlsKeyStore.set(settings.tls() == null ? "" : settings.tls().keyStore().toString());
        tlsPassword.set(settings.tls() == null ? "" : new String(settings.tls().password()));
    }

    /** At app start: starts the SCP when the settings say so. */
    public void startIfEnabled() {
        ReceiverSettings settings = ReceiverSettings.load(preferences);
        if (settings.enabled()) {
            start(settings);
        } else {
            status.set("Not receiving: pushing studies to RadMamba is off");
        }
    }

    /** Saves the fields and restarts the SCP with them (or stops it, when disabled); a bad field is one line. */
    public void apply() {
        ReceiverSettings settings;
        try {
            int number;
            try {
                number = Integer.parseInt(port.get().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the port '" + port.get() + "' is not a number");
            }
            String dir = folder.get().trim();
            String keyStore = tlsKeyStore.get().trim();
            settings = new ReceiverSettings(enabled.get(), aet.get().trim(), number,
                    ReceiverSettings.parseAets(allowedAets.get()),
                    dir.isEmpty() ? ReceiverSettings.defaultFolder() : Path.of(dir), keyStore.isEmpty() ? null
                    : new TlsIdentity(Path.of(keyStore), tlsPassword.get().toCharArray()));
            if (number == 0) {
                throw new IllegalArgumentException("choose a port (1-65535) that PACS can be told to send to");
            }
        } catch (IllegalArgumentException e) {
            status.set(e.getMessage());
            return;
        }
        try {
            settings.save(preferences);
        } catch (BackingStoreException e) {
            status.set("the settings cannot be saved: " + e.getMessage());
            return;
        }
        stop();
        if (settings.enabled()) {
            start(settings);
        } else {
            status.set("Not receiving: pushing studies to RadMamba is off");
        }
    }

    private void start(ReceiverSettings settings) {
        ArrivalBatcher<Path> arrivals = new ArrivalBatcher<>(fx, open, BATCH_NANOS);
        try {
            scp = DicomNetworks.listen(settings.config(IDLE), new StorageScp.Listener() {
                @Override
                public void stored(Path file, String callingAet) {
                    arrivals.arrived(file);
                    fx.execute(() -> received.set(received.get() + 1));
                }

                @Override
                public void failed(String message) {
                    LOG.warn("Storage SCP {}: {}", settings.aet(), message);
                    fx.execute(() -> status.set(message));
                }
            });
        } catch (IOException e) {
            arrivals.close();
            boolean portInUse = e.getCause() instanceof BindException || e instanceof BindException;
            String line = "Not receiving: " + (portInUse ? "port " + settings.port() + " is in use by another program;"
                    + " choose another port in File > Network settings"
                    : e.getMessage() + "; check File > Network settings");
            LOG.warn("Storage SCP {} not started: {}", settings.aet(), e.getMessage());
            status.set(line);
            running.set(false);
            return;
        }
        batcher = arrivals;
        running.set(true);
        status.set("Receiving as " + settings.aet() + " on port " + scp.port() + (settings.tls() == null ? ""
                : " (TLS)") + " into " + settings.folder());
    }

    /** Stops the SCP (open associations end first) and hands what arrived to the browser. */
    public void stop() {
        if (scp != null) {
            scp.close();
            scp = null;
        }
        if (batcher != null) {
            batcher.close();
            batcher = null;
        }
        running.set(false);
    }

    @Override
    public void close() {
        stop();
    }

    /** The port the SCP listens on, -1 when it does not run. */
    public int listeningPort() {
        return scp == null ? -1 : scp.port();
    }

    public BooleanProperty enabled() {
        return enabled;
    }

    public StringProperty aet() {
        return aet;
    }

    public StringProperty port() {
        return port;
    }

    /** Calling AE titles accepted, separated by spaces or commas; empty accepts any. */
    public StringProperty allowedAets() {
        return allowedAets;
    }

    public StringProperty folder() {
        return folder;
    }

    /** DICOM over TLS: a PKCS#12 file with the SCP's private key and certificate; empty for plain TCP. */
    public StringProperty tlsKeyStore() {
        return tlsKeyStore;
    }

    public StringProperty tlsPassword() {
        return tlsPassword;
    }

    /** One line: where it listens, or why it does not. */
    public StringProperty status() {
        return status;
    }

    public BooleanProperty running() {
        return running;
    }

    /** Instances received since the viewer started. */
    public IntegerProperty received() {
        return received;
    }
}
