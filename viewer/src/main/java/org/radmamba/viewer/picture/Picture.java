package org.radmamba.viewer.picture;

import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.photo.PhotographReadException;
import org.radmamba.viewer.photo.PhotographReader;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An 8-bit picture read by a {@link PictureFormats} format: grey (1 sample per pixel) or RGB (3, interleaved), row
 * by row from the top left.
 */
public record Picture(int width, int height, int samples, byte[] pixels) {

    public Picture {
        Objects.requireNonNull(pixels, "pixels");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("a picture needs pixels, got " + width + "x" + height);
        }
        if (samples != 1 && samples != 3) {
            throw new IllegalArgumentException("samples per pixel must be 1 or 3, got " + samples);
        }
        if (pixels.length != (long) width * height * samples) {
            throw new IllegalArgumentException("a " + width + "x" + height + "x" + samples + " picture needs "
                    + (long) width * height * samples + " bytes, got " + pixels.length);
        }
    }

    /**
     * The picture as the viewer holds photographs: one frame, MONOCHROME2 (grey) or RGB, 8 bits.
     *
     * @throws PhotographReadException when it is larger than {@code maxFrameBytes}
     */
    public PhotographReader.Photograph toPhotograph(Path file, long maxFrameBytes) throws PhotographReadException {
        long bytes = (long) width * height * samples;
        if (bytes > maxFrameBytes) {
            throw new PhotographReadException(file, "is " + width + "x" + height + ", which needs " + bytes
                    + " bytes, more than the limit of " + maxFrameBytes);
        }
        String photometric = samples == 3 ? "RGB" : "MONOCHROME2";
        FrameFormat format = new FrameFormat(height, width, samples, 8, 8, false, 0, photometric);
        return new PhotographReader.Photograph(format, new DecodedFrame(new Samples.Bytes(pixels.clone()), photometric));
    }
}
