package org.radmamba.viewer.dicom;

import java.nio.file.Path;
import java.util.List;

/**
 * The DICOM port: everything RadMamba needs from a DICOM toolkit. The standard implementation
 * ({@link DicomReaders#standard()}) parses headers with our own walker
 * ({@code org.radmamba.viewer.dicom.pixeldata.OwnParserDicomReader}) and hands the files it refuses, and DICOMDIRs,
 * to the PixelMed adapter ({@code org.radmamba.viewer.dicom.pixelmed.PixelMedDicomReader}); the rest of the project
 * sees this interface only. Implementations are thread-safe.
 */
public interface DicomReader {

    /** Reads the file meta and the dataset up to, not including, the pixel data (cheap: for scanning). */
    DicomHeader readHeader(Path file) throws DicomReadException;

    /**
     * Reads the dataset and the pixel data: native frames as stored values, encapsulated frames as their
     * compressed bytes, decoded by {@link DicomFile#frame(int)}.
     */
    DicomFile open(Path file) throws DicomReadException;

    /** The files a DICOMDIR references, resolved against the DICOMDIR's folder, in directory order. */
    List<Path> dicomDirReferencedFiles(Path dicomDir) throws DicomReadException;
}
