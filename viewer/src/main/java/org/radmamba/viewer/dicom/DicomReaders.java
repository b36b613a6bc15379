package org.radmamba.viewer.dicom;

import org.radmamba.viewer.dicom.pixeldata.OwnParserDicomReader;
import org.radmamba.viewer.dicom.pixelmed.PixelMedDicomReader;
import org.radmamba.viewer.dicom.pixelmed.PixelMedTagDictionary;

/**
 * The one place that chooses the implementation of the {@link DicomReader} port: every default reader in the
 * project (study scanner, image loader, study service, benchmarks, the GUI) comes from here, and no other class
 * outside the adapter package {@code org.radmamba.viewer.dicom.pixelmed} names the adapter. Replacing the toolkit
 * (dcm4che, say) changes this class and the adapter package, nothing else; {@code ArchitectureTest} holds that.
 * A plain constructor call rather than a ServiceLoader look-up: the adapter is part of this module, so a missing
 * implementation is a compile error, not a run-time surprise.
 */
public final class DicomReaders {

    private DicomReaders() {
    }

    /**
     * The standard reader (our own header parser, PixelMed where it refuses a file, for DICOMDIRs and for the data
     * dictionary) with the default limits.
     */
    public static DicomReader standard() {
        return standard(ReadLimits.DEFAULT);
    }

    /** The standard reader with the given limits on frame and pixel data sizes. */
    public static DicomReader standard(ReadLimits limits) {
        PixelMedDicomReader pixelMed = new PixelMedDicomReader(limits);
        return new OwnParserDicomReader(limits, pixelMed, new PixelMedTagDictionary(), pixelMed);
    }
}
