package org.radmamba.viewer.dicom.pixeldata;

/**
 * One item of encapsulated pixel data.
 *
 * @param itemOffset  where the item tag starts, relative to the first fragment after the Basic Offset Table
 *                    (the reference the offset tables use)
 * @param valueOffset where the value starts in the {@link ByteSource}
 * @param length      value length in bytes
 */
public record Fragment(long itemOffset, long valueOffset, int length) {
}
