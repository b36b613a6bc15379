package org.radmamba.viewer.fx.model;

import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.fx.measure.PixelValues;
import org.radmamba.viewer.pixel.PixelPipeline;

/**
 * A decoded frame's values for ROI statistics and the probe, through the DICOM layer's pipeline (masking, sign,
 * modality LUT). Colour frames give the mean of the three samples as both stored and real value.
 */
record FramePixelValues(DecodedFrame frame, PixelPipeline pipeline) implements PixelValues {

    @Override
    public int width() {
        return pipeline.format().columns();
    }

    @Override
    public int height() {
        return pipeline.format().rows();
    }

    @Override
    public double stored(int x, int y) {
        FrameFormat f = pipeline.format();
        Samples samples = frame.samples();
        if (pipeline.isColour() && f.samplesPerPixel() == 3) {
            int i = (y * f.columns() + x) * 3;
            return (pipeline.storedValue(samples, i) + pipeline.storedValue(samples, i + 1)
                    + pipeline.storedValue(samples, i + 2)) / 3.0;
        }
        // sampleValue, not storedValue: float pixel data (parametric maps) must not be rounded.
        return pipeline.sampleValue(samples, y * f.columns() + x);
    }

    @Override
    public double real(int x, int y) {
        if (pipeline.isColour()) {
            return stored(x, y);
        }
        return pipeline.modalityValueAt(frame.samples(), y * pipeline.format().columns() + x);
    }

    @Override
    public String unit() {
        return pipeline.isColour() ? "" : pipeline.units();
    }
}
