package org.radmamba.viewer.volume;

import java.util.List;

/**
 * A label mask per acquired slice of a {@link Volume} (a segmentation run over the series, or a DICOM Segmentation
 * read back): 0 background, k for class k. Planes through it take the label of the nearest voxel (labels are not
 * interpolated); slices without a mask are background. The masks are referenced, not copied. Filled on one thread.
 */
public final class LabelVolume {

    private final Volume volume;
    private final byte[][] labels;
    private final List<String> names;

    /** @param names class names, {@code names.get(k - 1)} for label k */
    public LabelVolume(Volume volume, List<String> names) {
        this.volume = volume;
        this.labels = new byte[volume.acquiredSlices()][];
        this.names = List.copyOf(names);
    }

    /** The mask of slice {@code slice} (its index in the list the volume was made of), rows × columns. */
    public void set(int slice, byte[] mask) {
        if (mask.length != volume.rows() * volume.columns()) {
            throw new IllegalArgumentException("a mask of slice " + (slice + 1) + " has " + mask.length + " labels, not "
                    + volume.columns() + "x" + volume.rows());
        }
        labels[volume.acquiredIndexOf(slice)] = mask;
    }

    public List<String> names() {
        return names;
    }

    /** The label of grid voxel (c, r, k): the nearest acquired slice's, 0 in a gap or where no mask is. */
    public int label(int c, int r, int k) {
        int acquired = volume.nearestAcquired(k);
        if (acquired < 0 || labels[acquired] == null) {
            return 0;
        }
        return labels[acquired][r * volume.columns() + c] & 0xFF;
    }

    /**
     * The volume of each class in millilitres, index k − 1 for label k: its voxels in the acquired slices times the
     * voxel's volume (pixel area × the slice spacing of the grid).
     */
    public double[] classVolumesMl() {
        long[] counts = new long[Math.max(names.size(), 1)];
        for (byte[] mask : labels) {
            if (mask == null) {
                continue;
            }
            for (byte b : mask) {
                int k = b & 0xFF;
                if (k > 0) {
                    if (k > counts.length) {
                        counts = java.util.Arrays.copyOf(counts, k);
                    }
                    counts[k - 1]++;
                }
            }
        }
        double[] spacing = volume.spacing();
        double voxelMl = spacing[0] * spacing[1] * spacing[2] / 1000;
        double[] ml = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            ml[i] = counts[i] * voxelMl;
        }
        return ml;
    }

    Volume volume() {
        return volume;
    }
}
