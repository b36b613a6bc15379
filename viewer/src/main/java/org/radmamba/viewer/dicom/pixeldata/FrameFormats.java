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

    /** The format of a dataset whose pixels are in Pixel Data (7FE0,0010). */
    public static FrameFormat from(Path file, DicomDataset dataset) throws DicomReadException {
        return from(file, dataset, Tag.PIXEL_DATA);
    }

    /**
     * @param pixelDataTag Pixel Data, or Float Pixel Data (7FE0,0008) / Double Float Pixel Data (7FE0,0009), whose
     *                     Floating Point Image Pixel module has no Bits Stored nor Pixel Representation and whose
     *                     Bits Allocated must be 32 / 64
     */
    public static FrameFormat from(Path file, DicomDataset dataset, int pixelDataTag) throws DicomReadException {
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
        if (pixelDataTag == Tag.FLOAT_PIXEL_DATA || pixelDataTag == Tag.DOUBLE_FLOAT_PIXEL_DATA) {
            boolean isDouble = pixelDataTag == Tag.DOUBLE_FLOAT_PIXEL_DATA;
            int needed = isDouble ? 64 : 32;
            if (bitsAllocated != needed) {
                throw new DicomReadException(file, "has " + (isDouble ? "Double Float" : "Float") + " Pixel Data "
                        + (isDouble ? "(7FE0,0009)" : "(7FE0,0008)") + ", which needs Bits Allocated " + needed
                        + ", but states " + (bitsAllocated < 0 ? "none" : bitsAllocated));
            }
            try {
                return new FrameFormat(rows, columns, samplesPerPixel, bitsAllocated, bitsAllocated, true, planar,
                        photometric, true);
            } catch (IllegalArgumentException e) {
                throw new DicomReadException(file, "has an unsupported Floating Point Image Pixel module: "
                        + e.getMessage(), e);
            }
        }
        try {
            return new FrameFormat(rows, columns, samplesPerPixel, bitsAllocated, bitsStored, signed, planar, photometric);
        } catch (IllegalArgumentException e) {
            throw new DicomReadException(file, "has an unsupported Image Pixel module: " + e.getMessage(), e);
        }
    }

    /** Number of Frames, 1 when absent. */
    public static int frameCount(Path file, DicomDataset dataset) throws DicomReadException {
        if (dataset.contains(Tag.NUMBER_OF_FRAMES) && dataset.ints(Tag.NUMBER_OF_FRAMES).length == 0
                && dataset.string(Tag.NUMBER_OF_FRAMES).isPresent()) {
            throw new DicomReadException(file, "has Number of Frames \"" + dataset.string(Tag.NUMBER_OF_FRAMES).get()
                    + "\", which is not a number");
        }
        int frames = dataset.integer(Tag.NUMBER_OF_FRAMES, 1);
        if (frames < 1) {
            throw new DicomReadException(file, "has Number of Frames " + frames + ", which must be at least 1");
        }
        return frames;
    }
}
