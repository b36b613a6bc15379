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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

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
        NodeDirectory directory = new NodeDirectory(preferences);
        directory.save(new NodeDirectory.Entry("pacs", orthanc.dimseUri(), "RADMAMBA",
                org.radmamba.viewer.dicom.net.DicomNode.Retrieve.GET, 0,
                org.radmamba.viewer.dicom.net.Credentials.NONE));
        return new RemoteSearchViewModel(directory, background, Runnable::run, opened::add, store,
                NetworkTimeouts.DEFAULT);
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
        assertEquals(List.of("pacs"), vm.nodeNames());
        vm.node().set("pacs");
        vm.patientName().set("Doe*");

        await(vm, vm::search);

        assertEquals(1, vm.results().size(), vm.status().get());
        FindMatch study = vm.results().get(0);
        assertEquals(Fixtures.DOE.studyUid(), study.studyInstanceUid());
        assertEquals("1 match(es) on pacs (" + orthanc.dimseUri() + ")", vm.status().get());

        await(vm, () -> vm.retrieve(study));

        assertEquals("6 instance(s) received from pacs (" + orthanc.dimseUri() + ")", vm.status().get());
        assertEquals(List.of(List.of(store.resolve(Fixtures.DOE.studyUid()))), opened);
        Received.sameDataSets(doe, store.resolve(Fixtures.DOE.studyUid()));
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
