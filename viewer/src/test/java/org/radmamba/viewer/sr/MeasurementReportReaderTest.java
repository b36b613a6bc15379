package org.radmamba.viewer.sr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.Tag;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.radmamba.viewer.sr.ContentItems.CONTAINS;

/**
 * The reader takes a TID 1500 report that another toolkit wrote (a fixture made by pydicom with
 * {@code make_foreign_tid1500.py}, shaped as highdicom writes: Comprehensive 3D SR, Latin-1, implicit VR) and
 * refuses broken ones with one sentence naming the file.
 */
class MeasurementReportReaderTest {

    @TempDir
    Path temp;

    private static final Path FOREIGN = Path.of("src/test/resources/dicom/sr/foreign-tid1500.dcm");

    private final MeasurementReportReader reader = new MeasurementReportReader(DicomReaders.standard());

    @Test
    void a_tid1500_report_of_another_toolkit_reads_with_its_finding_volume_segment_and_latin1_text() throws Exception {
        MeasurementReport report = reader.read(FOREIGN);

        assertTrue(report.title().means(SrCodes.IMAGING_MEASUREMENT_REPORT));
        assertEquals("Grüße Zoë", report.observer());
        assertEquals(List.of("Befund von Dr. Grüße geprüft"), report.comments());
        assertEquals(1, report.groups().size());
        MeasurementReport.Group group = report.groups().getFirst();
        assertEquals("Läsion 1", group.trackingIdentifier());
        assertEquals(new Code("108369006", "SCT", "Neoplasm"), group.finding().orElseThrow());
        assertEquals("Slicer Segment Statistics 5.2", group.algorithm());
        assertEquals(2, group.measurements().size());
        MeasurementReport.Measurement volume = group.measurements().get(0);
        assertTrue(volume.concept().means(SrCodes.VOLUME));
        assertEquals(1234.5, volume.value(), 0);
        assertEquals("mm3", volume.unit().value());
        assertEquals(-512.25, group.measurements().get(1).value(), 0);
        assertEquals("Hounsfield unit", group.measurements().get(1).unit().meaning());
        MeasurementReport.Reference segment = group.references(SrCodes.REFERENCED_SEGMENT).getFirst();
        assertEquals("1.2.826.0.1.3680043.10.1234.3.1", segment.sopInstanceUid());
        assertEquals(OptionalInt.of(1), segment.segmentNumber());
        assertEquals(List.of("1.2.826.0.1.3680043.10.1234.2"), group.sourceSeries());
        assertEquals("Spiculated", group.evaluation(new Code("C00000", "99LOCAL", "")).orElseThrow());
        assertEquals("Lung", group.evaluation(new Code("363698007", "SCT", "")).orElseThrow());
        assertFalse(group.checkpointSha256().isPresent());
    }

    /** A minimal SR whose root content item carries {@code content}. */
    private Path report(String name, String sopClass, DicomFileWriter.Dataset root) throws Exception {
        root.string(Tag.SOP_CLASS_UID, "UI", sopClass)
                .string(Tag.SOP_INSTANCE_UID, "UI", "2.25.1")
                .string(Tag.STUDY_INSTANCE_UID, "UI", "2.25.2")
                .string(Tag.SERIES_INSTANCE_UID, "UI", "2.25.3")
                .string(Tag.MODALITY, "CS", "SR");
        Path file = temp.resolve(name);
        DicomFileWriter.write(file, sopClass, "2.25.1", root);
        return file;
    }

    private DicomFileWriter.Dataset root(List<DicomFileWriter.Dataset> children) {
        return new DicomFileWriter.Dataset()
                .string(SrTags.VALUE_TYPE, "CS", "CONTAINER")
                .sequence(SrTags.CONCEPT_NAME_CODE_SEQUENCE, List.of(ContentItems.code(SrCodes.IMAGING_MEASUREMENT_REPORT)))
                .string(SrTags.CONTINUITY_OF_CONTENT, "CS", "SEPARATE")
                .sequence(SrTags.CONTENT_SEQUENCE, children);
    }

    private String refusal(Path file) {
        DicomReadException e = assertThrows(DicomReadException.class, () -> reader.read(file));
        assertEquals(file, e.file());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private DicomFileWriter.Dataset group(DicomFileWriter.Dataset... items) {
        return ContentItems.container(CONTAINS, SrCodes.IMAGING_MEASUREMENTS, List.of(
                ContentItems.container(CONTAINS, SrCodes.MEASUREMENT_GROUP, List.of(items))));
    }

    @Test
    void a_num_without_units_is_refused_with_a_reason_naming_the_file_and_the_measurement() throws Exception {
        DicomFileWriter.Dataset num = ContentItems.num(CONTAINS, SrCodes.VOLUME, 12, SrCodes.MILLILITRE);
        num.sequence(SrTags.MEASURED_VALUE_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                .string(SrTags.NUMERIC_VALUE, "DS", "12")));
        Path file = report("no-units.dcm", SrTags.ENHANCED_SR, root(List.of(group(num))));

        assertEquals(file + ": has a NUM content item (Volume) without Measurement Units", refusal(file));
    }

    @Test
    void a_num_whose_value_is_not_a_number_is_refused() throws Exception {
        DicomFileWriter.Dataset num = ContentItems.num(CONTAINS, SrCodes.VOLUME, 12, SrCodes.MILLILITRE);
        num.sequence(SrTags.MEASURED_VALUE_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                .string(SrTags.NUMERIC_VALUE, "DS", "twelve")
                .sequence(SrTags.MEASUREMENT_UNITS_CODE_SEQUENCE, List.of(ContentItems.code(SrCodes.MILLILITRE)))));
        Path file = report("nan.dcm", SrTags.ENHANCED_SR, root(List.of(group(num))));

        assertEquals(file + ": has a NUM content item (Volume) whose Numeric Value is 'twelve'", refusal(file));
    }

    @Test
    void an_item_without_concept_name_or_value_type_and_an_image_without_uid_are_refused() throws Exception {
        DicomFileWriter.Dataset nameless = new DicomFileWriter.Dataset()
                .string(SrTags.RELATIONSHIP_TYPE, "CS", CONTAINS).string(SrTags.VALUE_TYPE, "CS", "TEXT")
                .string(SrTags.TEXT_VALUE, "UT", "x");
        Path noName = report("nameless.dcm", SrTags.COMPREHENSIVE_SR, root(List.of(nameless)));
        assertEquals(noName + ": has a TEXT content item without a Concept Name", refusal(noName));

        DicomFileWriter.Dataset typeless = new DicomFileWriter.Dataset().string(SrTags.RELATIONSHIP_TYPE, "CS", CONTAINS);
        Path noType = report("typeless.dcm", SrTags.COMPREHENSIVE_SR, root(List.of(typeless)));
        assertEquals(noType + ": has a content item without a Value Type", refusal(noType));

        DicomFileWriter.Dataset image = ContentItems.image(CONTAINS, SrCodes.SOURCE, "1.2", "", OptionalInt.empty(),
                OptionalInt.empty());
        Path noUid = report("no-uid.dcm", SrTags.ENHANCED_SR, root(List.of(group(image))));
        assertEquals(noUid + ": has an IMAGE content item (Source) that names no SOP Instance UID", refusal(noUid));
    }

    @Test
    void a_root_that_is_not_a_container_and_a_file_that_is_not_an_sr_are_refused() throws Exception {
        DicomFileWriter.Dataset textRoot = new DicomFileWriter.Dataset().string(SrTags.VALUE_TYPE, "CS", "TEXT");
        Path text = report("text-root.dcm", SrTags.BASIC_TEXT_SR, textRoot);
        assertEquals(text + ": is a Structured Report whose root content item is a TEXT, not a CONTAINER", refusal(text));

        Path image = report("ct.dcm", "1.2.840.10008.5.1.4.1.1.2", root(List.of()));
        assertEquals(image + ": is not a DICOM Structured Report (SOP class 1.2.840.10008.5.1.4.1.1.2)", refusal(image));
    }

    @Test
    void a_truncated_report_is_refused_not_read_in_part() throws Exception {
        byte[] whole = Files.readAllBytes(FOREIGN);
        Path cut = temp.resolve("cut.dcm");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));

        String message = refusal(cut);
        assertTrue(message.startsWith(cut + ": "), message);
    }

    @Test
    void a_tree_nested_deeper_than_the_limit_is_refused() throws Exception {
        DicomFileWriter.Dataset inner = ContentItems.text(CONTAINS, SrCodes.COMMENT, "deep");
        for (int i = 0; i < 40; i++) {
            inner = ContentItems.container(CONTAINS, SrCodes.QUALITATIVE_EVALUATIONS, List.of(inner));
        }
        Path deep = report("deep.dcm", SrTags.ENHANCED_SR, root(List.of(inner)));

        assertEquals(deep + ": nests its content deeper than 32 levels", refusal(deep));
    }
}
