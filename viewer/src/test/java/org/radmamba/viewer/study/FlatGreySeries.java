package org.radmamba.viewer.study;

import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A series whose slices are each one flat grey, shown as stored (8 bits, window 128/256): the first slice (first in
 * file name and position) one grey, the others another, so that a screenshot tells which slice is on screen. Two
 * files that cannot be read follow them in file-name order: a truncated slice and a text file.
 */
public final class FlatGreySeries {

    public static final int SIZE = 64;
    public static final int FIRST_GREY = 0x80;
    public static final int OTHER_GREY = 0x30;
    public static final String STUDY_UID = "1.2.826.0.1.3680043.10.77.1";
    public static final String SERIES_UID = "1.2.826.0.1.3680043.10.77.2";

    private FlatGreySeries() {
    }

    /** Writes {@code slices} slices and the two broken files into {@code folder}; returns the slices in order. */
    public static List<Path> write(Path folder, int slices) throws IOException {
        Files.createDirectories(folder);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            byte[] grey = new byte[SIZE * SIZE];
            Arrays.fill(grey, (byte) (i == 0 ? FIRST_GREY : OTHER_GREY));
            files.add(DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, SIZE, SIZE, 8, false)
                    .str(Tag.PATIENT_NAME, "PN", "FLAT^GREY").str(Tag.PATIENT_ID, "LO", "FLAT-1")
                    .ui(Tag.STUDY_INSTANCE_UID, STUDY_UID).ui(Tag.SERIES_INSTANCE_UID, SERIES_UID)
                    .ui(Tag.SOP_INSTANCE_UID, SERIES_UID + "." + (i + 1))
                    .is(Tag.INSTANCE_NUMBER, i + 1)
                    .ds(Tag.IMAGE_ORIENTATION_PATIENT, 1, 0, 0, 0, 1, 0)
                    .ds(Tag.IMAGE_POSITION_PATIENT, 0, 0, i)
                    .ds(Tag.PIXEL_SPACING, 1, 1)
                    .ds(Tag.WINDOW_CENTER, 128).ds(Tag.WINDOW_WIDTH, 256)
                    .pixels8(grey).write(folder.resolve(String.format("slice-%03d.dcm", i))));
        }
        byte[] whole = Files.readAllBytes(files.getLast());
        Files.write(folder.resolve("zz-truncated.dcm"), Arrays.copyOf(whole, 300));
        Files.writeString(folder.resolve("zz-notes.txt"), "not an image\n");
        return files;
    }

    /**
     * Writes {@code slices} flat grey slices of one series of the same patient into {@code folder}, named
     * {@code prefix-NNN.dcm}, with no broken files: a study's series number {@code seriesNumber} (its UID made of
     * it) of modality {@code modality}. Returns the slices in order.
     */
    public static List<Path> writeSeries(Path folder, String prefix, String studyUid, int seriesNumber,
                                         String modality, int slices) throws IOException {
        Files.createDirectories(folder);
        String seriesUid = SERIES_UID + "." + seriesNumber;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            byte[] grey = new byte[SIZE * SIZE];
            Arrays.fill(grey, (byte) OTHER_GREY);
            files.add(DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, SIZE, SIZE, 8, false)
                    .str(Tag.PATIENT_NAME, "PN", "FLAT^GREY").str(Tag.PATIENT_ID, "LO", "FLAT-1")
                    .str(Tag.MODALITY, "CS", modality)
                    .ui(Tag.STUDY_INSTANCE_UID, studyUid).ui(Tag.SERIES_INSTANCE_UID, seriesUid)
                    .is(Tag.SERIES_NUMBER, seriesNumber)
                    .ui(Tag.SOP_INSTANCE_UID, seriesUid + "." + (i + 1))
                    .is(Tag.INSTANCE_NUMBER, i + 1)
                    .ds(Tag.IMAGE_ORIENTATION_PATIENT, 1, 0, 0, 0, 1, 0)
                    .ds(Tag.IMAGE_POSITION_PATIENT, 0, 0, i)
                    .ds(Tag.PIXEL_SPACING, 1, 1)
                    .ds(Tag.WINDOW_CENTER, 128).ds(Tag.WINDOW_WIDTH, 256)
                    .pixels8(grey).write(folder.resolve(String.format("%s-%03d.dcm", prefix, i))));
        }
        return files;
    }

    /** The grey of slice {@code slice} of {@link #writeOwnGreys}: five apart, so that a screenshot tells each slice. */
    public static int ownGrey(int slice) {
        if (slice < 0 || slice >= 48) {
            throw new IllegalArgumentException("48 slices at most have a grey of their own: " + slice);
        }
        return 0x10 + 5 * slice;
    }

    /**
     * Writes {@code slices} slices of the series of {@link #write} into {@code folder}, slice i flat {@link
     * #ownGrey}(i), but for slice {@code undecodable}: an RLE frame whose header claims no segments, so that its
     * header reads and its pixels cannot be decoded. Returns the slices in order.
     */
    public static List<Path> writeOwnGreys(Path folder, int slices, int undecodable) throws IOException {
        Files.createDirectories(folder);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            DicomBuilder slice = DicomBuilder.image(i == undecodable ? TransferSyntax.RLE_LOSSLESS
                            : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, SIZE, SIZE, 8, false)
                    .str(Tag.PATIENT_NAME, "PN", "FLAT^GREY").str(Tag.PATIENT_ID, "LO", "FLAT-1")
                    .ui(Tag.STUDY_INSTANCE_UID, STUDY_UID).ui(Tag.SERIES_INSTANCE_UID, SERIES_UID)
                    .ui(Tag.SOP_INSTANCE_UID, SERIES_UID + "." + (i + 1))
                    .is(Tag.INSTANCE_NUMBER, i + 1)
                    .ds(Tag.IMAGE_ORIENTATION_PATIENT, 1, 0, 0, 0, 1, 0)
                    .ds(Tag.IMAGE_POSITION_PATIENT, 0, 0, i)
                    .ds(Tag.PIXEL_SPACING, 1, 1)
                    .ds(Tag.WINDOW_CENTER, 128).ds(Tag.WINDOW_WIDTH, 256);
            if (i == undecodable) {
                byte[] rle = new byte[64 + 16];
                ByteBuffer.wrap(rle).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0);
                slice.encapsulated(new long[0], List.of(rle));
            } else {
                byte[] grey = new byte[SIZE * SIZE];
                Arrays.fill(grey, (byte) ownGrey(i));
                slice.pixels8(grey);
            }
            files.add(slice.write(folder.resolve(String.format("slice-%03d.dcm", i))));
        }
        return files;
    }

    /** The names of the two files of {@link #write} that cannot be read. */
    public static List<String> brokenNames() {
        return List.of("zz-notes.txt", "zz-truncated.dcm");
    }
}
