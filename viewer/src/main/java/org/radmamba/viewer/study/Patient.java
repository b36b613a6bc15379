package org.radmamba.viewer.study;

import java.util.List;

/** A patient and their studies, by study date then UID. */
public record Patient(String patientId, String patientName, List<Study> studies) {
    public Patient {
        studies = List.copyOf(studies);
    }
}
