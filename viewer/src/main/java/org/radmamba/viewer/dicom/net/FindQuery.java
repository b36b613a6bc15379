package org.radmamba.viewer.dicom.net;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A search: the level and the keys to match; an empty string matches anything. Patient name takes the DICOM
 * wildcards {@code *} and {@code ?}; the study date is {@code YYYYMMDD}, {@code YYYYMMDD-}, {@code -YYYYMMDD} or
 * {@code YYYYMMDD-YYYYMMDD}.
 */
public record FindQuery(QueryLevel level, String patientName, String patientId, String studyDate, String modality,
        String accessionNumber, String studyDescription, String studyInstanceUid) {

    private static final Pattern DATE_RANGE = Pattern.compile("(\\d{8})?(-(\\d{8})?)?");

    public FindQuery {
        patientName = orEmpty(patientName);
        patientId = orEmpty(patientId);
        studyDate = orEmpty(studyDate);
        modality = orEmpty(modality);
        accessionNumber = orEmpty(accessionNumber);
        studyDescription = orEmpty(studyDescription);
        studyInstanceUid = orEmpty(studyInstanceUid);
        if (!DATE_RANGE.matcher(studyDate).matches() || studyDate.equals("-")) {
            throw new IllegalArgumentException("study date must be YYYYMMDD or a range YYYYMMDD-YYYYMMDD, not '"
                    + studyDate + "'");
        }
        if (level == QueryLevel.SERIES && studyInstanceUid.isEmpty()) {
            throw new IllegalArgumentException("a series search needs the study's UID (--study)");
        }
    }

    public static FindQuery studies() {
        return new FindQuery(QueryLevel.STUDY, "", "", "", "", "", "", "");
    }

    public FindQuery withLevel(QueryLevel newLevel) {
        return new FindQuery(newLevel, patientName, patientId, studyDate, modality, accessionNumber, studyDescription,
                studyInstanceUid);
    }

    public FindQuery withPatientName(String value) {
        return new FindQuery(level, value, patientId, studyDate, modality, accessionNumber, studyDescription,
                studyInstanceUid);
    }

    public FindQuery withStudyInstanceUid(String value) {
        return new FindQuery(level, patientName, patientId, studyDate, modality, accessionNumber, studyDescription,
                value);
    }

    /** The first date of the range, if given. */
    public Optional<String> dateFrom() {
        int dash = studyDate.indexOf('-');
        String from = dash < 0 ? studyDate : studyDate.substring(0, dash);
        return from.isEmpty() ? Optional.empty() : Optional.of(from);
    }

    /** The last date of the range, if given. */
    public Optional<String> dateTo() {
        int dash = studyDate.indexOf('-');
        String to = dash < 0 ? studyDate : studyDate.substring(dash + 1);
        return to.isEmpty() ? Optional.empty() : Optional.of(to);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s.trim();
    }
}
