package org.radmamba.viewer.dicom.codec;

/**
 * What a decoder needs to know about a frame, taken from the dataset's Image Pixel module.
 *
 * @param photometricInterpretation as stated in the dataset (e.g. {@code YBR_FULL_422}, {@code RGB})
 * @param planarConfiguration       0 (pixel-interleaved) or 1 (colour-by-plane), as stated in the dataset
 * @param floatingPoint             true for Float Pixel Data (7FE0,0008, 32 bits) and Double Float Pixel Data
 *                                  (7FE0,0009, 64 bits): IEEE 754 values, one sample per pixel, no Bits Stored
 */
public record FrameFormat(
        int rows,
        int columns,
        int samplesPerPixel,
        int bitsAllocated,
        int bitsStored,
        boolean signed,
        int planarConfiguration,
        String photometricInterpretation,
        boolean floatingPoint) {

    /** An integer (Pixel Data) format. */
    public FrameFormat(int rows, int columns, int samplesPerPixel, int bitsAllocated, int bitsStored, boolean signed,
                       int planarConfiguration, String photometricInterpretation) {
        this(rows, columns, samplesPerPixel, bitsAllocated, bitsStored, signed, planarConfiguration,
                photometricInterpretation, false);
    }

    public FrameFormat {
        if (rows <= 0 || columns <= 0) {
            throw new IllegalArgumentException("rows and columns must be positive, got " + rows + "x" + columns);
        }
        if (samplesPerPixel != 1 && samplesPerPixel != 3) {
            throw new IllegalArgumentException("Samples per Pixel must be 1 or 3, got " + samplesPerPixel);
        }
        if (floatingPoint) {
            if (bitsAllocated != 32 && bitsAllocated != 64) {
                throw new IllegalArgumentException("float pixel data must have Bits Allocated 32 or 64, got " + bitsAllocated);
            }
            if (samplesPerPixel != 1) {
                throw new IllegalArgumentException("float pixel data must have one sample per pixel, got " + samplesPerPixel);
            }
        } else if (bitsAllocated != 1 && bitsAllocated != 8 && bitsAllocated != 16 && bitsAllocated != 32) {
            throw new IllegalArgumentException("Bits Allocated must be 1, 8, 16 or 32, got " + bitsAllocated);
        }
        if (bitsAllocated == 1 && samplesPerPixel != 1) {
            throw new IllegalArgumentException("1-bit pixel data must have one sample per pixel, got " + samplesPerPixel);
        }
        if (bitsStored <= 0 || bitsStored > bitsAllocated) {
            throw new IllegalArgumentException("Bits Stored " + bitsStored + " does not fit Bits Allocated " + bitsAllocated);
        }
    }

    /** Number of samples in one frame: rows × columns × samples per pixel. */
    public long sampleCount() {
        return (long) rows * columns * samplesPerPixel;
    }

    /**
     * Bytes of one frame in memory: as stored uncompressed, except 1-bit frames (binary segmentations,
     * overlays), which are unpacked to one byte (0 or 1) per pixel.
     */
    public long frameBytes() {
        return sampleCount() * Math.max(1, bitsAllocated / 8);
    }

    /**
     * Bytes of one frame as stored uncompressed in an encapsulated frame (deflated, for instance): 1-bit frames
     * packed eight pixels to a byte, each frame from a byte boundary (PS3.5 8.2).
     */
    public long packedFrameBytes() {
        return isBitPacked() ? (sampleCount() + 7) / 8 : frameBytes();
    }

    /** True for 1-bit frames (Bits Allocated 1), packed eight pixels to a byte in the file. */
    public boolean isBitPacked() {
        return bitsAllocated == 1;
    }
}
