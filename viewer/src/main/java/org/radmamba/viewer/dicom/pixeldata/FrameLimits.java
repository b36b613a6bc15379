package org.radmamba.viewer.dicom.pixeldata;

import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.codec.FrameFormat;

import java.nio.file.Path;

/** Refuses frames and pixel data larger than the {@link ReadLimits}, before anything is allocated. */
public final class FrameLimits {

    private FrameLimits() {
    }

    public static void check(Path file, FrameFormat format, int frameCount, ReadLimits limits) throws DicomReadException {
        long frameBytes = format.frameBytes();
        if (frameBytes > limits.maxFrameBytes() || format.sampleCount() > Integer.MAX_VALUE - 16) {
            throw new DicomReadException(file, "a frame of " + format.rows() + "x" + format.columns() + "x"
                    + format.samplesPerPixel() + " samples at " + format.bitsAllocated() + " bits needs " + frameBytes
                    + " bytes, more than the limit of " + limits.maxFrameBytes());
        }
        if (frameCount < 0 || (double) frameBytes * frameCount > limits.maxPixelDataBytes()) {
            throw new DicomReadException(file, frameCount + " frames of " + frameBytes + " bytes exceed the limit of "
                    + limits.maxPixelDataBytes() + " bytes of pixel data per file");
        }
    }
}
