package org.radmamba.viewer.dicom.pixeldata;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.FrameFormat;

import java.nio.file.Path;
import java.util.Locale;

/** The Image Pixel module of a dataset as a {@link FrameFormat}, and its Number of Frames. */
public final class FrameFormats {

    private FrameFormats() {
    }

    public static FrameFormat from(Path file, DicomDataset dataset) throws DicomReadException {
        int rows = dataset.integer(Tag.ROWS, -1);
        int columns = dataset.integer(Tag.COLUMNS, -1);
        if (rows <= 0 || columns <= 0) {
            throw new DicomReadException(file, "has Pixel Data but no usable Rows and Columns (" + rows + "x" + columns + ")");
        }
        int samplesPerPixel = dataset.integer(Tag.SAMPLES_PER_PIXEL, 1);
        int bitsAllocated = dataset.integer(Tag.BITS_ALLOCATED, -1);
        int bitsStored = dataset.integer(Tag.BITS_STORED, bitsAllocated);
        boolean signed = dataset.integer(Tag.PIXEL_REPRESENTATION, 0) == 1;
        int planar = dataset.integer(Tag.PLANAR_CONFIGURATION, 0);
        String photometric = dataset.string(Tag.PHOTOMETRIC_INTERPRETATION)
                .map(s -> s.toUpperCase(Locale.ROOT))
                .orElse(samplesPerPixel == 3 ? "RGB" : "MONOCHROME2");
        if (planar != 0 && planar != 1) {
            throw new DicomReadException(file, "has Planar Configuration " + planar + ", which must be 0 or 1");
        }
        try {
            return new FrameFormat(rows, columns, samplesPerPixel, bitsAllocated, bitsStored, signed, planar, photometric);
        } catch (IllegalArgumentException e) {
            throw new DicomReadException(file, "has an unsupported Image Pixel module: " + e.getMessage(), e);
        }
    }

    /** Number of Frames, 1 when absent. */
    public static int frameCount(Path file, DicomDataset dataset) throws DicomReadException {
        int frames = dataset.integer(Tag.NUMBER_OF_FRAMES, 1);
        if (frames < 1) {
            throw new DicomReadException(file, "has Number of Frames " + frames + ", which must be at least 1");
        }
        return frames;
    }
}
