package org.radmamba.viewer.dicom.pixeldata;

import org.radmamba.viewer.dicom.Tag;

import java.nio.ByteOrder;
import java.util.List;

/**
 * Where the parts of a DICOM file are, as the {@link DatasetWalker} found them after checking every element
 * length against the bytes available.
 *
 * @param source             the bytes the offsets below refer to: the file, or the inflated dataset
 * @param transferSyntaxUid  from the file meta, or implicit VR little endian without one
 * @param byteOrder          of the dataset
 * @param pixelDataOffset    where the Pixel Data value starts in {@code source}, -1 without pixel data
 * @param pixelDataLength    the value length; -1 when encapsulated (undefined length)
 * @param pixelDataVr        "OB", "OW", or "" in implicit VR
 * @param basicOffsetTable   the first item of encapsulated pixel data, decoded; empty when absent or empty
 * @param fragments          the remaining items of encapsulated pixel data
 * @param extendedOffsets    Extended Offset Table (7FE0,0001), or null
 * @param extendedLengths    Extended Offset Table Lengths (7FE0,0002), or null
 * @param pixelDataTag       which element holds the pixels: Pixel Data (7FE0,0010), Float Pixel Data (7FE0,0008)
 *                           or Double Float Pixel Data (7FE0,0009)
 */
public record DatasetLayout(ByteSource source, String transferSyntaxUid, ByteOrder byteOrder, long pixelDataOffset, long pixelDataLength,
                            String pixelDataVr, long[] basicOffsetTable, List<Fragment> fragments,
                            long[] extendedOffsets, long[] extendedLengths, int pixelDataTag) {

    /** A layout whose pixels, if any, are in Pixel Data (7FE0,0010). */
    public DatasetLayout(ByteSource source, String transferSyntaxUid, ByteOrder byteOrder, long pixelDataOffset,
                         long pixelDataLength, String pixelDataVr, long[] basicOffsetTable, List<Fragment> fragments,
                         long[] extendedOffsets, long[] extendedLengths) {
        this(source, transferSyntaxUid, byteOrder, pixelDataOffset, pixelDataLength, pixelDataVr, basicOffsetTable,
                fragments, extendedOffsets, extendedLengths, Tag.PIXEL_DATA);
    }

    /** True for Float Pixel Data and Double Float Pixel Data. */
    public boolean floatPixelData() {
        return pixelDataTag == Tag.FLOAT_PIXEL_DATA || pixelDataTag == Tag.DOUBLE_FLOAT_PIXEL_DATA;
    }

    public boolean hasPixelData() {
        return pixelDataOffset >= 0;
    }

    public boolean encapsulated() {
        return hasPixelData() && pixelDataLength < 0;
    }
}
