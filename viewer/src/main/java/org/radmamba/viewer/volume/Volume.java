package org.radmamba.viewer.volume;

import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.pixel.PixelPipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Parallel slices of one size seen as a voxel grid: column index c, row index r and grid slice k map to the patient
 * point {@code origin + c·axis(0) + r·axis(1) + k·axis(2)}. The in-plane axes come from Image Orientation (Patient)
 * and Pixel Spacing; the stacking axis from the slice positions, so a gantry tilt (positions that move in the plane
 * from slice to slice) is a sheared grid, not an error.
 *
 * <p>The grid is uniform along the stack. When the acquired slices are not (varying spacing), grid slice k lies
 * between two acquired ones and takes their linear interpolation; when slices are missing (gaps a whole number of
 * spacings wide), the grid slices in a gap have no value (NaN): gaps are shown as gaps. Both say so in
 * {@link #warnings()}.
 *
 * <p>Voxel values are the modality values (HU for CT) read from the slices' decoded frames where they lie: the
 * volume references the series' frames and copies no pixels. Immutable once built, so thread-safe as long as the
 * frames are not written.
 */
public final class Volume {

    /** Direction cosines further apart than this in any component are different orientations. */
    private static final double ORIENTATION_TOLERANCE = 1e-3;
    /** An index this close to a whole number is taken as that voxel: an exact copy, no interpolation. */
    static final double INDEX_EPSILON = 1e-6;

    private final int columns;
    private final int rows;
    private final int gridSlices;
    private final double[] origin;
    /** axes[j]: the patient-coordinate step (mm) of one index along grid axis j (0 column, 1 row, 2 slice). */
    private final double[][] axes;
    private final double[][] inverse;
    private final SliceValues[] acquired;
    /** Per grid slice: the acquired slice below (−1 in a gap), the one above, and the weight of the one above. */
    private final int[] lower;
    private final int[] upper;
    private final double[] upperWeight;
    /** acquiredOf[i]: where slice i of the list the volume was made of lies in the sorted acquired slices. */
    private final int[] acquiredOf;
    private VolumeSlice firstLoaded;
    private final List<String> warnings;

    private Volume(int columns, int rows, double[] origin, double[][] axes, SliceValues[] acquired, int[] lower,
                   int[] upper, double[] upperWeight, int[] acquiredOf, VolumeSlice firstLoaded, List<String> warnings) {
        this.columns = columns;
        this.rows = rows;
        this.gridSlices = lower.length;
        this.origin = origin;
        this.axes = axes;
        this.inverse = invert(axes);
        this.acquired = acquired;
        this.lower = lower;
        this.upper = upper;
        this.upperWeight = upperWeight;
        this.acquiredOf = acquiredOf;
        this.firstLoaded = firstLoaded;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * The volume of {@code slices}, in any order.
     *
     * @throws NotAVolumeException with a one-line reason when they are not one volume: fewer than two slices,
     *                             colour, no position, orientation or spacing, mixed orientations, sizes or
     *                             spacings, two slices at one place, positions off one line
     */
    public static Volume of(List<VolumeSlice> slices) throws NotAVolumeException {
        if (slices.size() < 2) {
            throw new NotAVolumeException(slices.isEmpty() ? "no image to make a volume of"
                    : "one image is not a volume (a volume needs parallel slices)");
        }
        VolumeSlice first = slices.getFirst();
        for (VolumeSlice s : slices) {
            check(s);
        }
        double[] orientation = first.orientation();
        double[] rowCosines = unit(Arrays.copyOfRange(orientation, 0, 3), first);
        double[] columnCosines = unit(Arrays.copyOfRange(orientation, 3, 6), first);
        if (Math.abs(dot(rowCosines, columnCosines)) > 1e-3) {
            throw new NotAVolumeException(first.source() + ": its row and column directions are not perpendicular");
        }
        double[] normal = cross(rowCosines, columnCosines);
        for (VolumeSlice s : slices) {
            if (s.rows() != first.rows() || s.columns() != first.columns()) {
                throw new NotAVolumeException("differing sizes: " + s.source() + " is " + s.columns() + "x" + s.rows()
                        + ", " + first.source() + " " + first.columns() + "x" + first.rows());
            }
            for (int i = 0; i < 6; i++) {
                if (Math.abs(s.orientation()[i] - orientation[i]) > ORIENTATION_TOLERANCE) {
                    throw new NotAVolumeException("mixed orientations: " + s.source() + " is oriented "
                            + text(s.orientation()) + ", " + first.source() + " " + text(orientation));
                }
            }
            for (int i = 0; i < 2; i++) {
                if (Math.abs(s.pixelSpacing()[i] - first.pixelSpacing()[i]) > 1e-3 * first.pixelSpacing()[i]) {
                    throw new NotAVolumeException("differing pixel spacings: " + s.source() + " has "
                            + text(s.pixelSpacing()) + " mm, " + first.source() + " " + text(first.pixelSpacing()) + " mm");
                }
            }
        }
        int n = slices.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> dot(slices.get(i).position(), normal)));
        List<VolumeSlice> sorted = new ArrayList<>(n);
        int[] acquiredOf = new int[n];
        for (int i = 0; i < n; i++) {
            sorted.add(slices.get(order[i]));
            acquiredOf[order[i]] = i;
        }
        double[] along = new double[n];
        for (int i = 0; i < n; i++) {
            along[i] = dot(sorted.get(i).position(), normal);
        }
        double minimumSpacing = Double.POSITIVE_INFINITY;
        double maximumSpacing = 0;
        for (int i = 1; i < n; i++) {
            double gap = along[i] - along[i - 1];
            if (gap < 1e-3) {
                throw new NotAVolumeException(sorted.get(i - 1).source() + " and " + sorted.get(i).source()
                        + " lie at the same place (" + format(along[i]) + " mm along the normal): more than one volume"
                        + " (phases, echoes?)");
            }
            minimumSpacing = Math.min(minimumSpacing, gap);
            maximumSpacing = Math.max(maximumSpacing, gap);
        }
        double spacing = minimumSpacing;
        double tolerance = Math.max(0.005, 0.01 * spacing);
        double[] start = sorted.getFirst().position();
        double length = along[n - 1] - along[0];
        // The stacking direction per mm along the normal: the normal itself, or tilted by a gantry tilt.
        double[] perMm = new double[3];
        for (int a = 0; a < 3; a++) {
            perMm[a] = (sorted.getLast().position()[a] - start[a]) / length;
        }
        double pixel = Math.min(first.pixelSpacing()[0], first.pixelSpacing()[1]);
        for (int i = 1; i < n - 1; i++) {
            double off = 0;
            for (int a = 0; a < 3; a++) {
                double expected = start[a] + (along[i] - along[0]) * perMm[a];
                off = Math.max(off, Math.abs(sorted.get(i).position()[a] - expected));
            }
            if (off > Math.max(0.01, 0.05 * pixel)) {
                throw new NotAVolumeException("slice positions do not lie on one line: " + sorted.get(i).source()
                        + " is " + format(off) + " mm off the line through the first and the last");
            }
        }
        List<String> warnings = new ArrayList<>();
        double tilt = Math.toDegrees(Math.acos(Math.min(1, 1 / norm(perMm))));
        if (tilt > 0.05) {
            warnings.add("gantry tilt of " + format(tilt) + "°: the slices are sheared, and the planes are cut through"
                    + " the sheared volume");
        }
        int grid = (int) Math.floor(length / spacing + tolerance / spacing) + 1;
        int[] lower = new int[grid];
        int[] upper = new int[grid];
        double[] upperWeight = new double[grid];
        boolean uniform = maximumSpacing - minimumSpacing <= tolerance;
        boolean wholeGaps = true;
        for (int i = 1; i < n; i++) {
            double ratio = (along[i] - along[i - 1]) / spacing;
            wholeGaps &= Math.abs(ratio - Math.rint(ratio)) * spacing <= tolerance;
        }
        if (uniform || wholeGaps) {
            Arrays.fill(lower, -1);
            for (int i = 0; i < n; i++) {
                int k = (int) Math.rint((along[i] - along[0]) / spacing);
                lower[k] = i;
                upper[k] = i;
            }
            if (!uniform) {
                List<String> missing = new ArrayList<>();
                for (int k = 0; k < grid; k++) {
                    if (lower[k] < 0) {
                        missing.add(format(along[0] + k * spacing));
                    }
                }
                warnings.add(missing.size() + (missing.size() == 1 ? " slice is" : " slices are") + " missing (at "
                        + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                        + (missing.size() > 5 ? "…" : "") + " mm along the normal): shown as gaps");
            }
        } else {
            int i = 0;
            for (int k = 0; k < grid; k++) {
                double t = along[0] + k * spacing;
                while (i < n - 2 && along[i + 1] <= t + tolerance) {
                    i++;
                }
                if (Math.abs(t - along[i]) <= tolerance) {
                    lower[k] = i;
                    upper[k] = i;
                } else if (Math.abs(t - along[i + 1]) <= tolerance) {
                    lower[k] = i + 1;
                    upper[k] = i + 1;
                } else {
                    lower[k] = i;
                    upper[k] = i + 1;
                    upperWeight[k] = (t - along[i]) / (along[i + 1] - along[i]);
                }
            }
            warnings.add("slice spacing varies from " + format(minimumSpacing) + " to " + format(maximumSpacing)
                    + " mm: resampled to a uniform " + format(spacing) + " mm (linear between slices)");
        }
        SliceValues[] values = new SliceValues[n];
        VolumeSlice firstLoaded = null;
        for (int i = 0; i < n; i++) {
            VolumeSlice s = sorted.get(i);
            values[i] = s.frame() == null ? SliceValues.NOT_LOADED : new SliceValues(s.frame().samples(), s.pipeline());
            if (firstLoaded == null && s.frame() != null) {
                firstLoaded = s;
            }
        }
        double[][] axes = {scale(rowCosines, first.pixelSpacing()[1]), scale(columnCosines, first.pixelSpacing()[0]),
                scale(perMm, spacing)};
        return new Volume(first.columns(), first.rows(), start.clone(), axes, values, lower, upper, upperWeight,
                acquiredOf, firstLoaded, warnings);
    }

    private static void check(VolumeSlice s) throws NotAVolumeException {
        if (s.pipeline() != null && s.pipeline().isColour()) {
            throw new NotAVolumeException(s.source() + ": colour images are not a volume of values");
        }
        if (s.position() == null || s.position().length != 3) {
            throw new NotAVolumeException(s.source() + ": has no Image Position (Patient)");
        }
        if (s.orientation() == null || s.orientation().length != 6) {
            throw new NotAVolumeException(s.source() + ": has no Image Orientation (Patient)");
        }
        if (s.pixelSpacing() == null || s.pixelSpacing().length != 2 || !(s.pixelSpacing()[0] > 0)
                || !(s.pixelSpacing()[1] > 0)) {
            throw new NotAVolumeException(s.source() + ": has no usable Pixel Spacing");
        }
        if (s.frame() != null && s.frame().samples().length() != s.rows() * s.columns()) {
            throw new NotAVolumeException(s.source() + ": its frame holds " + s.frame().samples().length()
                    + " samples, not " + s.rows() + "x" + s.columns());
        }
    }

    public int columns() {
        return columns;
    }

    public int rows() {
        return rows;
    }

    /** Slices of the uniform grid along the stack (acquired slices, plus missing or resampled ones). */
    public int gridSlices() {
        return gridSlices;
    }

    /** Slices acquired. */
    public int acquiredSlices() {
        return acquired.length;
    }

    /** Spacing of the grid in mm: between columns, between rows, between grid slices (along the normal). */
    public double[] spacing() {
        return new double[] {norm(axes[0]), norm(axes[1]), dot(axes[2], cross(unit(axes[0]), unit(axes[1])))};
    }

    /** The patient-coordinate step (mm) of one index along grid axis {@code axis} (0 column, 1 row, 2 slice). */
    public double[] axis(int axis) {
        return axes[axis].clone();
    }

    /** The patient position of voxel (0, 0, 0): the first pixel of the lowest slice along the normal. */
    public double[] origin() {
        return origin.clone();
    }

    /** What the user should know: gantry tilt, missing slices, resampled spacing; empty for a regular volume. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * The pipeline of the first slice loaded (the lowest, for a volume made of decoded frames): units, the file's windows, MONOCHROME1 presentation; null while none
     * is.
     */
    public PixelPipeline pipeline() {
        return firstLoaded == null ? null : firstLoaded.pipeline();
    }

    /** The decoded frame of the slice {@link #pipeline()} belongs to (for a window over its range when the files offer none). */
    public DecodedFrame firstFrame() {
        return firstLoaded == null ? null : firstLoaded.frame();
    }

    /**
     * Gives slice {@code slice} (its index in the list the volume was made of) its decoded frame, for a volume made
     * while its series loads: until then its voxels are NaN, as a gap's. Call from one thread only, the one that
     * reads the volume (the viewer's UI thread); a volume made of decoded frames needs no call.
     *
     * @throws NotAVolumeException when the frame is colour or not of the volume's size
     */
    public void fill(int slice, DecodedFrame frame, PixelPipeline pipeline) throws NotAVolumeException {
        if (pipeline.isColour()) {
            throw new NotAVolumeException("slice " + (slice + 1) + " is in colour: colour images are not a volume of values");
        }
        if (frame.samples().length() != rows * columns) {
            throw new NotAVolumeException("slice " + (slice + 1) + " holds " + frame.samples().length()
                    + " samples, not " + columns + "x" + rows);
        }
        int sorted = acquiredOf[slice];
        acquired[sorted] = new SliceValues(frame.samples(), pipeline);
        if (firstLoaded == null) {
            firstLoaded = new VolumeSlice("slice " + (slice + 1), origin, null, null, rows, columns, frame, pipeline);
        }
    }

    /** The patient point (mm) of the continuous grid index (c, r, k). */
    public double[] patientPoint(double c, double r, double k) {
        double[] p = new double[3];
        for (int a = 0; a < 3; a++) {
            p[a] = origin[a] + c * axes[0][a] + r * axes[1][a] + k * axes[2][a];
        }
        return p;
    }

    /** The continuous grid index (c, r, k) of a patient point. */
    public double[] gridIndex(double[] patient) {
        double[] d = {patient[0] - origin[0], patient[1] - origin[1], patient[2] - origin[2]};
        return multiply(inverse, d);
    }

    /** The grid index change of a patient-coordinate step {@code delta} (mm). */
    double[] gridStep(double[] delta) {
        return multiply(inverse, delta);
    }

    /** The acquired slice (sorted, from 0) nearest grid slice {@code k}; −1 in a gap. */
    int nearestAcquired(int k) {
        if (lower[k] < 0) {
            return -1;
        }
        return upperWeight[k] < 0.5 ? lower[k] : upper[k];
    }

    /**
     * The acquired slice nearest {@code patientPoint} along the stack, as its index in the list the volume was made
     * of (for the viewport that shows the acquired images beside the planes); −1 where the nearest grid slice lies in
     * a gap. Points beyond the volume give its first or last slice.
     */
    public int sliceNearest(double[] patientPoint) {
        int k = Math.clamp(Math.round(gridIndex(patientPoint)[2]), 0, gridSlices - 1);
        int sorted = nearestAcquired(k);
        for (int i = 0; sorted >= 0 && i < acquiredOf.length; i++) {
            if (acquiredOf[i] == sorted) {
                return i;
            }
        }
        return -1;
    }

    /** Where slice {@code slice} of the list the volume was made of lies among the sorted acquired slices. */
    int acquiredIndexOf(int slice) {
        return acquiredOf[slice];
    }

    /**
     * Writes {@code count} voxels of grid slice {@code k} from pixel {@code index} (row-major), {@code stride}
     * pixels apart, to {@code out} from {@code at}: NaN in a gap, interpolated between acquired slices where the grid
     * is resampled. {@code scratch} holds at least {@code count} values.
     */
    void run(int k, int index, int stride, int count, float[] out, int at, float[] scratch) {
        int below = lower[k];
        if (below < 0) {
            java.util.Arrays.fill(out, at, at + count, Float.NaN);
            return;
        }
        acquired[below].run(index, stride, count, out, at);
        double w = upperWeight[k];
        if (w != 0) {
            acquired[upper[k]].run(index, stride, count, scratch, 0);
            for (int i = 0; i < count; i++) {
                out[at + i] = (float) ((1 - w) * out[at + i] + w * scratch[i]);
            }
        }
    }

    /** The acquired slice grid slice {@code k} is exactly (no gap, no interpolation), or −1. */
    int exactAcquired(int k) {
        return lower[k] >= 0 && upperWeight[k] == 0 ? lower[k] : -1;
    }

    /** See {@link SliceValues#slabRun}: a slab all of whose layers lie in acquired slice {@code acquiredSlice}. */
    void slabRun(int acquiredSlice, int index, int stride, int delta, int layers, int count, Slab.Mode mode,
                 float[] out, int at) {
        acquired[acquiredSlice].slabRun(index, stride, delta, layers, count, mode, out, at);
    }

    /** The value of grid voxel (c, r, k), NaN in a gap. */
    public float voxel(int c, int r, int k) {
        int below = lower[k];
        if (below < 0) {
            return Float.NaN;
        }
        int index = r * columns + c;
        double w = upperWeight[k];
        if (w == 0) {
            return acquired[below].value(index);
        }
        return (float) ((1 - w) * acquired[below].value(index) + w * acquired[upper[k]].value(index));
    }

    /**
     * The value at the continuous grid index (c, r, k): trilinear between the eight voxels around it, the voxel
     * itself when the index is whole; NaN outside the volume or where a voxel it needs lies in a gap.
     */
    public float sample(double c, double r, double k) {
        if (!(c >= -INDEX_EPSILON && c <= columns - 1 + INDEX_EPSILON && r >= -INDEX_EPSILON
                && r <= rows - 1 + INDEX_EPSILON && k >= -INDEX_EPSILON && k <= gridSlices - 1 + INDEX_EPSILON)) {
            return Float.NaN;
        }
        int c0 = floorWithin(c, columns);
        int r0 = floorWithin(r, rows);
        int k0 = floorWithin(k, gridSlices);
        double fc = fraction(c - c0);
        double fr = fraction(r - r0);
        double fk = fraction(k - k0);
        if (fc == 0 && fr == 0 && fk == 0) {
            return voxel(c0, r0, k0);
        }
        double sum = 0;
        for (int dk = 0; dk < 2; dk++) {
            double wk = dk == 0 ? 1 - fk : fk;
            if (wk == 0) {
                continue;
            }
            for (int dr = 0; dr < 2; dr++) {
                double wr = dr == 0 ? 1 - fr : fr;
                if (wr == 0) {
                    continue;
                }
                for (int dc = 0; dc < 2; dc++) {
                    double wc = dc == 0 ? 1 - fc : fc;
                    if (wc == 0) {
                        continue;
                    }
                    sum += wk * wr * wc * voxel(c0 + dc, r0 + dr, k0 + dk);
                }
            }
        }
        return (float) sum;
    }

    /** The lower voxel of a continuous index inside [0, size − 1], so that index + 1 is inside too when size > 1. */
    private static int floorWithin(double index, int size) {
        return Math.clamp((long) Math.floor(index), 0, Math.max(0, size - 2));
    }

    /** A fraction clamped to [0, 1], whole numbers within the epsilon snapped to 0 or 1. */
    private static double fraction(double f) {
        if (f < INDEX_EPSILON) {
            return 0;
        }
        if (f > 1 - INDEX_EPSILON) {
            return 1;
        }
        return f;
    }

    // Small 3-vector helpers.

    private static double[] unit(double[] v, VolumeSlice s) throws NotAVolumeException {
        double length = norm(v);
        if (!(length > 0.5 && length < 1.5)) {
            throw new NotAVolumeException(s.source() + ": its Image Orientation (Patient) is not made of direction cosines");
        }
        return scale(v, 1 / length);
    }

    private static double[] unit(double[] v) {
        return scale(v, 1 / norm(v));
    }

    static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double norm(double[] v) {
        return Math.sqrt(dot(v, v));
    }

    private static double[] scale(double[] v, double s) {
        return new double[] {v[0] * s, v[1] * s, v[2] * s};
    }

    private static double[] multiply(double[][] m, double[] v) {
        return new double[] {m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
                m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
                m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2]};
    }

    /** The inverse of the matrix whose columns are {@code columns[0..2]}, as rows of the result. */
    private static double[][] invert(double[][] columns) {
        double[] a = columns[0];
        double[] b = columns[1];
        double[] c = columns[2];
        double det = dot(a, cross(b, c));
        double[] r0 = scale(cross(b, c), 1 / det);
        double[] r1 = scale(cross(c, a), 1 / det);
        double[] r2 = scale(cross(a, b), 1 / det);
        return new double[][] {r0, r1, r2};
    }

    private static String text(double[] values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            if (!s.isEmpty()) {
                s.append('\\');
            }
            s.append(format(v));
        }
        return s.toString();
    }

    static String format(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        return s.equals("-0") ? "0" : s;
    }
}
