package org.radmamba.viewer.fx.model;

import org.radmamba.viewer.fx.measure.PixelValues;

/**
 * A reformatted plane's values for ROI statistics: modality values already (a reformat has no stored values of its
 * own, so the stored value is the modality value too), NaN where the plane has none.
 */
record PlanePixelValues(float[] values, int width, int height, String unit) implements PixelValues {

    @Override
    public double stored(int x, int y) {
        return real(x, y);
    }

    @Override
    public double real(int x, int y) {
        return values[y * width + x];
    }
}
