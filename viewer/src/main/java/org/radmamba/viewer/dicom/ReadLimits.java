package org.radmamba.viewer.dicom;

/**
 * Sizes a reader refuses before allocating anything, so that a file claiming absurd dimensions or lengths is an
 * error, not an out-of-memory.
 *
 * @param maxFrameBytes     the largest frame, decoded, in bytes
 * @param maxPixelDataBytes the largest pixel data of one file (all frames, as held in memory), in bytes
 */
public record ReadLimits(long maxFrameBytes, long maxPixelDataBytes) {

    /** 256 MiB a frame, 1 GiB a file. */
    public static final ReadLimits DEFAULT = new ReadLimits(256L << 20, 1L << 30);

    public ReadLimits {
        if (maxFrameBytes <= 0 || maxPixelDataBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
