package org.radmamba.viewer.study;

import java.util.List;

/** What a scan found: patients (by name then ID) and the files it could not read. */
public record ScanResult(List<Patient> patients, List<FailedFile> failures) {
    public ScanResult {
        patients = List.copyOf(patients);
        failures = List.copyOf(failures);
    }

    /** Every instance, patient by patient, study by study, series by series, in display order. */
    public List<Instance> instances() {
        return patients.stream().flatMap(p -> p.studies().stream()).flatMap(s -> s.series().stream())
                .flatMap(s -> s.instances().stream()).toList();
    }

    public List<Series> series() {
        return patients.stream().flatMap(p -> p.studies().stream()).flatMap(s -> s.series().stream()).toList();
    }
}
