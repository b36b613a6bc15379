package org.radmamba.inference.segmentation;

import java.util.List;
import java.util.OptionalDouble;

/** The components of one class, with the class's total area. */
public record ClassRegions(int label, List<Region> regions, long areaPixels, OptionalDouble areaMm2) {

    public ClassRegions {
        regions = List.copyOf(regions);
    }

    public int componentCount() {
        return regions.size();
    }
}
