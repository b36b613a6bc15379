package org.radmamba.app.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.FindMatch;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.QueryLevel;
import org.radmamba.viewer.fx.model.RemoteSearchViewModel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.CurrentThreadTaskExecutor;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.prefs.Preferences;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PACS search panel's view model against a real Orthanc: search, then retrieve into the study browser. */
class RemoteSearchViewModelTest {

    @TempDir
    static Path shared;

    private static Orthanc orthanc;
    private static List<Path> doe;
    private static Preferences preferences;
    private static ExecutorService background;

    @TempDir
    Path store;

    private final List<List<Path>> opened = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startOrthanc() throws Exception {
        // The browser's thumbnails are JavaFX images: the toolkit (headless Monocle), not a window.
        FxToolkit.registerPrimaryStage();
        orthanc = Orthanc.start(shared.resolve("orthanc"), Orthanc.freePort());
        doe = Fixtures.study(shared.resolve("doe"), Fixtures.DOE, 2, 3, 64);
        orthanc.upload(doe);
        orthanc.upload(Fixtures.study(shared.resolve("smith"), Fixtures.SMITH, 1, 2, 64));
        preferences = Preferences.userRoot().node("org/radmamba/test-nodes-" + UUID.randomUUID());
        background = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void stop() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
        preferences.removeNode();
        background.shutdownNow();
    }

    private RemoteSearchViewModel viewModel() throws Exception {
        return viewModel(opened::add);
    }

    private RemoteSearchViewModel viewModel(Consumer<List<Path>> open) throws Exception {
        return viewModel(open, Runnable::run);
    }

    private RemoteSearchViewModel viewModel(Consumer<List<Path>> open, java.util.concurrent.Executor fx)
            throws Exception {
        NodeDirectory directory = new NodeDirectory(preferences);
        directory.save(new NodeDirectory.Entry("pacs", orthanc.dimseUri(), "RADMAMBA", DicomNode.Retrieve.GET, 0,
                Credentials.NONE));
        directory.save(new NodeDirectory.Entry("web", orthanc.dicomWebUri(), "RADMAMBA", DicomNode.Retrieve.GET, 0,
                new Credentials.Basic(Orthanc.USER, Orthanc.PASSWORD)));
        return new RemoteSearchViewModel(directory, background, fx, open, store, NetworkTimeouts.DEFAULT);
    }

    /** The study browser's view model, its tasks run where they are started (here: the transfer's thread). */
    private ViewerViewModel browser() {
        return new ViewerViewModel(new DicomStudyService(), new CurrentThreadTaskExecutor(),
                new ViewerSettings(new MemoryStore()), () -> store);
    }

    private static FindMatch doeStudy() {
        return new FindMatch(QueryLevel.STUDY, Fixtures.DOE.patientName(), Fixtures.DOE.patientId(),
                Fixtures.DOE.studyUid(), "", Fixtures.DOE.studyDate(), List.of("CT"), Fixtures.DOE.accession(),
                Fixtures.DOE.description(), "", "", java.util.OptionalInt.empty());
    }

    private static int instancesShown(ViewerViewModel browser) {
        return browser.series().stream().mapToInt(e -> e.series().instances().size()).sum();
    }

    /**
     * The browser has the study, with its first instance, before the retrieve has stored the second: the event order
     * is fixed because the browser's view model runs on the transfer's thread here, which stores the next instance
     * only once the browser has taken the first. At the end the batches have grown into one entry per series.
     */
    @ParameterizedTest
    @ValueSource(strings = {"pacs", "web"})
    void a_retrieved_study_is_in_the_browser_with_its_first_instance_before_the_rest_arrive(String node)
            throws Exception {
        ViewerViewModel browser = browser();
        Path dir = store.resolve(Fixtures.DOE.studyUid());
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        RemoteSearchViewModel vm = viewModel(files -> {
            browser.openReceived(files);
            try {
                events.add(Received.files(dir).size() + " stored, " + instancesShown(browser) + " shown");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        vm.node().set(node);

        await(vm, () -> vm.retrieve(doeStudy()));

        assertTrue(vm.status().get().startsWith("6 instance(s) received from " + node), vm.status().get());
        assertEquals("1 stored, 1 shown", events.getFirst(), "events: " + events);
        assertEquals("6 stored, 6 shown", events.getLast(), "events: " + events);
        assertEquals(List.of("CT · Series 1 · 3 images", "CT · Series 2 · 3 images"),
                browser.series().stream().map(e -> e.label()).sorted().toList(),
                "one entry per series, grown");
        assertEquals(Fixtures.DOE.studyUid(), browser.viewport(0).seriesProperty().get().study().studyInstanceUid());
        assertEquals(3, browser.viewport(0).sliceCountProperty().get(), "the viewport shows the grown series");
        Received.sameDataSets(doe, dir);
    }

    /**
     * Cancelled once the first instance is in: what the folder holds is complete instances only, all of them in
     * the browser, and the status says it was cancelled.
     */
    @ParameterizedTest
    @ValueSource(strings = {"pacs", "web"})
    void a_cancelled_retrieve_leaves_only_complete_instances_all_in_the_browser(String node) throws Exception {
        // Cancelled on the transfer's thread as the first batch is handed over (so before the retrieve can end),
        // which then goes on only once the cancel has reached it: the cancel interrupts the task's thread, which
        // interrupts the transfer's, and on a busy machine the rest could arrive in between. The browser scans on a
        // thread of its own, as on the JavaFX thread in the app, since the transfer's thread is the one interrupted.
        ExecutorService ui = Executors.newSingleThreadExecutor();
        ViewerViewModel browser = ui.submit(this::browser).get();
        Path dir = store.resolve(Fixtures.DOE.studyUid());
        RemoteSearchViewModel[] self = new RemoteSearchViewModel[1];
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        RemoteSearchViewModel vm = viewModel(files -> {
            opened.add(files);
            ui.execute(() -> browser.openReceived(files));
            self[0].cancel();
            if (first.getAndSet(false)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline) {
                    // Parking, unlike sleeping, leaves the interrupt for the transfer to see.
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                }
            }
        });
        self[0] = vm;
        vm.node().set(node);

        await(vm, () -> vm.retrieve(doeStudy()));
        ui.shutdown();
        assertTrue(ui.awaitTermination(30, TimeUnit.SECONDS));

        assertTrue(vm.status().get().contains("cancelled"), vm.status().get());
        List<Path> left = Received.files(dir);
        // The first, and nothing filed after the cancel reached the transfer (ReceivedInstances).
        assertEquals(1, left.size(), "files left: " + left);
        assertEquals(Set.copyOf(left), opened.stream().flatMap(List::stream).collect(Collectors.toSet()));
        assertEquals(left.size(), instancesShown(browser));
        for (Path file : left) {
            // Named after its SOP Instance UID, and byte for byte the data set Orthanc holds.
            String uid = file.getFileName().toString().replace(".dcm", "");
            Path original = doe.stream().filter(f -> f.getFileName().toString().equals(String.format(
                    java.util.Locale.ROOT, "S%02d-I%04d.dcm", Integer.parseInt(uid.substring(uid.length() - 3,
                            uid.length() - 2)), Integer.parseInt(uid.substring(uid.length() - 1))))).findFirst()
                    .orElseThrow();
            org.junit.jupiter.api.Assertions.assertArrayEquals(Received.dataSet(original), Received.dataSet(file));
        }
    }

    /** Runs an action and waits until the view model is no longer busy. */
    private static void await(RemoteSearchViewModel vm, Runnable action) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        vm.busy().addListener((obs, was, now) -> {
            if (!now) {
                done.countDown();
            }
        });
        action.run();
        assertTrue(done.await(60, TimeUnit.SECONDS), "still busy: " + vm.status().get());
    }

    @Test
    void a_study_found_by_patient_name_is_retrieved_and_opened_in_the_browser() throws Exception {
        RemoteSearchViewModel vm = viewModel();
        assertEquals(List.of("pacs", "web"), vm.nodeNames());
        vm.node().set("pacs");
        vm.patientName().set("Doe*");

        await(vm, vm::search);

        assertEquals(1, vm.results().size(), vm.status().get());
        FindMatch study = vm.results().get(0);
        assertEquals(Fixtures.DOE.studyUid(), study.studyInstanceUid());
        assertEquals("1 match(es) on pacs (" + orthanc.dimseUri() + ")", vm.status().get());

        await(vm, () -> vm.retrieve(study));

        assertEquals("6 instance(s) received from pacs (" + orthanc.dimseUri() + ")", vm.status().get());
        Received.sameDataSets(doe, store.resolve(Fixtures.DOE.studyUid()));
        assertEquals(Set.copyOf(Received.files(store.resolve(Fixtures.DOE.studyUid()))),
                opened.stream().flatMap(List::stream).collect(Collectors.toSet()), "every file handed to the browser");
        assertEquals(1.0, vm.progress().get());
    }

    @Test
    void series_of_the_chosen_study_are_listed_and_a_failure_is_one_status_line() throws Exception {
        RemoteSearchViewModel vm = viewModel();
        vm.node().set("pacs");
        vm.level().set(QueryLevel.SERIES);
        vm.studyUid().set(Fixtures.DOE.studyUid());
        await(vm, vm::search);
        assertEquals(2, vm.results().size(), vm.status().get());

        vm.node().set("dimse://WRONG@127.0.0.1:" + orthanc.dicomPort());
        await(vm, vm::search);
        assertTrue(vm.status().get().startsWith("dimse://WRONG@127.0.0.1:" + orthanc.dicomPort()
                + ": C-FIND: association rejected"), vm.status().get());
    }
}
