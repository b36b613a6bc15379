package org.radmamba.viewer.dicom.net;

import java.util.Locale;

/** The level of a query: what one match is. */
public enum QueryLevel {
    PATIENT, STUDY, SERIES;

    /** The value of Query/Retrieve Level (0008,0052). */
    public String dicomName() {
        return name();
    }

    public static QueryLevel parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("level must be patient, study or series, not '" + text + "'");
        }
    }
}
