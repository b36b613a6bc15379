package org.radmamba.viewer.fx.model;

import org.junit.jupiter.api.Test;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.study.FlatGreySeries;
import org.radmamba.viewer.study.HeldBackHeaders;
import org.radmamba.viewer.study.Patient;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.Study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The patient and study rows of the browser tell what is listed under them (series count, modalities, study count)
 * while a folder's headers arrive in parts (all but the first held back), once its scan has ended, when a retrieve
 * brings more series of a study already shown, and when a study is closed. They used to tell only of the part that
 * first brought the study: "1 series" above three. This thread is the UI thread: it runs what the workers hand it,
 * and checks the rows after each thing it runs.
 */
class StudyRowsAgreeWithTheirSeriesTest extends HeldBackScanModelTest {

    private static final String STUDY = "1.2.826.0.1.3680043.10.77.10";
    private static final String OTHER_STUDY = "1.2.826.0.1.3680043.10.77.20";

    StudyRowsAgreeWithTheirSeriesTest() {
        super(new HeldBackHeaders());
    }

    @Test
    void a_folder_of_three_series_of_one_study_shows_three_series_on_its_row_from_the_first_part_on() throws Exception {
        Path dropped = folder.resolve("dropped");
        FlatGreySeries.writeSeries(dropped, "a", STUDY, 1, "CT", 3);
        FlatGreySeries.writeSeries(dropped, "b", STUDY, 2, "MR", 2);
        FlatGreySeries.writeSeries(dropped, "c", STUDY, 3, "PT", 4);
        FlatGreySeries.writeSeries(dropped, "d", OTHER_STUDY, 4, "US", 1);
        try (FxTaskExecutor workers = new FxTaskExecutor(2, uiQueue::add)) {
            ViewerViewModel vm = viewModel(workers);
            vm.open(List.of(dropped));
            uiQueue.drain(() -> vm.viewport(0).imageProperty().get() != null, () -> assertRowsAgree(vm));

            assertTrue(vm.scanningProperty().get(), "the other headers are still held back");
            assertEquals(1, vm.series().size(), "the first file's series only: " + vm.series());
            assertEquals(List.of("CT"), modalitiesOfRow(vm, STUDY));
            assertEquals(1, vm.series().getFirst().study().series().size());
            assertEquals(1, vm.series().getFirst().patient().studies().size());

            reader.release();
            uiQueue.drain(() -> !vm.scanningProperty().get(), () -> assertRowsAgree(vm));

            assertEquals(4, vm.series().size(), "every series once: " + vm.series());
            assertEquals(3, rowOf(vm, STUDY).series().size(), "the study row counts its three series");
            assertEquals(List.of("CT", "MR", "PT"), modalitiesOfRow(vm, STUDY));
            assertEquals(List.of("US"), modalitiesOfRow(vm, OTHER_STUDY));
            Patient patient = vm.series().getFirst().patient();
            assertEquals(List.of(STUDY, OTHER_STUDY),
                    patient.studies().stream().map(Study::studyInstanceUid).toList(), "the patient row: two studies");
            assertRowsAgree(vm);
        }
    }

    @Test
    void a_retrieve_that_brings_more_series_of_a_study_shown_counts_them_on_its_row() throws Exception {
        reader.release();
        Path firstBatch = folder.resolve("retrieved-1");
        Path secondBatch = folder.resolve("retrieved-2");
        // The CT's last slice arrives in the second batch, beside a series the first did not bring.
        Path lastCt = FlatGreySeries.writeSeries(firstBatch, "a", STUDY, 1, "CT", 3).getLast();
        FlatGreySeries.writeSeries(secondBatch, "b", STUDY, 2, "SEG", 1);
        Files.move(lastCt, secondBatch.resolve(lastCt.getFileName()));
        try (FxTaskExecutor workers = new FxTaskExecutor(2, uiQueue::add)) {
            ViewerViewModel vm = viewModel(workers);
            vm.openReceived(List.of(firstBatch));
            uiQueue.drain(() -> !vm.scanningProperty().get() && vm.series().size() == 1, () -> assertRowsAgree(vm));
            assertEquals(List.of("CT"), modalitiesOfRow(vm, STUDY));

            vm.openReceived(List.of(secondBatch));
            uiQueue.drain(() -> !vm.scanningProperty().get() && vm.runningTasksProperty().get() == 0, () -> assertRowsAgree(vm));

            assertEquals(2, vm.series().size(), "the CT grown, the SEG added: " + vm.series());
            assertEquals(3, vm.series().getFirst().series().instances().size(), "the CT grown");
            assertEquals(List.of("CT", "SEG"), modalitiesOfRow(vm, STUDY));
            assertRowsAgree(vm);
        }
    }

    @Test
    void closing_one_of_a_patients_studies_leaves_one_study_on_the_patient_row() throws Exception {
        reader.release();
        Path dropped = folder.resolve("dropped");
        FlatGreySeries.writeSeries(dropped, "a", STUDY, 1, "CT", 2);
        FlatGreySeries.writeSeries(dropped, "b", OTHER_STUDY, 2, "MR", 2);
        try (FxTaskExecutor workers = new FxTaskExecutor(2, uiQueue::add)) {
            ViewerViewModel vm = viewModel(workers);
            vm.open(List.of(dropped));
            uiQueue.drain(() -> !vm.scanningProperty().get() && vm.series().size() == 2, () -> assertRowsAgree(vm));
            assertEquals(2, vm.series().getFirst().patient().studies().size());

            vm.closeStudy(rowOf(vm, OTHER_STUDY));

            assertEquals(1, vm.series().size());
            assertEquals(List.of(STUDY), vm.series().getFirst().patient().studies().stream()
                    .map(Study::studyInstanceUid).toList());
            assertRowsAgree(vm);
        }
    }

    /** The study row of {@code uid}: the study its entries are listed under. */
    private static Study rowOf(ViewerViewModel vm, String uid) {
        return vm.series().stream().filter(e -> e.study().studyInstanceUid().equals(uid)).findFirst()
                .orElseThrow(() -> new AssertionError("no row of study " + uid + ": " + vm.series())).study();
    }

    /** The modalities a study row shows (StudyBrowserView.studyText), in order. */
    private static List<String> modalitiesOfRow(ViewerViewModel vm, String uid) {
        return rowOf(vm, uid).series().stream().map(Series::modality).distinct().toList();
    }

    /**
     * Every study row lists exactly the series of the entries under it, in their order, and every patient row
     * exactly its study rows; the entries of one row share one record (the browser groups rows by record).
     */
    private static void assertRowsAgree(ViewerViewModel vm) {
        Map<String, List<SeriesEntry>> byStudy = new LinkedHashMap<>();
        Map<String, List<Study>> studiesByPatient = new LinkedHashMap<>();
        for (SeriesEntry e : vm.series()) {
            byStudy.computeIfAbsent(e.study().studyInstanceUid(), k -> new ArrayList<>()).add(e);
            List<Study> studies = studiesByPatient.computeIfAbsent(e.patient().patientId(), k -> new ArrayList<>());
            if (studies.stream().noneMatch(s -> s == e.study())) {
                studies.add(e.study());
            }
        }
        for (List<SeriesEntry> row : byStudy.values()) {
            Study study = row.getFirst().study();
            row.forEach(e -> assertSame(study, e.study(), "one study row: " + vm.series()));
            List<Series> listed = row.stream().map(SeriesEntry::series).toList();
            assertEquals(summary(listed), summary(study.series()),
                    "study " + study.studyInstanceUid() + "'s row against the series under it");
            for (int i = 0; i < listed.size(); i++) {
                assertSame(listed.get(i), study.series().get(i), "the study row lists the series under it, as grown");
            }
        }
        for (SeriesEntry e : vm.series()) {
            List<Study> listed = studiesByPatient.get(e.patient().patientId());
            assertEquals(listed.size(), e.patient().studies().size(), "the patient row's study count");
            for (int i = 0; i < listed.size(); i++) {
                assertSame(listed.get(i), e.patient().studies().get(i), "the patient row lists its study rows");
            }
        }
    }

    /** What a study row tells of its series: "3 series: CT, MR, PT". */
    private static String summary(List<Series> series) {
        return series.size() + " series: " + String.join(", ", series.stream().map(Series::modality).distinct()
                .toList());
    }

}
