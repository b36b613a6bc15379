package org.radmamba.viewer.study;

import java.util.List;

/** A study and its series, by series number then UID. */
public record Study(String studyInstanceUid, String studyDate, String description, String accessionNumber,
                    List<Series> series) {
    public Study {
        series = List.copyOf(series);
    }
}
