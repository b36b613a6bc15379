package org.radmamba.viewer.dicom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a synthetic CT series with {@link DicomFileWriter} (explicit VR little endian, 16-bit unsigned, 12 bits
 * stored, intercept −1024, two windows): a noisy water ellipse with a bone disc that moves along the series. For
 * benchmarks, tests and demos; deterministic. Written without the DICOM toolkit, so that what generates the input
 * of {@code radmamba bench load} does not depend on the adapter it measures.
 */
public final class SyntheticCtSeries {

    private static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";

    private SyntheticCtSeries() {
    }

    /** Writes {@code count} slices {@code rows}×{@code columns} as {@code dir/CT0001.dcm}...; returns the files. */
    public static List<Path> write(Path dir, int count, int rows, int columns) throws IOException {
        Files.createDirectories(dir);
        String root = "2.25." + Math.abs(dir.toAbsolutePath().toString().hashCode());
        List<Path> files = new ArrayList<>(count);
        short[] pixels = new short[rows * columns];
        for (int i = 0; i < count; i++) {
            fill(pixels, rows, columns, i, count);
            Path file = dir.resolve(String.format(Locale.ROOT, "CT%04d.dcm", i + 1));
            String sopInstanceUid = root + ".3." + (i + 1);
            DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset()
                    .string(Tag.SOP_CLASS_UID, "UI", CT_IMAGE_STORAGE)
                    .string(Tag.SOP_INSTANCE_UID, "UI", sopInstanceUid)
                    .string(Tag.STUDY_DATE, "DA", "20260101")
                    .string(Tag.MODALITY, "CS", "CT")
                    .string(Tag.STUDY_DESCRIPTION, "LO", "Synthetic benchmark")
                    .string(Tag.SERIES_DESCRIPTION, "LO", "Synthetic CT " + rows + "x" + columns)
                    .string(Tag.PATIENT_NAME, "PN", "Synthetic^Phantom")
                    .string(Tag.PATIENT_ID, "LO", "SYNTH")
                    .decimals(Tag.SLICE_THICKNESS, 1)
                    .string(Tag.STUDY_INSTANCE_UID, "UI", root + ".1")
                    .string(Tag.SERIES_INSTANCE_UID, "UI", root + ".2")
                    .integerString(Tag.SERIES_NUMBER, 1)
                    .integerString(Tag.INSTANCE_NUMBER, i + 1)
                    .decimals(Tag.IMAGE_POSITION_PATIENT, -250, -250, -i)
                    .decimals(Tag.IMAGE_ORIENTATION_PATIENT, 1, 0, 0, 0, 1, 0)
                    .unsignedShort(Tag.SAMPLES_PER_PIXEL, 1)
                    .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                    .unsignedShort(Tag.ROWS, rows)
                    .unsignedShort(Tag.COLUMNS, columns)
                    .decimals(Tag.PIXEL_SPACING, 0.9765625, 0.9765625)
                    .unsignedShort(Tag.BITS_ALLOCATED, 16)
                    .unsignedShort(Tag.BITS_STORED, 12)
                    .unsignedShort(Tag.HIGH_BIT, 11)
                    .unsignedShort(Tag.PIXEL_REPRESENTATION, 0)
                    .decimals(Tag.WINDOW_CENTER, 40, 400)
                    .decimals(Tag.WINDOW_WIDTH, 400, 1800)
                    .string(Tag.WINDOW_CENTER_WIDTH_EXPLANATION, "LO", "SOFT TISSUE\\BONE")
                    .decimals(Tag.RESCALE_INTERCEPT, -1024)
                    .decimals(Tag.RESCALE_SLOPE, 1)
                    .string(Tag.RESCALE_TYPE, "LO", "HU")
                    .otherWords(Tag.PIXEL_DATA, pixels);
            DicomFileWriter.write(file, CT_IMAGE_STORAGE, sopInstanceUid, ds);
            files.add(file);
        }
        return files;
    }

    private static void fill(short[] pixels, int rows, int columns, int slice, int count) {
        SplittableRandom random = new SplittableRandom(slice);
        double cy = rows / 2.0;
        double cx = columns / 2.0;
        double boneX = cx + columns * 0.2 * Math.cos(2 * Math.PI * slice / Math.max(1, count));
        double boneY = cy + rows * 0.15 * Math.sin(2 * Math.PI * slice / Math.max(1, count));
        double boneRadius = Math.min(rows, columns) * 0.06;
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < columns; x++) {
                double ex = (x - cx) / (columns * 0.42);
                double ey = (y - cy) / (rows * 0.32);
                int hu;
                if (ex * ex + ey * ey > 1) {
                    hu = -1000;
                } else if (Math.hypot(x - boneX, y - boneY) < boneRadius) {
                    hu = 700;
                } else {
                    hu = 40;
                }
                hu += random.nextInt(-20, 21);
                pixels[y * columns + x] = (short) Math.clamp(hu + 1024, 0, 4095);
            }
        }
    }
}
