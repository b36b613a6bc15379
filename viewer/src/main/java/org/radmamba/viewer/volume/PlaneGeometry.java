package org.radmamba.viewer.volume;

/**
 * Where a reformatted plane lies, in DICOM's terms.
 *
 * @param pixelSpacing     row spacing (between rows) then column spacing, mm
 * @param firstPixel       the patient position (mm) of the centre of the pixel in row 0, column 0
 * @param rowCosines       the direction of a row (from one column to the next)
 * @param columnCosines    the direction of a column (from one row to the next)
 * @param index            the plane's number along its normal, from 0
 * @param planeCount       planes along the normal
 */
public record PlaneGeometry(Plane plane, int index, int planeCount, int rows, int columns, double[] pixelSpacing,
                            double[] firstPixel, double[] rowCosines, double[] columnCosines) {

    /** The patient position (mm) of the centre of pixel (column, row); fractional for points between pixels. */
    public double[] patientPoint(double column, double row) {
        double[] p = new double[3];
        for (int a = 0; a < 3; a++) {
            p[a] = firstPixel[a] + column * pixelSpacing[1] * rowCosines[a] + row * pixelSpacing[0] * columnCosines[a];
        }
        return p;
    }

    /**
     * The unit direction (patient coordinates) in which the plane's index grows: its normal, pointing to the
     * following plane (for the orthogonal planes +z, +y and +x).
     */
    public double[] indexDirection() {
        double[] normal = Volume.cross(rowCosines, columnCosines);
        double[] standardRow = new double[3];
        standardRow[plane.columnAxis()] = 1;
        double[] standardColumn = new double[3];
        standardColumn[plane.rowAxis()] = plane.rowSign();
        double sign = Volume.cross(standardRow, standardColumn)[plane.normalAxis()];
        return new double[] {sign * normal[0], sign * normal[1], sign * normal[2]};
    }

    /** The plane's coordinate along its normal axis, mm. */
    public double normalPosition() {
        return firstPixel[plane.normalAxis()];
    }
}
