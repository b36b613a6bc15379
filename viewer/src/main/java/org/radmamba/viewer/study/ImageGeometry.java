package org.radmamba.viewer.study;

import java.util.Optional;

/**
 * Where an image lies. Arrays are null when the file lacks the attribute.
 *
 * @param imagePositionPatient    (0020,0032), x y z in mm, of the first frame
 * @param imageOrientationPatient (0020,0037), row then column direction cosines
 * @param pixelSpacing            (0028,0030), row spacing then column spacing, in mm, in the patient
 * @param sliceThickness          (0018,0050) in mm, NaN when absent
 * @param imagerPixelSpacing      (0018,1164), row then column spacing in mm at the detector plane (projection
 *                                radiography: not corrected for the geometric magnification of the patient)
 */
public record ImageGeometry(int rows, int columns, double[] imagePositionPatient, double[] imageOrientationPatient,
                            double[] pixelSpacing, double sliceThickness, double[] imagerPixelSpacing) {

    /** Without Imager Pixel Spacing (cross-sectional images and photographs). */
    public ImageGeometry(int rows, int columns, double[] imagePositionPatient, double[] imageOrientationPatient,
                         double[] pixelSpacing, double sliceThickness) {
        this(rows, columns, imagePositionPatient, imageOrientationPatient, pixelSpacing, sliceThickness, null);
    }

    /** The slice normal, row cosines × column cosines; empty without a usable orientation. */
    public Optional<double[]> sliceNormal() {
        double[] o = imageOrientationPatient;
        if (o == null || o.length != 6) {
            return Optional.empty();
        }
        double[] n = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
        double length = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        return length < 1e-6 ? Optional.empty() : Optional.of(new double[] {n[0] / length, n[1] / length, n[2] / length});
    }

    /** Position along the slice normal in mm; empty without position or orientation. */
    public Optional<Double> positionAlongNormal() {
        if (imagePositionPatient == null || imagePositionPatient.length != 3) {
            return Optional.empty();
        }
        return sliceNormal().map(n -> n[0] * imagePositionPatient[0] + n[1] * imagePositionPatient[1]
                + n[2] * imagePositionPatient[2]);
    }
}
