package org.radmamba.app.net;

import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.net.FindMatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small studies written with our own writer (no toolkit under test involved), each with its own search keys. */
public final class Fixtures {

    public static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    public static final String MR_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.4";

    private Fixtures() {
    }

    /** What identifies a study written by {@link #study}. */
    public record StudyKeys(String patientName, String patientId, String studyDate, String modality, String accession,
            String description, String studyUid) {
    }

    /**
     * Writes {@code series} series of {@code perSeries} instances ({@code size}×{@code size}, 16-bit, pixel values
     * that depend on the instance) into {@code dir}; returns the files.
     */
    public static List<Path> study(Path dir, StudyKeys keys, int series, int perSeries, int size) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        String sopClass = keys.modality().equals("MR") ? MR_IMAGE_STORAGE : CT_IMAGE_STORAGE;
        for (int s = 1; s <= series; s++) {
            String seriesUid = seriesUid(keys, s);
            for (int i = 1; i <= perSeries; i++) {
                String sopInstanceUid = seriesUid + "." + i;
                short[] pixels = new short[size * size];
                for (int p = 0; p < pixels.length; p++) {
                    pixels[p] = (short) ((p * 7 + i * 131 + s * 17) & 0x0FFF);
                }
                DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset()
                        .string(Tag.SOP_CLASS_UID, "UI", sopClass)
                        .string(Tag.SOP_INSTANCE_UID, "UI", sopInstanceUid)
                        .string(Tag.STUDY_DATE, "DA", keys.studyDate())
                        .string(Tag.ACCESSION_NUMBER, "SH", keys.accession())
                        .string(Tag.MODALITY, "CS", keys.modality())
                        .string(Tag.STUDY_DESCRIPTION, "LO", keys.description())
                        .string(Tag.SERIES_DESCRIPTION, "LO", "Series " + s)
                        .string(Tag.PATIENT_NAME, "PN", keys.patientName())
                        .string(Tag.PATIENT_ID, "LO", keys.patientId())
                        .string(Tag.STUDY_INSTANCE_UID, "UI", keys.studyUid())
                        .string(Tag.SERIES_INSTANCE_UID, "UI", seriesUid)
                        .integerString(Tag.SERIES_NUMBER, s)
                        .integerString(Tag.INSTANCE_NUMBER, i)
                        .decimals(Tag.IMAGE_POSITION_PATIENT, 0, 0, i)
                        .decimals(Tag.IMAGE_ORIENTATION_PATIENT, 1, 0, 0, 0, 1, 0)
                        .unsignedShort(Tag.SAMPLES_PER_PIXEL, 1)
                        .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                        .unsignedShort(Tag.ROWS, size)
                        .unsignedShort(Tag.COLUMNS, size)
                        .decimals(Tag.PIXEL_SPACING, 1, 1)
                        .unsignedShort(Tag.BITS_ALLOCATED, 16)
                        .unsignedShort(Tag.BITS_STORED, 12)
                        .unsignedShort(Tag.HIGH_BIT, 11)
                        .unsignedShort(Tag.PIXEL_REPRESENTATION, 0)
                        .otherWords(Tag.PIXEL_DATA, pixels);
                Path file = dir.resolve(String.format(Locale.ROOT, "S%02d-I%04d.dcm", s, i));
                DicomFileWriter.write(file, sopClass, sopInstanceUid, ds);
                files.add(file);
            }
        }
        return files;
    }

    /** The study instance UIDs of {@code matches}, sorted, so a search answer compares with a list of fixtures. */
    public static List<String> studyUids(List<FindMatch> matches) {
        return matches.stream().map(FindMatch::studyInstanceUid).sorted().toList();
    }

    public static String seriesUid(StudyKeys keys, int series) {
        return keys.studyUid() + "." + series;
    }

    public static final StudyKeys DOE = new StudyKeys("Doe^Jane", "PID-DOE", "20240115", "CT", "ACC-1001",
            "Chest CT", "2.25.4711001");
    public static final StudyKeys DOE_LATER = new StudyKeys("Doe^Jane", "PID-DOE", "20250620", "MR", "ACC-1002",
            "Knee MR", "2.25.4711002");
    public static final StudyKeys SMITH = new StudyKeys("Smith^John", "PID-SMITH", "20240301", "CT", "ACC-2001",
            "Abdomen CT", "2.25.4711003");
}
