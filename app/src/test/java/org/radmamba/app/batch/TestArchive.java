package org.radmamba.app.batch;

import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.dicom.Tag;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A small archive as a batch run meets one: a CT series (4 slices, pixel spacing known), a 3-frame image, two
 * photographs, a DICOM report without pixels, and broken files — a DICOM file cut off in its pixel data, a text
 * file named .dcm, a DICOM file whose pixel data is far shorter than its rows × columns, and an empty PNG.
 */
final class TestArchive {

    static final String SERIES_UID = "2.25.424242.2";
    static final String MULTIFRAME_SOP = "2.25.424242.3.77";
    static final String REPORT_SOP = "2.25.424242.3.99";
    static final String SHORT_PIXELS_SOP = "2.25.424242.3.55";

    /** Images the model runs on: 4 CT slices, 3 frames, 2 photographs. */
    static final int GOOD_IMAGES = 9;

    final Path root;
    final List<Path> ct;
    final Path multiFrame;
    final Path photoPng;
    final Path photoJpeg;
    final Path report;
    final Path truncated;
    final Path notDicom;
    final Path shortPixels;
    final Path emptyPng;

    private TestArchive(Path root) throws IOException {
        this.root = root;
        ct = SyntheticCtSeries.write(root.resolve("study/ct"), 4, 64, 72);
        multiFrame = root.resolve("study/mf/multi.dcm");
        Files.createDirectories(multiFrame.getParent());
        int rows = 40;
        int columns = 48;
        byte[] frames = new byte[3 * rows * columns];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = (byte) ((i * 7 + i / (rows * columns) * 60) & 0xFF);
        }
        DicomFileWriter.write(multiFrame, "1.2.840.10008.5.1.4.1.1.7.2", MULTIFRAME_SOP, image("1.2.840.10008.5.1.4.1.1.7.2", rows, columns, 8)
                .string(Tag.SOP_INSTANCE_UID, "UI", MULTIFRAME_SOP)
                .integerString(Tag.NUMBER_OF_FRAMES, 3)
                .otherBytes(Tag.PIXEL_DATA, frames));

        photoPng = root.resolve("photos/skin.png");
        photoJpeg = root.resolve("photos/mole.jpg");
        Files.createDirectories(photoPng.getParent());
        BufferedImage img = new BufferedImage(90, 70, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 70; y++) {
            for (int x = 0; x < 90; x++) {
                img.setRGB(x, y, ((x * 3) % 256) << 16 | ((y * 5) % 256) << 8 | (x * y) % 256);
            }
        }
        ImageIO.write(img, "png", photoPng.toFile());
        ImageIO.write(img, "jpeg", photoJpeg.toFile());

        report = root.resolve("study/sr/report.dcm");
        Files.createDirectories(report.getParent());
        DicomFileWriter.write(report, "1.2.840.10008.5.1.4.1.1.88.11", REPORT_SOP, new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", "1.2.840.10008.5.1.4.1.1.88.11")
                .string(Tag.SOP_INSTANCE_UID, "UI", REPORT_SOP)
                .string(Tag.STUDY_INSTANCE_UID, "UI", "2.25.424242.1")
                .string(Tag.SERIES_INSTANCE_UID, "UI", "2.25.424242.9")
                .string(Tag.MODALITY, "CS", "SR"));

        Path broken = root.resolve("broken");
        Files.createDirectories(broken);
        byte[] whole = Files.readAllBytes(ct.getFirst());
        truncated = broken.resolve("truncated.dcm");
        Files.write(truncated, Arrays.copyOf(whole, whole.length - 64 * 72));
        notDicom = broken.resolve("notes.dcm");
        Files.writeString(notDicom, "these are notes, not an image\n", StandardCharsets.UTF_8);
        shortPixels = broken.resolve("short-pixels.dcm");
        DicomFileWriter.write(shortPixels, "1.2.840.10008.5.1.4.1.1.7", SHORT_PIXELS_SOP, image("1.2.840.10008.5.1.4.1.1.7", 512, 512, 16)
                .string(Tag.SOP_INSTANCE_UID, "UI", SHORT_PIXELS_SOP)
                .otherWords(Tag.PIXEL_DATA, new short[50]));
        emptyPng = broken.resolve("empty.png");
        Files.write(emptyPng, new byte[0]);
    }

    static TestArchive write(Path root) throws IOException {
        return new TestArchive(root);
    }

    private static DicomFileWriter.Dataset image(String sopClass, int rows, int columns, int bits) {
        return new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", sopClass)
                .string(Tag.STUDY_INSTANCE_UID, "UI", "2.25.424242.1")
                .string(Tag.SERIES_INSTANCE_UID, "UI", SERIES_UID)
                .string(Tag.MODALITY, "CS", "OT")
                .unsignedShort(Tag.SAMPLES_PER_PIXEL, 1)
                .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                .unsignedShort(Tag.ROWS, rows)
                .unsignedShort(Tag.COLUMNS, columns)
                .unsignedShort(Tag.BITS_ALLOCATED, bits)
                .unsignedShort(Tag.BITS_STORED, bits)
                .unsignedShort(Tag.HIGH_BIT, bits - 1)
                .unsignedShort(Tag.PIXEL_REPRESENTATION, 0);
    }
}
