package org.radmamba.viewer.fx.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.pixelmed.PixelMedDicomReader;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttributeTreeTest {

    @TempDir
    Path folder;

    private static AttributeRow row(List<AttributeRow> rows, int tag) {
        return rows.stream().filter(r -> r.tag() == tag).findFirst()
                .orElseThrow(() -> new AssertionError(String.format("no (%04X,%04X) in %s", tag >>> 16, tag & 0xFFFF, rows)));
    }

    private List<AttributeRow> rowsOf(Path file) throws Exception {
        return AttributeTree.rows(new PixelMedDicomReader().readHeader(file).dataset());
    }

    @Test
    void every_element_of_the_file_is_listed_in_tag_order_with_the_dictionary_name() throws Exception {
        List<Path> files = DemoStudy.generate(folder, new DemoStudy.Spec(32, 1, 1, 1, 0, false));
        List<AttributeRow> rows = rowsOf(files.getFirst());

        AttributeRow name = row(rows, 0x00100010);
        assertEquals("(0010,0010)", name.tagText());
        assertEquals("Patient's Name", name.name());
        assertEquals("DEMO^PHANTOM", name.value());
        assertEquals("ORIGINAL\\PRIMARY\\AXIAL", row(rows, 0x00080008).value(), "multiple values, as DICOM writes them");
        assertEquals("RadMamba synthetic phantom", row(rows, 0x00080070).value());
        assertEquals("1.2.840.10008.1.2.1", row(rows, 0x00020010).value(), "the file meta information too");
        List<Integer> tags = rows.stream().map(AttributeRow::tag).toList();
        assertEquals(tags.stream().sorted(Integer::compareUnsigned).toList(), tags);

        AttributeRow procedure = row(rows, 0x00081032);
        assertEquals("Procedure Code Sequence", procedure.name());
        assertEquals("1 item", procedure.value());
        AttributeRow item = procedure.children().getFirst();
        assertEquals("Item 1", item.name());
        assertEquals("DEMO-CT", row(item.children(), 0x00080100).value());
        assertEquals("Code Value", row(item.children(), 0x00080100).name());
    }

    @Test
    void private_binary_and_nested_elements_are_listed_with_their_creator_length_and_items() throws Exception {
        Path file = folder.resolve("private.dcm");
        DicomFileWriter.write(file, "1.2.840.10008.5.1.4.1.1.7", "1.2.3.4.5", new DicomFileWriter.Dataset()
                .string(0x00090010, "LO", "ACME 1.0")
                .string(0x00091001, "LO", "tuned")
                .otherBytes(0x00091002, new byte[] {1, 2, 3, 4, 5})
                .string(0x00100010, "PN", "DOE^JANE")
                .sequence(0x00400275, List.of(new DicomFileWriter.Dataset()
                        .sequence(0x00400008, List.of(new DicomFileWriter.Dataset()
                                .string(0x00080100, "SH", "PROTO-1"))))));
        List<AttributeRow> rows = rowsOf(file);

        assertEquals("Private Creator", row(rows, 0x00090010).name());
        assertEquals("ACME 1.0", row(rows, 0x00090010).value());
        assertEquals("Private (ACME 1.0)", row(rows, 0x00091001).name());
        assertEquals("tuned", row(rows, 0x00091001).value());
        assertEquals("(OB, 6 bytes)", row(rows, 0x00091002).value(), "five bytes padded to an even length");

        AttributeRow request = row(rows, 0x00400275);
        assertEquals("Request Attributes Sequence", request.name());
        AttributeRow protocol = row(request.children().getFirst().children(), 0x00400008);
        assertEquals("Scheduled Protocol Code Sequence", protocol.name());
        assertEquals("PROTO-1", row(protocol.children().getFirst().children(), 0x00080100).value());
        assertTrue(request.matches("proto-1"), "the filter finds a value two sequences down");
    }

    @Test
    void the_filter_keeps_a_row_when_its_tag_name_value_or_something_inside_matches() {
        AttributeRow leaf = new AttributeRow(0x00080100, "Code Value", "DEMO-CT", List.of());
        AttributeRow item = new AttributeRow(-1, "Item 1", "", List.of(leaf));
        AttributeRow sequence = new AttributeRow(0x00081032, "Procedure Code Sequence", "1 item", List.of(item));
        assertTrue(sequence.matches("demo-ct"));
        assertTrue(sequence.matches("(0008,1032)"));
        assertTrue(sequence.matches("procedure"));
        assertFalse(sequence.matches("patient"));
    }

    @Test
    void a_repair_the_reader_made_is_listed_first() throws Exception {
        byte[] odd = org.radmamba.viewer.dicom.DicomBuilder.image(
                        org.radmamba.viewer.dicom.codec.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 8, false)
                .raw(0x00283006, "OW", new byte[] {1, 2, 3}).pixels8(new byte[4]).bytes();
        Path file = java.nio.file.Files.write(folder.resolve("odd.dcm"), odd);

        List<AttributeRow> rows = rowsOf(file);

        assertEquals("Repaired on reading", rows.getFirst().name());
        assertEquals("element (0028,3006) (OW) has 3 bytes, not a multiple of 2; its last byte was dropped",
                rows.getFirst().value());
        assertEquals("(OW, 2 bytes)", row(rows, 0x00283006).value());
    }
}
