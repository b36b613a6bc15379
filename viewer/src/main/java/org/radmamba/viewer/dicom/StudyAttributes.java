package org.radmamba.viewer.dicom;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * What every object RadMamba derives from an image (a Segmentation, a Structured Report) takes from it so that it
 * lands in the same patient and study: the Patient and General Study modules (PS3.3 C.7.1.1, C.7.2.1), and new
 * UIDs for what is new. Shared by the writers so that both copy the same attributes the same way.
 */
public final class StudyAttributes {

    private static final int PATIENT_BIRTH_DATE = 0x00100030;
    private static final int PATIENT_SEX = 0x00100040;
    private static final int STUDY_TIME = 0x00080030;
    private static final int REFERRING_PHYSICIAN_NAME = 0x00080090;

    private StudyAttributes() {
    }

    /**
     * Copies the Patient and General Study attributes of {@code source} into {@code target}. Type 2 attributes
     * are written even when the source lacks them (empty), as the IODs require.
     */
    public static void copyPatientAndStudy(DicomDataset source, DicomFileWriter.Dataset target) {
        copy(source, target, Tag.PATIENT_NAME, "PN");
        copy(source, target, Tag.PATIENT_ID, "LO");
        copy(source, target, PATIENT_BIRTH_DATE, "DA");
        copy(source, target, PATIENT_SEX, "CS");
        copy(source, target, Tag.STUDY_INSTANCE_UID, "UI");
        copy(source, target, Tag.STUDY_DATE, "DA");
        copy(source, target, STUDY_TIME, "TM");
        copy(source, target, REFERRING_PHYSICIAN_NAME, "PN");
        copy(source, target, Tag.STUDY_ID, "SH");
        copy(source, target, Tag.ACCESSION_NUMBER, "SH");
        copy(source, target, Tag.STUDY_DESCRIPTION, "LO");
    }

    private static void copy(DicomDataset source, DicomFileWriter.Dataset target, int tag, String vr) {
        String value = String.join("\\", source.strings(tag));
        try {
            target.string(tag, vr, value);
        } catch (IllegalArgumentException e) {
            // A code, date or UID outside ASCII is not a valid value in the source either: left empty (these
            // attributes are type 2), since a derived object must not invent one.
            target.string(tag, vr, "");
        }
    }

    /** A UID under the UUID-derived root 2.25 (PS3.5 B.2): unique without a registered organisation root. */
    public static String newUid() {
        UUID uuid = UUID.randomUUID();
        byte[] bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
        return "2.25." + new BigInteger(1, bytes);
    }
}
