package org.radmamba.viewer.study;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A series and its instances, ordered by position along the slice normal (Image Position / Orientation
 * Patient) when every image has one, then by Instance Number, then by file name.
 */
public record Series(String seriesInstanceUid, String modality, int seriesNumber, String description,
                     List<Instance> instances) {
    public Series {
        instances = List.copyOf(instances);
    }

    /**
     * This series with {@code more} instances added (those whose file or SOP Instance UID it already holds are left
     * out), in the series' order: a series that arrives in parts (a PACS retrieve) grows into one.
     */
    public Series withInstances(List<Instance> more) {
        Set<Path> files = new HashSet<>();
        Set<String> uids = new HashSet<>();
        for (Instance i : instances) {
            files.add(i.file());
            if (!i.sopInstanceUid().isEmpty()) {
                uids.add(i.sopInstanceUid());
            }
        }
        List<Instance> merged = new ArrayList<>(instances);
        for (Instance i : more) {
            if (files.add(i.file()) && (i.sopInstanceUid().isEmpty() || uids.add(i.sopInstanceUid()))) {
                merged.add(i);
            }
        }
        return merged.size() == instances.size() ? this
                : new Series(seriesInstanceUid, modality, seriesNumber, description, InstanceOrder.sort(merged));
    }

    /** Frames across all instances, in display order. */
    public int frameCount() {
        return instances.stream().mapToInt(Instance::frameCount).sum();
    }
}
