package org.radmamba.viewer.dicom;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DicomFileWriterTest {

    @Test
    void tags_are_written_in_ascending_order_whatever_the_insertion_order() {
        DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset()
                .string(0x00100020, "LO", "ID")
                .string(0x00080060, "CS", "CT")
                .otherWords(0x7FE00010, new short[4])
                .unsignedShort(0x00280010, 2);
        assertEquals(List.of(0x00080060, 0x00100020, 0x00280010, 0x7FE00010), DicomFileWriter.tagsOf(ds));
    }

    @Test
    void decimal_strings_fit_sixteen_characters() {
        assertEquals("-192", DicomFileWriter.formatDecimal(-192.0));
        assertEquals("1.5", DicomFileWriter.formatDecimal(1.5));
        assertTrue(DicomFileWriter.formatDecimal(1.0 / 3).length() <= 16);
    }

    @Test
    void text_is_written_in_utf8_under_a_specific_character_set_of_iso_ir_192(@org.junit.jupiter.api.io.TempDir
                                                                               java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("x.dcm");
        DicomFileWriter.write(file, "1.2.3", "1.2.3.4", new DicomFileWriter.Dataset()
                .string(0x00100010, "PN", "山田^太郎"));

        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        String latin1 = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        // (0008,0005) CS, 10 bytes: "ISO_IR 192"
        assertTrue(latin1.contains("\u0008\u0000\u0005\u0000CS\n\u0000ISO_IR 192"), latin1);
        byte[] name = "山田^太郎".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // (0010,0010) PN, length 13 padded to 14 with a space
        String expected = "\u0010\u0000\u0010\u0000PN\u000e\u0000"
                + new String(name, java.nio.charset.StandardCharsets.ISO_8859_1) + " ";
        assertTrue(latin1.endsWith(expected), latin1);
    }
}
