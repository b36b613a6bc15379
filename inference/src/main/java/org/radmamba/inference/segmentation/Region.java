package org.radmamba.inference.segmentation;

import java.util.OptionalDouble;

/**
 * One connected component of one class.
 *
 * @param label      the class label (1..)
 * @param index      the component's number within its class, 1.. in raster order of first pixels
 * @param areaPixels the number of pixels
 * @param areaMm2    the area in mm² when the pixel spacing is known
 * @param bounds     the bounding box in source pixels
 * @param outline    the outer boundary (holes are inside it but not part of the area)
 */
public record Region(int label, int index, long areaPixels, OptionalDouble areaMm2, BoundingBox bounds, Contour outline) {
}
