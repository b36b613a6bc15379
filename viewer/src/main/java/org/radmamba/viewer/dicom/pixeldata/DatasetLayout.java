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
 * @param cuts               what a toolkit parsing the attributes must not be given, in file order
 * @param repairs            one line for each thing the walker tolerated or cut, for the log and the attribute browser
 * @param topLevel           the top-level elements (file meta included), in file order
 * @param outOfOrder         whether the top-level elements are out of tag order
 * @param pixelDataTag       which element holds the pixels: Pixel Data (7FE0,0010), Float Pixel Data (7FE0,0008)
 *                           or Double Float Pixel Data (7FE0,0009)
 */
public record DatasetLayout(ByteSource source, String transferSyntaxUid, ByteOrder byteOrder, long pixelDataOffset, long pixelDataLength,
                            String pixelDataVr, long[] basicOffsetTable, List<Fragment> fragments,
                            long[] extendedOffsets, long[] extendedLengths, List<Cut> cuts, List<String> repairs,
                            List<ElementSpan> topLevel, boolean outOfOrder, int pixelDataTag) {

    /**
     * A value shortened (to {@code keptLength}, often 0) for a toolkit that would fail on it or hold it in memory:
     * the bytes {@code [holeStart, holeEnd)} are left out, the element's length field at {@code lengthField}
     * ({@code lengthFieldWidth} bytes) says {@code keptLength}, and each enclosing defined-length sequence or item
     * length (4 bytes, at {@code enclosingLengthFields}) shrinks by the bytes left out.
     */
    public record Cut(long lengthField, int lengthFieldWidth, long keptLength, long holeStart, long holeEnd,
                      long[] enclosingLengthFields) {
    }

    /** The same layout over another source holding the same bytes (the file opened again). */
    public DatasetLayout withSource(ByteSource other) {
        return new DatasetLayout(other, transferSyntaxUid, byteOrder, pixelDataOffset, pixelDataLength, pixelDataVr,
                basicOffsetTable, fragments, extendedOffsets, extendedLengths, cuts, repairs, topLevel, outOfOrder,
                pixelDataTag);
    }

    /** True for Float Pixel Data and Double Float Pixel Data. */
    public boolean floatPixelData() {
        return pixelDataTag == Tag.FLOAT_PIXEL_DATA || pixelDataTag == Tag.DOUBLE_FLOAT_PIXEL_DATA;
    }

    /** One top-level element: its header starts at {@code start}, its value ends before {@code end}. */
    public record ElementSpan(int tag, long start, long end, boolean fileMeta) {
    }

    public boolean hasPixelData() {
        return pixelDataOffset >= 0;
    }

    public boolean encapsulated() {
        return hasPixelData() && pixelDataLength < 0;
    }
}
