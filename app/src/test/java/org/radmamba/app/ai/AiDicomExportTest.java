package org.radmamba.app.ai;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.inference.segmentation.LabelMask;
import org.radmamba.inference.segmentation.PixelSpacing;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.sr.MeasurementReport;
import org.radmamba.viewer.sr.MeasurementReportReader;
import org.radmamba.viewer.sr.SrCodes;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a segmentation's report measures: the volume in mL over a series with a known slice distance, the area in mm²
 * over one image, the pixel count without pixel spacing; the Segmentation it references is written beside it.
 */
class AiDicomExportTest {

    @TempDir
    static Path temp;

    private static List<Path> slices;
    private static ModelCard segmenter;

    @BeforeAll
    static void inputs() throws Exception {
        slices = DemoStudy.generate(temp.resolve("demo"), new DemoStudy.Spec(64, 2, 1.5, 5, 0, false));
        try (InputStream in = AiDicomExportTest.class.getClassLoader()
                .getResourceAsStream(ModelLibrary.BUNDLED_ROOT + "/vmunet-lesion-demo/card.json")) {
            segmenter = ModelCard.read(in, "vmunet-lesion-demo/card.json");
        }
    }

    /** A mask of {@code rows} full rows of lesion (label 1) over a 64x64 image. */
    private static SegmentationResult mask(int rows, Optional<PixelSpacing> spacing) {
        byte[] labels = new byte[64 * 64];
        Arrays.fill(labels, 0, rows * 64, (byte) 1);
        return SegmentationResult.of("image", segmenter.id(), segmenter.attribution(), segmenter.labels(),
                new LabelMask(64, 64, labels), spacing);
    }

    private static MeasurementReport.Measurement measured(List<AiDicomExport.Sourced<SegmentationResult>> results,
                                                          OptionalDouble sliceSpacing, String name) throws Exception {
        Path sr = temp.resolve(name);
        AiDicomExport.Written written = AiDicomExport.segmentation(DicomReaders.standard(), segmenter, results,
                sliceSpacing, sr);
        assertEquals(List.of(temp.resolve(name.replace(".dcm", "-seg.dcm")), sr), written.files(), "SEG first, then SR");
        assertTrue(written.files().stream().allMatch(Files::isRegularFile));
        MeasurementReport report = new MeasurementReportReader(DicomReaders.standard()).read(sr);
        assertEquals(segmenter.sha256(), report.groups().getFirst().checkpointSha256().orElseThrow());
        return report.groups().getFirst().measurements().getFirst();
    }

    @Test
    void a_series_with_a_slice_distance_is_measured_as_a_volume_in_millilitres() throws Exception {
        Optional<PixelSpacing> spacing = Optional.of(new PixelSpacing(1.5, 1.5));
        MeasurementReport.Measurement volume = measured(List.of(
                new AiDicomExport.Sourced<>(slices.get(0), 1, mask(10, spacing)),
                new AiDicomExport.Sourced<>(slices.get(1), 1, mask(4, spacing))), OptionalDouble.of(5), "volume.dcm");

        assertTrue(volume.concept().means(SrCodes.VOLUME));
        assertTrue(volume.unit().means(SrCodes.MILLILITRE));
        // (10 + 4) rows of 64 pixels of 2.25 mm², 5 mm apart, in mL.
        assertEquals(14 * 64 * 2.25 * 5 / 1000, volume.value(), 1e-12);
    }

    @Test
    void one_image_is_measured_as_an_area_and_without_spacing_as_a_pixel_count() throws Exception {
        MeasurementReport.Measurement area = measured(List.of(new AiDicomExport.Sourced<>(slices.get(0), 1,
                mask(3, Optional.of(new PixelSpacing(1.5, 1.5))))), OptionalDouble.of(5), "area.dcm");
        assertTrue(area.concept().means(SrCodes.AREA));
        assertTrue(area.unit().means(SrCodes.SQUARE_MILLIMETRE));
        assertEquals(3 * 64 * 2.25, area.value(), 1e-12);

        MeasurementReport.Measurement pixels = measured(List.of(new AiDicomExport.Sourced<>(slices.get(0), 1,
                mask(3, Optional.empty()))), OptionalDouble.empty(), "pixels.dcm");
        assertTrue(pixels.concept().means(SrCodes.PIXEL_COUNT));
        assertEquals(3 * 64, pixels.value(), 0);
    }

    @Test
    void results_of_another_model_are_refused() {
        SegmentationResult other = new SegmentationResult("image", "another-model", "x", List.of("lesion"),
                new LabelMask(64, 64, new byte[64 * 64]), new long[] {4096, 0}, Optional.empty());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AiDicomExport.segmentation(
                DicomReaders.standard(), segmenter, List.of(new AiDicomExport.Sourced<>(slices.get(0), 1, other)),
                OptionalDouble.empty(), temp.resolve("never.dcm")));
        assertEquals("a result of another-model among those of vmunet-lesion-demo; one report holds one model's results",
                e.getMessage());
    }
}
