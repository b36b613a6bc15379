package org.radmamba.spark;

import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A small archive as a batch run meets one: a CT series (64 × 64 DICOM slices of the demo phantom), three
 * photographs, and four files that are not images (a truncated DICOM file, an empty one, a text file, a PNG whose
 * data is garbage), in nested folders.
 */
final class TestArchive {

    /** The files of the archive that are not images, by name. */
    static final List<String> BROKEN = List.of("truncated.dcm", "empty.dcm", "notes.txt", "garbage.png");

    private TestArchive() {
    }

    /** Writes the archive into {@code root} (which it creates) and returns its files, sorted. */
    static List<Path> write(Path root) throws IOException {
        DemoStudy.generate(root.resolve("study-1"), new DemoStudy.Spec(64, 6, 1.5, 5, 8, true));
        Path broken = Files.createDirectories(root.resolve("incoming/broken"));
        byte[] slice = Files.readAllBytes(firstDicom(root));
        Files.write(broken.resolve("truncated.dcm"), Arrays.copyOf(slice, 600));
        Files.write(broken.resolve("empty.dcm"), new byte[0]);
        Files.writeString(broken.resolve("notes.txt"), "scanned on the old PACS, see ticket 4711\n", StandardCharsets.UTF_8);
        byte[] garbage = new byte[300];
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(signature, 0, garbage, 0, signature.length);
        for (int i = signature.length; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 37);
        }
        Files.write(broken.resolve("garbage.png"), garbage);
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** The DICOMDIR fixture's files (DICOMDIR and the two slices it references that exist), relative to its folder. */
    static final List<String> DICOMDIR_FILES = List.of("DICOMDIR", "PT000000/ST000000/SE000000/IM000000",
            "PT000000/ST000000/SE000000/IM000001");

    /** The file the fixture's DICOMDIR references that is not there (spark/src/test/make_dicomdir.py deletes it). */
    static final String DICOMDIR_MISSING = "PT000000/ST000000/SE000000/IM000002";

    /**
     * Copies the DICOMDIR fixture (a File-set written by pydicom: spark/src/test/make_dicomdir.py) into
     * {@code folder} and returns its DICOMDIR.
     */
    static Path writeDicomDir(Path folder) throws IOException {
        for (String name : DICOMDIR_FILES) {
            Path target = folder.resolve(name);
            Files.createDirectories(target.getParent());
            try (InputStream in = TestArchive.class.getResourceAsStream("/dicomdir/" + name)) {
                if (in == null) {
                    throw new IOException("the test resource /dicomdir/" + name + " is missing");
                }
                Files.copy(in, target);
            }
        }
        return folder.resolve("DICOMDIR");
    }

    /**
     * Writes a 64 × 64 16-bit secondary capture image with SOP Instance UID {@code sopInstanceUid} and the pixel
     * values {@code pixels}: 4096 of them make an image the model runs on; fewer, a file whose header reads and whose
     * frame fails ("Pixel Data holds ... bytes but ... need ..."), keyed by the same SOP Instance UID.
     */
    static void writeImage(Path file, String sopInstanceUid, short[] pixels) throws IOException {
        writeImage(file, sopInstanceUid, 1, pixels);
    }

    /**
     * As {@link #writeImage(Path, String, short[])}, of {@code frames} frames (Number of Frames stated even when 1):
     * 4096 pixel values a frame.
     */
    static void writeImage(Path file, String sopInstanceUid, int frames, short[] pixels) throws IOException {
        String secondaryCapture = "1.2.840.10008.5.1.4.1.1.7";
        DicomFileWriter.write(file, secondaryCapture, sopInstanceUid, new DicomFileWriter.Dataset()
                .integerString(Tag.NUMBER_OF_FRAMES, frames)
                .string(Tag.SOP_CLASS_UID, "UI", secondaryCapture)
                .string(Tag.SOP_INSTANCE_UID, "UI", sopInstanceUid)
                .string(Tag.STUDY_INSTANCE_UID, "UI", "2.25.987654321.1")
                .string(Tag.SERIES_INSTANCE_UID, "UI", "2.25.987654321.2")
                .string(Tag.MODALITY, "CS", "OT")
                .unsignedShort(Tag.SAMPLES_PER_PIXEL, 1)
                .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                .unsignedShort(Tag.ROWS, 64)
                .unsignedShort(Tag.COLUMNS, 64)
                .unsignedShort(Tag.BITS_ALLOCATED, 16)
                .unsignedShort(Tag.BITS_STORED, 16)
                .unsignedShort(Tag.HIGH_BIT, 15)
                .unsignedShort(Tag.PIXEL_REPRESENTATION, 0)
                .otherWords(Tag.PIXEL_DATA, pixels));
    }

    private static Path firstDicom(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".dcm")).sorted().findFirst().orElseThrow();
        }
    }

    /** The tiny MedMamba checkpoint of the test fixtures (official layout, no card: classes class_0..2). */
    static String checkpoint() {
        try {
            return Path.of(TestArchive.class.getResource("/checkpoints/medmamba_tiny.pth").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
