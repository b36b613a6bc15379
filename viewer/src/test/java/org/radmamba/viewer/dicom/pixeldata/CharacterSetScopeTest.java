package org.radmamba.viewer.dicom.pixeldata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The Specific Character Set decodes the VRs it applies to (PS3.5 6.1.2.3: SH, LO, ST, LT, PN, UC, UT) and no other:
 * a byte above 127 in a UID is invalid and reads as U+FFFD, as PixelMed reads it, not as the Latin-1 letter the
 * same byte is in a patient's name (ParsedDatasetAgreementTest found the two parsers apart on such a mutant).
 */
class CharacterSetScopeTest {

    @TempDir
    Path dir;

    @Test
    void the_datasets_character_set_decodes_a_name_but_not_a_uid() throws Exception {
        byte[] name = "M\u00fcller^J\u00fcrgen".getBytes(StandardCharsets.ISO_8859_1);
        byte[] uid = {'1', '.', '2', '.', (byte) 0xE0, '.', '3', 0};
        Path file = DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 8, false)
                .str(0x00080005, "CS", "ISO_IR 100")
                .raw(Tag.PATIENT_NAME, "PN", name)
                .raw(Tag.SERIES_INSTANCE_UID, "UI", uid)
                .pixels8(new byte[4])
                .write(dir.resolve("latin1.dcm"));
        DicomDataset dataset = DicomReaders.standard().readHeader(file).dataset();
        assertInstanceOf(ParsedDataset.class, dataset, "read by our parser");
        assertEquals(List.of("M\u00fcller^J\u00fcrgen"), dataset.strings(Tag.PATIENT_NAME));
        assertEquals(List.of("1.2.\uFFFD.3"), dataset.strings(Tag.SERIES_INSTANCE_UID).stream()
                .map(s -> s.replace("\0", "")).toList());
    }
}
