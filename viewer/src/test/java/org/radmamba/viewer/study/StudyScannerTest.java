package org.radmamba.viewer.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.picture.PictureFormats;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudyScannerTest {

    @TempDir
    Path dir;

    private final StudyScanner scanner = new StudyScanner();

    private static DicomBuilder slice(String sopInstance, int instanceNumber, double z) {
        return DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 16, true)
                .ui(Tag.SOP_INSTANCE_UID, sopInstance)
                .is(Tag.INSTANCE_NUMBER, instanceNumber)
                .ds(Tag.IMAGE_POSITION_PATIENT, -100, -100, z)
                .ds(Tag.IMAGE_ORIENTATION_PATIENT, 1, 0, 0, 0, 1, 0)
                .pixels16(new short[] {(short) instanceNumber, 0, 0, 0});
    }

    private static List<String> names(Series series) {
        return series.instances().stream().map(i -> i.file().getFileName().toString()).toList();
    }

    @Test
    void slices_are_ordered_by_position_along_the_normal_not_by_file_name_or_instance_number() {
        slice("1.1", 3, 10).write(dir.resolve("a.dcm"));
        slice("1.2", 1, -5).write(dir.resolve("b.dcm"));
        slice("1.3", 2, 2.5).write(dir.resolve("c.dcm"));

        ScanResult result = scanner.scan(List.of(dir));

        assertEquals(List.of(), result.failures());
        assertEquals(1, result.series().size());
        assertEquals(List.of("b.dcm", "c.dcm", "a.dcm"), names(result.series().get(0)));
    }

    @Test
    void progress_counts_every_file_read_good_or_bad_up_to_all_that_were_found() throws Exception {
        for (int i = 0; i < 5; i++) {
            slice("4." + i, i + 1, i).write(dir.resolve("s" + i + ".dcm"));
        }
        java.nio.file.Files.writeString(dir.resolve("notes.txt"), "not DICOM");
        List<String> reports = new java.util.concurrent.CopyOnWriteArrayList<>();

        ScanResult result = new StudyScanner(DicomReaders.standard(), ReadLimits.DEFAULT, 3, PictureFormats.NONE)
                .scan(List.of(dir), instance -> { }, (done, total) -> reports.add(done + "/" + total));

        assertEquals(List.of("0/6", "1/6", "2/6", "3/6", "4/6", "5/6", "6/6"), reports);
        assertEquals(1, result.failures().size());
    }

    @Test
    void position_is_measured_along_the_slice_normal_for_oblique_and_sagittal_slices() {
        // Sagittal: rows along y, columns along -z, normal along x (up to sign): x decides the order.
        for (int i = 0; i < 3; i++) {
            double x = new double[] {30, -10, 0}[i];
            DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 16, true)
                    .ui(Tag.SOP_INSTANCE_UID, "2." + i).is(Tag.INSTANCE_NUMBER, 1)
                    .ds(Tag.IMAGE_POSITION_PATIENT, x, 50 - i, 70 + i).ds(Tag.IMAGE_ORIENTATION_PATIENT, 0, 1, 0, 0, 0, -1)
                    .pixels16(new short[4]).write(dir.resolve("s" + i + ".dcm"));
        }

        List<String> order = names(scanner.scan(List.of(dir)).series().get(0));

        // normal = row x column = (0,1,0) x (0,0,-1) = (-1,0,0): larger x first.
        assertEquals(List.of("s0.dcm", "s2.dcm", "s1.dcm"), order);
    }

    @Test
    void without_positions_instances_are_ordered_by_instance_number() {
        for (int n : new int[] {10, 2, 1}) {
            DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 8, false)
                    .ui(Tag.SOP_INSTANCE_UID, "3." + n).is(Tag.INSTANCE_NUMBER, n).pixels8(new byte[4])
                    .write(dir.resolve("z" + (20 - n) + ".dcm"));
        }

        Series series = scanner.scan(List.of(dir)).series().get(0);

        assertEquals(List.of(1, 2, 10), series.instances().stream().map(Instance::instanceNumber).toList());
    }

    @Test
    void a_multi_frame_instance_counts_and_loads_every_frame() throws Exception {
        short[] frames = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 16, false).is(Tag.NUMBER_OF_FRAMES, 3)
                .pixels16(frames).write(dir.resolve("multi.dcm"));

        Instance instance = scanner.scan(List.of(dir)).instances().get(0);
        LoadedImage image = new ImageLoader().load(instance);

        assertEquals(3, instance.frameCount());
        assertEquals(3, image.frameCount());
        assertArrayEquals(new short[] {9, 10, 11, 12}, ((Samples.Shorts) image.frame(2).samples()).toArray());
    }

    @Test
    void a_dicomdir_brings_in_the_files_it_references() {
        slice("4.1", 1, 0).write(dir.resolve("IMG/A1"));
        slice("4.2", 2, 1).write(dir.resolve("IMG/A2"));
        slice("4.3", 3, 2).write(dir.resolve("OTHER/NOT_LISTED"));
        DicomBuilder dicomDir = DicomBuilder.explicitLittle().ui(Tag.SOP_CLASS_UID, "1.2.840.10008.1.3.10")
                .ui(Tag.SOP_INSTANCE_UID, "4.9");
        dicomDir.sequence(0x00041220,
                dicomDir.item().str(0x00041430, "CS", "PATIENT"),
                dicomDir.item().str(0x00041430, "CS", "IMAGE").str(0x00041500, "CS", "IMG\\A1"),
                dicomDir.item().str(0x00041430, "CS", "IMAGE").str(0x00041500, "CS", "IMG\\A2"));
        Path file = dicomDir.write(dir.resolve("DICOMDIR"));

        ScanResult result = scanner.scan(List.of(file));

        assertEquals(List.of(), result.failures());
        assertEquals(List.of("A1", "A2"), names(result.series().get(0)));
    }

    @Test
    void a_structured_report_is_listed_as_a_non_image_not_as_a_failure() {
        slice("5.1", 1, 0).write(dir.resolve("image.dcm"));
        DicomBuilder.explicitLittle().ui(Tag.SOP_CLASS_UID, "1.2.840.10008.5.1.4.1.1.88.22").ui(Tag.SOP_INSTANCE_UID, "5.2")
                .str(Tag.MODALITY, "CS", "SR").str(Tag.PATIENT_NAME, "PN", "Test^Patient").str(Tag.PATIENT_ID, "LO", "P1")
                .ui(Tag.STUDY_INSTANCE_UID, "1.2.3.4.1").ui(Tag.SERIES_INSTANCE_UID, "1.2.3.4.9")
                .write(dir.resolve("report.dcm"));

        ScanResult result = scanner.scan(List.of(dir));

        assertEquals(List.of(), result.failures());
        assertEquals(1, result.patients().size());
        assertEquals(1, result.patients().get(0).studies().size());
        Instance report = result.instances().stream().filter(i -> i.file().endsWith("report.dcm")).findFirst().orElseThrow();
        assertEquals(InstanceKind.DICOM_NON_IMAGE, report.kind());
        assertEquals(0, report.frameCount());
        assertTrue(!report.isImage());
    }

    @Test
    void a_folder_with_good_and_bad_files_loads_the_good_and_lists_the_bad_with_reasons() throws Exception {
        slice("6.1", 1, 0).write(dir.resolve("good1.dcm"));
        slice("6.2", 2, 1).write(dir.resolve("good2.dcm"));
        byte[] whole = slice("6.3", 3, 2).bytes();
        Files.write(dir.resolve("truncated.dcm"), Arrays.copyOf(whole, whole.length - 3));
        Files.writeString(dir.resolve("notes.txt"), "not an image at all, just some words");

        ScanResult result = scanner.scan(List.of(dir));

        assertEquals(2, result.instances().size());
        assertEquals(2, result.failures().size());
        FailedFile truncated = result.failures().stream().filter(f -> f.file().endsWith("truncated.dcm")).findFirst().orElseThrow();
        assertTrue(truncated.reason().contains("Pixel Data"), truncated.reason());
        FailedFile text = result.failures().stream().filter(f -> f.file().endsWith("notes.txt")).findFirst().orElseThrow();
        assertTrue(text.reason().contains("not a DICOM file"), text.reason());
        assertTrue(text.message().startsWith(text.file().toString()));
    }

    @Test
    void patients_studies_and_series_are_grouped_by_their_ids() {
        slice("7.1", 1, 0).write(dir.resolve("p1s1.dcm"));
        slice("7.2", 1, 0).ui(Tag.SERIES_INSTANCE_UID, "9.9.9").is(Tag.SERIES_NUMBER, 2).write(dir.resolve("p1s2.dcm"));
        slice("7.3", 1, 0).str(Tag.PATIENT_ID, "LO", "P2").str(Tag.PATIENT_NAME, "PN", "Another^One")
                .ui(Tag.STUDY_INSTANCE_UID, "8.8").write(dir.resolve("p2.dcm"));

        ScanResult result = scanner.scan(List.of(dir));

        assertEquals(List.of("Another^One", "Test^Patient"), result.patients().stream().map(Patient::patientName).toList());
        assertEquals(2, result.patients().get(1).studies().get(0).series().size());
    }

    @Test
    void photographs_open_as_single_frame_images_in_the_same_model() throws Exception {
        BufferedImage rgb = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xFF0000);
        rgb.setRGB(2, 1, 0x123456);
        ImageIO.write(rgb, "png", dir.resolve("photo.png").toFile());
        BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 0, 0, 200);
        ImageIO.write(grey, "bmp", dir.resolve("grey.bmp").toFile());
        ImageIO.write(rgb, "tiff", dir.resolve("photo.tif").toFile());

        ScanResult result = scanner.scan(List.of(dir));

        assertEquals(List.of(), result.failures());
        assertEquals(3, result.instances().size());
        assertTrue(result.instances().stream().allMatch(i -> i.kind() == InstanceKind.PHOTOGRAPH && i.frameCount() == 1));
        ImageLoader loader = new ImageLoader();
        for (Instance instance : result.instances()) {
            LoadedImage image = loader.load(instance);
            int[] argb = new int[image.format().rows() * image.format().columns()];
            image.pipeline(0).toArgb(image.frame(0), image.pipeline(0).defaultVoi(image.frame(0)), argb);
            if (instance.file().endsWith("grey.bmp")) {
                assertEquals(1, image.format().samplesPerPixel());
                assertEquals(0xFFC8C8C8, argb[1]);
            } else {
                assertEquals(0xFFFF0000, argb[0]);
                assertEquals(0xFF123456, argb[5]);
            }
        }
    }

    @Test
    void jpeg_photographs_open_as_colour_or_greyscale_images_close_to_what_was_written() throws Exception {
        // Two flat halves on 16x16 boundaries (the chroma blocks of 4:2:0 JPEG cover 16x16 pixels), so that the
        // DCT keeps each within a few levels at ImageIO's default quality.
        BufferedImage rgb = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        BufferedImage grey = new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                rgb.setRGB(x, y, x < 16 ? 0xC83214 : 0x1478C8);
                if (y < 8 && x < 16) {
                    grey.getRaster().setSample(x, y, 0, x < 8 ? 40 : 210);
                }
            }
        }
        ImageIO.write(rgb, "jpeg", dir.resolve("photo.jpg").toFile());
        ImageIO.write(grey, "jpeg", dir.resolve("grey.jpeg").toFile());

        ScanResult result = scanner.scan(List.of(dir));

        assertEquals(List.of(), result.failures());
        assertEquals(2, result.instances().size());
        assertTrue(result.instances().stream().allMatch(i -> i.kind() == InstanceKind.PHOTOGRAPH && i.frameCount() == 1));
        ImageLoader loader = new ImageLoader();
        for (Instance instance : result.instances()) {
            LoadedImage image = loader.load(instance);
            int[] argb = new int[image.format().rows() * image.format().columns()];
            image.pipeline(0).toArgb(image.frame(0), image.pipeline(0).defaultVoi(image.frame(0)), argb);
            if (instance.file().endsWith("grey.jpeg")) {
                assertEquals(1, image.format().samplesPerPixel(), "a greyscale JPEG is one sample per pixel");
                assertEquals(8, image.format().rows());
                assertColourNear(0x282828, argb[0], 4);
                assertColourNear(0xD2D2D2, argb[15], 4);
            } else {
                assertEquals(3, image.format().samplesPerPixel(), "a colour JPEG is RGB");
                assertEquals("RGB", image.format().photometricInterpretation());
                assertEquals(32, image.format().columns());
                assertColourNear(0xC83214, argb[3 * 32 + 3], 6);
                assertColourNear(0x1478C8, argb[12 * 32 + 28], 6);
            }
        }
    }

    /** Every channel of {@code argb} within {@code tolerance} of {@code rgb} (JPEG is lossy). */
    private static void assertColourNear(int rgb, int argb, int tolerance) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int expected = (rgb >> shift) & 0xFF;
            int actual = (argb >> shift) & 0xFF;
            assertTrue(Math.abs(expected - actual) <= tolerance, String.format(
                    "#%06X shown as #%06X: channel at bit %d off by more than %d", rgb, argb & 0xFFFFFF, shift, tolerance));
        }
    }

    private static DicomFileWriter.Dataset nonImage(String sopClass, String sopInstance, String modality) {
        return new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", sopClass)
                .string(Tag.SOP_INSTANCE_UID, "UI", sopInstance)
                .string(Tag.MODALITY, "CS", modality)
                .string(Tag.PATIENT_NAME, "PN", "Test^Patient")
                .string(Tag.PATIENT_ID, "LO", "P1")
                .string(Tag.STUDY_INSTANCE_UID, "UI", "1.2.3.4.1")
                .string(Tag.SERIES_INSTANCE_UID, "UI", sopInstance + ".9");
    }

    @Test
    void an_rt_plan_and_a_waveform_are_listed_as_non_images_not_as_failures() throws Exception {
        slice("5.1", 1, 0).write(dir.resolve("image.dcm"));
        String rtPlan = "1.2.840.10008.5.1.4.1.1.481.5";
        DicomFileWriter.write(dir.resolve("plan.dcm"), rtPlan, "5.3", nonImage(rtPlan, "5.3", "RTPLAN")
                .string(0x300A0002, "SH", "PLAN1")                          // RT Plan Label
                .string(0x300A000C, "CS", "PATIENT")                        // RT Plan Geometry
                .sequence(0x300A00B0, List.of(new DicomFileWriter.Dataset() // Beam Sequence
                        .string(0x300A00C0, "IS", "1")                      // Beam Number
                        .string(0x300A00C2, "LO", "AP"))));                 // Beam Name
        String ecg = "1.2.840.10008.5.1.4.1.1.9.1.1";                       // 12-lead ECG Waveform Storage
        short[] samples = new short[2 * 50];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (short) (Math.sin(i / 5.0) * 1000);
        }
        DicomFileWriter.write(dir.resolve("ecg.dcm"), ecg, "5.4", nonImage(ecg, "5.4", "ECG")
                .sequence(0x54000100, List.of(new DicomFileWriter.Dataset() // Waveform Sequence
                        .string(0x003A0004, "CS", "ORIGINAL")               // Waveform Originality
                        .unsignedShort(0x003A0005, 2)                       // Number of Waveform Channels
                        .string(0x003A001A, "DS", "500")                    // Sampling Frequency
                        .unsignedShort(0x54001004, 16)                      // Waveform Bits Allocated
                        .string(0x54001006, "CS", "SS")                     // Waveform Sample Interpretation
                        .otherWords(0x54001010, samples))));                // Waveform Data

        ScanResult result = scanner.scan(List.of(dir));

        assertEquals(List.of(), result.failures());
        assertEquals(3, result.instances().size());
        assertEquals(1, result.patients().size());
        assertEquals(1, result.patients().get(0).studies().size());
        for (String name : List.of("plan.dcm", "ecg.dcm")) {
            Instance instance = result.instances().stream().filter(i -> i.file().endsWith(name)).findFirst().orElseThrow();
            assertEquals(InstanceKind.DICOM_NON_IMAGE, instance.kind(), name);
            assertEquals(0, instance.frameCount(), name);
            assertTrue(!instance.isImage(), name);
        }
        assertEquals(InstanceKind.DICOM_IMAGE, result.instances().stream().filter(i -> i.file().endsWith("image.dcm"))
                .findFirst().orElseThrow().kind());
    }
}
