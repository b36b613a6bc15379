package org.radmamba.viewer.study;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.Tag;

import java.util.List;
import java.util.Optional;

/**
 * Image Plane attributes, from the top level or, for enhanced multi-frame images, from a frame's (by default the
 * first frame's) or the shared functional groups.
 */
public final class ImagePlane {

    private ImagePlane() {
    }

    /** The Pixel Measures functional group (0028,9110). */
    public static final int PIXEL_MEASURES_SEQUENCE = 0x00289110;

    static Optional<double[]> position(DicomDataset ds) {
        return position(ds, 1);
    }

    /** Image Position (Patient) of frame {@code frameNumber} (1-based). */
    public static Optional<double[]> position(DicomDataset ds, int frameNumber) {
        return values(ds, Tag.IMAGE_POSITION_PATIENT, Tag.PLANE_POSITION_SEQUENCE, frameNumber, 3);
    }

    public static Optional<double[]> orientation(DicomDataset ds) {
        return orientation(ds, 1);
    }

    /** Image Orientation (Patient) of frame {@code frameNumber} (1-based). */
    public static Optional<double[]> orientation(DicomDataset ds, int frameNumber) {
        return values(ds, Tag.IMAGE_ORIENTATION_PATIENT, Tag.PLANE_ORIENTATION_SEQUENCE, frameNumber, 6);
    }

    public static Optional<double[]> pixelSpacing(DicomDataset ds) {
        return pixelSpacing(ds, 1);
    }

    /** Pixel Spacing of frame {@code frameNumber} (1-based). */
    public static Optional<double[]> pixelSpacing(DicomDataset ds, int frameNumber) {
        return values(ds, Tag.PIXEL_SPACING, PIXEL_MEASURES_SEQUENCE, frameNumber, 2);
    }

    /** Imager Pixel Spacing (0018,1164) of projection images; top level only, as the DX, CR and MG IODs put it. */
    static Optional<double[]> imagerPixelSpacing(DicomDataset ds) {
        double[] v = ds.doubles(0x00181164);
        return v.length == 2 ? Optional.of(v) : Optional.empty();
    }

    /** A top-level value, else frame {@code frameNumber}'s per-frame functional group, else the shared one. */
    private static Optional<double[]> values(DicomDataset ds, int tag, int functionalGroup, int frameNumber, int count) {
        double[] top = ds.doubles(tag);
        if (top.length == count) {
            return Optional.of(top);
        }
        List<DicomDataset> perFrame = ds.sequence(Tag.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE);
        List<DicomDataset> shared = ds.sequence(Tag.SHARED_FUNCTIONAL_GROUPS_SEQUENCE);
        for (DicomDataset group : new DicomDataset[] {
                perFrame.size() >= frameNumber ? perFrame.get(frameNumber - 1) : null,
                shared.isEmpty() ? null : shared.getFirst()}) {
            if (group == null) {
                continue;
            }
            List<DicomDataset> inner = group.sequence(functionalGroup);
            if (!inner.isEmpty() && inner.getFirst().doubles(tag).length == count) {
                return Optional.of(inner.getFirst().doubles(tag));
            }
        }
        return Optional.empty();
    }
}
