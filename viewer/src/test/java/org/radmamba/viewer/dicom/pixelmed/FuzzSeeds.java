package org.radmamba.viewer.dicom.pixelmed;

import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;

import java.nio.file.Path;
import java.util.List;

/**
 * Writes the generated part of the fuzz seed corpus of {@link DicomReaderMutationFuzzTest} (small valid files of
 * each kind the reader handles); four small compressed files from {@code dicom/compressed/} complete it.
 * Run from the viewer module: {@code java -cp target/test-classes:target/classes:... FuzzSeeds
 * src/test/resources/org/radmamba/viewer/dicom/pixelmed/DicomReaderFuzzTestInputs/any_bytes_read_or_fail_with_a_message_naming_the_file}.
 */
public final class FuzzSeeds {

    private FuzzSeeds() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        short[] ct = {-1024, -500, 0, 40, 100, 700, 1500, 3000, 1, 2, 3, 4, 5, 6, 7, 8};
        for (String syntax : List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN)) {
            DicomBuilder b = DicomBuilder.image(syntax, 4, 4, 16, true).ds(Tag.RESCALE_INTERCEPT, -1024)
                    .ds(Tag.RESCALE_SLOPE, 1).ds(Tag.WINDOW_CENTER, 40, 300).ds(Tag.WINDOW_WIDTH, 400, 1500);
            b.sequence(Tag.VOI_LUT_SEQUENCE, b.item().us(Tag.LUT_DESCRIPTOR, 4, 0, 12).ow(Tag.LUT_DATA, 0, 100, 200, 4095));
            b.pixels16(ct).write(dir.resolve("ct-" + syntax + ".dcm"));
        }
        DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 8, false).us(Tag.SAMPLES_PER_PIXEL, 3)
                .str(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "YBR_FULL_422").us(Tag.PLANAR_CONFIGURATION, 0)
                .pixels8(new byte[] {10, 20, 100, (byte) 200, 30, 40, 50, 60}).write(dir.resolve("ybr422.dcm"));
        DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 1, 4, 8, false)
                .str(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "PALETTE COLOR")
                .us(Tag.RED_PALETTE_LUT_DESCRIPTOR, 4, 0, 16).us(Tag.GREEN_PALETTE_LUT_DESCRIPTOR, 4, 0, 16)
                .us(Tag.BLUE_PALETTE_LUT_DESCRIPTOR, 4, 0, 16)
                .ow(Tag.RED_PALETTE_LUT_DATA, 0, 0xFFFF, 0, 0x8000).ow(Tag.GREEN_PALETTE_LUT_DATA, 0, 0, 0xFFFF, 0x8000)
                .ow(Tag.SEGMENTED_BLUE_PALETTE_LUT_DATA, 0, 2, 0, 1000, 1, 2, 5000)
                .pixels8(new byte[] {0, 1, 2, 3}).write(dir.resolve("palette.dcm"));
        byte[] rle = EncapsulatedPixelDataTest.rle(new byte[] {1, 2, 3, 4, 5, 6});
        DicomBuilder.image(TransferSyntax.RLE_LOSSLESS, 2, 3, 8, false).is(Tag.NUMBER_OF_FRAMES, 2)
                .encapsulated(new long[] {0, 8 + rle.length}, List.of(rle, rle)).write(dir.resolve("rle.dcm"));
        DicomBuilder.explicitLittle().ui(Tag.SOP_CLASS_UID, "1.2.840.10008.5.1.4.1.1.88.22").ui(Tag.SOP_INSTANCE_UID, "5.2")
                .str(Tag.MODALITY, "CS", "SR").write(dir.resolve("sr.dcm"));
    }
}
