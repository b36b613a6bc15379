package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomReadException;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mutation fuzzer's JPEG 2000 finding: a frame on which the former JJ2000-based decoder never returned. The
 * project's own decoder bounds every loop by the data, so it must answer at once, with a message.
 */
class Jpeg2000HangTest {

    @Test
    @Timeout(10)
    void the_frame_that_hung_jj2000_fails_at_once_with_a_message_naming_the_file() throws Exception {
        Path file = Path.of(getClass().getResource("/dicom/fuzz-findings/jpeg2000-decoder-hang.dcm").toURI());
        DicomFile dicom = new PixelMedDicomReader().open(file);

        DicomReadException e = assertThrows(DicomReadException.class, () -> dicom.frame(0));

        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("JPEG 2000 code stream is truncated"), e.getMessage());
    }
}
