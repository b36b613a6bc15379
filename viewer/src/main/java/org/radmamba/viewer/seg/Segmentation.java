package org.radmamba.viewer.seg;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A DICOM Segmentation read back: its segments and, for each source frame it covers, a label mask of that frame's
 * size (row-major, one byte per pixel: 0 for none, otherwise the segment number; where segments overlap the
 * higher number wins).
 */
public record Segmentation(Path file, String sopInstanceUid, String seriesDescription, String contentLabel,
                           int rows, int columns, List<Segment> segments, Map<SourceFrame, byte[]> labelsBySource) {

    public Segmentation {
        segments = List.copyOf(segments);
        labelsBySource = Map.copyOf(labelsBySource);
    }

    /** The label mask over {@code source}, if this segmentation covers it. */
    public Optional<byte[]> labels(SourceFrame source) {
        return Optional.ofNullable(labelsBySource.get(source)).map(byte[]::clone);
    }

    public Set<SourceFrame> sources() {
        return labelsBySource.keySet();
    }

    /** Segment labels in segment-number order, index k-1 for segment k (numbers without a segment read "segment k"). */
    public List<String> labelNames() {
        int max = segments.stream().mapToInt(Segment::number).max().orElse(0);
        String[] names = new String[max];
        for (int k = 1; k <= max; k++) {
            names[k - 1] = "segment " + k;
        }
        segments.forEach(s -> names[s.number() - 1] = s.label());
        return List.of(names);
    }
}
