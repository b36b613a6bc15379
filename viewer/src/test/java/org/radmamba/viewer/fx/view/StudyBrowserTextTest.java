package org.radmamba.viewer.fx.view;

import org.junit.jupiter.api.Test;
import org.radmamba.viewer.study.Patient;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.Study;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The two lines of the study browser's patient and study rows. */
class StudyBrowserTextTest {

    private static Series series(String uid, String modality) {
        return new Series(uid, modality, 1, "", List.of());
    }

    @Test
    void a_patient_row_shows_name_and_id_then_the_number_of_studies() {
        Study one = new Study("1.2", "20260101", "CT head", "", List.of(series("1.2.1", "CT")));
        Study two = new Study("1.3", "20260102", "", "", List.of());

        assertEquals("DOE JANE  (P-7)\n2 studies",
                StudyBrowserView.patientText(new Patient("P-7", "DOE^JANE", List.of(one, two))));
        assertEquals("Photographs\n1 study", StudyBrowserView.patientText(new Patient("", "Photographs", List.of(one))));
    }

    @Test
    void a_study_row_shows_date_and_description_then_modalities_series_and_accession() {
        Study study = new Study("1.2", "20260130", "CT chest", "A123",
                List.of(series("1.2.1", "CT"), series("1.2.2", "CT"), series("1.2.3", "SR")));

        assertEquals("2026-01-30  CT chest\nCT, SR · 3 series · Acc. A123", StudyBrowserView.studyText(study));
        assertEquals("Study\n1 series", StudyBrowserView.studyText(new Study("1.4", "", "", "", List.of(series("1.4.1", "")))));
    }
}
