package org.radmamba.viewer.volume;

import java.util.Arrays;

/**
 * Cuts axial, coronal and sagittal planes through a {@link Volume}, on a reformat grid aligned with the patient
 * axes that covers the volume's bounding box. Along each patient axis the grid takes the spacing of the volume axis
 * closest to it, so for an acquisition aligned with the patient axes (any of them as the slice normal, in either
 * slice order) every grid point is a voxel centre and a plane is an exact copy of voxel values; elsewhere
 * (oblique acquisitions, gantry tilt) a pixel is trilinear between the eight voxels around it. Pixels outside the
 * volume, or in a gap of missing slices, are NaN. Thread-safe.
 */
public final class Reformatter {

    private final Volume volume;
    private final double[] minimum = new double[3];
    private final double[] spacing = new double[3];
    private final int[] count = new int[3];

    public Reformatter(Volume volume) {
        this.volume = volume;
        double[] maximum = new double[3];
        Arrays.fill(minimum, Double.POSITIVE_INFINITY);
        Arrays.fill(maximum, Double.NEGATIVE_INFINITY);
        for (int corner = 0; corner < 8; corner++) {
            double[] p = volume.patientPoint((corner & 1) == 0 ? 0 : volume.columns() - 1,
                    (corner & 2) == 0 ? 0 : volume.rows() - 1, (corner & 4) == 0 ? 0 : volume.gridSlices() - 1);
            for (int a = 0; a < 3; a++) {
                minimum[a] = Math.min(minimum[a], p[a]);
                maximum[a] = Math.max(maximum[a], p[a]);
            }
        }
        for (int a = 0; a < 3; a++) {
            int closest = 0;
            for (int j = 1; j < 3; j++) {
                if (Math.abs(unitComponent(j, a)) > Math.abs(unitComponent(closest, a))) {
                    closest = j;
                }
            }
            spacing[a] = Math.abs(volume.axis(closest)[a]);
            count[a] = (int) Math.floor((maximum[a] - minimum[a]) / spacing[a] + 1e-6) + 1;
        }
    }

    private double unitComponent(int volumeAxis, int patientAxis) {
        double[] v = volume.axis(volumeAxis);
        return v[patientAxis] / Volume.norm(v);
    }

    public Volume volume() {
        return volume;
    }

    /** Planes along the normal of {@code plane}. */
    public int planeCount(Plane plane) {
        return count[plane.normalAxis()];
    }

    /** The reformat grid's spacing along patient axis {@code axis} (0 x, 1 y, 2 z), mm. */
    public double spacing(int axis) {
        return spacing[axis];
    }

    /** The geometry of plane {@code index} of {@code plane}. */
    public PlaneGeometry geometry(Plane plane, int index) {
        if (index < 0 || index >= planeCount(plane)) {
            throw new IndexOutOfBoundsException("there are " + planeCount(plane) + " " + plane.label()
                    + " planes, not " + index);
        }
        int columnAxis = plane.columnAxis();
        int rowAxis = plane.rowAxis();
        double[] first = new double[3];
        first[plane.normalAxis()] = minimum[plane.normalAxis()] + index * spacing[plane.normalAxis()];
        first[columnAxis] = minimum[columnAxis];
        first[rowAxis] = plane.rowSign() > 0 ? minimum[rowAxis]
                : minimum[rowAxis] + (count[rowAxis] - 1) * spacing[rowAxis];
        double[] rowCosines = new double[3];
        rowCosines[columnAxis] = 1;
        double[] columnCosines = new double[3];
        columnCosines[rowAxis] = plane.rowSign();
        return new PlaneGeometry(plane, index, planeCount(plane), count[rowAxis], count[columnAxis],
                new double[] {spacing[rowAxis], spacing[columnAxis]}, first, rowCosines, columnCosines);
    }

    /** The plane whose normal coordinate is closest to the patient point's, clamped to the planes there are. */
    public int indexAt(Plane plane, double[] patientPoint) {
        int a = plane.normalAxis();
        return Math.clamp(Math.round((patientPoint[a] - minimum[a]) / spacing[a]), 0, count[a] - 1);
    }

    /** Plane {@code index} of {@code plane}, as a new array of rows × columns values. */
    public float[] reformat(Plane plane, int index, Slab slab) {
        PlaneGeometry g = geometry(plane, index);
        float[] out = new float[g.rows() * g.columns()];
        reformat(plane, index, slab, out);
        return out;
    }

    /**
     * Fills {@code out} (rows × columns, row by row) with plane {@code index} of {@code plane}, or the slab around
     * it: modality values, NaN outside the volume and in gaps.
     */
    public void reformat(Plane plane, int index, Slab slab, float[] out) {
        PlaneGeometry g = geometry(plane, index);
        if (out.length != g.rows() * g.columns()) {
            throw new IllegalArgumentException("a " + plane.label() + " plane has " + g.rows() * g.columns()
                    + " pixels, not " + out.length);
        }
        int planes = slab.planes(spacing[plane.normalAxis()]);
        if (planes == 1) {
            cut(g, out);
            return;
        }
        float[] layer = new float[out.length];
        int[] valid = slab.mode() == Slab.Mode.AVERAGE ? new int[out.length] : null;
        float[] sums = slab.mode() == Slab.Mode.AVERAGE ? new float[out.length] : null;
        Arrays.fill(out, Float.NaN);
        int half = planes / 2;
        for (int j = index - half; j <= index + half; j++) {
            if (j < 0 || j >= planeCount(plane)) {
                continue;
            }
            cut(geometry(plane, j), layer);
            combine(slab.mode(), layer, out, sums, valid);
        }
        if (sums != null) {
            for (int i = 0; i < out.length; i++) {
                out[i] = valid[i] == 0 ? Float.NaN : sums[i] / valid[i];
            }
        }
    }

    /**
     * Fills {@code out} (rows × columns) with the labels of plane {@code index} of {@code plane}: each pixel the label
     * of the voxel nearest it, 0 outside the volume.
     */
    public void reformatLabels(Plane plane, int index, LabelVolume labels, byte[] out) {
        if (labels.volume() != volume) {
            throw new IllegalArgumentException("the labels belong to another volume");
        }
        PlaneGeometry g = geometry(plane, index);
        if (out.length != g.rows() * g.columns()) {
            throw new IllegalArgumentException("a " + plane.label() + " plane has " + g.rows() * g.columns()
                    + " pixels, not " + out.length);
        }
        double[] columnStep = new double[3];
        for (int a = 0; a < 3; a++) {
            columnStep[a] = g.rowCosines()[a] * g.pixelSpacing()[1];
        }
        double[] step = volume.gridStep(columnStep);
        int[] size = {volume.columns(), volume.rows(), volume.gridSlices()};
        for (int row = 0; row < g.rows(); row++) {
            double[] start = volume.gridIndex(g.patientPoint(0, row));
            for (int col = 0; col < g.columns(); col++) {
                int label = 0;
                int[] voxel = new int[3];
                boolean inside = true;
                for (int a = 0; a < 3 && inside; a++) {
                    double x = start[a] + col * step[a];
                    voxel[a] = (int) Math.rint(x);
                    inside = x > -0.5 - Volume.INDEX_EPSILON && x < size[a] - 0.5 + Volume.INDEX_EPSILON
                            && voxel[a] >= 0 && voxel[a] < size[a];
                }
                if (inside) {
                    label = labels.label(voxel[0], voxel[1], voxel[2]);
                }
                out[row * g.columns() + col] = (byte) label;
            }
        }
    }

    private static void combine(Slab.Mode mode, float[] layer, float[] out, float[] sums, int[] valid) {
        switch (mode) {
            case MIP -> {
                for (int i = 0; i < layer.length; i++) {
                    float v = layer[i];
                    // NaN (outside) never wins: a comparison with NaN is false.
                    if (v > out[i] || (Float.isNaN(out[i]) && !Float.isNaN(v))) {
                        out[i] = v;
                    }
                }
            }
            case MINIP -> {
                for (int i = 0; i < layer.length; i++) {
                    float v = layer[i];
                    if (v < out[i] || (Float.isNaN(out[i]) && !Float.isNaN(v))) {
                        out[i] = v;
                    }
                }
            }
            case AVERAGE -> {
                for (int i = 0; i < layer.length; i++) {
                    float v = layer[i];
                    if (!Float.isNaN(v)) {
                        sums[i] += v;
                        valid[i]++;
                    }
                }
            }
        }
    }

    /** One plane: row by row, an exact voxel copy where the row runs along voxel centres, else trilinear. */
    private void cut(PlaneGeometry g, float[] out) {
        int columns = g.columns();
        double[] columnStep = new double[3];
        for (int a = 0; a < 3; a++) {
            columnStep[a] = g.rowCosines()[a] * g.pixelSpacing()[1];
        }
        double[] step = volume.gridStep(columnStep);
        boolean wholeStep = isWhole(step[0]) && isWhole(step[1]) && isWhole(step[2]);
        for (int row = 0; row < g.rows(); row++) {
            double[] start = volume.gridIndex(g.patientPoint(0, row));
            int offset = row * columns;
            if (wholeStep && isWhole(start[0]) && isWhole(start[1]) && isWhole(start[2])) {
                copyVoxels(start, step, out, offset, columns);
            } else {
                for (int col = 0; col < columns; col++) {
                    out[offset + col] = volume.sample(start[0] + col * step[0], start[1] + col * step[1],
                            start[2] + col * step[2]);
                }
            }
        }
    }

    private void copyVoxels(double[] start, double[] step, float[] out, int offset, int columns) {
        int c = (int) Math.rint(start[0]);
        int r = (int) Math.rint(start[1]);
        int k = (int) Math.rint(start[2]);
        int dc = (int) Math.rint(step[0]);
        int dr = (int) Math.rint(step[1]);
        int dk = (int) Math.rint(step[2]);
        int volumeColumns = volume.columns();
        int volumeRows = volume.rows();
        int slices = volume.gridSlices();
        for (int col = 0; col < columns; col++, c += dc, r += dr, k += dk) {
            boolean inside = c >= 0 && c < volumeColumns && r >= 0 && r < volumeRows && k >= 0 && k < slices;
            out[offset + col] = inside ? volume.voxel(c, r, k) : Float.NaN;
        }
    }

    private static boolean isWhole(double v) {
        return Math.abs(v - Math.rint(v)) < Volume.INDEX_EPSILON;
    }
}
