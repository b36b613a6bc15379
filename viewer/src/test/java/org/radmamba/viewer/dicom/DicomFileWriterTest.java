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
}
