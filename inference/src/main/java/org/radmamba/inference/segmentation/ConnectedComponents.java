package org.radmamba.inference.segmentation;

/**
 * Connected-component labelling of one label of a {@link LabelMask}: every pixel carrying that label gets the
 * id (1..count) of its component, in raster order of the components' first pixels; other pixels get 0.
 */
public final class ConnectedComponents {

    private final int width;
    private final int height;
    private final int[] ids;
    private final int count;

    private ConnectedComponents(int width, int height, int[] ids, int count) {
        this.width = width;
        this.height = height;
        this.ids = ids;
        this.count = count;
    }

    public static ConnectedComponents of(LabelMask mask, int label, Connectivity connectivity) {
        int w = mask.width();
        int h = mask.height();
        byte[] labels = mask.labels();
        byte wanted = LabelMask.checkedLabel(label);
        int[] ids = new int[labels.length];
        int[] stack = new int[Math.min(labels.length, 1 << 16)];
        int next = 0;
        boolean corners = connectivity == Connectivity.EIGHT;
        for (int start = 0; start < labels.length; start++) {
            if (labels[start] != wanted || ids[start] != 0) {
                continue;
            }
            int id = ++next;
            ids[start] = id;
            int top = 0;
            stack[top++] = start;
            // Iterative flood fill: a large lesion must not overflow the call stack.
            while (top > 0) {
                int p = stack[--top];
                int px = p % w;
                int py = p / w;
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = py + dy;
                    if (ny < 0 || ny >= h) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = px + dx;
                        if ((dx == 0 && dy == 0) || nx < 0 || nx >= w || (!corners && dx != 0 && dy != 0)) {
                            continue;
                        }
                        int q = ny * w + nx;
                        if (labels[q] == wanted && ids[q] == 0) {
                            ids[q] = id;
                            if (top == stack.length) {
                                stack = java.util.Arrays.copyOf(stack, Math.min(labels.length, stack.length * 2));
                            }
                            stack[top++] = q;
                        }
                    }
                }
            }
        }
        return new ConnectedComponents(w, h, ids, next);
    }

    /** The number of components. */
    public int count() {
        return count;
    }

    /** The component id (1..count) of pixel (x, y), 0 where the label is absent. */
    public int id(int x, int y) {
        return ids[y * width + x];
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    int[] ids() {
        return ids;
    }
}
