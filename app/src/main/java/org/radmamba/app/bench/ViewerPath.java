package org.radmamba.app.bench;

import javafx.application.Platform;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.FindMatch;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.QueryLevel;
import org.radmamba.viewer.fx.model.RemoteSearchViewModel;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.FxTaskExecutor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import java.util.stream.Stream;

/**
 * A retrieve as the search window runs it: {@link RemoteSearchViewModel} hands each batch of arrived instances to a
 * {@link ViewerViewModel} (the study browser and its viewports, their loads on the app's worker pool), on the JavaFX
 * thread. Measures from the retrieve's start to the first image rendered in the first viewport (its image set on the
 * FX thread; a window would show it at the next pulse) and to the last instance received. Headless Monocle when it is
 * on the class path (as for {@code bench viewer}); without it and without a display there is no toolkit, and
 * {@link #start} returns null.
 */
final class ViewerPath implements AutoCloseable {

    static final String DIMSE = "bench-dimse";
    static final String WEB = "bench-web";

    private final Preferences nodes;
    private final NodeDirectory directory;
    private final FxTaskExecutor executor;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    private final NetworkTimeouts timeouts;

    private ViewerPath(Preferences nodes, NetworkTimeouts timeouts) {
        this.nodes = nodes;
        this.directory = new NodeDirectory(nodes);
        this.executor = FxTaskExecutor.forThisMachine();
        this.timeouts = timeouts;
    }

    /** Starts JavaFX and configures the two nodes in a preferences node of its own; null without a toolkit. */
    static ViewerPath start(Path work, DicomNode dimse, DicomNode web, NetworkTimeouts timeouts) throws Exception {
        if (!startToolkit()) {
            return null;
        }
        Preferences prefs = Preferences.userRoot().node("org/radmamba/bench-retrieve-" + UUID.randomUUID());
        ViewerPath path = new ViewerPath(prefs, timeouts);
        DicomNode.Dimse d = (DicomNode.Dimse) dimse;
        DicomNode.Web w = (DicomNode.Web) web;
        path.directory.save(new NodeDirectory.Entry(DIMSE, d.uri(), d.callingAet(), d.retrieve(), d.movePort(),
                org.radmamba.viewer.dicom.net.Credentials.NONE));
        path.directory.save(new NodeDirectory.Entry(WEB, w.baseUrl().toString(), "RADMAMBA",
                DicomNode.Retrieve.GET, 0, w.credentials()));
        return path;
    }

    private static boolean startToolkit() throws InterruptedException {
        boolean monocle;
        try {
            Class.forName("com.sun.glass.ui.monocle.MonoclePlatformFactory", false,
                    ViewerPath.class.getClassLoader());
            monocle = true;
        } catch (ClassNotFoundException absent) {
            monocle = false;
        }
        if (monocle) {
            System.setProperty("glass.platform", "Monocle");
            System.setProperty("monocle.platform", "Headless");
            System.setProperty("prism.order", "sw");
            System.setProperty("prism.text", "t2k");
            System.setProperty("java.awt.headless", "true");
        } else if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                && isBlank(System.getenv("DISPLAY")) && isBlank(System.getenv("WAYLAND_DISPLAY"))) {
            return false;
        }
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        return true;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /**
     * Retrieves the study from {@code node} into {@code store} through the search window's view model.
     *
     * @return time to the first instance filed (n/a here: NaN), to the first image rendered, to the whole study (ms),
     *     and MB/s
     */
    double[] retrieve(String node, String studyUid, int count, Path store) throws Exception {
        AtomicLong firstImage = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        long[] start = new long[1];
        Object[] models = onFx(() -> {
            ViewerViewModel viewer = new ViewerViewModel(new DicomStudyService(), executor,
                    new ViewerSettings(new MemoryStore()), () -> store);
            viewer.viewport(0).imageProperty().addListener((obs, old, image) -> {
                if (image != null) {
                    firstImage.compareAndSet(0, System.nanoTime());
                }
            });
            RemoteSearchViewModel search = new RemoteSearchViewModel(directory, background, Platform::runLater,
                    viewer::openReceived, store, timeouts);
            search.busy().addListener((obs, was, now) -> {
                if (!now) {
                    done.countDown();
                }
            });
            search.node().set(node);
            start[0] = System.nanoTime();
            search.retrieve(new FindMatch(QueryLevel.STUDY, "", "", studyUid, "", "", List.of(), "", "", "", "",
                    OptionalInt.empty()));
            return new Object[] {viewer, search};
        });
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IOException(node + ": the retrieve into the viewer did not end within 10 minutes");
        }
        long end = System.nanoTime();
        ViewerViewModel viewer = (ViewerViewModel) models[0];
        RemoteSearchViewModel search = (RemoteSearchViewModel) models[1];
        String status = onFx(() -> search.status().get());
        if (!status.startsWith(count + " instance(s) received")) {
            throw new IOException(node + " into the viewer: " + status);
        }
        // The first image may come after the last instance (a small study, a busy machine): wait for it.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (firstImage.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        double bytes = 0;
        Path dir = store.resolve(studyUid);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                bytes += Files.size(f);
            }
        }
        onFx(() -> {
            viewer.closeAll();
            return null;
        });
        deleteTree(store);
        double first = firstImage.get() == 0 ? Double.NaN : (firstImage.get() - start[0]) / 1e6;
        return new double[] {Double.NaN, first, (end - start[0]) / 1e6, bytes / ((end - start[0]) / 1e9) / 1e6};
    }

    private static <T> T onFx(Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(work.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(60, TimeUnit.SECONDS);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() throws BackingStoreException {
        background.shutdownNow();
        executor.close();
        nodes.removeNode();
        Platform.exit();
    }
}
