package org.radmamba.inference.segmentation;

import java.util.Arrays;

/**
 * Traces the outer boundary of one connected component along pixel edges (crack following), keeping the
 * component on the right-hand side, so the polygon runs clockwise on screen and encloses exactly the
 * component's pixels plus its holes. The turn rule at each corner follows the component's connectivity, so
 * two pixels touching only at a corner stay on one outline under 8-connectivity.
 */
final class BoundaryTracer {

    // Directions clockwise on screen (y down): east, south, west, north.
    private static final int[] DX = {1, 0, -1, 0};
    private static final int[] DY = {0, 1, 0, -1};
    // Pixels ahead-left / ahead-right of a corner (cx, cy) when moving in a direction, as offsets of that
    // corner; the corner is the top-left of pixel (cx, cy).
    private static final int[][] AHEAD_LEFT = {{0, -1}, {0, 0}, {-1, 0}, {-1, -1}};
    private static final int[][] AHEAD_RIGHT = {{0, 0}, {-1, 0}, {-1, -1}, {0, -1}};

    private BoundaryTracer() {
    }

    /**
     * @param startX the column of the component's first pixel in raster order (topmost, then leftmost)
     * @param startY its row
     */
    static Contour outerBoundary(ConnectedComponents components, int id, int startX, int startY, Connectivity connectivity) {
        IntList xs = new IntList();
        IntList ys = new IntList();
        int cx = startX;
        int cy = startY;
        int direction = 0;
        // The start corner always turns (up the left edge, then east along the top edge).
        xs.add(cx);
        ys.add(cy);
        while (true) {
            cx += DX[direction];
            cy += DY[direction];
            boolean left = inside(components, id, cx + AHEAD_LEFT[direction][0], cy + AHEAD_LEFT[direction][1]);
            boolean right = inside(components, id, cx + AHEAD_RIGHT[direction][0], cy + AHEAD_RIGHT[direction][1]);
            int turned;
            if (left && (right || connectivity == Connectivity.EIGHT)) {
                turned = (direction + 3) % 4;
            } else if (right) {
                turned = direction;
            } else {
                turned = (direction + 1) % 4;
            }
            if (cx == startX && cy == startY && turned == 0) {
                break;
            }
            if (turned != direction) {
                xs.add(cx);
                ys.add(cy);
            }
            direction = turned;
        }
        return new Contour(xs.toArray(), ys.toArray());
    }

    private static boolean inside(ConnectedComponents components, int id, int x, int y) {
        return x >= 0 && y >= 0 && x < components.width() && y < components.height() && components.id(x, y) == id;
    }

    private static final class IntList {
        private int[] values = new int[64];
        private int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
