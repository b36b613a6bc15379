package org.radmamba.viewer.dicom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes CT series of known geometry and content with {@link DicomFileWriter}, for the volume and reformat tests and
 * benchmarks: every voxel holds {@link #value(double[])} of its own patient position, a linear function, so a
 * reformatted pixel can be checked against the value of the point it shows (trilinear interpolation reproduces a
 * linear function exactly). Stored as 16-bit unsigned values with Rescale Intercept −32768, rounded to whole
 * numbers: geometries whose voxel centres lie on whole millimetres hold the function exactly. Deterministic.
 */
public final class SyntheticVolumeSeries {

    private static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    private static final String ENHANCED_CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2.1";
    private static final int INTERCEPT = -32768;

    /**
     * @param rowCosines    the direction from one column to the next
     * @param columnCosines the direction from one row to the next
     * @param pixelSpacing  between rows, then between columns, mm
     * @param positions     Image Position (Patient) of each slice, in the order the files are numbered
     */
    public record Geometry(int columns, int rows, double[] rowCosines, double[] columnCosines, double[] pixelSpacing,
                           List<double[]> positions) {

        /** The patient point of pixel (column, row) of slice {@code slice}. */
        public double[] point(int slice, int column, int row) {
            double[] p = positions.get(slice).clone();
            for (int a = 0; a < 3; a++) {
                p[a] += column * pixelSpacing[1] * rowCosines[a] + row * pixelSpacing[0] * columnCosines[a];
            }
            return p;
        }

        /** Evenly spaced positions: {@code count} slices from {@code first}, {@code step} (mm) apart. */
        public static List<double[]> line(double[] first, double[] step, int count) {
            List<double[]> positions = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                positions.add(new double[] {first[0] + i * step[0], first[1] + i * step[1], first[2] + i * step[2]});
            }
            return positions;
        }
    }

    private SyntheticVolumeSeries() {
    }

    /** The real-world value (HU) every voxel holds: x + 4y + 16z of its patient position (mm). */
    public static double value(double[] p) {
        return p[0] + 4 * p[1] + 16 * p[2];
    }

    /** Writes one single-frame file per slice, {@code dir/IM0001.dcm}...; returns them. */
    public static List<Path> write(Path dir, Geometry g) throws IOException {
        return write(dir, g, SyntheticVolumeSeries::value);
    }

    /**
     * As {@link #write(Path, Geometry)}, each voxel holding {@code content} of its patient position (HU, rounded) in
     * place of {@link #value}: a picture stacked into a volume, for tests of what a model finds in it.
     */
    public static List<Path> write(Path dir, Geometry g, java.util.function.ToDoubleFunction<double[]> content)
            throws IOException {
        Files.createDirectories(dir);
        String root = uidRoot(dir);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < g.positions().size(); i++) {
            Path file = dir.resolve(String.format(Locale.ROOT, "IM%04d.dcm", i + 1));
            String sop = root + ".3." + (i + 1);
            DicomFileWriter.Dataset ds = common(root, g, CT_IMAGE_STORAGE, sop, 1)
                    .integerString(Tag.INSTANCE_NUMBER, i + 1)
                    .decimals(Tag.IMAGE_POSITION_PATIENT, g.positions().get(i))
                    .decimals(Tag.IMAGE_ORIENTATION_PATIENT, orientation(g))
                    .decimals(Tag.PIXEL_SPACING, g.pixelSpacing())
                    .decimals(Tag.RESCALE_INTERCEPT, INTERCEPT)
                    .decimals(Tag.RESCALE_SLOPE, 1)
                    .string(Tag.RESCALE_TYPE, "LO", "HU")
                    .otherWords(Tag.PIXEL_DATA, pixels(g, i, content));
            DicomFileWriter.write(file, CT_IMAGE_STORAGE, sop, ds);
            files.add(file);
        }
        return files;
    }

    /**
     * Writes the series as one enhanced CT image, {@code dir/ENHANCED.dcm}: a frame per slice, each frame's position
     * in its Per-frame Functional Groups, orientation, pixel measures and rescale in the Shared ones.
     */
    public static Path writeMultiFrame(Path dir, Geometry g) throws IOException {
        Files.createDirectories(dir);
        String root = uidRoot(dir);
        int frames = g.positions().size();
        short[] all = new short[frames * g.rows() * g.columns()];
        List<DicomFileWriter.Dataset> perFrame = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            short[] frame = pixels(g, i, SyntheticVolumeSeries::value);
            System.arraycopy(frame, 0, all, i * frame.length, frame.length);
            perFrame.add(new DicomFileWriter.Dataset().sequence(Tag.PLANE_POSITION_SEQUENCE, List.of(
                    new DicomFileWriter.Dataset().decimals(Tag.IMAGE_POSITION_PATIENT, g.positions().get(i)))));
        }
        DicomFileWriter.Dataset shared = new DicomFileWriter.Dataset()
                .sequence(Tag.PLANE_ORIENTATION_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                        .decimals(Tag.IMAGE_ORIENTATION_PATIENT, orientation(g))))
                .sequence(0x00289110, List.of(new DicomFileWriter.Dataset()
                        .decimals(Tag.PIXEL_SPACING, g.pixelSpacing())))
                .sequence(Tag.PIXEL_VALUE_TRANSFORMATION_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                        .decimals(Tag.RESCALE_INTERCEPT, INTERCEPT)
                        .decimals(Tag.RESCALE_SLOPE, 1)
                        .string(Tag.RESCALE_TYPE, "LO", "HU")));
        Path file = dir.resolve("ENHANCED.dcm");
        String sop = root + ".3.1";
        DicomFileWriter.Dataset ds = common(root, g, ENHANCED_CT_IMAGE_STORAGE, sop, frames)
                .integerString(Tag.INSTANCE_NUMBER, 1)
                .sequence(Tag.SHARED_FUNCTIONAL_GROUPS_SEQUENCE, List.of(shared))
                .sequence(Tag.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE, perFrame)
                .otherWords(Tag.PIXEL_DATA, all);
        DicomFileWriter.write(file, ENHANCED_CT_IMAGE_STORAGE, sop, ds);
        return file;
    }

    private static DicomFileWriter.Dataset common(String root, Geometry g, String sopClass, String sop, int frames) {
        DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", sopClass)
                .string(Tag.SOP_INSTANCE_UID, "UI", sop)
                .string(Tag.STUDY_DATE, "DA", "20260101")
                .string(Tag.MODALITY, "CS", "CT")
                .string(Tag.STUDY_DESCRIPTION, "LO", "Synthetic volume")
                .string(Tag.SERIES_DESCRIPTION, "LO", "Volume " + g.columns() + "x" + g.rows() + "x" + g.positions().size())
                .string(Tag.PATIENT_NAME, "PN", "Synthetic^Volume")
                .string(Tag.PATIENT_ID, "LO", "SYNTHVOL")
                .string(Tag.STUDY_INSTANCE_UID, "UI", root + ".1")
                .string(Tag.SERIES_INSTANCE_UID, "UI", root + ".2")
                .integerString(Tag.SERIES_NUMBER, 1)
                .unsignedShort(Tag.SAMPLES_PER_PIXEL, 1)
                .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                .unsignedShort(Tag.ROWS, g.rows())
                .unsignedShort(Tag.COLUMNS, g.columns())
                .unsignedShort(Tag.BITS_ALLOCATED, 16)
                .unsignedShort(Tag.BITS_STORED, 16)
                .unsignedShort(Tag.HIGH_BIT, 15)
                .unsignedShort(Tag.PIXEL_REPRESENTATION, 0)
                .decimals(Tag.WINDOW_CENTER, 0)
                .decimals(Tag.WINDOW_WIDTH, 4000);
        if (frames > 1) {
            ds.integerString(Tag.NUMBER_OF_FRAMES, frames);
        }
        return ds;
    }

    private static double[] orientation(Geometry g) {
        return new double[] {g.rowCosines()[0], g.rowCosines()[1], g.rowCosines()[2], g.columnCosines()[0],
                g.columnCosines()[1], g.columnCosines()[2]};
    }

    private static short[] pixels(Geometry g, int slice, java.util.function.ToDoubleFunction<double[]> content) {
        short[] pixels = new short[g.rows() * g.columns()];
        for (int r = 0; r < g.rows(); r++) {
            for (int c = 0; c < g.columns(); c++) {
                long stored = Math.round(content.applyAsDouble(g.point(slice, c, r))) - INTERCEPT;
                if (stored < 0 || stored > 0xFFFF) {
                    throw new IllegalArgumentException("value " + (stored + INTERCEPT) + " of slice " + slice
                            + " does not fit 16 bits: keep the volume within a few hundred mm of the origin");
                }
                pixels[r * g.columns() + c] = (short) stored;
            }
        }
        return pixels;
    }

    private static String uidRoot(Path dir) {
        return "2.25." + Math.abs((long) dir.toAbsolutePath().toString().hashCode());
    }
}
