package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.jpeg2000.PnmImage;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DICOM files of the three HTJ2K transfer syntaxes (1.2.840.10008.1.2.4.201/202/203) open and decode to the
 * samples of their sources (lossless) or of opj_decompress (lossy): the code streams are the ojph_compress ones of
 * codec/htj2k, wrapped here as single- and multi-frame encapsulated pixel data.
 */
class HtJ2kDicomFileTest {

    private static final String DIR = "/codec/htj2k/";

    @TempDir
    Path dir;

    private final PixelMedDicomReader reader = new PixelMedDicomReader();

    private static byte[] stream(String name) {
        return PnmImage.bytes(DIR + name + ".j2c");
    }

    /** Odd-length code streams get the zero byte DICOM pads fragments with, as real files have. */
    private static byte[] padded(byte[] fragment) {
        return fragment.length % 2 == 0 ? fragment : Arrays.copyOf(fragment, fragment.length + 1);
    }

    private Path grey(String syntax, String name, int rows, int columns, int bitsAllocated, int bitsStored,
            List<byte[]> frames) {
        return DicomBuilder.image(syntax, rows, columns, bitsAllocated, false)
                .us(Tag.BITS_STORED, bitsStored).us(Tag.HIGH_BIT, bitsStored - 1)
                .is(Tag.NUMBER_OF_FRAMES, frames.size())
                .encapsulated(new long[0], frames.stream().map(HtJ2kDicomFileTest::padded).toList())
                .write(dir.resolve(name + ".dcm"));
    }

    private Path colour(String syntax, String name, String photometric, int rows, int columns, byte[] frame) {
        return DicomBuilder.image(syntax, rows, columns, 8, false)
                .us(Tag.SAMPLES_PER_PIXEL, 3).us(Tag.PLANAR_CONFIGURATION, 0)
                .str(Tag.PHOTOMETRIC_INTERPRETATION, "CS", photometric)
                .encapsulated(new long[0], List.of(padded(frame)))
                .write(dir.resolve(name + ".dcm"));
    }

    private static int[] stored(DecodedFrame frame) {
        int[] out = new int[frame.samples().length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = frame.samples().rawBits(i);
        }
        return out;
    }

    @Test
    void losslessHtj2kGreyscaleOf12BitsDecodesToItsSource() throws Exception {
        PnmImage source = PnmImage.resource(DIR + "gray12_rev_blocks32.pnm");
        Path file = grey(TransferSyntax.HTJ2K_LOSSLESS, "ht201", 75, 100, 16, 12,
                List.of(stream("gray12_rev_blocks32")));

        DicomFile dicom = reader.open(file);

        assertEquals(TransferSyntax.HTJ2K_LOSSLESS, dicom.transferSyntaxUid());
        assertArrayEquals(source.samples(), stored(dicom.frame(0)));
    }

    @Test
    void losslessRpclHtj2kOf16BitsDecodesToItsSource() throws Exception {
        // ojph_compress writes RPCL by default, as the .202 syntax requires
        PnmImage source = PnmImage.resource(DIR + "gray16_rev.pnm");
        Path file = grey(TransferSyntax.HTJ2K_LOSSLESS_RPCL, "ht202", 80, 96, 16, 16, List.of(stream("gray16_rev")));

        assertArrayEquals(source.samples(), stored(reader.open(file).frame(0)));
    }

    @Test
    void lossyHtj2kGreyscaleMatchesOpenJpeg() throws Exception {
        PnmImage openJpeg = PnmImage.resource(DIR + "gray8_irv_5dec.opj.pnm");
        Path file = grey(TransferSyntax.HTJ2K, "ht203", 96, 128, 8, 8, List.of(stream("gray8_irv_5dec")));

        assertArrayEquals(openJpeg.samples(), stored(reader.open(file).frame(0)));
    }

    @Test
    void reversibleColourTransformComesBackAsRgb() throws Exception {
        PnmImage source = PnmImage.resource(DIR + "rgb8_rev_rct.pnm");
        Path file = colour(TransferSyntax.HTJ2K_LOSSLESS, "rct", "YBR_RCT", 64, 96, stream("rgb8_rev_rct"));

        DecodedFrame frame = reader.open(file).frame(0);

        assertEquals("RGB", frame.photometricInterpretation());
        assertArrayEquals(source.samples(), stored(frame));
    }

    @Test
    void irreversibleColourTransformComesBackAsRgbMatchingOpenJpeg() throws Exception {
        PnmImage openJpeg = PnmImage.resource(DIR + "rgb8_irv_ict.opj.pnm");
        Path file = colour(TransferSyntax.HTJ2K, "ict", "YBR_ICT", 64, 96, stream("rgb8_irv_ict"));

        DecodedFrame frame = reader.open(file).frame(0);

        assertEquals("RGB", frame.photometricInterpretation());
        assertArrayEquals(openJpeg.samples(), stored(frame));
    }

    @Test
    void eachFrameOfAMultiFrameFileDecodesToItsOwnSource() throws Exception {
        // two 8-bit streams of one size: the RLCP and LRCP ones (90x70)
        PnmImage first = PnmImage.resource(DIR + "gray8_rev_rlcp.pnm");
        PnmImage second = PnmImage.resource(DIR + "gray8_rev_lrcp.pnm");
        Path file = grey(TransferSyntax.HTJ2K_LOSSLESS, "frames", 70, 90, 8, 8,
                List.of(stream("gray8_rev_rlcp"), stream("gray8_rev_lrcp")));

        DicomFile dicom = reader.open(file);

        assertArrayEquals(first.samples(), stored(dicom.frame(0)));
        assertArrayEquals(second.samples(), stored(dicom.frame(1)));
    }

    @Test
    void aTruncatedHtj2kFrameIsReportedNotShown() throws Exception {
        byte[] whole = stream("gray8_rev_5dec");
        Path file = grey(TransferSyntax.HTJ2K_LOSSLESS, "cut", 96, 128, 8, 8,
                List.of(Arrays.copyOf(whole, whole.length / 2)));

        DicomReadException e = assertThrows(DicomReadException.class, () -> reader.open(file).frame(0));

        assertTrue(e.getMessage().contains("JPEG 2000"), e.getMessage());
    }
}
