package org.radmamba.app.ai;

import org.radmamba.inference.segmentation.LabelMask;
import org.radmamba.inference.segmentation.PixelSpacing;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A label mask at the source image's geometry (0 = background, k = {@code labels[k-1]}) and the area of each class.
 *
 * @param labels      class names; label value k ≥ 1 is {@code labels.get(k - 1)}
 * @param pixelCounts pixels per label value, index 0 the background
 * @param spacing     pixel spacing when the header states it, for areas in mm²
 */
public record SegmentationResult(String imageId, String modelId, String attribution, List<String> labels,
                                 LabelMask mask, long[] pixelCounts, Optional<PixelSpacing> spacing) implements AiResult {

    public SegmentationResult {
        labels = List.copyOf(labels);
        pixelCounts = pixelCounts.clone();
        spacing = spacing == null ? Optional.empty() : spacing;
    }

    static SegmentationResult of(String imageId, String modelId, String attribution, List<String> labels,
                                 LabelMask mask, Optional<PixelSpacing> spacing) {
        long[] counts = new long[labels.size() + 1];
        for (byte b : mask.labels()) {
            int v = b & 0xFF;
            if (v < counts.length) {
                counts[v]++;
            }
        }
        return new SegmentationResult(imageId, modelId, attribution, labels, mask, counts, spacing);
    }

    @Override
    public long[] pixelCounts() {
        return pixelCounts.clone();
    }

    /** Pixels of the class with label value {@code label} (1-based). */
    public long pixels(int label) {
        return pixelCounts[label];
    }

    /** The area of label {@code label} in mm², when the pixel spacing is known. */
    public OptionalDouble areaMm2(int label) {
        return spacing.map(s -> OptionalDouble.of(pixelCounts[label] * s.pixelAreaMm2())).orElse(OptionalDouble.empty());
    }

    /**
     * The volume of label {@code label} over the images of a series, in mm³: the sum of the slice areas times the
     * slice spacing; empty when any slice lacks a pixel spacing.
     */
    public static OptionalDouble volumeMm3(List<SegmentationResult> slices, int label, double sliceSpacingMm) {
        double sum = 0;
        for (SegmentationResult s : slices) {
            OptionalDouble area = s.areaMm2(label);
            if (area.isEmpty()) {
                return OptionalDouble.empty();
            }
            sum += area.getAsDouble();
        }
        return OptionalDouble.of(sum * sliceSpacingMm);
    }
}
