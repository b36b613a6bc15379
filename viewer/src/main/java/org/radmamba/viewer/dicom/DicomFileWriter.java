package org.radmamba.viewer.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A minimal writer of DICOM Part 10 files in Explicit VR Little Endian, enough for the demo study and the DICOM
 * Segmentations RadMamba exports: string, numeric, attribute-tag, OW/OB/OF/OD and defined-length sequence elements.
 * Writing is not part of the DICOM port (which reads), and neither the demo nor the export may depend on the
 * toolkit behind it, hence this small class.
 * <p>
 * Every file declares Specific Character Set ISO_IR 192 and holds the text VRs (SH, LO, ST, LT, UT, PN, UC) in
 * UTF-8, so that any name a source image carries, in whatever character set it was stored, is written as it reads
 * (PS3.5 6.1.2.3). The other string VRs hold ASCII only (PS3.5 6.2); a value outside it is refused rather than
 * written as question marks.
 */
public final class DicomFileWriter {

    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    private static final String IMPLEMENTATION_CLASS_UID = "2.25.262482195212108339447040151426335640581";
    /** (0008,0005) Specific Character Set. */
    public static final int SPECIFIC_CHARACTER_SET = 0x00080005;
    /** Unicode in UTF-8 (PS3.3 C.12.1.1.2), the character set of everything written here. */
    public static final String UTF_8 = "ISO_IR 192";
    /** VRs whose values may hold any character of the Specific Character Set (PS3.5 6.1.2.3). */
    private static final Set<String> TEXT_VRS = Set.of("SH", "LO", "ST", "LT", "UT", "PN", "UC");
    /** VRs whose length field is 32 bits after two reserved bytes (PS3.5 7.1.2). */
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT");

    /** A dataset under construction: elements kept sorted by tag, as Part 10 requires. */
    public static final class Dataset {
        private final Map<Integer, byte[]> encoded = new TreeMap<>(Integer::compareUnsigned);

        /**
         * A string element: UTF-8 for the text VRs, ASCII for the others.
         *
         * @throws IllegalArgumentException when {@code value} holds a character that {@code vr} cannot hold
         */
        public Dataset string(int tag, String vr, String value) {
            byte[] bytes;
            if (TEXT_VRS.contains(vr)) {
                bytes = value.getBytes(StandardCharsets.UTF_8);
            } else {
                if (!StandardCharsets.US_ASCII.newEncoder().canEncode(value)) {
                    throw new IllegalArgumentException(String.format("(%04X,%04X) %s holds ASCII only, not \"%s\"",
                            tag >>> 16, tag & 0xFFFF, vr, value));
                }
                bytes = value.getBytes(StandardCharsets.US_ASCII);
            }
            byte pad = "UI".equals(vr) ? (byte) 0 : (byte) ' ';
            return put(tag, vr, padEven(bytes, pad));
        }

        /** A multi-valued decimal string, e.g. Image Position (Patient); values joined by backslashes. */
        public Dataset decimals(int tag, double... values) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    s.append('\\');
                }
                s.append(formatDecimal(values[i]));
            }
            return string(tag, "DS", s.toString());
        }

        public Dataset integerString(int tag, int value) {
            return string(tag, "IS", Integer.toString(value));
        }

        /** An attribute-tag (AT) value, e.g. a Dimension Index Pointer. */
        public Dataset attributeTag(int tag, int value) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort((short) (value >>> 16)).putShort((short) value);
            return put(tag, "AT", b.array());
        }

        /** Several US values (VM &gt; 1), e.g. Dimension Index Values. */
        public Dataset unsignedShorts(int tag, int... values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : values) {
                b.putShort((short) v);
            }
            return put(tag, "US", b.array());
        }

        /** Several UL values (VM &gt; 1), e.g. Dimension Index Values. */
        public Dataset unsignedLongs(int tag, int... values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : values) {
                b.putInt(v);
            }
            return put(tag, "UL", b.array());
        }

        public Dataset unsignedShort(int tag, int value) {
            return put(tag, "US", ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).array());
        }

        public Dataset otherWords(int tag, short[] words) {
            ByteBuffer b = ByteBuffer.allocate(words.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            b.asShortBuffer().put(words);
            return put(tag, "OW", b.array());
        }

        public Dataset otherBytes(int tag, byte[] bytes) {
            return put(tag, "OB", padEven(bytes, (byte) 0));
        }

        /** Other Float (OF), e.g. Float Pixel Data (7FE0,0008) of a parametric map. */
        public Dataset otherFloats(int tag, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return put(tag, "OF", b.array());
        }

        /** Other Double (OD), e.g. Double Float Pixel Data (7FE0,0009). */
        public Dataset otherDoubles(int tag, double[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asDoubleBuffer().put(values);
            return put(tag, "OD", b.array());
        }

        /** A sequence of defined length, each item of defined length. */
        public Dataset sequence(int tag, List<Dataset> items) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Dataset item : items) {
                byte[] body = item.toBytes();
                writeTag(out, 0xFFFEE000);
                writeInt(out, body.length);
                out.writeBytes(body);
            }
            return put(tag, "SQ", out.toByteArray());
        }

        private Dataset put(int tag, String vr, byte[] value) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 12);
            writeTag(out, tag);
            out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
            if (LONG_VRS.contains(vr)) {
                out.write(0);
                out.write(0);
                writeInt(out, value.length);
            } else {
                if (value.length > 0xFFFF) {
                    throw new IllegalArgumentException(String.format(
                            "value of (%04X,%04X) is %d bytes, too long for VR %s", tag >>> 16, tag & 0xFFFF,
                            value.length, vr));
                }
                out.write(value.length & 0xFF);
                out.write(value.length >>> 8);
            }
            out.writeBytes(value);
            encoded.put(tag, out.toByteArray());
            return this;
        }

        byte[] toBytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            encoded.values().forEach(out::writeBytes);
            return out.toByteArray();
        }
    }

    private DicomFileWriter() {
    }

    /**
     * Writes preamble, "DICM", the file meta group for Explicit VR Little Endian, then the dataset, with its
     * Specific Character Set set to {@link #UTF_8} (the encoding of its strings).
     */
    public static void write(Path file, String sopClassUid, String sopInstanceUid, Dataset dataset) throws IOException {
        dataset.string(SPECIFIC_CHARACTER_SET, "CS", UTF_8);
        Dataset meta = new Dataset()
                .otherBytes(0x00020001, new byte[] {0, 1})
                .string(0x00020002, "UI", sopClassUid)
                .string(0x00020003, "UI", sopInstanceUid)
                .string(0x00020010, "UI", EXPLICIT_VR_LITTLE_ENDIAN)
                .string(0x00020012, "UI", IMPLEMENTATION_CLASS_UID)
                .string(0x00020013, "SH", "RADMAMBA");
        byte[] metaBytes = meta.toBytes();
        ByteArrayOutputStream groupLength = new ByteArrayOutputStream();
        writeTag(groupLength, 0x00020000);
        groupLength.writeBytes("UL".getBytes(StandardCharsets.US_ASCII));
        groupLength.write(4);
        groupLength.write(0);
        writeInt(groupLength, metaBytes.length);

        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(new byte[128]);
            out.write("DICM".getBytes(StandardCharsets.US_ASCII));
            out.write(groupLength.toByteArray());
            out.write(metaBytes);
            out.write(dataset.toBytes());
        }
        // Atomic rename, so an interrupted generation never leaves a half-written file behind.
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A DS value of at most 16 characters. */
    public static String formatDecimal(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = Double.toString(v);
        // DS holds at most 16 characters.
        return s.length() <= 16 ? s : String.format(java.util.Locale.ROOT, "%.6g", v).trim();
    }

    private static byte[] padEven(byte[] bytes, byte pad) {
        if (bytes.length % 2 == 0) {
            return bytes;
        }
        byte[] padded = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        padded[bytes.length] = pad;
        return padded;
    }

    private static void writeTag(ByteArrayOutputStream out, int tag) {
        writeShort(out, tag >>> 16);
        writeShort(out, tag & 0xFFFF);
    }

    private static void writeShort(ByteArrayOutputStream out, int v) {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        writeShort(out, v & 0xFFFF);
        writeShort(out, v >>> 16);
    }

    /** Element order check for tests: the tags as written, in order. */
    static List<Integer> tagsOf(Dataset dataset) {
        return new ArrayList<>(dataset.encoded.keySet());
    }
}
