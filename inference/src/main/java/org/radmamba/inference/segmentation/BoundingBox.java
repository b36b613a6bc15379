package org.radmamba.inference.segmentation;

/** The smallest axis-aligned pixel rectangle holding a component: columns x..x+width-1, rows y..y+height-1. */
public record BoundingBox(int x, int y, int width, int height) {
}
