package org.radmamba.viewer.sr;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.sr.MeasurementReportWriter.ClassProbability;
import org.radmamba.viewer.sr.MeasurementReportWriter.Classifications;
import org.radmamba.viewer.sr.MeasurementReportWriter.ImageClassification;
import org.radmamba.viewer.sr.MeasurementReportWriter.SourceImage;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A second, independent reader of what we write: DCMTK's {@code dsrdump} parses our report's tree without error
 * and reads the same values, as it does the foreign fixture, and fails on a broken report (a bare tree whose NUM
 * has no units, without the SR Document General module), so that its success means something. Skipped, saying
 * so, where DCMTK is not installed (tests must not need it).
 */
class DcmtkReadsOurReportsTest {

    @TempDir
    static Path temp;

    private static List<Path> slices;

    @BeforeAll
    static void generate() throws Exception {
        Assumptions.assumeTrue(Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "dsrdump"))), "DCMTK's dsrdump is not on the PATH");
        slices = DemoStudy.generate(temp.resolve("demo"), new DemoStudy.Spec(64, 1, 1.5, 5, 0, false));
    }

    private record Dump(int exitCode, String output) {
    }

    private static Dump dsrdump(Path file) throws Exception {
        Process p = new ProcessBuilder("dsrdump", "+U8", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "dsrdump ran too long");
        return new Dump(p.exitValue(), out);
    }

    @Test
    void dsrdump_reads_our_classification_report_with_the_same_values() throws Exception {
        Path sr = new MeasurementReportWriter(DicomReaders.standard()).write(new MeasurementReportWriter.Request(
                MeasurementReportRoundTripTest.ALGORITHM, "demo model — not for diagnosis", "RadMamba: demo",
                new Classifications(List.of(new ImageClassification(new SourceImage(slices.getFirst(), 1), List.of(
                        new ClassProbability("normal", 0.0812345678), new ClassProbability("nodule", 0.873123456789),
                        new ClassProbability("effusion", 0.045642)))))), temp.resolve("sr.dcm")).file();

        Dump dump = dsrdump(sr);

        assertEquals(0, dump.exitCode(), dump.output());
        assertTrue(dump.output().contains("<contains NUM:(,,\"nodule\")=\"0.873123456789\" (1,UCUM,\"no units\")>"),
                dump.output());
        assertTrue(dump.output().contains("<contains CODE:(,,\"Finding\")=(CLASS1,99RADMAMBA,\"nodule\")>"), dump.output());
        assertTrue(dump.output().contains("Enhanced SR Document"), dump.output());
    }

    @Test
    void dsrdump_reads_the_foreign_fixture_and_fails_on_a_broken_report() throws Exception {
        assertEquals(0, dsrdump(Path.of("src/test/resources/dicom/sr/foreign-tid1500.dcm")).exitCode());

        DicomFileWriter.Dataset num = ContentItems.num(ContentItems.CONTAINS, SrCodes.VOLUME, 12, SrCodes.MILLILITRE);
        num.sequence(SrTags.MEASURED_VALUE_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                .string(SrTags.NUMERIC_VALUE, "DS", "12")));
        DicomFileWriter.Dataset root = new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", SrTags.ENHANCED_SR).string(Tag.SOP_INSTANCE_UID, "UI", "2.25.1")
                .string(Tag.STUDY_INSTANCE_UID, "UI", "2.25.2").string(Tag.SERIES_INSTANCE_UID, "UI", "2.25.3")
                .string(Tag.MODALITY, "CS", "SR")
                .string(SrTags.VALUE_TYPE, "CS", "CONTAINER")
                .sequence(SrTags.CONCEPT_NAME_CODE_SEQUENCE, List.of(ContentItems.code(SrCodes.IMAGING_MEASUREMENT_REPORT)))
                .string(SrTags.CONTINUITY_OF_CONTENT, "CS", "SEPARATE")
                .sequence(SrTags.CONTENT_SEQUENCE, List.of(num));
        Path broken = temp.resolve("broken.dcm");
        DicomFileWriter.write(broken, SrTags.ENHANCED_SR, "2.25.1", root);

        assertNotEquals(0, dsrdump(broken).exitCode());
    }
}
