package org.radmamba.viewer.volume;

import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.pixel.PixelPipeline;

/**
 * One acquired slice offered to a {@link Volume}: a decoded frame, the pipeline that gives its modality values, and
 * where it lies.
 *
 * @param source       what the slice is, for messages ("CT0012.dcm" or "enhanced.dcm frame 7")
 * @param position     Image Position (Patient) of its first pixel, mm; null when the file has none
 * @param orientation  Image Orientation (Patient), row then column direction cosines; null when absent
 * @param pixelSpacing Pixel Spacing, row spacing (between rows) then column spacing, mm; null when absent
 * @param frame        null (with {@code pipeline}) for a slice still loading: {@link Volume#fill} gives it later
 */
public record VolumeSlice(String source, double[] position, double[] orientation, double[] pixelSpacing, int rows,
                          int columns, DecodedFrame frame, PixelPipeline pipeline) {
}
