package org.radmamba.viewer.dicom.codec;

/**
 * The marker layer that JPEG (ITU-T T.81 B.1) and JPEG-LS (T.87, which keeps it) share: markers with their fill
 * bytes, and the length each marker segment declares, checked against the data before any of its fields is read.
 * One place, so that the two decoders refuse a corrupt or truncated stream in the same words.
 */
final class JpegMarkers {

    private JpegMarkers() {
    }

    /**
     * The index just past the next marker at {@code pos} (its code is the byte before that index), fill bytes
     * skipped; -1 at the end of the data.
     *
     * @param format the start of the message, {@code "JPEG"} or {@code "JPEG-LS"}
     * @throws CodecException when anything but a marker is at {@code pos}
     */
    static int pastNextMarker(byte[] data, int pos, String format) throws CodecException {
        while (pos + 1 < data.length) {
            if ((data[pos] & 0xFF) != 0xFF) {
                throw new CodecException(format + " data has byte 0x" + Integer.toHexString(data[pos] & 0xFF)
                        + " at " + pos + " where a marker was expected: the data is corrupt");
            }
            if ((data[pos + 1] & 0xFF) == 0xFF) {
                pos++;
                continue;
            }
            return pos + 2;
        }
        return -1;
    }

    /**
     * The length of the marker segment at {@code pos} (its length field included), once checked: at least
     * {@code minimumLength} and within the data.
     */
    static int segmentLength(byte[] data, int pos, int minimumLength, String format) throws CodecException {
        if (pos + 2 > data.length) {
            throw new CodecException(format + " data ends inside a marker segment at byte " + pos
                    + ": the data is truncated");
        }
        int length = u16(data, pos);
        if (length < minimumLength || pos + length > data.length) {
            throw new CodecException(format + " marker segment at byte " + pos + " declares " + length
                    + " bytes, which " + (length < minimumLength ? "is too short: the data is corrupt"
                    : "runs past the end of the data: the data is truncated"));
        }
        return length;
    }

    /** The big-endian 16-bit value at {@code at}. */
    static int u16(byte[] data, int at) {
        return (data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF);
    }
}
