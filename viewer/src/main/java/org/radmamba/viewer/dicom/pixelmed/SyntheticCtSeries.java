package org.radmamba.viewer.dicom.pixelmed;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.TransferSyntax;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a synthetic CT series with PixelMed (explicit VR little endian, 16-bit unsigned, intercept −1024): a
 * noisy water ellipse with a bone disc that moves along the series. For benchmarks and demos; deterministic.
 */
public final class SyntheticCtSeries {

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
            try {
                AttributeList list = new AttributeList();
                put(list, Tag.SOP_CLASS_UID, "1.2.840.10008.5.1.4.1.1.2");
                put(list, Tag.SOP_INSTANCE_UID, root + ".3." + (i + 1));
                put(list, Tag.STUDY_DATE, "20260101");
                put(list, Tag.MODALITY, "CT");
                put(list, Tag.STUDY_DESCRIPTION, "Synthetic benchmark");
                put(list, Tag.SERIES_DESCRIPTION, "Synthetic CT " + rows + "x" + columns);
                put(list, Tag.PATIENT_NAME, "Synthetic^Phantom");
                put(list, Tag.PATIENT_ID, "SYNTH");
                put(list, Tag.SLICE_THICKNESS, "1");
                put(list, Tag.STUDY_INSTANCE_UID, root + ".1");
                put(list, Tag.SERIES_INSTANCE_UID, root + ".2");
                put(list, Tag.SERIES_NUMBER, "1");
                put(list, Tag.INSTANCE_NUMBER, String.valueOf(i + 1));
                put(list, Tag.IMAGE_POSITION_PATIENT, "-250", "-250", String.valueOf(-i));
                put(list, Tag.IMAGE_ORIENTATION_PATIENT, "1", "0", "0", "0", "1", "0");
                put(list, Tag.SAMPLES_PER_PIXEL, "1");
                put(list, Tag.PHOTOMETRIC_INTERPRETATION, "MONOCHROME2");
                put(list, Tag.ROWS, String.valueOf(rows));
                put(list, Tag.COLUMNS, String.valueOf(columns));
                put(list, Tag.PIXEL_SPACING, "0.9765625", "0.9765625");
                put(list, Tag.BITS_ALLOCATED, "16");
                put(list, Tag.BITS_STORED, "12");
                put(list, Tag.HIGH_BIT, "11");
                put(list, Tag.PIXEL_REPRESENTATION, "0");
                put(list, Tag.WINDOW_CENTER, "40", "400");
                put(list, Tag.WINDOW_WIDTH, "400", "1800");
                put(list, Tag.WINDOW_CENTER_WIDTH_EXPLANATION, "SOFT TISSUE", "BONE");
                put(list, Tag.RESCALE_INTERCEPT, "-1024");
                put(list, Tag.RESCALE_SLOPE, "1");
                put(list, Tag.RESCALE_TYPE, "HU");
                OtherWordAttribute pixelData = new OtherWordAttribute(tag(Tag.PIXEL_DATA));
                pixelData.setValues(pixels);
                list.put(pixelData);
                FileMetaInformation.addFileMetaInformation(list, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, "RADMAMBA");
                list.write(file.toFile(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, true, true);
            } catch (DicomException e) {
                throw new IOException(file + ": cannot be written: " + e.getMessage(), e);
            }
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

    private static AttributeTag tag(int tag) {
        return new AttributeTag(tag >>> 16, tag & 0xFFFF);
    }

    private static void put(AttributeList list, int tag, String... values) throws DicomException {
        Attribute attribute = AttributeFactory.newAttribute(tag(tag));
        for (String value : values) {
            attribute.addValue(value);
        }
        list.put(attribute);
    }
}
