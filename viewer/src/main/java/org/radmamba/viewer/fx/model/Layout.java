package org.radmamba.viewer.fx.model;

/** Viewport grid layouts. */
public enum Layout {
    ONE(1, 1), ONE_BY_TWO(1, 2), TWO_BY_TWO(2, 2);

    private final int rows;
    private final int columns;

    Layout(int rows, int columns) {
        this.rows = rows;
        this.columns = columns;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    public int viewports() {
        return rows * columns;
    }

    public String label() {
        return rows + "×" + columns;
    }
}
