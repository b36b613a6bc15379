package org.radmamba.viewer.sr;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.seg.SegmentationWriter;
import org.radmamba.viewer.sr.MeasurementReportWriter.Algorithm;
import org.radmamba.viewer.sr.MeasurementReportWriter.ClassProbability;
import org.radmamba.viewer.sr.MeasurementReportWriter.Classifications;
import org.radmamba.viewer.sr.MeasurementReportWriter.ImageClassification;
import org.radmamba.viewer.sr.MeasurementReportWriter.Quantity;
import org.radmamba.viewer.sr.MeasurementReportWriter.SegmentMeasurement;
import org.radmamba.viewer.sr.MeasurementReportWriter.SegmentMeasurements;
import org.radmamba.viewer.sr.MeasurementReportWriter.SourceImage;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A report written by {@link MeasurementReportWriter} reads back through the DICOM port with the same findings,
 * in the images' study and a series of its own, referencing exactly the source images and the Segmentation.
 */
class MeasurementReportRoundTripTest {

    static final String SHA = "08c41cce373fe57c35b60d2702582cb40fb0eef83fd1ce6a849365117fc482d7";
    static final Algorithm ALGORITHM = new Algorithm("MedMamba chest-phantom classifier (demo)", "sha256:08c41cce373f", SHA);

    @TempDir
    static Path temp;

    private static List<Path> slices;
    private static final DicomReader READER = DicomReaders.standard();

    @BeforeAll
    static void generate() throws Exception {
        slices = DemoStudy.generate(temp.resolve("demo"), new DemoStudy.Spec(64, 3, 1.5, 5, 0, false));
    }

    private static DicomDataset header(Path file) throws Exception {
        return READER.readHeader(file).dataset();
    }

    @Test
    void a_classification_report_reads_back_with_every_class_probability_and_the_caveat() throws Exception {
        Path target = temp.resolve("classification-sr.dcm");
        MeasurementReportWriter.Written written = new MeasurementReportWriter(READER).write(new MeasurementReportWriter.Request(
                ALGORITHM, "MedMamba chest-phantom classifier (demo) — demo model — not for diagnosis",
                "RadMamba: MedMamba chest-phantom classifier (demo)", new Classifications(List.of(
                        new ImageClassification(new SourceImage(slices.get(0), 1), List.of(
                                new ClassProbability("normal", 0.0812345678), new ClassProbability("nodule", 0.873123456789),
                                new ClassProbability("effusion", 0.045642))),
                        new ImageClassification(new SourceImage(slices.get(2), 1), List.of(
                                new ClassProbability("normal", 0.9), new ClassProbability("nodule", 0.06),
                                new ClassProbability("effusion", 0.04)))))), target);

        MeasurementReport report = new MeasurementReportReader(READER).read(target);

        assertEquals(written.sopInstanceUid(), report.sopInstanceUid());
        assertTrue(report.title().means(SrCodes.IMAGING_MEASUREMENT_REPORT), report.title().toString());
        assertEquals("MedMamba chest-phantom classifier (demo)", report.observer());
        assertEquals(List.of("MedMamba chest-phantom classifier (demo) — demo model — not for diagnosis"), report.comments());
        assertEquals(2, report.groups().size());
        MeasurementReport.Group first = report.groups().getFirst();
        assertEquals("nodule", first.finding().orElseThrow().meaning());
        assertEquals("MedMamba chest-phantom classifier (demo) sha256:08c41cce373f", first.algorithm());
        assertEquals(SHA, first.checkpointSha256().orElseThrow());
        assertEquals(List.of("normal", "nodule", "effusion"),
                first.measurements().stream().map(m -> m.concept().meaning()).toList());
        // DS keeps 16 characters: the probability comes back to at least 1e-12.
        double[] expected = {0.0812345678, 0.873123456789, 0.045642};
        for (int i = 0; i < 3; i++) {
            MeasurementReport.Measurement m = first.measurements().get(i);
            assertEquals(expected[i], m.value(), 1e-12);
            assertTrue(m.unit().means(SrCodes.NO_UNITS), m.unit().toString());
        }
        assertEquals("normal", report.groups().get(1).finding().orElseThrow().meaning());

        DicomDataset sr = header(target);
        DicomDataset source = header(slices.getFirst());
        assertEquals(source.string(Tag.STUDY_INSTANCE_UID, ""), sr.string(Tag.STUDY_INSTANCE_UID, ""));
        assertEquals(source.string(Tag.PATIENT_ID, ""), sr.string(Tag.PATIENT_ID, ""));
        assertEquals(DemoStudy.PATIENT_NAME, sr.string(Tag.PATIENT_NAME, ""));
        assertNotEquals(source.string(Tag.SERIES_INSTANCE_UID, ""), sr.string(Tag.SERIES_INSTANCE_UID, ""));
        assertEquals("SR", sr.string(Tag.MODALITY, ""));
        assertEquals(MeasurementReportWriter.ENHANCED_SR_STORAGE, sr.string(Tag.SOP_CLASS_UID, ""));
        assertEquals(List.of(source.string(Tag.SOP_INSTANCE_UID, ""), header(slices.get(2)).string(Tag.SOP_INSTANCE_UID, "")),
                report.referencedInstances());
        MeasurementReport.Reference image = first.references(SrCodes.SOURCE).getFirst();
        assertEquals(source.string(Tag.SOP_CLASS_UID, ""), image.sopClassUid());
        assertEquals(List.of(), image.frameNumbers(), "a single-frame image is referenced whole");
    }

    @Test
    void a_segmentation_report_references_the_segments_of_the_seg_and_every_source_image() throws Exception {
        byte[] mask = new byte[64 * 64];
        Arrays.fill(mask, 64 * 20, 64 * 30, (byte) 1);
        Arrays.fill(mask, 64 * 40, 64 * 41, (byte) 2);
        SegmentationWriter.Written seg = new SegmentationWriter(READER).write(new SegmentationWriter.Request(List.of(
                        new SegmentationWriter.SourceMask(slices.get(0), 1, mask),
                        new SegmentationWriter.SourceMask(slices.get(1), 1, mask)),
                List.of("lesion", "ruler"), "VM-UNet demo", "RadMamba: VM-UNet demo"), temp.resolve("seg.dcm"));

        Path target = temp.resolve("segmentation-sr.dcm");
        new MeasurementReportWriter(READER).write(new MeasurementReportWriter.Request(ALGORITHM, "",
                "RadMamba: VM-UNet demo", new SegmentMeasurements(seg.file(),
                        List.of(new SourceImage(slices.get(0), 1), new SourceImage(slices.get(1), 1)),
                        List.of(new SegmentMeasurement(1, "lesion", Quantity.VOLUME_ML, 0.144),
                                new SegmentMeasurement(2, "ruler", Quantity.VOLUME_ML, 0.0144)))), target);

        MeasurementReport report = new MeasurementReportReader(READER).read(target);

        assertEquals(List.of(), report.comments(), "no caveat given, none written");
        assertEquals(2, report.groups().size());
        for (int k = 1; k <= 2; k++) {
            MeasurementReport.Group group = report.groups().get(k - 1);
            MeasurementReport.Reference segment = group.references(SrCodes.REFERENCED_SEGMENT).getFirst();
            assertEquals(seg.sopInstanceUid(), segment.sopInstanceUid());
            assertEquals("1.2.840.10008.5.1.4.1.1.66.4", segment.sopClassUid());
            assertEquals(OptionalInt.of(k), segment.segmentNumber());
            assertEquals(List.of(header(slices.get(0)).string(Tag.SOP_INSTANCE_UID, ""),
                            header(slices.get(1)).string(Tag.SOP_INSTANCE_UID, "")),
                    group.references(SrCodes.SOURCE_IMAGE_FOR_SEGMENTATION).stream()
                            .map(MeasurementReport.Reference::sopInstanceUid).toList());
            assertEquals(ALGORITHM.name() + " " + ALGORITHM.version(), group.algorithm());
            assertEquals(SHA, group.checkpointSha256().orElseThrow());
            MeasurementReport.Measurement volume = group.measurements().getFirst();
            assertTrue(volume.concept().means(SrCodes.VOLUME));
            assertTrue(volume.unit().means(SrCodes.MILLILITRE));
        }
        assertEquals("lesion", report.groups().get(0).finding().orElseThrow().meaning());
        assertEquals(0.144, report.groups().get(0).measurements().getFirst().value(), 0);
        assertEquals(0.0144, report.groups().get(1).measurements().getFirst().value(), 0);
    }

    @Test
    void decimals_keep_as_many_digits_as_sixteen_characters_hold() {
        assertEquals("0.873123456789", ContentItems.decimal(0.873123456789));
        assertEquals("0.12345678901235", ContentItems.decimal(0.123456789012345678));
        String tiny = ContentItems.decimal(1.23456789012345e-10);
        assertTrue(tiny.length() <= 16, tiny);
        assertEquals(1.23456789012345e-10, Double.parseDouble(tiny), 1e-19);
        assertEquals("3", ContentItems.decimal(3));
    }
}
