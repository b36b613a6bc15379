package org.radmamba.viewer.dicom;

import java.nio.file.Path;

/**
 * A file's attributes without its pixel data.
 *
 * @param transferSyntaxUid from the file meta; implicit VR little endian when the file has no file meta
 * @param hasPixelData      whether the dataset has a top-level Pixel Data element (an image), or not (SR, RT plan...)
 */
public record DicomHeader(Path file, String transferSyntaxUid, DicomDataset dataset, boolean hasPixelData) {
}
