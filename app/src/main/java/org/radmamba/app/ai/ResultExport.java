package org.radmamba.app.ai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.radmamba.inference.segmentation.LabelMask;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Results leave the app as JSON (everything, with the model's attribution), CSV (one row per image and class) and
 * masks as 8-bit PNG label images (pixel value = label). Files are written beside the target and moved into place,
 * so a failed export leaves no half-written file.
 */
public final class ResultExport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultExport() {
    }

    public static String toJson(List<? extends AiResult> results) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("results");
        for (AiResult r : results) {
            ObjectNode node = list.addObject();
            node.put("image", r.imageId());
            node.put("model", r.modelId());
            node.put("attribution", r.attribution());
            switch (r) {
                case ClassificationResult c -> {
                    node.put("task", ModelTask.CLASSIFICATION.cardName());
                    ArrayNode ranked = node.putArray("probabilities");
                    for (ClassificationResult.ClassScore s : c.ranked()) {
                        ranked.addObject().put("label", s.label()).put("index", s.index()).put("probability", s.probability());
                    }
                    ArrayNode logits = node.putArray("logits");
                    for (float v : c.logits()) {
                        logits.add(v);
                    }
                }
                case SegmentationResult s -> {
                    node.put("task", ModelTask.SEGMENTATION.cardName());
                    node.put("width", s.mask().width());
                    node.put("height", s.mask().height());
                    ArrayNode classes = node.putArray("classes");
                    for (int k = 1; k <= s.labels().size(); k++) {
                        ObjectNode c = classes.addObject().put("label", s.labels().get(k - 1)).put("value", k)
                                .put("pixels", s.pixels(k));
                        OptionalDouble area = s.areaMm2(k);
                        if (area.isPresent()) {
                            c.put("area_mm2", area.getAsDouble());
                        }
                    }
                }
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("a tree of plain values always serialises", e);
        }
    }

    /** One row per image and class: image,model,task,label,probability,pixels,area_mm2,attribution. */
    public static String toCsv(List<? extends AiResult> results) {
        StringBuilder csv = new StringBuilder("image,model,task,label,probability,pixels,area_mm2,attribution\n");
        for (AiResult r : results) {
            switch (r) {
                case ClassificationResult c -> {
                    for (ClassificationResult.ClassScore s : c.ranked()) {
                        row(csv, r, "classification", s.label(), String.format(Locale.ROOT, "%.6f", s.probability()), "", "");
                    }
                }
                case SegmentationResult s -> {
                    for (int k = 1; k <= s.labels().size(); k++) {
                        OptionalDouble area = s.areaMm2(k);
                        row(csv, r, "segmentation", s.labels().get(k - 1), "", Long.toString(s.pixels(k)),
                                area.isPresent() ? String.format(Locale.ROOT, "%.3f", area.getAsDouble()) : "");
                    }
                }
            }
        }
        return csv.toString();
    }

    private static void row(StringBuilder csv, AiResult r, String task, String label, String probability, String pixels,
                            String area) {
        csv.append(quote(r.imageId())).append(',').append(quote(r.modelId())).append(',').append(task).append(',')
                .append(quote(label)).append(',').append(probability).append(',').append(pixels).append(',')
                .append(area).append(',').append(quote(r.attribution())).append('\n');
    }

    /** RFC 4180 quoting when a field holds a comma, quote or line break. */
    static String quote(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }

    /** The mask as an 8-bit greyscale PNG whose pixel values are the labels. */
    public static void writeMaskPng(LabelMask mask, Path target) throws IOException {
        BufferedImage image = new BufferedImage(mask.width(), mask.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(mask.labels(), 0, data, 0, data.length);
        writeImage(image, target);
    }

    /** Any image as PNG, written atomically. */
    public static void writeImage(BufferedImage image, Path target) throws IOException {
        writeAtomically(target, temp -> {
            if (!ImageIO.write(image, "png", temp.toFile())) {
                throw new IOException(target + ": no PNG writer available");
            }
        });
    }

    public static void writeText(String text, Path target) throws IOException {
        writeAtomically(target, temp -> Files.writeString(temp, text, StandardCharsets.UTF_8));
    }

    @FunctionalInterface
    interface Writer {
        void write(Path temp) throws IOException;
    }

    static void writeAtomically(Path target, Writer writer) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(parent, "." + target.getFileName(), ".part");
        try {
            writer.write(temp);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
