package org.radmamba.inference.segmentation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Per-class statistics of a {@link LabelMask}: connected components, their areas (pixels, and mm² when the
 * pixel spacing is known), bounding boxes and outer outlines.
 */
public final class RegionAnalysis {

    private RegionAnalysis() {
    }

    /**
     * @param foregroundClasses report labels 1..foregroundClasses (a class with no pixels gets an empty entry)
     * @param spacing           the pixel spacing of the source image, empty when unknown (e.g. a photograph)
     */
    public static List<ClassRegions> analyse(LabelMask mask, int foregroundClasses, Connectivity connectivity,
                                             Optional<PixelSpacing> spacing) {
        if (foregroundClasses < 0 || foregroundClasses > 255) {
            throw new IllegalArgumentException("foreground classes must be 0..255, got " + foregroundClasses);
        }
        List<ClassRegions> result = new ArrayList<>(foregroundClasses);
        for (int label = 1; label <= foregroundClasses; label++) {
            result.add(analyseLabel(mask, label, connectivity, spacing));
        }
        return result;
    }

    static ClassRegions analyseLabel(LabelMask mask, int label, Connectivity connectivity, Optional<PixelSpacing> spacing) {
        ConnectedComponents components = ConnectedComponents.of(mask, label, connectivity);
        int n = components.count();
        long[] areas = new long[n + 1];
        int[] minX = new int[n + 1];
        int[] minY = new int[n + 1];
        int[] maxX = new int[n + 1];
        int[] maxY = new int[n + 1];
        int[] firstX = new int[n + 1];
        int[] firstY = new int[n + 1];
        java.util.Arrays.fill(minX, Integer.MAX_VALUE);
        java.util.Arrays.fill(minY, Integer.MAX_VALUE);
        int[] ids = components.ids();
        int w = mask.width();
        for (int p = 0; p < ids.length; p++) {
            int id = ids[p];
            if (id == 0) {
                continue;
            }
            int x = p % w;
            int y = p / w;
            if (areas[id] == 0) {
                firstX[id] = x;
                firstY[id] = y;
            }
            areas[id]++;
            minX[id] = Math.min(minX[id], x);
            minY[id] = Math.min(minY[id], y);
            maxX[id] = Math.max(maxX[id], x);
            maxY[id] = Math.max(maxY[id], y);
        }
        List<Region> regions = new ArrayList<>(n);
        long total = 0;
        for (int id = 1; id <= n; id++) {
            total += areas[id];
            BoundingBox box = new BoundingBox(minX[id], minY[id], maxX[id] - minX[id] + 1, maxY[id] - minY[id] + 1);
            Contour outline = BoundaryTracer.outerBoundary(components, id, firstX[id], firstY[id], connectivity);
            regions.add(new Region(label, id, areas[id], mm2(areas[id], spacing), box, outline));
        }
        return new ClassRegions(label, regions, total, mm2(total, spacing));
    }

    private static OptionalDouble mm2(long pixels, Optional<PixelSpacing> spacing) {
        return spacing.map(s -> OptionalDouble.of(pixels * s.pixelAreaMm2())).orElse(OptionalDouble.empty());
    }
}
