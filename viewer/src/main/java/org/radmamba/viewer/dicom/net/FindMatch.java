package org.radmamba.viewer.dicom.net;

import java.util.List;
import java.util.OptionalInt;

/**
 * One match of a search, as the node answered it (empty strings where it said nothing).
 *
 * @param modalities       Modalities in Study at patient and study level, the Modality at series level
 * @param numberOfInstances Number of Patient/Study/Series Related Instances, when the node gave it
 */
public record FindMatch(QueryLevel level, String patientName, String patientId, String studyInstanceUid,
        String seriesInstanceUid, String studyDate, List<String> modalities, String accessionNumber,
        String studyDescription, String seriesDescription, String seriesNumber, OptionalInt numberOfInstances) {

    public FindMatch {
        modalities = List.copyOf(modalities);
    }
}
