package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomReadException;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mutation fuzzer's JPEG 2000 finding: a frame on which jai-imageio's decoder never returns. */
class Jpeg2000HangTest {

    @AfterEach
    void restoreTheDefaultLimit() {
        System.clearProperty("radmamba.jpeg2000.timeout.seconds");
    }

    @Test
    @Timeout(60)
    void a_jpeg_2000_frame_that_never_finishes_decoding_fails_with_a_message_after_the_time_limit() throws Exception {
        System.setProperty("radmamba.jpeg2000.timeout.seconds", "3");
        Path file = Path.of(getClass().getResource("/dicom/fuzz-findings/jpeg2000-decoder-hang.dcm").toURI());
        DicomFile dicom = new PixelMedDicomReader().open(file);

        DicomReadException e = assertThrows(DicomReadException.class, () -> dicom.frame(0));

        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("did not decode within 3 s"), e.getMessage());
    }
}
