package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.pixel.PixelPipeline;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stored values come out exactly as written, for every native transfer syntax and sample width. */
class NativeTransferSyntaxTest {

    @TempDir
    Path dir;

    private final PixelMedDicomReader reader = new PixelMedDicomReader();

    private static final short[] SIGNED_16 = {-1024, -1, 0, 1, 1000, 32767, -32768, 12345, -12345, 7, 8, 9};

    @ParameterizedTest
    @ValueSource(strings = {TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN})
    void signed_16_bit_values_are_read_exactly_in_every_native_syntax(String syntax) throws Exception {
        Path file = DicomBuilder.image(syntax, 3, 4, 16, true).pixels16(SIGNED_16).write(dir.resolve("a.dcm"));

        DicomFile dicom = reader.open(file);

        assertEquals(syntax, dicom.transferSyntaxUid());
        assertEquals(1, dicom.frameCount());
        DecodedFrame frame = dicom.frame(0);
        assertArrayEquals(SIGNED_16, ((Samples.Shorts) frame.samples()).toArray());
        assertEquals("Test^Patient", dicom.dataset().string(Tag.PATIENT_NAME, ""));
        assertEquals(3, dicom.dataset().integer(Tag.ROWS, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN})
    void eight_bit_values_are_read_exactly_in_every_native_syntax(String syntax) throws Exception {
        byte[] values = {0, 1, 2, (byte) 200, (byte) 255, 77};
        Path file = DicomBuilder.image(syntax, 2, 3, 8, false).pixels8(values).write(dir.resolve("b.dcm"));

        DecodedFrame frame = reader.open(file).frame(0);

        assertArrayEquals(values, ((Samples.Bytes) frame.samples()).data());
    }

    @ParameterizedTest
    @ValueSource(strings = {TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN})
    void signed_8_bit_values_are_read_exactly_and_sign_extended_in_every_native_syntax(String syntax) throws Exception {
        byte[] values = {-128, -1, 0, 1, 127, -77};
        Path file = DicomBuilder.image(syntax, 2, 3, 8, true).pixels8(values).write(dir.resolve("s8.dcm"));

        DicomFile dicom = reader.open(file);
        DecodedFrame frame = dicom.frame(0);

        assertArrayEquals(values, ((Samples.Bytes) frame.samples()).data());
        PixelPipeline pipeline = PixelPipeline.fromDataset(dicom.dataset(), dicom.frameFormat().orElseThrow(), 0);
        long[] stored = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            stored[i] = pipeline.storedValue(frame.samples(), i);
        }
        assertArrayEquals(new long[] {-128, -1, 0, 1, 127, -77}, stored);
    }

    @Test
    void signed_8_bit_samples_with_fewer_bits_stored_are_sign_extended_from_the_high_bit() throws Exception {
        // 6 bits stored: 0x3F is -1, 0x20 is -32, 0x1F is 31; the two unused high bits carry garbage.
        byte[] values = {0x3F, 0x20, 0x1F, 0, (byte) 0xC1, (byte) 0x9F};
        Path file = DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 3, 8, true)
                .us(Tag.BITS_STORED, 6).us(Tag.HIGH_BIT, 5).pixels8(values).write(dir.resolve("s6.dcm"));

        DicomFile dicom = reader.open(file);
        DecodedFrame frame = dicom.frame(0);
        PixelPipeline pipeline = PixelPipeline.fromDataset(dicom.dataset(), dicom.frameFormat().orElseThrow(), 0);
        long[] stored = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            stored[i] = pipeline.storedValue(frame.samples(), i);
        }

        assertArrayEquals(new long[] {-1, -32, 31, 0, 1, 31}, stored);
    }

    @ParameterizedTest
    @ValueSource(strings = {TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN})
    void thirty_two_bit_values_are_read_exactly(String syntax) throws Exception {
        int[] values = {-2_000_000_000, -1, 0, 1, 2_000_000_000, 0x7FFFFFFF};
        Path file = DicomBuilder.image(syntax, 2, 3, 32, true).pixels32(values).write(dir.resolve("c.dcm"));

        DecodedFrame frame = reader.open(file).frame(0);

        assertArrayEquals(values, ((Samples.Ints) frame.samples()).data());
    }

    @Test
    void a_file_without_preamble_and_meta_is_read_as_implicit_little_endian() throws Exception {
        Path file = DicomBuilder.image(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, 3, 4, 16, true).withoutMeta()
                .pixels16(SIGNED_16).write(dir.resolve("raw.dcm"));

        DicomFile dicom = reader.open(file);

        assertEquals(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, dicom.transferSyntaxUid());
        assertArrayEquals(SIGNED_16, ((Samples.Shorts) dicom.frame(0).samples()).toArray());
        assertEquals("CT", dicom.dataset().string(Tag.MODALITY, ""));
    }

    @Test
    void a_file_with_meta_but_no_preamble_is_read() throws Exception {
        Path file = DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 3, 4, 16, true).withoutPreamble()
                .pixels16(SIGNED_16).write(dir.resolve("nopre.dcm"));

        DicomFile dicom = reader.open(file);

        assertArrayEquals(SIGNED_16, ((Samples.Shorts) dicom.frame(0).samples()).toArray());
        assertEquals("P1", dicom.dataset().string(Tag.PATIENT_ID, ""));
    }
}
