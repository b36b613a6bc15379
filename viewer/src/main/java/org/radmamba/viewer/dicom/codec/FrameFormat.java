package org.radmamba.viewer.dicom.codec;

/**
 * What a decoder needs to know about a frame, taken from the dataset's Image Pixel module.
 *
 * @param photometricInterpretation as stated in the dataset (e.g. {@code YBR_FULL_422}, {@code RGB})
 * @param planarConfiguration       0 (pixel-interleaved) or 1 (colour-by-plane), as stated in the dataset
 */
public record FrameFormat(
        int rows,
        int columns,
        int samplesPerPixel,
        int bitsAllocated,
        int bitsStored,
        boolean signed,
        int planarConfiguration,
        String photometricInterpretation) {

    public FrameFormat {
        if (rows <= 0 || columns <= 0) {
            throw new IllegalArgumentException("rows and columns must be positive, got " + rows + "x" + columns);
        }
        if (samplesPerPixel != 1 && samplesPerPixel != 3) {
            throw new IllegalArgumentException("Samples per Pixel must be 1 or 3, got " + samplesPerPixel);
        }
        if (bitsAllocated != 8 && bitsAllocated != 16 && bitsAllocated != 32) {
            throw new IllegalArgumentException("Bits Allocated must be 8, 16 or 32, got " + bitsAllocated);
        }
        if (bitsStored <= 0 || bitsStored > bitsAllocated) {
            throw new IllegalArgumentException("Bits Stored " + bitsStored + " does not fit Bits Allocated " + bitsAllocated);
        }
    }

    /** Number of samples in one frame: rows × columns × samples per pixel. */
    public long sampleCount() {
        return (long) rows * columns * samplesPerPixel;
    }

    /** Bytes of one frame as stored uncompressed. */
    public long frameBytes() {
        return sampleCount() * (bitsAllocated / 8);
    }
}
