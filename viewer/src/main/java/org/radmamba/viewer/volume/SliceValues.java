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

    /**
     * Writes the values of {@code count} pixels from {@code index}, {@code stride} pixels apart, to {@code out} from
     * {@code at}: a row or a column of the slice, read without a call per pixel.
     */
    void run(int index, int stride, int count, float[] out, int at) {
        if (shorts != null) {
            short[] in = shorts;
            int from = offset + index;
            if (stride == 1 && !signed) {
                // A row: a loop the JIT vectorises.
                for (int i = 0; i < count; i++) {
                    out[at + i] = (float) ((in[from + i] & mask) * slope + intercept);
                }
                return;
            }
            if (signed) {
                for (int i = 0; i < count; i++, from += stride) {
                    out[at + i] = (float) (((in[from] << shift) >> shift) * slope + intercept);
                }
            } else {
                for (int i = 0; i < count; i++, from += stride) {
                    out[at + i] = (float) ((in[from] & mask) * slope + intercept);
                }
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            out[at + i] = value(index + i * stride);
        }
    }

    /**
     * A slab whose layers all lie in this slice, {@code delta} pixels apart (a sagittal slab of axial slices: the
     * layers are neighbouring columns): for each of {@code count} pixels from {@code index}, {@code stride} apart,
     * the layers combined by {@code mode}, read from adjacent memory.
     */
    void slabRun(int index, int stride, int delta, int layers, int count, Slab.Mode mode, float[] out, int at) {
        if (shorts != null && mode != Slab.Mode.AVERAGE) {
            // The extreme stored value is the extreme modality value (the rescale is monotonic): compare integers,
            // convert once.
            boolean highest = (mode == Slab.Mode.MIP) == (slope > 0);
            for (int i = 0; i < count; i++) {
                int from = offset + index + i * stride;
                int best = stored(shorts[from]);
                for (int j = 1; j < layers; j++) {
                    int v = stored(shorts[from + j * delta]);
                    best = highest ? Math.max(best, v) : Math.min(best, v);
                }
                out[at + i] = (float) (best * slope + intercept);
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            int base = index + i * stride;
            float combined = mode == Slab.Mode.MINIP ? Float.POSITIVE_INFINITY
                    : mode == Slab.Mode.MIP ? Float.NEGATIVE_INFINITY : 0;
            for (int j = 0; j < layers; j++) {
                float v = value(base + j * delta);
                combined = switch (mode) {
                    case MIP -> Math.max(combined, v);
                    case MINIP -> Math.min(combined, v);
                    case AVERAGE -> combined + v;
                };
            }
            out[at + i] = mode == Slab.Mode.AVERAGE ? combined / layers : combined;
        }
    }

    private int stored(short raw) {
        return signed ? (raw << shift) >> shift : raw & mask;
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
