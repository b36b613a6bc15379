package org.radmamba.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.Tag;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A parametric map's Float / Double Float Pixel Data exports to .npy as float32 / float64, every value bit for bit
 * (negative zero, subnormals and values no integer dtype holds included), read through the app's own path
 * (scanner, loader, DICOM reader).
 */
class FloatPixelDataExportTest {

    private static final String PARAMETRIC_MAP_STORAGE = "1.2.840.10008.5.1.4.1.1.30";

    @TempDir
    Path dir;

    @Test
    void float_pixel_data_exports_as_float32_exactly() throws Exception {
        float[] values = {-0.0f, 1e-30f, 0.5f, -1234.5625f, 3.4e38f, Float.MIN_VALUE, 7f, 0.1f, -2f, 1f / 3, 65536.5f, 42f};
        Path file = write("float32.dcm", 0x7FE00008, 32, ds -> ds.otherFloats(Tag.FLOAT_PIXEL_DATA, values));

        ByteBuffer data = export(file, "<f4", values.length * 4);

        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(data.getFloat()), "value " + i);
        }
    }

    @Test
    void double_float_pixel_data_exports_as_float64_exactly() throws Exception {
        double[] values = {-0.0, Math.PI * 1e-200, 0.1, -1e300, 1e6 + 1e-9, Double.MIN_VALUE, 2, 3, 4, 5, 6, -7.25};
        Path file = write("float64.dcm", 0x7FE00009, 64, ds -> ds.otherDoubles(Tag.DOUBLE_FLOAT_PIXEL_DATA, values));

        ByteBuffer data = export(file, "<f8", values.length * 8);

        for (int i = 0; i < values.length; i++) {
            assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(data.getDouble()), "value " + i);
        }
    }

    private ByteBuffer export(Path file, String dtype, int dataBytes) throws Exception {
        Path out = dir.resolve(file.getFileName() + ".npy");
        InfoCommandTest.Run run = InfoCommandTest.run("export", file.toString(), "--format", "npy", "--out", out.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        byte[] npy = Files.readAllBytes(out);
        int headerLength = ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (3, 4), }"), header);
        assertEquals(10 + headerLength + dataBytes, npy.length);
        return ByteBuffer.wrap(npy, 10 + headerLength, dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private Path write(String name, int pixelTag, int bitsAllocated,
                       java.util.function.UnaryOperator<DicomFileWriter.Dataset> pixels) throws Exception {
        String uid = "1.2.826.0.1.3680043.10.1234.77." + (pixelTag & 0xFF);
        DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", PARAMETRIC_MAP_STORAGE)
                .string(Tag.SOP_INSTANCE_UID, "UI", uid)
                .string(Tag.MODALITY, "CS", "MR")
                .string(Tag.PATIENT_NAME, "PN", "Parametric^Map")
                .string(Tag.PATIENT_ID, "LO", "PMAP")
                .string(Tag.STUDY_INSTANCE_UID, "UI", uid + ".1")
                .string(Tag.SERIES_INSTANCE_UID, "UI", uid + ".2")
                .integerString(Tag.INSTANCE_NUMBER, 1)
                .unsignedShort(Tag.SAMPLES_PER_PIXEL, 1)
                .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                .unsignedShort(Tag.ROWS, 3)
                .unsignedShort(Tag.COLUMNS, 4)
                .unsignedShort(Tag.BITS_ALLOCATED, bitsAllocated);
        Path file = dir.resolve(name);
        DicomFileWriter.write(file, PARAMETRIC_MAP_STORAGE, uid, pixels.apply(ds));
        return file;
    }
}
