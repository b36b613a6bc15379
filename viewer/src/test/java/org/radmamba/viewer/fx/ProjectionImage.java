package org.radmamba.viewer.fx;

import org.radmamba.viewer.dicom.DicomFileWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small digital X-ray (DX, for presentation) written for tests: its own patient, study and series, a bright
 * rectangle on a dark field, Imager Pixel Spacing and, when asked, Pixel Spacing too.
 */
public final class ProjectionImage {

    public static final String DX_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1";
    public static final int ROWS = 96;
    public static final int COLUMNS = 120;

    private ProjectionImage() {
    }

    /**
     * Writes {@code folder/dx.dcm}.
     *
     * @param imagerSpacingMm Imager Pixel Spacing (0018,1164), rows and columns alike
     * @param pixelSpacingMm  Pixel Spacing (0028,0030), or NaN to leave it out
     */
    public static Path write(Path folder, double imagerSpacingMm, double pixelSpacingMm) throws IOException {
        Files.createDirectories(folder);
        short[] pixels = new short[ROWS * COLUMNS];
        for (int row = 0; row < ROWS; row++) {
            for (int col = 0; col < COLUMNS; col++) {
                boolean inside = row >= 20 && row < 76 && col >= 30 && col < 90;
                pixels[row * COLUMNS + col] = (short) (inside ? 3000 : 200);
            }
        }
        String sop = "2.25.1001" + Math.round(imagerSpacingMm * 1000) + (Double.isNaN(pixelSpacingMm) ? 0 : 1);
        DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset()
                .string(0x00080016, "UI", DX_FOR_PRESENTATION)
                .string(0x00080018, "UI", sop)
                .string(0x00080020, "DA", "20260202")
                .string(0x00080060, "CS", "DX")
                .string(0x00081030, "LO", "Test projection")
                .string(0x0008103E, "LO", "Chest PA (test)")
                .string(0x00100010, "PN", "TEST^PROJECTION")
                .string(0x00100020, "LO", "TEST-DX")
                .decimals(0x00181164, imagerSpacingMm, imagerSpacingMm)
                .string(0x0020000D, "UI", sop + ".1")
                .string(0x0020000E, "UI", sop + ".2")
                .integerString(0x00200011, 1)
                .integerString(0x00200013, 1)
                .unsignedShort(0x00280002, 1)
                .string(0x00280004, "CS", "MONOCHROME2")
                .unsignedShort(0x00280010, ROWS)
                .unsignedShort(0x00280011, COLUMNS)
                .unsignedShort(0x00280100, 16)
                .unsignedShort(0x00280101, 12)
                .unsignedShort(0x00280102, 11)
                .unsignedShort(0x00280103, 0)
                .otherWords(0x7FE00010, pixels);
        if (!Double.isNaN(pixelSpacingMm)) {
            ds.decimals(0x00280030, pixelSpacingMm, pixelSpacingMm);
        }
        Path file = folder.resolve("dx.dcm");
        DicomFileWriter.write(file, DX_FOR_PRESENTATION, sop, ds);
        return file;
    }
}
