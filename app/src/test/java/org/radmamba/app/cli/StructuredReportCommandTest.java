package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.ai.AiDicomExport;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.seg.SegmentationReader;
import org.radmamba.viewer.sr.MeasurementReport;
import org.radmamba.viewer.sr.MeasurementReportReader;
import org.radmamba.viewer.sr.SrCodes;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code classify --sr} and {@code segment --sr} write what the viewer's "DICOM SR" export writes (one path,
 * {@link AiDicomExport}): the report holds the numbers the command prints, in the images' study, referencing the
 * images (and, for a mask, the Segmentation written beside it).
 */
class StructuredReportCommandTest {

    private static final Path CLASSIFIER = Path.of("..", "models", "demo", "medmamba-chest-phantom-demo",
            "medmamba_chest_phantom_demo.pth");
    private static final Path SEGMENTER = Path.of("..", "models", "demo", "vmunet-lesion-demo", "vmunet_lesion_demo.pth");

    @TempDir
    static Path dir;

    private static List<Path> slices;

    private record Run(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void inputs() throws Exception {
        slices = DemoStudy.generate(dir.resolve("demo"), new DemoStudy.Spec(64, 2, 1.5, 5, 0, false));
    }

    private static Run run(String... args) {
        CommandLine cl = org.radmamba.app.cli.RadMambaCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static DicomDataset header(Path file) throws Exception {
        return DicomReaders.standard().readHeader(file).dataset();
    }

    @Test
    void classify_sr_holds_the_probabilities_it_prints_for_each_image() throws Exception {
        Path sr = dir.resolve("classify-sr.dcm");

        Run run = run("classify", slices.get(0).toString(), slices.get(1).toString(), "--model", CLASSIFIER.toString(),
                "--json", "--device", "cpu", "--sr", sr.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("DICOM SR with 2 measurement group(s) saved to " + sr, run.err().strip());
        JsonNode printed = new ObjectMapper().readTree(run.out()).get("results");
        MeasurementReport report = new MeasurementReportReader(DicomReaders.standard()).read(sr);
        assertEquals(2, report.groups().size());
        for (int i = 0; i < 2; i++) {
            MeasurementReport.Group group = report.groups().get(i);
            assertEquals(header(slices.get(i)).string(Tag.SOP_INSTANCE_UID, ""),
                    group.references(SrCodes.SOURCE).getFirst().sopInstanceUid());
            assertEquals(printed.get(i).get("top").get(0).get("label").asText(), group.finding().orElseThrow().meaning());
            for (MeasurementReport.Measurement m : group.measurements()) {
                assertEquals(printed.get(i).get("probabilities").get(m.concept().meaning()).asDouble(), m.value(), 1e-12,
                        m.concept().meaning());
            }
        }
        assertEquals(List.of("MedMamba chest-phantom classifier (demo) — demo model — not for diagnosis"), report.comments());
        assertEquals(header(slices.getFirst()).string(Tag.STUDY_INSTANCE_UID, ""),
                header(sr).string(Tag.STUDY_INSTANCE_UID, ""));
    }

    @Test
    void segment_sr_writes_the_segmentation_beside_the_report_that_measures_and_references_it() throws Exception {
        Path sr = dir.resolve("segment-sr.dcm");
        Path png = dir.resolve("mask.png");

        Run run = run("segment", slices.get(1).toString(), "--model", SEGMENTER.toString(), "--out", png.toString(),
                "--device", "cpu", "--sr", sr.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        Path seg = AiDicomExport.segmentationFileFor(sr);
        assertEquals(dir.resolve("segment-sr-seg.dcm"), seg);
        assertTrue(run.out().startsWith("DICOM Segmentation of 1 frame(s) saved to " + seg + "; DICOM SR with 1"
                + " measurement group(s) saved to " + sr), run.out());
        BufferedImage mask = ImageIO.read(png.toFile());
        byte[] labels = new byte[64 * 64];
        mask.getRaster().getDataElements(0, 0, 64, 64, labels);
        long lesion = 0;
        for (byte b : labels) {
            lesion += b == 1 ? 1 : 0;
        }

        MeasurementReport report = new MeasurementReportReader(DicomReaders.standard()).read(sr);
        MeasurementReport.Group group = report.groups().getFirst();
        String segUid = header(seg).string(Tag.SOP_INSTANCE_UID, "");
        MeasurementReport.Reference segment = group.references(SrCodes.REFERENCED_SEGMENT).getFirst();
        assertEquals(segUid, segment.sopInstanceUid());
        assertEquals(OptionalInt.of(1), segment.segmentNumber());
        assertEquals(header(slices.get(1)).string(Tag.SOP_INSTANCE_UID, ""),
                group.references(SrCodes.SOURCE_IMAGE_FOR_SEGMENTATION).getFirst().sopInstanceUid());
        MeasurementReport.Measurement area = group.measurements().getFirst();
        assertTrue(area.concept().means(SrCodes.AREA), area.toString());
        // 1.5 mm pixels: the area is the PNG mask's lesion pixels x 2.25 mm².
        assertEquals(lesion * 2.25, area.value(), 1e-9);
        // The Segmentation holds the same mask over the same image.
        byte[] read = new SegmentationReader(DicomReaders.standard()).read(seg).labels(
                new org.radmamba.viewer.seg.SourceFrame(header(slices.get(1)).string(Tag.SOP_INSTANCE_UID, ""), 1))
                .orElseThrow();
        org.junit.jupiter.api.Assertions.assertArrayEquals(labels, read);
    }

    @Test
    void sr_of_a_photograph_is_refused_naming_it_and_of_a_tensor_is_a_usage_error() throws Exception {
        Path photo = dir.resolve("photo.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY), "png", photo.toFile());
        Path sr = dir.resolve("never.dcm");

        Run run = run("classify", photo.toString(), "--model", CLASSIFIER.toString(), "--device", "cpu", "--sr", sr.toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode(), run.err());
        assertTrue(run.err().strip().startsWith("classify: " + photo + ": "), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(Files.exists(sr));

        Run tensor = run("classify", "x.npy", "--model", CLASSIFIER.toString(), "--sr", sr.toString());
        assertEquals(ExitCodes.USAGE, tensor.exitCode());
        assertEquals("classify: --sr needs DICOM images to reference, not a tensor (x.npy)", tensor.err().strip());
    }
}
