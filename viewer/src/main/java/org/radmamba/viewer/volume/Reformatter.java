package org.radmamba.viewer.volume;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

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
    private final double[] maximum = new double[3];
    private final double[] spacing = new double[3];
    private final int[] count = new int[3];

    public Reformatter(Volume volume) {
        this.volume = volume;
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
        int half = planes / 2;
        List<PlaneGeometry> layers = new ArrayList<>();
        for (int j = index - half; j <= index + half; j++) {
            if (j >= 0 && j < planeCount(plane)) {
                layers.add(geometry(plane, j));
            }
        }
        cut(g, layers, slab.mode(), out);
    }

    private void cut(PlaneGeometry g, List<PlaneGeometry> layers, Slab.Mode mode, float[] out) {
        int rows = g.rows();
        if (layers.size() == 1 || (long) rows * g.columns() * layers.size() < PARALLEL_VOXELS) {
            cutRows(g, layers, mode, 0, rows, out);
            return;
        }
        // A thick slab reads many voxels a pixel: its rows are cut in a few bands at once.
        int bands = Math.min(rows, Runtime.getRuntime().availableProcessors());
        IntStream.range(0, bands).parallel().forEach(b ->
                cutRows(g, layers, mode, rows * b / bands, rows * (b + 1) / bands, out));
    }

    /**
     * Plane {@code plane} turned by {@code degrees} about the normal of plane {@code pivot}, through the point
     * {@code through} (the crosshair): an oblique plane, cut by {@link #reformat(PlaneGeometry, Slab, float[])}.
     * The angle is as the pivot plane shows it, clockwise on the screen for a positive angle, so that the plane's
     * line in the pivot plane turns with the crosshair drawn there. The plane's axis along the pivot's normal keeps
     * its grid spacing; the turned axes take the finer of the pivot plane's two. Its pixels lie on a grid fixed to
     * the volume's centre (a crosshair moving in the plane does not shift them), and its index counts planes along
     * its normal across the volume, from 0.
     *
     * @throws IllegalArgumentException when {@code plane} is the pivot (a plane turned about its own normal is
     *                                  itself)
     */
    public PlaneGeometry oblique(Plane plane, Plane pivot, double degrees, double[] through) {
        return oblique(plane, pivot, degrees, through, -1);
    }

    /**
     * As {@link #oblique(Plane, Plane, double, double[])}, the turned plane {@code index} along its normal (from 0,
     * in the direction the plane's own index grows when not turned).
     *
     * @throws IndexOutOfBoundsException when there is no such plane
     */
    public PlaneGeometry oblique(Plane plane, Plane pivot, double degrees, int index) {
        if (index < 0) {
            throw new IndexOutOfBoundsException("plane " + index + " does not exist: planes count from 0");
        }
        return oblique(plane, pivot, degrees, null, index);
    }

    private PlaneGeometry oblique(Plane plane, Plane pivot, double degrees, double[] through, int index) {
        if (plane == pivot) {
            throw new IllegalArgumentException("the " + plane.label() + " plane is the pivot: it does not turn");
        }
        double[] rowCosines = new double[3];
        rowCosines[plane.columnAxis()] = 1;
        double[] columnCosines = new double[3];
        columnCosines[plane.rowAxis()] = plane.rowSign();
        double[] normal = new double[3];
        normal[plane.normalAxis()] = 1;
        rowCosines = turn(pivot, degrees, rowCosines);
        columnCosines = turn(pivot, degrees, columnCosines);
        normal = turn(pivot, degrees, normal);
        double inPivot = Math.min(spacing[pivot.columnAxis()], spacing[pivot.rowAxis()]);
        double columnSpacing = Math.abs(rowCosines[pivot.normalAxis()]) > 0.5 ? spacing[pivot.normalAxis()] : inPivot;
        double rowSpacing = Math.abs(columnCosines[pivot.normalAxis()]) > 0.5 ? spacing[pivot.normalAxis()] : inPivot;
        double[] centre = new double[3];
        for (int a = 0; a < 3; a++) {
            centre[a] = (minimum[a] + maximum[a]) / 2;
        }
        int[] columnsSpan = span(rowCosines, columnSpacing, centre);
        int[] rowsSpan = span(columnCosines, rowSpacing, centre);
        int[] normalSpan = span(normal, inPivot, centre);
        int k;
        if (through == null) {
            k = normalSpan[0] + index;
            if (k > normalSpan[1]) {
                throw new IndexOutOfBoundsException("there are " + (normalSpan[1] - normalSpan[0] + 1) + " turned "
                        + plane.label() + " planes, not " + index);
            }
        } else {
            double[] offset = {through[0] - centre[0], through[1] - centre[1], through[2] - centre[2]};
            k = Math.clamp(Math.round(Volume.dot(offset, normal) / inPivot), normalSpan[0], normalSpan[1]);
        }
        double[] first = new double[3];
        for (int a = 0; a < 3; a++) {
            first[a] = centre[a] + k * inPivot * normal[a] + columnsSpan[0] * columnSpacing * rowCosines[a]
                    + rowsSpan[0] * rowSpacing * columnCosines[a];
        }
        return new PlaneGeometry(plane, k - normalSpan[0], normalSpan[1] - normalSpan[0] + 1,
                rowsSpan[1] - rowsSpan[0] + 1, columnsSpan[1] - columnsSpan[0] + 1,
                new double[] {rowSpacing, columnSpacing}, first, rowCosines, columnCosines);
    }

    /** The first and last whole step of {@code step} mm along {@code direction} from {@code centre} that the volume's box spans. */
    private int[] span(double[] direction, double step, double[] centre) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (int corner = 0; corner < 8; corner++) {
            double along = 0;
            for (int a = 0; a < 3; a++) {
                double p = (corner >> a & 1) == 0 ? minimum[a] : maximum[a];
                along += (p - centre[a]) * direction[a];
            }
            low = Math.min(low, along);
            high = Math.max(high, along);
        }
        return new int[] {(int) Math.floor(low / step + 1e-6), (int) Math.ceil(high / step - 1e-6)};
    }

    /**
     * {@code v} turned by {@code degrees} about the normal of {@code pivot}, as the pivot plane shows it: its screen
     * x (the column axis) and y (the row axis, downwards) turned clockwise for a positive angle.
     */
    static double[] turn(Plane pivot, double degrees, double[] v) {
        double radians = Math.toRadians(degrees);
        double cos = Math.cos(radians);
        double sin = Math.sin(radians);
        double x = v[pivot.columnAxis()];
        double y = v[pivot.rowAxis()] * pivot.rowSign();
        double[] out = new double[3];
        out[pivot.normalAxis()] = v[pivot.normalAxis()];
        out[pivot.columnAxis()] = x * cos - y * sin;
        out[pivot.rowAxis()] = (x * sin + y * cos) * pivot.rowSign();
        return out;
    }

    /** The grid spacing along the normal of plane {@code g}: the planes of a slab around it lie this far apart. */
    public double normalSpacing(PlaneGeometry g) {
        double[] normal = Volume.cross(g.rowCosines(), g.columnCosines());
        double finest = Double.POSITIVE_INFINITY;
        for (int a = 0; a < 3; a++) {
            if (Math.abs(normal[a]) > 1 - 1e-9) {
                return spacing[a];
            }
            if (Math.abs(normal[a]) > 1e-9) {
                finest = Math.min(finest, spacing[a]);
            }
        }
        return finest;
    }

    /**
     * Fills {@code out} (rows × columns) with any plane {@code g} (an {@link #oblique} one), or the slab around it:
     * trilinear between voxels, NaN outside the volume and in gaps.
     */
    public void reformat(PlaneGeometry g, Slab slab, float[] out) {
        if (out.length != g.rows() * g.columns()) {
            throw new IllegalArgumentException("the plane has " + g.rows() * g.columns() + " pixels, not " + out.length);
        }
        double step = normalSpacing(g);
        double[] normal = Volume.cross(g.rowCosines(), g.columnCosines());
        int half = slab.planes(step) / 2;
        List<PlaneGeometry> layers = new ArrayList<>();
        for (int j = -half; j <= half; j++) {
            double[] first = new double[3];
            for (int a = 0; a < 3; a++) {
                first[a] = g.firstPixel()[a] + j * step * normal[a];
            }
            layers.add(new PlaneGeometry(g.plane(), g.index() + j, g.planeCount(), g.rows(), g.columns(),
                    g.pixelSpacing(), first, g.rowCosines(), g.columnCosines()));
        }
        cut(g, layers, slab.mode(), out);
    }

    /** Slabs reading fewer voxels than this are cut on the calling thread alone. */
    private static final long PARALLEL_VOXELS = 1 << 20;

    /** Rows {@code from} to {@code to} of plane {@code g} combined over {@code layers}. */
    private void cutRows(PlaneGeometry g, List<PlaneGeometry> layers, Slab.Mode mode, int from, int to, float[] out) {
        int columns = g.columns();
        float[] row = new float[columns];
        float[] scratch = new float[columns];
        float[] sums = mode == Slab.Mode.AVERAGE && layers.size() > 1 ? new float[columns] : null;
        int[] valid = sums == null ? null : new int[columns];
        // Row by row, every layer of the slab in turn: the layers of one row read the same stretch of each slice,
        // which stays in the cache (a sagittal slab of an axial series reads neighbouring voxels of one row).
        for (int r = from; r < to; r++) {
            int offset = r * columns;
            if (layers.size() == 1) {
                cutRow(layers.getFirst(), r, out, offset, scratch);
                continue;
            }
            if (sums != null) {
                Arrays.fill(sums, 0);
                Arrays.fill(valid, 0);
            }
            if (fusedRow(layers, r, mode, out, offset)) {
                continue;
            }
            Arrays.fill(out, offset, offset + columns, Float.NaN);
            for (PlaneGeometry layer : layers) {
                cutRow(layer, r, row, 0, scratch);
                combine(mode, row, out, offset, sums, valid);
            }
            if (sums != null) {
                for (int i = 0; i < columns; i++) {
                    out[offset + i] = valid[i] == 0 ? Float.NaN : sums[i] / valid[i];
                }
            }
        }
    }

    /**
     * Fills {@code out} (rows × columns) with the labels of plane {@code index} of {@code plane}: each pixel the label
     * of the voxel nearest it, 0 outside the volume.
     */
    public void reformatLabels(Plane plane, int index, LabelVolume labels, byte[] out) {
        reformatLabels(geometry(plane, index), labels, out);
    }

    /** As {@link #reformatLabels(Plane, int, LabelVolume, byte[])}, for any plane {@code g} (an oblique one). */
    public void reformatLabels(PlaneGeometry g, LabelVolume labels, byte[] out) {
        if (labels.volume() != volume) {
            throw new IllegalArgumentException("the labels belong to another volume");
        }
        if (out.length != g.rows() * g.columns()) {
            throw new IllegalArgumentException("a " + g.plane().label() + " plane has " + g.rows() * g.columns()
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

    private static void combine(Slab.Mode mode, float[] layer, float[] out, int offset, float[] sums, int[] valid) {
        switch (mode) {
            case MIP -> {
                for (int i = 0; i < layer.length; i++) {
                    float v = layer[i];
                    float o = out[offset + i];
                    // NaN (outside) never wins: a comparison with NaN is false.
                    if (v > o || (o != o && v == v)) {
                        out[offset + i] = v;
                    }
                }
            }
            case MINIP -> {
                for (int i = 0; i < layer.length; i++) {
                    float v = layer[i];
                    float o = out[offset + i];
                    if (v < o || (o != o && v == v)) {
                        out[offset + i] = v;
                    }
                }
            }
            case AVERAGE -> {
                for (int i = 0; i < layer.length; i++) {
                    float v = layer[i];
                    if (v == v) {
                        sums[i] += v;
                        valid[i]++;
                    }
                }
            }
        }
    }

    /** Row {@code row} of a plane as a strided run of one grid slice: voxels first..end − 1 of the row lie inside. */
    private record Run(int k, int index, int stride, int first, int end) {
    }

    /**
     * Row {@code row} of every layer combined at once, when each is a run of the same acquired slice with the same
     * stride and extent, the layers a constant number of pixels apart: false (nothing written) otherwise.
     */
    private boolean fusedRow(List<PlaneGeometry> layers, int row, Slab.Mode mode, float[] out, int offset) {
        Run first = exactRun(layers.getFirst(), row);
        if (first == null || volume.exactAcquired(first.k()) < 0) {
            return false;
        }
        int delta = 0;
        for (int j = 1; j < layers.size(); j++) {
            Run run = exactRun(layers.get(j), row);
            if (run == null || run.k() != first.k() || run.stride() != first.stride() || run.first() != first.first()
                    || run.end() != first.end()) {
                return false;
            }
            int d = run.index() - first.index();
            if (j == 1) {
                delta = d;
            } else if (d != j * delta) {
                return false;
            }
        }
        int columns = layers.getFirst().columns();
        Arrays.fill(out, offset, offset + first.first(), Float.NaN);
        Arrays.fill(out, offset + first.end(), offset + columns, Float.NaN);
        volume.slabRun(volume.exactAcquired(first.k()), first.index(), first.stride(), delta, layers.size(),
                first.end() - first.first(), mode, out, offset + first.first());
        return true;
    }

    /** Row {@code row} of {@code g} as a run of one grid slice, or null when it is not one (or lies outside). */
    private Run exactRun(PlaneGeometry g, int row) {
        double[] columnStep = new double[3];
        for (int a = 0; a < 3; a++) {
            columnStep[a] = g.rowCosines()[a] * g.pixelSpacing()[1];
        }
        double[] step = volume.gridStep(columnStep);
        double[] start = volume.gridIndex(g.patientPoint(0, row));
        if (!(isWhole(step[0]) && isWhole(step[1]) && isWhole(step[2]) && isWhole(start[0]) && isWhole(start[1])
                && isWhole(start[2]))) {
            return null;
        }
        int c = (int) Math.rint(start[0]);
        int r = (int) Math.rint(start[1]);
        int k = (int) Math.rint(start[2]);
        int dc = (int) Math.rint(step[0]);
        int dr = (int) Math.rint(step[1]);
        if ((int) Math.rint(step[2]) != 0 || k < 0 || k >= volume.gridSlices()) {
            return null;
        }
        int columns = volume.columns();
        int from = Math.max(firstInside(c, dc, columns), firstInside(r, dr, volume.rows()));
        int end = Math.min(endInside(c, dc, columns, g.columns()), endInside(r, dr, volume.rows(), g.columns()));
        if (from >= end) {
            return null;
        }
        return new Run(k, (r + from * dr) * columns + c + from * dc, dr * columns + dc, from, end);
    }

    /**
     * Row {@code row} of plane {@code g} into {@code out} from {@code offset}: an exact voxel copy where the row runs
     * along voxel centres, else trilinear.
     */
    private void cutRow(PlaneGeometry g, int row, float[] out, int offset, float[] scratch) {
        int columns = g.columns();
        double[] columnStep = new double[3];
        for (int a = 0; a < 3; a++) {
            columnStep[a] = g.rowCosines()[a] * g.pixelSpacing()[1];
        }
        double[] step = volume.gridStep(columnStep);
        double[] start = volume.gridIndex(g.patientPoint(0, row));
        if (isWhole(step[0]) && isWhole(step[1]) && isWhole(step[2]) && isWhole(start[0]) && isWhole(start[1])
                && isWhole(start[2])) {
            copyVoxels(start, step, out, offset, columns, scratch);
        } else {
            for (int col = 0; col < columns; col++) {
                out[offset + col] = volume.sample(start[0] + col * step[0], start[1] + col * step[1],
                        start[2] + col * step[2]);
            }
        }
    }

    private void copyVoxels(double[] start, double[] step, float[] out, int offset, int columns, float[] scratch) {
        int c = (int) Math.rint(start[0]);
        int r = (int) Math.rint(start[1]);
        int k = (int) Math.rint(start[2]);
        int dc = (int) Math.rint(step[0]);
        int dr = (int) Math.rint(step[1]);
        int dk = (int) Math.rint(step[2]);
        int volumeColumns = volume.columns();
        int volumeRows = volume.rows();
        int slices = volume.gridSlices();
        if (dk == 0 && k >= 0 && k < slices) {
            // The row lies in one grid slice (every plane of an acquisition's own orientation): a strided run.
            int first = Math.max(firstInside(c, dc, volumeColumns), firstInside(r, dr, volumeRows));
            int end = Math.min(endInside(c, dc, volumeColumns, columns), endInside(r, dr, volumeRows, columns));
            if (first >= end) {
                Arrays.fill(out, offset, offset + columns, Float.NaN);
                return;
            }
            Arrays.fill(out, offset, offset + first, Float.NaN);
            Arrays.fill(out, offset + end, offset + columns, Float.NaN);
            int index = (r + first * dr) * volumeColumns + c + first * dc;
            volume.run(k, index, dr * volumeColumns + dc, end - first, out, offset + first, scratch);
            return;
        }
        for (int col = 0; col < columns; col++, c += dc, r += dr, k += dk) {
            boolean inside = c >= 0 && c < volumeColumns && r >= 0 && r < volumeRows && k >= 0 && k < slices;
            out[offset + col] = inside ? volume.voxel(c, r, k) : Float.NaN;
        }
    }

    /** The first column at which {@code start + col × step} lies in [0, size). */
    private static int firstInside(int start, int step, int size) {
        if (step == 0) {
            return start >= 0 && start < size ? 0 : Integer.MAX_VALUE;
        }
        int bound = step > 0 ? 0 : size - 1;
        return Math.max(0, ceilDiv(bound - start, step));
    }

    /** One past the last column (at most {@code columns}) at which {@code start + col × step} lies in [0, size). */
    private static int endInside(int start, int step, int size, int columns) {
        if (step == 0) {
            return start >= 0 && start < size ? columns : 0;
        }
        int bound = step > 0 ? size - 1 : 0;
        return Math.min(columns, Math.floorDiv(bound - start, step) + 1);
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static boolean isWhole(double v) {
        return Math.abs(v - Math.rint(v)) < Volume.INDEX_EPSILON;
    }
}
