package org.radmamba.viewer.fx.model;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.FindMatch;
import org.radmamba.viewer.dicom.net.FindQuery;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.QueryLevel;
import org.radmamba.viewer.dicom.net.RemoteNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.prefs.BackingStoreException;
import java.util.stream.Stream;

/**
 * The PACS search panel's state and actions: a node (configured name or URI), the search keys, the matches, a
 * retrieve with progress and cancel that adds the study to the browser as its instances arrive, and sending files.
 * Network calls run on {@code background}; every property changes on {@code fx} (the JavaFX thread in the app, the
 * calling thread in tests).
 */
public final class RemoteSearchViewModel {

    private static final long UPDATE_NANOS = 100_000_000L;

    private final NodeDirectory directory;
    private final ExecutorService background;
    private final Executor fx;
    private final Consumer<List<Path>> open;
    private final Path storeRoot;
    private final NetworkTimeouts timeouts;

    private final ObservableList<String> nodeNames = FXCollections.observableArrayList();
    private final StringProperty node = new SimpleStringProperty("");
    private final ObjectProperty<QueryLevel> level = new SimpleObjectProperty<>(QueryLevel.STUDY);
    private final StringProperty patientName = new SimpleStringProperty("");
    private final StringProperty patientId = new SimpleStringProperty("");
    private final StringProperty studyDate = new SimpleStringProperty("");
    private final StringProperty modality = new SimpleStringProperty("");
    private final StringProperty accession = new SimpleStringProperty("");
    private final StringProperty description = new SimpleStringProperty("");
    private final StringProperty studyUid = new SimpleStringProperty("");
    private final ObservableList<FindMatch> results = FXCollections.observableArrayList();
    private final StringProperty status = new SimpleStringProperty("");
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private volatile Future<?> running;

    /**
     * @param open      adds received files to the study browser ({@code ViewerViewModel::openReceived}), called with
     *                  each batch as it arrives
     * @param storeRoot where retrieved studies go, one folder per study
     */
    public RemoteSearchViewModel(NodeDirectory directory, ExecutorService background, Executor fx,
            Consumer<List<Path>> open, Path storeRoot, NetworkTimeouts timeouts) {
        this.directory = directory;
        this.background = background;
        this.fx = fx;
        this.open = open;
        this.storeRoot = storeRoot;
        this.timeouts = timeouts;
        refreshNodes();
    }

    public ObservableList<String> nodeNames() {
        return nodeNames;
    }

    public StringProperty node() {
        return node;
    }

    public ObjectProperty<QueryLevel> level() {
        return level;
    }

    public StringProperty patientName() {
        return patientName;
    }

    public StringProperty patientId() {
        return patientId;
    }

    public StringProperty studyDate() {
        return studyDate;
    }

    public StringProperty modality() {
        return modality;
    }

    public StringProperty accession() {
        return accession;
    }

    public StringProperty description() {
        return description;
    }

    /** The study whose series a series-level search lists (set by choosing a study in the results). */
    public StringProperty studyUid() {
        return studyUid;
    }

    public ObservableList<FindMatch> results() {
        return results;
    }

    /** One line: what runs, what came of it, or why it failed (the node and the step named). */
    public StringProperty status() {
        return status;
    }

    /** 0..1, or -1 while the total is unknown. */
    public DoubleProperty progress() {
        return progress;
    }

    public BooleanProperty busy() {
        return busy;
    }

    public void refreshNodes() {
        try {
            nodeNames.setAll(directory.list().stream().map(NodeDirectory.Entry::name).toList());
        } catch (BackingStoreException e) {
            status.set("the configured nodes cannot be read: " + e.getMessage());
        }
    }

    /** Runs the search with the keys as they are. */
    public void search() {
        FindQuery query;
        RemoteNode remote;
        try {
            query = new FindQuery(level.get(), patientName.get(), patientId.get(), studyDate.get(), modality.get(),
                    accession.get(), description.get(), level.get() == QueryLevel.SERIES ? studyUid.get() : "");
            remote = connect();
        } catch (IllegalArgumentException | IOException e) {
            status.set(e.getMessage());
            return;
        }
        start("Searching " + remote.node().label() + "…", () -> {
            List<FindMatch> matches = remote.find(query);
            fx.execute(() -> {
                results.setAll(matches);
                status.set(matches.size() + " match(es) on " + remote.node().label());
            });
        });
    }

    /**
     * Retrieves a study or a series match into the store and adds it to the study browser as it arrives: the first
     * instance at once, so that its image shows while the rest come, then the others in batches at most ten a
     * second (each batch is one scan on the browser's loading path, and the browser grows the series). When the
     * retrieve ends, whether done, failed or cancelled, every file it left in the folder is in the browser: a
     * cancelled or broken retrieve leaves only complete instances (ReceivedInstances), and shows them.
     */
    public void retrieve(FindMatch match) {
        if (match.studyInstanceUid().isEmpty()) {
            status.set("choose a study or a series to retrieve (a patient match names no study)");
            return;
        }
        RemoteNode remote;
        try {
            remote = connect();
        } catch (IllegalArgumentException | IOException e) {
            status.set(e.getMessage());
            return;
        }
        Path dir = storeRoot.resolve(match.studyInstanceUid());
        String series = match.level() == QueryLevel.SERIES ? match.seriesInstanceUid() : null;
        start("Retrieving from " + remote.node().label() + "…", () -> {
            StreamingOpen opening = new StreamingOpen();
            try {
                RemoteNode.RetrieveResult result = remote.retrieve(match.studyInstanceUid(), series, dir,
                        (file, done, total) -> {
                            List<Path> batch = opening.arrived(file);
                            if (!batch.isEmpty()) {
                                fx.execute(() -> {
                                    open.accept(batch);
                                    progress.set(total > 0 ? (double) done / total : -1);
                                    status.set(done + (total > 0 ? " of " + total : "") + " instance(s) received");
                                });
                            }
                        });
                opening.finish(dir);
                fx.execute(() -> {
                    progress.set(1);
                    status.set(result.files().size() + " instance(s) received from " + remote.node().label());
                });
            } catch (NetworkException e) {
                // What arrived intact is kept: it is in the browser, and the status says why the rest is missing.
                opening.finish(dir);
                throw e;
            }
        });
    }

    /**
     * The received files not yet handed to the browser: the first alone, then batches at most every
     * {@link #UPDATE_NANOS}. Called on the transfer's thread, then once by {@link #finish} on the task's.
     */
    private final class StreamingOpen {
        private final Set<Path> opened = new HashSet<>();
        private final List<Path> pending = new ArrayList<>();
        private long lastOpen;

        synchronized List<Path> arrived(Path file) {
            if (file != null) {
                pending.add(file);
            }
            long now = System.nanoTime();
            if (opened.isEmpty() || now - lastOpen >= UPDATE_NANOS) {
                lastOpen = now;
                return take();
            }
            return List.of();
        }

        /** Hands over what is pending, and any complete file in the folder that was stored but not yet told. */
        void finish(Path dir) {
            List<Path> rest;
            synchronized (this) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> f.getFileName().toString().endsWith(".dcm")).sorted().forEach(pending::add);
                } catch (IOException e) {
                    // No folder: nothing arrived.
                }
                rest = take();
            }
            if (rest.isEmpty()) {
                return;
            }
            // A cancelled retrieve leaves this thread interrupted; where fx runs the browser's scan on it (tests),
            // the interrupt would close the files' channels under the scan. It is restored once they are handed over.
            boolean interrupted = Thread.interrupted();
            try {
                fx.execute(() -> open.accept(rest));
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private List<Path> take() {
            List<Path> batch = new ArrayList<>();
            for (Path file : pending) {
                if (opened.add(file)) {
                    batch.add(file);
                }
            }
            pending.clear();
            return List.copyOf(batch);
        }
    }

    /** Sends files (a series, a study, an AI result) to the node. */
    public void send(List<Path> files) {
        RemoteNode remote;
        try {
            remote = connect();
        } catch (IllegalArgumentException | IOException e) {
            status.set(e.getMessage());
            return;
        }
        send(remote, files);
    }

    /**
     * Sends files to the configured node {@code nodeName}, whatever node the search keys name: the study browser's
     * Send to. The same send as {@link #send(List)}, reported in the same status line and progress.
     */
    public void send(String nodeName, List<Path> files) {
        RemoteNode remote;
        try {
            remote = DicomNetworks.connect(configured(nodeName), timeouts);
        } catch (IllegalArgumentException | IOException e) {
            status.set(e.getMessage());
            return;
        }
        send(remote, files);
    }

    /**
     * Why nothing can be sent from the browser now, or empty when it can: no node is configured, or a search,
     * retrieve or send of this view model runs (starting another would cancel it, so the search window's buttons
     * wait for it too). Reads the nodes afresh: ones added in the network settings since count.
     */
    public String sendUnavailableReason() {
        try {
            nodeNames.setAll(directory.list().stream().map(NodeDirectory.Entry::name).toList());
        } catch (BackingStoreException e) {
            return "the configured nodes cannot be read: " + e.getMessage();
        }
        if (nodeNames.isEmpty()) {
            return "no node is configured; add one in File ▸ Network settings";
        }
        return busy.get() ? "a transfer is under way: " + status.get() : "";
    }

    private void send(RemoteNode remote, List<Path> files) {
        start("Sending " + files.size() + " file(s) to " + remote.node().label() + "…", () -> {
            RemoteNode.SendResult result = remote.send(files, (file, done, total) ->
                    fx.execute(() -> progress.set(total > 0 ? (double) done / total : -1)));
            fx.execute(() -> status.set(result.sent() + " of " + files.size() + " file(s) sent to "
                    + remote.node().label() + (result.failures().isEmpty() ? "" : "; " + result.failures().get(0))));
        });
    }

    /** Stops what runs; instances already received stay. */
    public void cancel() {
        Future<?> task = running;
        if (task != null) {
            task.cancel(true);
        }
    }

    private interface NetworkTask {
        void run() throws NetworkException;
    }

    private void start(String what, NetworkTask task) {
        cancel();
        busy.set(true);
        progress.set(-1);
        status.set(what);
        running = background.submit(() -> {
            try {
                task.run();
            } catch (NetworkException e) {
                fx.execute(() -> status.set(e.getMessage()));
            } catch (RuntimeException e) {
                fx.execute(() -> status.set("unexpected failure: " + e));
            } finally {
                fx.execute(() -> busy.set(false));
            }
        });
    }

    private RemoteNode connect() throws IOException {
        String text = node.get().trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("choose a node, or type dimse://AET@HOST:PORT or http(s)://HOST/PATH");
        }
        DicomNode resolved;
        if (text.contains("://")) {
            resolved = DicomNode.parse(text, "RADMAMBA", DicomNode.Retrieve.GET, 11112, Credentials.NONE);
        } else {
            resolved = configured(text);
        }
        return DicomNetworks.connect(resolved, timeouts);
    }

    private DicomNode configured(String name) throws IOException {
        try {
            return directory.find(name).orElseThrow(() -> new IllegalArgumentException("no node named '"
                    + name + "' is configured")).node();
        } catch (BackingStoreException e) {
            throw new IOException("the configured nodes cannot be read: " + e.getMessage(), e);
        }
    }
}
