package org.radmamba.viewer.dicom;

import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A DICOM file read with its pixel data. Frames of native transfer syntaxes are held as stored values;
 * frames of encapsulated ones as compressed bytes, decoded on each {@link #frame(int)} call. Thread-safe.
 */
public interface DicomFile {

    Path file();

    String transferSyntaxUid();

    DicomDataset dataset();

    /** The Image Pixel module's description of a frame; empty for files without pixel data (SR, RT plan...). */
    Optional<FrameFormat> frameFormat();

    /** Number of frames: Number of Frames, 1 when absent, 0 without pixel data. */
    int frameCount();

    /**
     * Frame {@code index} (0-based) as stored values, pixel-interleaved, full resolution (uncompressed
     * YBR_FULL_422 is upsampled), photometric interpretation as decoded; 1-bit frames one byte (0 or 1) per
     * pixel; Float and Double Float Pixel Data as {@link org.radmamba.viewer.dicom.codec.Samples.Floats} and
     * {@link org.radmamba.viewer.dicom.codec.Samples.Doubles}.
     *
     * @throws DicomReadException naming the file when the frame cannot be decoded (corrupt data, unsupported
     *                            transfer syntax)
     */
    DecodedFrame frame(int index) throws DicomReadException;
}
