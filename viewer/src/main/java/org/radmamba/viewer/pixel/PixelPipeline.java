package org.radmamba.viewer.pixel;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.Samples;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The grey-scale and colour pixel pipeline on stored values (PS3.3 C.11, PS3.4 N.2): modality LUT (rescale or
 * Modality LUT Sequence) → VOI (window LINEAR / LINEAR_EXACT / SIGMOID, or VOI LUT) → presentation
 * (MONOCHROME1 inverted) → 8-bit display values. Colour images (RGB, YBR_FULL, YBR_FULL_422, PALETTE COLOR)
 * bypass modality and VOI. One pipeline describes the frames of one image (or one frame of an enhanced
 * multi-frame image, whose functional groups may differ per frame). Float pixel data (parametric maps) go
 * through rescale and VOI as the real numbers they are, never rounded to integers. Thread-safe.
 */
public final class PixelPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(PixelPipeline.class);
    /** Stored values up to this many bits get a precomputed display LUT over their whole range. */
    private static final int MAX_LUT_BITS = 16;

    private final FrameFormat format;
    private final boolean monochrome1;
    private final double rescaleSlope;
    private final double rescaleIntercept;
    private final LookupTable modalityLut;
    private final String units;
    private final List<Voi> vois;
    private final LookupTable[] palette;

    private volatile CachedDisplayLut cachedDisplayLut;

    private record CachedDisplayLut(Voi voi, byte[] lut) {
    }

    private PixelPipeline(FrameFormat format, double rescaleSlope, double rescaleIntercept, LookupTable modalityLut,
                          String units, List<Voi> vois, LookupTable[] palette) {
        this.format = format;
        this.monochrome1 = "MONOCHROME1".equals(format.photometricInterpretation());
        this.rescaleSlope = rescaleSlope;
        this.rescaleIntercept = rescaleIntercept;
        this.modalityLut = modalityLut;
        this.units = units;
        this.vois = List.copyOf(vois);
        this.palette = palette;
    }

    /**
     * A pipeline that shows stored values as they are (photographs): its one VOI spans the whole stored range,
     * so 8-bit grey values display unchanged.
     */
    public static PixelPipeline identity(FrameFormat format) {
        double top = Math.pow(2, format.bitsStored()) - 1;
        Voi fullScale = new Voi.Window((top + 1) / 2, top + 1, VoiFunction.LINEAR, "Full scale");
        return new PixelPipeline(format, 1, 0, null, "", List.of(fullScale), null);
    }

    /**
     * The pipeline the dataset describes for frame {@code frameIndex}: the Image Pixel, Modality LUT and VOI LUT
     * modules, overridden by the enhanced multi-frame functional groups (shared, then per frame) when present.
     */
    public static PixelPipeline fromDataset(DicomDataset dataset, FrameFormat format, int frameIndex) {
        DicomDataset transform = functionalGroupItem(dataset, frameIndex, Tag.PIXEL_VALUE_TRANSFORMATION_SEQUENCE);
        DicomDataset rescaleSource = transform != null ? transform : dataset;
        double slope = rescaleSource.decimal(Tag.RESCALE_SLOPE).orElse(1);
        double intercept = rescaleSource.decimal(Tag.RESCALE_INTERCEPT).orElse(0);
        if (slope == 0 || !Double.isFinite(slope) || !Double.isFinite(intercept)) {
            LOG.warn("ignoring Rescale Slope {} / Intercept {}: not a usable linear transform", slope, intercept);
            slope = 1;
            intercept = 0;
        }
        boolean monochrome = format.samplesPerPixel() == 1
                && format.photometricInterpretation().toUpperCase(Locale.ROOT).startsWith("MONOCHROME");
        LookupTable modalityLut = null;
        // A Modality LUT indexes integer stored values; float pixel data has none (PS3.3 C.7.6.24).
        if (monochrome && !format.floatingPoint()) {
            List<DicomDataset> items = dataset.sequence(Tag.MODALITY_LUT_SEQUENCE);
            if (!items.isEmpty()) {
                modalityLut = readLut(items.get(0), format.signed());
            }
        }
        String units = rescaleSource.string(Tag.RESCALE_TYPE)
                .orElse(modalityLut == null && "CT".equals(dataset.string(Tag.MODALITY, "")) ? "HU" : "");
        if (modalityLut != null) {
            units = items0String(dataset, Tag.MODALITY_LUT_TYPE, units);
        }

        List<Voi> vois = new ArrayList<>();
        if (monochrome) {
            DicomDataset voiSource = functionalGroupItem(dataset, frameIndex, Tag.FRAME_VOI_LUT_SEQUENCE);
            vois.addAll(windows(voiSource != null ? voiSource : dataset));
            boolean lutInputSigned = format.signed() || intercept < 0 || modalityLut != null;
            for (DicomDataset item : dataset.sequence(Tag.VOI_LUT_SEQUENCE)) {
                LookupTable table = readLut(item, lutInputSigned);
                if (table != null) {
                    vois.add(new Voi.Lut(table, item.string(Tag.LUT_EXPLANATION, "VOI LUT " + (vois.size() + 1))));
                }
            }
        }
        LookupTable[] palette = "PALETTE COLOR".equals(format.photometricInterpretation())
                ? PaletteLuts.read(dataset, format.signed()) : null;
        return new PixelPipeline(format, slope, intercept, modalityLut, units, vois, palette);
    }

    private static String items0String(DicomDataset dataset, int tag, String whenAbsent) {
        return dataset.sequence(Tag.MODALITY_LUT_SEQUENCE).get(0).string(tag, whenAbsent);
    }

    private static DicomDataset functionalGroupItem(DicomDataset dataset, int frameIndex, int sequenceTag) {
        List<DicomDataset> perFrame = dataset.sequence(Tag.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE);
        if (frameIndex < perFrame.size()) {
            List<DicomDataset> items = perFrame.get(frameIndex).sequence(sequenceTag);
            if (!items.isEmpty()) {
                return items.get(0);
            }
        }
        List<DicomDataset> shared = dataset.sequence(Tag.SHARED_FUNCTIONAL_GROUPS_SEQUENCE);
        if (!shared.isEmpty()) {
            List<DicomDataset> items = shared.get(0).sequence(sequenceTag);
            if (!items.isEmpty()) {
                return items.get(0);
            }
        }
        return null;
    }

    private static List<Voi> windows(DicomDataset source) {
        double[] centers = source.doubles(Tag.WINDOW_CENTER);
        double[] widths = source.doubles(Tag.WINDOW_WIDTH);
        List<String> explanations = source.strings(Tag.WINDOW_CENTER_WIDTH_EXPLANATION);
        VoiFunction function = VoiFunction.parse(source.string(Tag.VOI_LUT_FUNCTION, null));
        List<Voi> windows = new ArrayList<>();
        for (int i = 0; i < Math.min(centers.length, widths.length); i++) {
            double width = widths[i];
            boolean usable = Double.isFinite(centers[i]) && width > 0 && (function != VoiFunction.LINEAR || width >= 1);
            if (!usable) {
                LOG.warn("ignoring window {} (centre {}, width {}): width out of range for {}", i + 1, centers[i], width, function);
                continue;
            }
            String explanation = i < explanations.size() && !explanations.get(i).isEmpty()
                    ? explanations.get(i) : "Window " + (i + 1);
            windows.add(new Voi.Window(centers[i], width, function, explanation));
        }
        return windows;
    }

    /** A LUT from an item with LUT Descriptor and LUT Data; null (logged) when the item is unusable. */
    static LookupTable readLut(DicomDataset item, boolean firstMappedSigned) {
        int[] descriptor = item.ints(Tag.LUT_DESCRIPTOR);
        int[] data = item.ints(Tag.LUT_DATA);
        return LutData.table(descriptor, data, firstMappedSigned, "LUT");
    }

    public FrameFormat format() {
        return format;
    }

    /** True when frames are shown in colour (RGB, YBR, PALETTE COLOR); modality and VOI then do not apply. */
    public boolean isColour() {
        return format.samplesPerPixel() == 3 || palette != null;
    }

    /** The VOIs the file offers, windows first, in file order; empty when it has none. */
    public List<Voi> vois() {
        return vois;
    }

    /** True when a Modality LUT Sequence, not a linear rescale, maps stored values to modality values. */
    public boolean hasModalityLut() {
        return modalityLut != null;
    }

    /** Units of modality values: Rescale Type or Modality LUT Type, "HU" for CT; empty when unknown. */
    public String units() {
        return units;
    }

    /** The file's first VOI, or a window over the frame's whole range of modality values when it has none. */
    public Voi defaultVoi(DecodedFrame frame) {
        return vois.isEmpty() ? fullRangeWindow(frame) : vois.get(0);
    }

    /**
     * A window whose ends are the frame's smallest and largest modality values: LINEAR for integer samples,
     * LINEAR_EXACT for float samples, whose range may be a fraction of 1 that LINEAR's width of at least 1 would crush.
     */
    public Voi.Window fullRangeWindow(DecodedFrame frame) {
        Samples samples = frame.samples();
        if (format.floatingPoint()) {
            return floatFullRangeWindow(samples);
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < samples.length(); i++) {
            long value = storedValue(samples, i);
            if (value < min) {
                min = value;
            }
            if (value > max) {
                max = value;
            }
        }
        if (samples.length() == 0) {
            min = 0;
            max = 0;
        }
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        if (modalityLut != null) {
            for (long v = Math.max(min, modalityLut.firstMapped() - 1L);
                 v <= Math.min(max, (long) modalityLut.firstMapped() + modalityLut.data().length); v++) {
                double m = modalityLut.lookup(v);
                low = Math.min(low, m);
                high = Math.max(high, m);
            }
            low = Math.min(low, Math.min(modalityLut.lookup(min), modalityLut.lookup(max)));
            high = Math.max(high, Math.max(modalityLut.lookup(min), modalityLut.lookup(max)));
        } else {
            double a = min * rescaleSlope + rescaleIntercept;
            double b = max * rescaleSlope + rescaleIntercept;
            low = Math.min(a, b);
            high = Math.max(a, b);
        }
        // With LINEAR, centre (low+high+1)/2 and width high−low+1 map low to 0 and high to the top exactly.
        return new Voi.Window((low + high + 1) / 2, high - low + 1, VoiFunction.LINEAR, "Full range");
    }

    private Voi.Window floatFullRangeWindow(Samples samples) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < samples.length(); i++) {
            double m = modalityValueAt(samples, i);
            if (Double.isFinite(m)) {
                low = Math.min(low, m);
                high = Math.max(high, m);
            }
        }
        if (low > high) {
            low = 0;
            high = 0;
        }
        double width = high - low;
        if (!(width > 0) || !Double.isFinite(width)) {
            width = Math.max(Math.ulp(high), 1e-12);
        }
        return new Voi.Window((low + high) / 2, width, VoiFunction.LINEAR_EXACT, "Full range");
    }

    /**
     * The stored value of sample {@code index}: masked to Bits Stored, sign-extended when signed; for float pixel
     * data the value rounded to the nearest integer (use {@link #sampleValue} for the value itself).
     */
    public long storedValue(Samples samples, int index) {
        if (format.floatingPoint()) {
            return Math.round(samples.value(index));
        }
        int raw = samples.rawBits(index);
        int bitsStored = format.bitsStored();
        if (bitsStored >= 32) {
            return format.signed() ? raw : raw & 0xFFFFFFFFL;
        }
        int shift = 32 - bitsStored;
        return format.signed() ? (raw << shift) >> shift : raw & ((1 << bitsStored) - 1);
    }

    /** The stored value of sample {@code index} as a number: exact for integer and float samples alike. */
    public double sampleValue(Samples samples, int index) {
        return format.floatingPoint() ? samples.value(index) : storedValue(samples, index);
    }

    /** The modality value of sample {@code index}: rescale (or modality LUT) of its exact stored value. */
    public double modalityValueAt(Samples samples, int index) {
        if (format.floatingPoint()) {
            return samples.value(index) * rescaleSlope + rescaleIntercept;
        }
        return modalityValue(storedValue(samples, index));
    }

    /** The modality LUT applied to a stored value: real-world value such as HU. */
    public double modalityValue(long storedValue) {
        return modalityLut != null ? modalityLut.lookup(storedValue) : storedValue * rescaleSlope + rescaleIntercept;
    }

    /** The modality value at a pixel (HU for CT); empty for colour images. */
    public OptionalDouble modalityValue(DecodedFrame frame, int column, int row) {
        if (isColour()) {
            return OptionalDouble.empty();
        }
        checkPixel(column, row);
        return OptionalDouble.of(modalityValueAt(frame.samples(), row * format.columns() + column));
    }

    /** Every pixel's modality value (HU for CT), row by row; monochrome frames only. */
    public void toModalityValues(DecodedFrame frame, float[] out) {
        requireMonochrome("modality values");
        Samples samples = frame.samples();
        checkLength(out.length, samples.length());
        for (int i = 0; i < samples.length(); i++) {
            out[i] = (float) modalityValueAt(samples, i);
        }
    }

    /** Display value 0..255 of a modality value under {@code voi}, before presentation. */
    public static double voiOutput(Voi voi, double x) {
        final double yMin = 0;
        final double yMax = 255;
        return switch (voi) {
            case Voi.Window w -> switch (w.function()) {
                case LINEAR -> {
                    double c = w.center();
                    double width = w.width();
                    if (x <= c - 0.5 - (width - 1) / 2) {
                        yield yMin;
                    } else if (x > c - 0.5 + (width - 1) / 2) {
                        yield yMax;
                    }
                    yield ((x - (c - 0.5)) / (width - 1) + 0.5) * (yMax - yMin) + yMin;
                }
                case LINEAR_EXACT -> {
                    double c = w.center();
                    double width = w.width();
                    if (x <= c - width / 2) {
                        yield yMin;
                    } else if (x > c + width / 2) {
                        yield yMax;
                    }
                    yield ((x - c) / width + 0.5) * (yMax - yMin) + yMin;
                }
                case SIGMOID -> (yMax - yMin) / (1 + Math.exp(-4 * (x - w.center()) / w.width())) + yMin;
            };
            case Voi.Lut l -> (double) l.table().lookup(x) * (yMax - yMin) / l.table().maxOutput() + yMin;
        };
    }

    /** The 8-bit display value of a stored value: modality, VOI, then presentation (MONOCHROME1 inverted). */
    public int displayValue(long storedValue, Voi voi) {
        return displayValueOfModality(modalityValue(storedValue), voi);
    }

    private int displayValueOfModality(double modalityValue, Voi voi) {
        int y = (int) Math.round(voiOutput(voi, modalityValue));
        y = Math.clamp(y, 0, 255);
        return monochrome1 ? 255 - y : y;
    }

    /**
     * Fills {@code out} (rows × columns, row by row) with 8-bit grey display values of a monochrome frame.
     *
     * @throws IllegalStateException for colour images (use {@link #toArgb})
     */
    public void toGrey(DecodedFrame frame, Voi voi, byte[] out) {
        requireMonochrome("grey display values");
        Samples samples = frame.samples();
        checkLength(out.length, samples.length());
        byte[] lut = displayLut(voi);
        if (lut != null) {
            int mask = lut.length - 1;
            switch (samples) {
                case Samples.Bytes b -> {
                    byte[] in = b.data();
                    for (int i = 0; i < in.length; i++) {
                        out[i] = lut[in[i] & mask];
                    }
                }
                case Samples.Shorts s -> {
                    short[] in = s.array();
                    int from = s.offset();
                    for (int i = 0; i < out.length; i++) {
                        out[i] = lut[in[from + i] & mask];
                    }
                }
                case Samples.Ints n -> {
                    int[] in = n.data();
                    for (int i = 0; i < in.length; i++) {
                        out[i] = lut[in[i] & mask];
                    }
                }
                case Samples.Floats _, Samples.Doubles _ -> throw new IllegalStateException("float samples have no LUT");
            }
            return;
        }
        for (int i = 0; i < samples.length(); i++) {
            out[i] = (byte) displayValueOfModality(modalityValueAt(samples, i), voi);
        }
    }

    /**
     * Fills {@code out} (rows × columns, row by row) with opaque ARGB display pixels, for a JavaFX
     * {@code PixelFormat.getIntArgbInstance()}. {@code voi} applies to monochrome frames and is ignored for colour.
     */
    public void toArgb(DecodedFrame frame, Voi voi, int[] out) {
        int pixels = format.rows() * format.columns();
        checkLength(out.length, pixels);
        if (!isColour()) {
            byte[] grey = new byte[pixels];
            toGrey(frame, voi, grey);
            for (int i = 0; i < pixels; i++) {
                int g = grey[i] & 0xFF;
                out[i] = 0xFF000000 | g << 16 | g << 8 | g;
            }
            return;
        }
        Samples samples = frame.samples();
        if (palette != null) {
            for (int i = 0; i < pixels; i++) {
                long index = storedValue(samples, i);
                out[i] = 0xFF000000 | to8Bits(palette[0], index) << 16 | to8Bits(palette[1], index) << 8 | to8Bits(palette[2], index);
            }
            return;
        }
        String photometric = frame.photometricInterpretation().toUpperCase(Locale.ROOT);
        boolean ybr = photometric.startsWith("YBR_FULL");
        int downshift = Math.max(0, format.bitsStored() - 8);
        for (int i = 0, s = 0; i < pixels; i++, s += 3) {
            int a = (int) (storedValue(samples, s) >> downshift);
            int b = (int) (storedValue(samples, s + 1) >> downshift);
            int c = (int) (storedValue(samples, s + 2) >> downshift);
            out[i] = ybr ? Colour.ybrFullToArgb(a, b, c) : 0xFF000000 | clamp8(a) << 16 | clamp8(b) << 8 | clamp8(c);
        }
    }

    private static int to8Bits(LookupTable table, long index) {
        int value = table.lookup(index);
        return table.bitsPerEntry() > 8 ? clamp8(value >> (table.bitsPerEntry() - 8)) : clamp8(value);
    }

    static int clamp8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** The display LUT indexed by raw stored bits, cached for the last VOI; null when stored values are too wide. */
    private byte[] displayLut(Voi voi) {
        if (format.bitsStored() > MAX_LUT_BITS || format.floatingPoint()) {
            return null;
        }
        CachedDisplayLut cached = cachedDisplayLut;
        if (cached != null && cached.voi().equals(voi)) {
            return cached.lut();
        }
        int size = 1 << format.bitsStored();
        byte[] lut = new byte[size];
        Samples.Ints probe = new Samples.Ints(new int[1]);
        for (int raw = 0; raw < size; raw++) {
            probe.data()[0] = raw;
            lut[raw] = (byte) displayValue(storedValue(probe, 0), voi);
        }
        cachedDisplayLut = new CachedDisplayLut(voi, lut);
        return lut;
    }

    private void requireMonochrome(String what) {
        if (isColour()) {
            throw new IllegalStateException(what + " need a monochrome image, this one is "
                    + format.photometricInterpretation());
        }
    }

    private void checkPixel(int column, int row) {
        if (column < 0 || row < 0 || column >= format.columns() || row >= format.rows()) {
            throw new IndexOutOfBoundsException("pixel (" + column + ", " + row + ") is outside the "
                    + format.columns() + "x" + format.rows() + " frame");
        }
    }

    private static void checkLength(int actual, int expected) {
        if (actual < expected) {
            throw new IllegalArgumentException("output buffer holds " + actual + " values, the frame needs " + expected);
        }
    }
}
