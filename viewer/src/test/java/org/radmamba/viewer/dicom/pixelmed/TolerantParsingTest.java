package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.HostileFiles;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.codec.Samples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files other toolkits read open here too, with the repair noted: a value whose length is no multiple of its VR's
 * unit, elements out of order, sequences nested 60 deep (deep structured reports). Each file below was written by
 * {@link #main} and read by DCMTK 3.6.7's dcmdump and pydicom 2.3 ({@code pydicom.dcmread(f).PatientName} and the
 * pixel array): dcmdump warns of the odd length and the order ("Dataset not in ascending tag order") and prints
 * every element; pydicom reads them all. A hostile nesting, 100 deep, is still refused.
 */
class TolerantParsingTest {

    private static final short[] PIXELS = {1, 2, 3, 4};

    @TempDir
    Path dir;

    private final PixelMedDicomReader reader = new PixelMedDicomReader();

    private static DicomBuilder image() {
        return DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 16, false)
                .str(Tag.PATIENT_NAME, "PN", "TOLERANT^READER")
                .ui(Tag.SOP_INSTANCE_UID, "1.2.826.0.1.3680043.10.5.1")
                .pixels16(PIXELS);
    }

    /** An OW of 3 bytes (Overlay Data of group 6000 would do as well): DCMTK warns, pydicom reads it. */
    static byte[] oddLengthWord() {
        return image().raw(0x00283006, "OW", new byte[] {1, 2, 3}).str(0x00081030, "LO", "AFTER^ODD").bytes();
    }

    /** Patient ID (0010,0020) written before Patient's Name (0010,0010). */
    static byte[] outOfOrder() {
        byte[] file = image().str(Tag.PATIENT_ID, "LO", "ID-42").bytes();
        return swapTopLevel(file, Tag.PATIENT_NAME, Tag.PATIENT_ID);
    }

    /** A content sequence (0040,A730) nested {@code depth} deep, its innermost item holding a Text Value. */
    static byte[] nested(int depth) {
        DicomBuilder b = image();
        DicomBuilder inner = b.item().str(0x0040A160, "UT", "innermost");
        for (int i = 1; i < depth; i++) {
            inner = b.item().sequence(0x0040A730, inner);
        }
        return b.sequence(0x0040A730, inner).bytes();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static int[] samples(DicomFile file) throws DicomReadException {
        Samples s = file.frame(0).samples();
        int[] out = new int[s.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.rawBits(i);
        }
        return out;
    }

    @Test
    void a_word_value_of_odd_length_loses_its_last_byte_not_the_file() throws Exception {
        DicomFile file = reader.open(write("odd.dcm", oddLengthWord()));

        assertArrayEquals(new int[] {1, 2, 3, 4}, samples(file));
        assertEquals("AFTER^ODD", file.dataset().string(0x00081030, ""), "the element after it is read in place");
        assertEquals("TOLERANT^READER", file.dataset().string(Tag.PATIENT_NAME, ""));
        assertEquals(List.of("element (0028,3006) (OW) has 3 bytes, not a multiple of 2; its last byte was dropped"),
                file.dataset().repairs());
    }

    @Test
    void a_cut_inside_defined_length_items_shortens_the_item_and_the_sequence_too() throws Exception {
        // (0008,1115) SQ of defined length > item of defined length > LO "IN", US of 3 bytes, CS "HFS".
        ByteBuffer item = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        item.putShort((short) 0x0008).putShort((short) 0x1030).put("LO".getBytes(StandardCharsets.US_ASCII))
                .putShort((short) 2).put("IN".getBytes(StandardCharsets.US_ASCII));
        item.putShort((short) 0x0018).putShort((short) 0x1150).put("US".getBytes(StandardCharsets.US_ASCII))
                .putShort((short) 3).put(new byte[] {7, 0, 9});
        item.putShort((short) 0x0018).putShort((short) 0x5100).put("CS".getBytes(StandardCharsets.US_ASCII))
                .putShort((short) 4).put("HFS ".getBytes(StandardCharsets.US_ASCII));
        int itemLength = item.position();
        ByteBuffer sequence = ByteBuffer.allocate(8 + itemLength).order(ByteOrder.LITTLE_ENDIAN);
        sequence.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(itemLength).put(item.array(), 0, itemLength);
        byte[] file = image().raw(0x00081115, "SQ", sequence.array()).str(0x00081030, "LO", "OUTSIDE").bytes();

        DicomFile read = reader.open(write("cut-in-item.dcm", file));

        DicomDataset inside = read.dataset().sequence(0x00081115).getFirst();
        assertEquals("IN", inside.string(0x00081030, ""));
        assertEquals(7, inside.integer(0x00181150, -1), "the whole first value is kept");
        assertEquals("HFS", inside.string(0x00185100, ""), "the element after the cut, in the same item");
        assertEquals("OUTSIDE", read.dataset().string(0x00081030, ""), "the element after the sequence");
        assertArrayEquals(new int[] {1, 2, 3, 4}, samples(read));
    }

    @Test
    void elements_out_of_order_are_read_and_noted() throws Exception {
        DicomFile file = reader.open(write("order.dcm", outOfOrder()));

        assertArrayEquals(new int[] {1, 2, 3, 4}, samples(file));
        assertEquals("TOLERANT^READER", file.dataset().string(Tag.PATIENT_NAME, ""));
        assertEquals("ID-42", file.dataset().string(Tag.PATIENT_ID, ""));
        assertTrue(file.dataset().repairs().getFirst().contains("out of order"), file.dataset().repairs().toString());
    }

    @Test
    void a_structured_report_nested_sixty_deep_opens() throws Exception {
        DicomFile file = reader.open(write("deep.dcm", nested(60)));

        DicomDataset level = file.dataset();
        for (int i = 0; i < 60; i++) {
            List<DicomDataset> items = level.sequence(0x0040A730);
            assertEquals(1, items.size(), "one item at level " + i);
            level = items.getFirst();
        }
        assertEquals("innermost", level.string(0x0040A160, ""));
        assertTrue(file.dataset().repairs().isEmpty());
    }

    @Test
    void a_hostile_nesting_is_still_refused() throws Exception {
        DicomReadException e = assertThrows(DicomReadException.class, () -> reader.open(write("hostile.dcm", nested(100))));
        assertTrue(e.reason().contains("nested deeper than 64"), e.reason());
    }

    @Test
    void a_large_element_outside_the_pixel_data_is_skipped_not_read() throws Exception {
        Path file = HostileFiles.sparseWithHugePrivateElement(dir.resolve("large.dcm"), 64L << 20);

        DicomFile read = reader.open(file);

        assertArrayEquals(new int[] {1, 2, 3, 4}, samples(read));
        assertEquals("HUGE", read.dataset().string(0x00090010, ""));
        assertTrue(read.dataset().repairs().getFirst().startsWith("element (0009,1000) (OB) of 67108864 bytes was skipped"),
                read.dataset().repairs().toString());
    }

    /** Writes the files above into the folder {@code args[0]}, for dcmdump and pydicom. */
    public static void main(String[] args) throws IOException {
        Path folder = Files.createDirectories(Path.of(args[0]));
        Files.write(folder.resolve("odd-length-ow.dcm"), oddLengthWord());
        Files.write(folder.resolve("out-of-order.dcm"), outOfOrder());
        Files.write(folder.resolve("nested-60.dcm"), nested(60));
    }

    /** The file with top-level elements {@code first} and {@code second} (explicit VR LE, adjacent) swapped. */
    private static byte[] swapTopLevel(byte[] file, int first, int second) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 132;
        int[] start = new int[2];
        int[] end = new int[2];
        Set<String> longVrs = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT");
        while (pos < file.length) {
            int tag = (b.getShort(pos) & 0xFFFF) << 16 | (b.getShort(pos + 2) & 0xFFFF);
            String vr = new String(file, pos + 4, 2, StandardCharsets.US_ASCII);
            boolean longVr = longVrs.contains(vr);
            int length = longVr ? b.getInt(pos + 8) : b.getShort(pos + 6) & 0xFFFF;
            int next = pos + (longVr ? 12 : 8) + length;
            if (tag == first || tag == second) {
                int i = tag == first ? 0 : 1;
                start[i] = pos;
                end[i] = next;
            }
            pos = next;
        }
        if (end[0] != start[1]) {
            throw new IllegalArgumentException("the elements are not adjacent");
        }
        byte[] out = file.clone();
        int secondLength = end[1] - start[1];
        System.arraycopy(file, start[1], out, start[0], secondLength);
        System.arraycopy(file, start[0], out, start[0] + secondLength, end[0] - start[0]);
        return out;
    }
}
