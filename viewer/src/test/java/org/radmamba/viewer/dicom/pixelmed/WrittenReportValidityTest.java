package org.radmamba.viewer.dicom.pixelmed;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.validate.DicomSRValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.seg.SegmentationWriter;
import org.radmamba.viewer.sr.MeasurementReport;
import org.radmamba.viewer.sr.MeasurementReportReader;
import org.radmamba.viewer.sr.MeasurementReportWriter;
import org.radmamba.viewer.sr.MeasurementReportWriter.Algorithm;
import org.radmamba.viewer.sr.MeasurementReportWriter.ClassProbability;
import org.radmamba.viewer.sr.MeasurementReportWriter.SourceImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.radmamba.viewer.dicom.pixelmed.PixelMedValidation.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Structured Reports RadMamba writes pass PixelMed's validator with neither error nor warning, and keep non-ASCII names (patient, classes, model) in UTF-8 under
 * Specific Character Set ISO_IR 192. PixelMed's {@code DicomInstanceValidator}, which {@code
 * WrittenDicomValidityTest} runs on images and Segmentations, answers "IOD (SOP Class) unrecognized" for every SR
 * class (its compiled IOD rules hold none), so that it would pass anything; its sibling {@code DicomSRValidator}
 * (same package, same IOD rules plus the SR IODs and PS3.16 templates) checks the modules, the content tree's
 * relationships and the TID 1500 template, and is the one used here. As in WrittenDicomValidityTest, the validator's reports of non-ASCII letters in the text VRs of a
 * UTF-8 file are left out (it checks those against ASCII whatever the character set says), and a report of ASCII
 * names must pass with nothing left out. In this package because only org.radmamba.viewer.dicom.pixelmed may use
 * PixelMed.
 */
class WrittenReportValidityTest {

    private static final Algorithm ALGORITHM = new Algorithm("VM-UNet lesion segmenter (demo)", "sha256:5f0e1d2c3b4a",
            "5f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100");

    @TempDir
    static Path temp;

    private static List<Path> demo;
    private static DicomSRValidator validator;

    @BeforeAll
    static void generate() throws Exception {
        demo = DemoStudy.generate(temp.resolve("demo"), new DemoStudy.Spec(64, 3, 1.5, 5, 0, false));
        PixelMedValidation.liftXPathLimits();
        validator = new DicomSRValidator();
    }

    /** The validator's errors and warnings; none may remain. */
    private static List<String> findings(String report) {
        return report.lines().filter(l -> l.startsWith("Error") || l.startsWith("Warning")).toList();
    }

    /** {@link #findings} without the reports of non-ASCII letters in the text VRs of a UTF-8 file. */
    private static List<String> findingsBeyondUtf8Text(String report) {
        return PixelMedValidation.withoutUtf8TextReports(findings(report));
    }

    /** Checked as an Enhanced SR whose root template is TID 1500, with no error and no warning. */
    private static void assertValid(Path sr) throws Exception {
        String report = validator.validate(read(sr), false, true, true, true, true);
        assertTrue(report.contains("Found EnhancedSR IOD"), report);
        assertTrue(report.contains("Found Root Template TID_1500 (MeasurementReport)"), report);
        assertEquals(List.of(), findings(report), report);
    }

    private static Path classificationReport(Path source, List<String> labels, Path target) throws Exception {
        double[] p = {0.1, 0.7, 0.2};
        List<ClassProbability> classes = java.util.stream.IntStream.range(0, labels.size())
                .mapToObj(i -> new ClassProbability(labels.get(i), p[i])).toList();
        return new MeasurementReportWriter(new PixelMedDicomReader()).write(new MeasurementReportWriter.Request(
                ALGORITHM, "VM-UNet lesion segmenter (demo) — demo model — not for diagnosis", "RadMamba: demo",
                new MeasurementReportWriter.Classifications(List.of(new MeasurementReportWriter.ImageClassification(
                        new SourceImage(source, 1), classes)))), target).file();
    }

    @Test
    void a_classification_report_of_ascii_names_passes_the_validator_with_nothing_left_out() throws Exception {
        Path sr = classificationReport(demo.getFirst(), List.of("normal", "nodule", "effusion"), temp.resolve("ascii-sr.dcm"));

        assertValid(sr);
        assertEquals("ISO_IR 192", Attribute.getSingleStringValueOrEmptyString(read(sr), TagFromName.SpecificCharacterSet));
    }

    @Test
    void a_segmentation_report_passes_the_validator_with_nothing_left_out() throws Exception {
        byte[] mask = new byte[64 * 64];
        Arrays.fill(mask, 64 * 20, 64 * 30, (byte) 1);
        SegmentationWriter.Written seg = new SegmentationWriter(new PixelMedDicomReader()).write(new SegmentationWriter.Request(
                List.of(new SegmentationWriter.SourceMask(demo.get(0), 1, mask),
                        new SegmentationWriter.SourceMask(demo.get(1), 1, mask)),
                List.of("lesion"), "VM-UNet demo", "RadMamba: demo"), temp.resolve("seg.dcm"));
        Path sr = new MeasurementReportWriter(new PixelMedDicomReader()).write(new MeasurementReportWriter.Request(
                ALGORITHM, "demo model — not for diagnosis", "RadMamba: demo",
                new MeasurementReportWriter.SegmentMeasurements(seg.file(),
                        List.of(new SourceImage(demo.get(0), 1), new SourceImage(demo.get(1), 1)),
                        List.of(new MeasurementReportWriter.SegmentMeasurement(1, "lesion",
                                MeasurementReportWriter.Quantity.VOLUME_ML, 0.144)))), temp.resolve("seg-sr.dcm")).file();

        assertValid(sr);
    }

    @Test
    void non_ascii_patient_and_class_names_round_trip_in_utf8_and_pass_the_validator() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("ja"));
        AttributeList list = read(demo.getFirst());
        Attribute charset = new com.pixelmed.dicom.CodeStringAttribute(TagFromName.SpecificCharacterSet);
        charset.addValue("ISO_IR 100");
        list.put(charset);
        list.put(new com.pixelmed.dicom.PersonNameAttribute(TagFromName.PatientName,
                new com.pixelmed.dicom.SpecificCharacterSet(new String[] {"ISO_IR 100"})));
        list.get(TagFromName.PatientName).addValue("Müller^Jürgen");
        Path source = folder.resolve("latin1.dcm");
        list.write(source.toString(), TransferSyntax.ExplicitVRLittleEndian, true, true);

        Path sr = classificationReport(source, List.of("normal", "Knötchen 結節", "épanchement"), temp.resolve("utf8-sr.dcm"));

        AttributeList written = read(sr);
        assertEquals("ISO_IR 192", Attribute.getSingleStringValueOrEmptyString(written, TagFromName.SpecificCharacterSet));
        assertEquals("Müller^Jürgen", Attribute.getSingleStringValueOrEmptyString(written, TagFromName.PatientName));
        assertEquals("Müller^Jürgen", new PixelMedDicomReader().readHeader(sr).dataset().string(Tag.PATIENT_NAME, ""));
        MeasurementReport report = new MeasurementReportReader(new PixelMedDicomReader()).read(sr);
        assertEquals(List.of("normal", "Knötchen 結節", "épanchement"), report.groups().getFirst().measurements().stream()
                .map(m -> m.concept().meaning()).toList());
        assertEquals("Knötchen 結節", report.groups().getFirst().finding().orElseThrow().meaning());
        assertTrue(report.comments().getFirst().contains("—"), report.comments().toString());
        String validation = validator.validate(written, false, true, true, true, true);
        assertTrue(validation.contains("Found EnhancedSR IOD"), validation);
        assertEquals(List.of(), findingsBeyondUtf8Text(validation), validation);
    }
}
