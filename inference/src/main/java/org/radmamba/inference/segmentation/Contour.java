package org.radmamba.inference.segmentation;

/**
 * A closed polygon along pixel edges, in source pixel coordinates where pixel (c, r) covers the square
 * [c, c+1] x [r, r+1]. Vertices are the corners where the boundary turns, in clockwise order on screen
 * (y down); the last vertex joins the first. Ready to draw as a polyline with scale and offset applied.
 */
public record Contour(int[] xs, int[] ys) {

    public Contour {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("a contour needs as many x as y coordinates: " + xs.length + " vs " + ys.length);
        }
    }

    public int size() {
        return xs.length;
    }

    /** The enclosed area in pixels (shoelace formula); for an outer boundary it includes any holes. */
    public double enclosedArea() {
        long twice = 0;
        for (int i = 0; i < xs.length; i++) {
            int j = (i + 1) % xs.length;
            twice += (long) xs[i] * ys[j] - (long) xs[j] * ys[i];
        }
        return Math.abs(twice) / 2.0;
    }
}
