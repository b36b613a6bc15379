package org.radmamba.viewer.study;

import java.util.List;

/**
 * A series and its instances, ordered by position along the slice normal (Image Position / Orientation
 * Patient) when every image has one, then by Instance Number, then by file name.
 */
public record Series(String seriesInstanceUid, String modality, int seriesNumber, String description,
                     List<Instance> instances) {
    public Series {
        instances = List.copyOf(instances);
    }

    /** Frames across all instances, in display order. */
    public int frameCount() {
        return instances.stream().mapToInt(Instance::frameCount).sum();
    }
}
