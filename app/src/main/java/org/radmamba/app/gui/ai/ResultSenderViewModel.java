package org.radmamba.app.gui.ai;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.radmamba.app.ai.AiDicomExport;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.RemoteNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.prefs.BackingStoreException;
import java.util.stream.Stream;

/**
 * The AI panel's Send: the results on screen as DICOM (the Structured Report, and the Segmentation before it for
 * masks, written by {@link AiDicomExport} as the Export menu writes them) sent to a configured node in one click.
 * The files are written to a folder of their own and removed once sent; Export keeps a copy. One status line: what
 * was sent where, or why not (the node and the step named). Sending runs on {@code background}; properties change
 * on {@code fx}.
 */
public final class ResultSenderViewModel {

    /** Gathers the results on screen (FX thread) into a writing that runs in the background. */
    @FunctionalInterface
    public interface ResultWriter {
        Callable<AiDicomExport.Written> gather(Path target) throws IOException;
    }

    private final NodeDirectory directory;
    private final ExecutorService background;
    private final Executor fx;
    private final NetworkTimeouts timeouts;
    private final ResultWriter writer;

    private final ObservableList<String> nodeNames = FXCollections.observableArrayList();
    private final StringProperty node = new SimpleStringProperty(this, "node", "");
    private final StringProperty status = new SimpleStringProperty(this, "status", "");
    private final BooleanProperty busy = new SimpleBooleanProperty(this, "busy");

    public ResultSenderViewModel(NodeDirectory directory, ExecutorService background, Executor fx,
            NetworkTimeouts timeouts, ResultWriter writer) {
        this.directory = directory;
        this.background = background;
        this.fx = fx;
        this.timeouts = timeouts;
        this.writer = writer;
        refreshNodes();
    }

    /** The configured nodes, again (they change in the network settings). */
    public void refreshNodes() {
        try {
            nodeNames.setAll(directory.list().stream().map(NodeDirectory.Entry::name).toList());
        } catch (BackingStoreException e) {
            status.set("the configured nodes cannot be read: " + e.getMessage());
        }
        if (node.get().isEmpty() && !nodeNames.isEmpty()) {
            node.set(nodeNames.getFirst());
        }
    }

    /** Writes the results on screen as DICOM and sends them to the chosen node. Called on the FX thread. */
    public void send() {
        String name = node.get() == null ? "" : node.get().trim();
        DicomNode target;
        RemoteNode remote;
        Path folder;
        Callable<AiDicomExport.Written> writing;
        try {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("choose a node (File > Network settings configures them)");
            }
            target = directory.find(name).orElseThrow(() -> new IllegalArgumentException("no node named '" + name
                    + "' is configured")).node();
            remote = DicomNetworks.connect(target, timeouts);
            folder = Files.createTempDirectory("radmamba-send-");
            writing = writer.gather(folder.resolve("radmamba-result-sr.dcm"));
        } catch (IllegalArgumentException | IOException | BackingStoreException e) {
            status.set("Not sent: " + e.getMessage());
            return;
        }
        busy.set(true);
        status.set("Sending the result to " + target.label() + "…");
        background.submit(() -> {
            String line;
            try {
                AiDicomExport.Written written = writing.call();
                RemoteNode.SendResult result = remote.send(written.files(), RemoteNode.TransferListener.NONE);
                line = result.failures().isEmpty()
                        ? "Sent " + describe(written.files()) + " to " + target.label()
                        : "Not all sent to " + target.label() + ": " + result.failures().getFirst();
            } catch (NetworkException e) {
                line = "Not sent: " + e.getMessage();
            } catch (Exception e) {
                line = "Not sent: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            } finally {
                removeQuietly(folder);
            }
            String done = line;
            fx.execute(() -> {
                status.set(done);
                busy.set(false);
            });
            return null;
        });
    }

    private static String describe(List<Path> files) {
        return files.size() == 2 ? "the DICOM SEG and its SR" : files.size() == 1 ? "the DICOM SR"
                : files.size() + " DICOM file(s)";
    }

    private static void removeQuietly(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // A temporary folder; the system's cleaning removes what is left.
        }
    }

    public ObservableList<String> nodeNames() {
        return nodeNames;
    }

    /** The chosen node's name. */
    public StringProperty node() {
        return node;
    }

    public StringProperty status() {
        return status;
    }

    public BooleanProperty busy() {
        return busy;
    }
}
