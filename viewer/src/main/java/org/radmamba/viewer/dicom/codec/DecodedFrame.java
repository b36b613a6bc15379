package org.radmamba.viewer.dicom.codec;

/**
 * A decoded frame.
 *
 * @param samples                   pixel-interleaved stored values, {@code format.sampleCount()} of them
 * @param photometricInterpretation the colour space of {@code samples} after decoding: usually the dataset's,
 *                                  but e.g. {@code RGB} for JPEG 2000 {@code YBR_RCT}/{@code YBR_ICT}, whose
 *                                  component transform the decoder undoes
 */
public record DecodedFrame(Samples samples, String photometricInterpretation) {
}
