package org.radmamba.viewer.volume;

/**
 * The three orthogonal planes in the radiological display convention. Patient coordinates are DICOM's (LPS): x
 * grows to the patient's left, y to posterior, z to superior.
 * <ul>
 *   <li>axial, seen from the feet: the patient's right on the screen's left (x grows to the right), anterior up
 *       (y grows downwards);</li>
 *   <li>coronal, seen from the front: the patient's right on the screen's left, superior up (z grows upwards);</li>
 *   <li>sagittal: anterior on the screen's left (y grows to the right), superior up.</li>
 * </ul>
 * Planes are numbered along their normal in the order of increasing patient coordinate: axial inferior to
 * superior, coronal anterior to posterior, sagittal right to left.
 */
public enum Plane {
    AXIAL(2, 0, 1, 1),
    CORONAL(1, 0, 2, -1),
    SAGITTAL(0, 1, 2, -1);

    private final int normalAxis;
    private final int columnAxis;
    private final int rowAxis;
    private final int rowSign;

    /**
     * @param columnAxis the patient axis that grows from one column to the next (always left to right)
     * @param rowAxis    the patient axis that changes from one row to the next
     * @param rowSign    +1 when it grows downwards, −1 when it grows upwards
     */
    Plane(int normalAxis, int columnAxis, int rowAxis, int rowSign) {
        this.normalAxis = normalAxis;
        this.columnAxis = columnAxis;
        this.rowAxis = rowAxis;
        this.rowSign = rowSign;
    }

    /** The patient axis (0 x, 1 y, 2 z) along the plane's normal. */
    public int normalAxis() {
        return normalAxis;
    }

    /** The patient axis that grows from one column to the next, left to right on the screen. */
    public int columnAxis() {
        return columnAxis;
    }

    /** The patient axis that changes from one row to the next. */
    public int rowAxis() {
        return rowAxis;
    }

    /** +1 when the row axis grows downwards on the screen, −1 when it grows upwards (superior up). */
    public int rowSign() {
        return rowSign;
    }

    /** "axial", "coronal", "sagittal". */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
