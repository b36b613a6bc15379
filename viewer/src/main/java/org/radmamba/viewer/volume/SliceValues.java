package org.radmamba.viewer.volume;

import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.pixel.PixelPipeline;

/**
 * The modality values of one slice, read from its decoded samples where they lie (no copy). 16-bit frames with a
 * linear rescale, what CT and MR nearly always are, are read inline; anything else through the slice's pipeline.
 */
final class SliceValues {

    /** A slice whose frame has not arrived yet: no values (NaN) until it does. */
    static final SliceValues NOT_LOADED = new SliceValues();

    private final short[] shorts;
    private final int offset;
    private final int shift;
    private final boolean signed;
    private final int mask;
    private final double slope;
    private final double intercept;
    private final Samples samples;
    private final PixelPipeline pipeline;

    private SliceValues() {
        this.shorts = null;
        this.offset = 0;
        this.signed = false;
        this.shift = 0;
        this.mask = 0;
        this.slope = 1;
        this.intercept = 0;
        this.samples = null;
        this.pipeline = null;
    }

    SliceValues(Samples samples, PixelPipeline pipeline) {
        this.samples = samples;
        this.pipeline = pipeline;
        FrameFormat format = pipeline.format();
        if (samples instanceof Samples.Shorts s && !format.floatingPoint() && !pipeline.hasModalityLut()) {
            this.shorts = s.array();
            this.offset = s.offset();
            this.signed = format.signed();
            this.shift = 32 - format.bitsStored();
            this.mask = (1 << format.bitsStored()) - 1;
            this.slope = pipeline.modalityValue(1) - pipeline.modalityValue(0);
            this.intercept = pipeline.modalityValue(0);
        } else {
            this.shorts = null;
            this.offset = 0;
            this.signed = false;
            this.shift = 0;
            this.mask = 0;
            this.slope = 1;
            this.intercept = 0;
        }
    }

    /** The modality value of pixel {@code index} (row-major) of the slice. */
    float value(int index) {
        if (shorts != null) {
            int raw = shorts[offset + index];
            int stored = signed ? (raw << shift) >> shift : raw & mask;
            return (float) (stored * slope + intercept);
        }
        return pipeline == null ? Float.NaN : (float) pipeline.modalityValueAt(samples, index);
    }
}
