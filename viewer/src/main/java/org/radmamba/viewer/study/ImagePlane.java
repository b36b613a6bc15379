package org.radmamba.viewer.study;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.Tag;

import java.util.List;
import java.util.Optional;

/**
 * Image Plane attributes, from the top level or, for enhanced multi-frame images, from the first frame's (or
 * the shared) functional groups.
 */
final class ImagePlane {

    private ImagePlane() {
    }

    static Optional<double[]> position(DicomDataset ds) {
        return values(ds, Tag.IMAGE_POSITION_PATIENT, Tag.PLANE_POSITION_SEQUENCE, 3);
    }

    static Optional<double[]> orientation(DicomDataset ds) {
        return values(ds, Tag.IMAGE_ORIENTATION_PATIENT, Tag.PLANE_ORIENTATION_SEQUENCE, 6);
    }

    static Optional<double[]> pixelSpacing(DicomDataset ds) {
        return values(ds, Tag.PIXEL_SPACING, 0x00289110 /* Pixel Measures Sequence */, 2);
    }

    /** Imager Pixel Spacing (0018,1164) of projection images; top level only, as the DX, CR and MG IODs put it. */
    static Optional<double[]> imagerPixelSpacing(DicomDataset ds) {
        double[] v = ds.doubles(0x00181164);
        return v.length == 2 ? Optional.of(v) : Optional.empty();
    }

    private static Optional<double[]> values(DicomDataset ds, int tag, int functionalGroup, int count) {
        double[] top = ds.doubles(tag);
        if (top.length == count) {
            return Optional.of(top);
        }
        for (int groups : new int[] {Tag.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE, Tag.SHARED_FUNCTIONAL_GROUPS_SEQUENCE}) {
            List<DicomDataset> items = ds.sequence(groups);
            if (!items.isEmpty()) {
                List<DicomDataset> inner = items.get(0).sequence(functionalGroup);
                if (!inner.isEmpty()) {
                    double[] v = inner.get(0).doubles(tag);
                    if (v.length == count) {
                        return Optional.of(v);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
