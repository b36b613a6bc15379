package org.radmamba.viewer.seg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.pixelmed.PixelMedDicomReader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.StudyScanner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Masks written as a DICOM Segmentation are read back, through the same DICOM port and study scanner as any file,
 * with the same labels on the same source frames.
 */
class SegmentationRoundTripTest {

    @TempDir
    Path temp;

    private final PixelMedDicomReader reader = new PixelMedDicomReader();

    /** Label 1 in a disc, label 2 in a bar, per slice shifted so that every slice differs. */
    private static byte[] labels(int size, int slice) {
        byte[] out = new byte[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double dx = x - size / 2.0 - slice;
                double dy = y - size / 2.0;
                if (dx * dx + dy * dy < (size / 5.0) * (size / 5.0)) {
                    out[y * size + x] = 1;
                } else if (y > size - 8 && x > slice * 3 && x < slice * 3 + 20) {
                    out[y * size + x] = 2;
                }
            }
        }
        return out;
    }

    @Test
    void masks_over_ct_slices_come_back_on_the_same_slices_with_the_same_labels() throws IOException {
        List<Path> slices = DemoStudy.generate(temp.resolve("demo"), new DemoStudy.Spec(64, 4, 1.5, 5, 0, false));
        List<SegmentationWriter.SourceMask> masks = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // the fourth slice has no mask: it must not appear in the Segmentation
            masks.add(new SegmentationWriter.SourceMask(slices.get(i), 1, labels(64, i)));
        }
        masks.set(2, new SegmentationWriter.SourceMask(slices.get(2), 1, new byte[64 * 64])); // found nothing
        Path seg = temp.resolve("seg.dcm");
        SegmentationWriter.Written written = new SegmentationWriter(reader).write(new SegmentationWriter.Request(masks,
                List.of("lesion", "ruler"), "VM-UNet demo 1.0", "RadMamba: demo segmenter"), seg);
        assertEquals(6, written.frames(), "two segments over three slices");

        Segmentation back = new SegmentationReader(reader).read(seg);
        assertEquals(List.of("lesion", "ruler"), back.labelNames());
        assertEquals(3, back.sources().size());
        for (int i = 0; i < 3; i++) {
            DicomDataset source = reader.readHeader(slices.get(i)).dataset();
            byte[] expected = masks.get(i).labels();
            assertArrayEquals(expected, back.labels(new SourceFrame(source.string(Tag.SOP_INSTANCE_UID, ""), 1)).orElseThrow(),
                    "slice " + i);
        }
        String fourth = reader.readHeader(slices.get(3)).dataset().string(Tag.SOP_INSTANCE_UID, "");
        assertTrue(back.labels(new SourceFrame(fourth, 1)).isEmpty());

        DicomDataset header = reader.readHeader(seg).dataset();
        DicomDataset ct = reader.readHeader(slices.get(0)).dataset();
        assertEquals("SEG", header.string(Tag.MODALITY, ""));
        assertEquals(ct.string(Tag.STUDY_INSTANCE_UID, ""), header.string(Tag.STUDY_INSTANCE_UID, ""), "same study");
        assertEquals(ct.string(Tag.PATIENT_ID, ""), header.string(Tag.PATIENT_ID, ""));
        assertEquals(ct.string(SegmentationTags.FRAME_OF_REFERENCE_UID, ""),
                header.string(SegmentationTags.FRAME_OF_REFERENCE_UID, ""));
        assertEquals("VM-UNet demo 1.0", header.sequence(SegmentationTags.SEGMENT_SEQUENCE).getFirst()
                .string(SegmentationTags.SEGMENT_ALGORITHM_NAME, ""));
    }

    @Test
    void frames_whose_bits_do_not_fill_whole_bytes_are_packed_without_padding() throws IOException {
        // 7 x 5 = 35 pixels a frame: every frame after the first starts inside a byte.
        Path a = smallImage("a.dcm", "1.2.3.4.1", 7, 5);
        Path b = smallImage("b.dcm", "1.2.3.4.2", 7, 5);
        byte[] first = new byte[35];
        byte[] second = new byte[35];
        for (int i = 0; i < 35; i++) {
            first[i] = (byte) (i % 3 == 0 ? 1 : 0);
            second[i] = (byte) (i % 4 == 1 ? 1 : i % 5 == 0 ? 2 : 0);
        }
        Path seg = temp.resolve("small-seg.dcm");
        new SegmentationWriter(reader).write(new SegmentationWriter.Request(List.of(
                new SegmentationWriter.SourceMask(a, 1, first), new SegmentationWriter.SourceMask(b, 1, second)),
                List.of("one", "two"), "test", "test"), seg);

        DicomFile file = reader.open(seg);
        assertEquals(4, file.frameCount());
        assertEquals(1, file.frameFormat().orElseThrow().bitsAllocated());
        Segmentation back = new SegmentationReader(reader).read(file);
        assertArrayEquals(first, back.labels(new SourceFrame("1.2.3.4.1", 1)).orElseThrow());
        assertArrayEquals(second, back.labels(new SourceFrame("1.2.3.4.2", 1)).orElseThrow());
    }

    @Test
    void the_study_scanner_lists_a_segmentation_in_its_own_series_of_the_same_study() throws IOException {
        List<Path> slices = DemoStudy.generate(temp.resolve("demo"), new DemoStudy.Spec(32, 2, 1.5, 5, 0, false));
        Path seg = slices.getFirst().resolveSibling("seg.dcm");
        new SegmentationWriter(reader).write(new SegmentationWriter.Request(List.of(
                new SegmentationWriter.SourceMask(slices.getFirst(), 1, labels(32, 0))), List.of("lesion"), "m", "d"), seg);

        ScanResult scan = new StudyScanner().scan(List.of(seg.getParent()));
        assertEquals(List.of(), scan.failures());
        assertEquals(1, scan.patients().size());
        assertEquals(1, scan.patients().getFirst().studies().size(), "the Segmentation joins the CT's study");
        Instance segInstance = scan.instances().stream().filter(i -> i.file().equals(seg)).findFirst().orElseThrow();
        assertTrue(SegmentationReader.isSegmentation(segInstance.sopClassUid()));
    }

    @Test
    void a_file_that_is_not_a_segmentation_is_refused_with_its_name() throws IOException {
        List<Path> slices = DemoStudy.generate(temp.resolve("demo"), new DemoStudy.Spec(32, 1, 1.5, 5, 0, false));
        DicomReadException e = assertThrows(DicomReadException.class,
                () -> new SegmentationReader(reader).read(slices.getFirst()));
        assertTrue(e.getMessage().contains(slices.getFirst().getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("is not a DICOM Segmentation"), e.getMessage());
    }

    @Test
    void masks_over_images_of_different_sizes_are_refused_before_anything_is_written() throws IOException {
        Path a = smallImage("a.dcm", "1.2.3.4.1", 7, 5);
        Path b = smallImage("b.dcm", "1.2.3.4.2", 8, 5);
        Path seg = temp.resolve("never.dcm");
        DicomReadException e = assertThrows(DicomReadException.class, () -> new SegmentationWriter(reader).write(
                new SegmentationWriter.Request(List.of(new SegmentationWriter.SourceMask(a, 1, new byte[35]),
                        new SegmentationWriter.SourceMask(b, 1, new byte[40])), List.of("x"), "m", "d"), seg));
        assertTrue(e.getMessage().contains("one frame size"), e.getMessage());
        assertTrue(Files.notExists(seg));
    }

    /** A minimal 8-bit MR image of one study. */
    private Path smallImage(String name, String sopInstanceUid, int columns, int rows) throws IOException {
        Path file = temp.resolve(name);
        DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", "1.2.840.10008.5.1.4.1.1.4")
                .string(Tag.SOP_INSTANCE_UID, "UI", sopInstanceUid)
                .string(Tag.MODALITY, "CS", "MR")
                .string(Tag.PATIENT_NAME, "PN", "Test^Small")
                .string(Tag.PATIENT_ID, "LO", "SMALL")
                .string(Tag.STUDY_INSTANCE_UID, "UI", "1.2.3.4")
                .string(Tag.SERIES_INSTANCE_UID, "UI", "1.2.3.4.9")
                .unsignedShort(Tag.SAMPLES_PER_PIXEL, 1)
                .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                .unsignedShort(Tag.ROWS, rows)
                .unsignedShort(Tag.COLUMNS, columns)
                .unsignedShort(Tag.BITS_ALLOCATED, 8)
                .unsignedShort(Tag.BITS_STORED, 8)
                .unsignedShort(Tag.HIGH_BIT, 7)
                .unsignedShort(Tag.PIXEL_REPRESENTATION, 0)
                .otherBytes(0x7FE00010, new byte[rows * columns]);
        DicomFileWriter.write(file, "1.2.840.10008.5.1.4.1.1.4", sopInstanceUid, ds);
        return file;
    }
}
