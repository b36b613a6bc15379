package org.radmamba.viewer.dicom;

import org.radmamba.viewer.dicom.codec.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes DICOM files for tests, independently of the toolkit under test: any of the four native transfer
 * syntaxes or an encapsulated one, with or without preamble and file meta, sequences, and deliberately wrong
 * lengths for the bad-input tests.
 */
public final class DicomBuilder {

    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT");

    private final String transferSyntax;
    private final Map<Long, Element> elements = new TreeMap<>();
    private boolean preamble = true;
    private boolean meta = true;

    private record Element(int tag, String vr, byte[] value, long declaredLength, List<DicomBuilder> items,
                           List<byte[]> fragments, long[] offsetTable) {
    }

    private DicomBuilder(String transferSyntax) {
        this.transferSyntax = transferSyntax;
    }

    public static DicomBuilder of(String transferSyntax) {
        return new DicomBuilder(transferSyntax);
    }

    public static DicomBuilder explicitLittle() {
        return of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
    }

    /** A minimal CT-like image header: patient, study, series, instance, Image Pixel module. */
    public static DicomBuilder image(String transferSyntax, int rows, int columns, int bitsAllocated, boolean signed) {
        return of(transferSyntax)
                .ui(Tag.SOP_CLASS_UID, "1.2.840.10008.5.1.4.1.1.2")
                .ui(Tag.SOP_INSTANCE_UID, "1.2.3.4.100")
                .str(Tag.MODALITY, "CS", "CT")
                .str(Tag.PATIENT_NAME, "PN", "Test^Patient")
                .str(Tag.PATIENT_ID, "LO", "P1")
                .ui(Tag.STUDY_INSTANCE_UID, "1.2.3.4.1")
                .ui(Tag.SERIES_INSTANCE_UID, "1.2.3.4.2")
                .us(Tag.SAMPLES_PER_PIXEL, 1)
                .str(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                .us(Tag.ROWS, rows)
                .us(Tag.COLUMNS, columns)
                .us(Tag.BITS_ALLOCATED, bitsAllocated)
                .us(Tag.BITS_STORED, bitsAllocated)
                .us(Tag.HIGH_BIT, bitsAllocated - 1)
                .us(Tag.PIXEL_REPRESENTATION, signed ? 1 : 0);
    }

    public DicomBuilder withoutPreamble() {
        preamble = false;
        return this;
    }

    public DicomBuilder withoutMeta() {
        meta = false;
        preamble = false;
        return this;
    }

    private boolean bigEndian() {
        return TransferSyntax.EXPLICIT_VR_BIG_ENDIAN.equals(transferSyntax);
    }

    private boolean implicit() {
        return TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax);
    }

    private ByteOrder order() {
        return bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    private DicomBuilder put(Element e) {
        elements.put(e.tag & 0xFFFFFFFFL, e);
        return this;
    }

    public DicomBuilder remove(int tag) {
        elements.remove(tag & 0xFFFFFFFFL);
        return this;
    }

    public DicomBuilder str(int tag, String vr, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length % 2 != 0) {
            bytes = (value + (vr.equals("UI") ? "\0" : " ")).getBytes(StandardCharsets.ISO_8859_1);
        }
        return put(new Element(tag, vr, bytes, -1, null, null, null));
    }

    public DicomBuilder ui(int tag, String uid) {
        return str(tag, "UI", uid);
    }

    public DicomBuilder ds(int tag, double... values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(s.isEmpty() ? "" : "\\").append(v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v));
        }
        return str(tag, "DS", s.toString());
    }

    public DicomBuilder is(int tag, int... values) {
        StringBuilder s = new StringBuilder();
        for (int v : values) {
            s.append(s.isEmpty() ? "" : "\\").append(v);
        }
        return str(tag, "IS", s.toString());
    }

    public DicomBuilder us(int tag, int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(order());
        for (int v : values) {
            b.putShort((short) v);
        }
        return put(new Element(tag, "US", b.array(), -1, null, null, null));
    }

    public DicomBuilder ss(int tag, int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(order());
        for (int v : values) {
            b.putShort((short) v);
        }
        return put(new Element(tag, "SS", b.array(), -1, null, null, null));
    }

    /** 16-bit words as OW (LUT data, segmented palettes). */
    public DicomBuilder ow(int tag, int... words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 2).order(order());
        for (int v : words) {
            b.putShort((short) v);
        }
        return put(new Element(tag, "OW", b.array(), -1, null, null, null));
    }

    /** A value given as bytes already in the file's byte order. */
    public DicomBuilder raw(int tag, String vr, byte[] value) {
        return put(new Element(tag, vr, value, -1, null, null, null));
    }

    /** An element whose header claims {@code declaredLength} whatever its value holds. */
    public DicomBuilder lying(int tag, String vr, byte[] value, long declaredLength) {
        return put(new Element(tag, vr, value, declaredLength, null, null, null));
    }

    public DicomBuilder sequence(int tag, DicomBuilder... items) {
        return put(new Element(tag, "SQ", null, -1, List.of(items), null, null));
    }

    /** An item for {@link #sequence}: elements in this builder's transfer syntax. */
    public DicomBuilder item() {
        return new DicomBuilder(transferSyntax);
    }

    /** Native pixel data from 16-bit values, written in the file's byte order. */
    public DicomBuilder pixels16(short[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(order());
        for (short v : values) {
            b.putShort(v);
        }
        return put(new Element(Tag.PIXEL_DATA, "OW", b.array(), -1, null, null, null));
    }

    public DicomBuilder pixels8(byte[] values) {
        byte[] even = values.length % 2 == 0 ? values : java.util.Arrays.copyOf(values, values.length + 1);
        return put(new Element(Tag.PIXEL_DATA, "OB", even, -1, null, null, null));
    }

    public DicomBuilder pixels32(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(order());
        for (int v : values) {
            b.putInt(v);
        }
        return put(new Element(Tag.PIXEL_DATA, "OW", b.array(), -1, null, null, null));
    }

    /** Encapsulated pixel data: a Basic Offset Table (may be empty) and fragments. */
    public DicomBuilder encapsulated(long[] basicOffsetTable, List<byte[]> fragments) {
        return put(new Element(Tag.PIXEL_DATA, "OB", null, -1, null, fragments, basicOffsetTable));
    }

    public byte[] bytes() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (preamble) {
                out.write(new byte[128]);
                out.write("DICM".getBytes(StandardCharsets.US_ASCII));
            }
            if (meta) {
                out.write(metaBytes());
            }
            byte[] dataset = datasetBytes(elements, order(), !implicit());
            if (TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(transferSyntax)) {
                ByteArrayOutputStream deflated = new ByteArrayOutputStream();
                try (DeflaterOutputStream d = new DeflaterOutputStream(deflated, new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
                    d.write(dataset);
                }
                dataset = deflated.toByteArray();
            }
            out.write(dataset);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] metaBytes() {
        Map<Long, Element> metaElements = new TreeMap<>();
        DicomBuilder m = new DicomBuilder(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        m.raw(0x00020001, "OB", new byte[] {0, 1});
        Element sopClass = elements.get(Tag.SOP_CLASS_UID & 0xFFFFFFFFL);
        Element sopInstance = elements.get(Tag.SOP_INSTANCE_UID & 0xFFFFFFFFL);
        m.ui(Tag.MEDIA_STORAGE_SOP_CLASS_UID, sopClass == null ? "1.2.3" : new String(sopClass.value(), StandardCharsets.ISO_8859_1).trim().replace("\0", ""));
        m.ui(0x00020003, sopInstance == null ? "1.2.3.4" : new String(sopInstance.value(), StandardCharsets.ISO_8859_1).trim().replace("\0", ""));
        m.ui(Tag.TRANSFER_SYNTAX_UID, transferSyntax);
        m.ui(0x00020012, "1.2.3.999");
        metaElements.putAll(m.elements);
        byte[] body = datasetBytes(metaElements, ByteOrder.LITTLE_ENDIAN, true);
        ByteBuffer groupLength = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        groupLength.putShort((short) 2).putShort((short) 0).put((byte) 'U').put((byte) 'L').putShort((short) 4).putInt(body.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(groupLength.array());
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] datasetBytes(Map<Long, Element> elements, ByteOrder order, boolean explicit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Element e : elements.values()) {
            if (e.items() != null) {
                writeHeader(out, e.tag(), "SQ", 0xFFFFFFFFL, order, explicit);
                for (DicomBuilder item : e.items()) {
                    byte[] body = datasetBytes(item.elements, order, explicit);
                    writeItemHeader(out, 0xFFFEE000, body.length, order);
                    out.writeBytes(body);
                }
                writeItemHeader(out, 0xFFFEE0DD, 0, order);
            } else if (e.fragments() != null) {
                writeHeader(out, e.tag(), "OB", 0xFFFFFFFFL, order, explicit);
                ByteBuffer table = ByteBuffer.allocate(e.offsetTable().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (long offset : e.offsetTable()) {
                    table.putInt((int) offset);
                }
                writeItemHeader(out, 0xFFFEE000, table.capacity(), order);
                out.writeBytes(table.array());
                for (byte[] fragment : e.fragments()) {
                    writeItemHeader(out, 0xFFFEE000, fragment.length, order);
                    out.writeBytes(fragment);
                }
                writeItemHeader(out, 0xFFFEE0DD, 0, order);
            } else {
                long length = e.declaredLength() >= 0 ? e.declaredLength() : e.value().length;
                writeHeader(out, e.tag(), e.vr(), length, order, explicit);
                out.writeBytes(e.value());
            }
        }
        return out.toByteArray();
    }

    private static void writeItemHeader(ByteArrayOutputStream out, int tag, long length, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(8).order(order);
        b.putShort((short) (tag >>> 16)).putShort((short) tag).putInt((int) length);
        out.writeBytes(b.array());
    }

    private static void writeHeader(ByteArrayOutputStream out, int tag, String vr, long length, ByteOrder order, boolean explicit) {
        ByteBuffer b = ByteBuffer.allocate(12).order(order);
        b.putShort((short) (tag >>> 16)).putShort((short) tag);
        if (!explicit) {
            b.putInt((int) length);
        } else if (LONG_VRS.contains(vr) || vr.equals("SQ")) {
            b.put((byte) vr.charAt(0)).put((byte) vr.charAt(1)).putShort((short) 0).putInt((int) length);
        } else {
            b.put((byte) vr.charAt(0)).put((byte) vr.charAt(1)).putShort((short) length);
        }
        out.write(b.array(), 0, b.position());
    }

    /** Tag list helper for readable tests. */
    public List<Integer> tags() {
        List<Integer> tags = new ArrayList<>();
        elements.values().forEach(e -> tags.add(e.tag()));
        return tags;
    }
}
