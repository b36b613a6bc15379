package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.Samples;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Files in DICOM's retired JPEG syntaxes (spectral selection, full progression, arithmetic coding) open through
 * the reader and their frames equal libjpeg's decode (the source, for arithmetic lossless) (fixtures of src/test/resources/codec/jpeg/make-fixtures.sh).
 */
class JpegRetiredSyntaxFileTest {

    private final PixelMedDicomReader reader = new PixelMedDicomReader();

    private static Path resource(String name) throws Exception {
        return Path.of(JpegRetiredSyntaxFileTest.class.getResource("/codec/jpeg/" + name + ".dcm").toURI());
    }

    @ParameterizedTest(name = "{0} ({1}) opens and equals libjpeg''s decode")
    @CsvSource({
            "arith_grey, 1.2.840.10008.1.2.4.52",
            "dcmtk_spectral_grey12, 1.2.840.10008.1.2.4.53",
            "prog_ycc420, 1.2.840.10008.1.2.4.55",
            "dcmtk_prog_ycc422, 1.2.840.10008.1.2.4.55",
            "arith_prog_ycc420, 1.2.840.10008.1.2.4.56",
            "lossless_arith_grey12, 1.2.840.10008.1.2.4.58",
    })
    void a_retired_jpeg_file_opens_and_decodes(String name, String transferSyntax) throws Exception {
        DicomFile file = reader.open(resource(name));
        DicomFile reference = reader.open(resource(name + ".ref"));
        assertEquals(transferSyntax, file.transferSyntaxUid());
        DecodedFrame frame = file.frame(0);
        Samples expected = reference.frame(0).samples();
        Samples actual = frame.samples();
        assertEquals(expected.length(), actual.length());
        for (int i = 0; i < expected.length(); i++) {
            if (expected.rawBits(i) != actual.rawBits(i)) {
                throw new AssertionError(name + ": sample " + i + " is " + actual.rawBits(i) + ", libjpeg gives "
                        + expected.rawBits(i));
            }
        }
        assertEquals(reference.frame(0).photometricInterpretation(), frame.photometricInterpretation());
    }
}
