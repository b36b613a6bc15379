package org.radmamba.viewer.study;

import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.pixel.PixelPipeline;

import java.io.IOException;

/** An instance with its pixels read: frames of stored values and the pipeline that displays them. Thread-safe. */
public interface LoadedImage {

    Instance instance();

    FrameFormat format();

    int frameCount();

    /**
     * Frame {@code index} (0-based) as stored values.
     *
     * @throws IOException whose message names the file and the reason when the frame cannot be decoded
     */
    DecodedFrame frame(int index) throws IOException;

    /** The pipeline for frame {@code index} (enhanced multi-frame images may differ per frame). */
    PixelPipeline pipeline(int index);
}
