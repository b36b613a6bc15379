package org.radmamba.app.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.inference.segmentation.LabelMask;
import org.radmamba.inference.segmentation.PixelSpacing;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ResultExportTest {

    @TempDir
    Path folder;

    private static ClassificationResult classification() {
        return new ClassificationResult("img,1", "demo", "Demo — demo model — not for diagnosis",
                List.of("normal", "nodule"), new float[] {0f, (float) Math.log(3)}, new double[] {0.25, 0.75});
    }

    private static SegmentationResult segmentation() {
        return SegmentationResult.of("ct#0", "seg", "Seg — research use, not for diagnosis", List.of("lesion"),
                LabelMask.ofRows(new int[][] {{0, 1, 1}, {0, 1, 0}}), Optional.of(new PixelSpacing(0.5, 0.5)));
    }

    @Test
    void json_holds_sorted_probabilities_areas_and_the_attribution() throws Exception {
        JsonNode root = new ObjectMapper().readTree(ResultExport.toJson(List.of(classification(), segmentation())));
        JsonNode c = root.get("results").get(0);
        assertEquals("nodule", c.get("probabilities").get(0).get("label").asText());
        assertEquals(0.75, c.get("probabilities").get(0).get("probability").asDouble());
        assertEquals("Demo — demo model — not for diagnosis", c.get("attribution").asText());
        JsonNode s = root.get("results").get(1);
        assertEquals(3, s.get("classes").get(0).get("pixels").asInt());
        assertEquals(0.75, s.get("classes").get(0).get("area_mm2").asDouble(), 1e-12);
    }

    @Test
    void csv_has_a_row_per_class_and_quotes_commas() {
        String csv = ResultExport.toCsv(List.of(classification(), segmentation()));
        assertEquals("""
                image,model,task,label,probability,pixels,area_mm2,attribution
                "img,1",demo,classification,nodule,0.750000,,,Demo — demo model — not for diagnosis
                "img,1",demo,classification,normal,0.250000,,,Demo — demo model — not for diagnosis
                ct#0,seg,segmentation,lesion,,3,0.750,"Seg — research use, not for diagnosis"
                """, csv);
    }

    @Test
    void a_mask_png_reads_back_with_the_same_labels() throws Exception {
        Path png = folder.resolve("mask.png");
        ResultExport.writeMaskPng(segmentation().mask(), png);
        BufferedImage read = ImageIO.read(png.toFile());
        assertEquals(3, read.getWidth());
        assertEquals(1, read.getRaster().getSample(1, 1, 0));
        assertEquals(0, read.getRaster().getSample(2, 1, 0));
        assertEquals(List.of(png), Files.list(folder).toList());
    }
}
