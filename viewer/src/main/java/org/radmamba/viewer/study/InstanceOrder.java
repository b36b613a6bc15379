package org.radmamba.viewer.study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of instances in a series: images by position along the slice normal when every image has a
 * position and orientation, then by Instance Number, then by file name; non-images after the images.
 */
final class InstanceOrder {

    private InstanceOrder() {
    }

    static List<Instance> sort(List<Instance> instances) {
        List<Instance> sorted = new ArrayList<>(instances);
        boolean allPositioned = instances.stream().filter(i -> i.kind() == InstanceKind.DICOM_IMAGE)
                .allMatch(i -> i.geometry().flatMap(ImageGeometry::positionAlongNormal).isPresent());
        Comparator<Instance> byKind = Comparator.comparingInt(i -> i.isImage() ? 0 : 1);
        Comparator<Instance> byPosition = Comparator.comparingDouble(i ->
                i.geometry().flatMap(ImageGeometry::positionAlongNormal).orElse(0.0));
        Comparator<Instance> order = byKind;
        if (allPositioned) {
            order = order.thenComparing(byPosition);
        }
        order = order.thenComparingInt(Instance::instanceNumber).thenComparing(i -> i.file().toString());
        sorted.sort(order);
        return sorted;
    }
}
