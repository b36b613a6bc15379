package org.radmamba.viewer.dicom.pixeldata;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomReadException;

import java.nio.file.Path;

/**
 * A toolkit's parse of a walked file's attributes: where our own parse ({@link ParsedDataset}) refuses a file, the
 * {@link OwnParserDicomReader} hands it to PixelMed's, with its element-by-element recovery and repairs.
 */
public interface AttributeParser {

    /**
     * @param original the file's bytes as opened
     * @param layout   the walk of {@code original} (for a deflated dataset, its source is the inflated dataset)
     */
    DicomDataset attributes(Path file, ByteSource original, DatasetLayout layout) throws DicomReadException;
}
