package org.radmamba.app.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Writes NumPy .npy files (format version 1.0, C order, little-endian) of integer or float samples. */
final class NpyWriter {

    private NpyWriter() {
    }

    /**
     * @param dtype  "|u1", "|i1", "<u2", "<i2", "<u4" or "<i4"
     * @param values one value per element, already in the dtype's range
     */
    static void write(Path file, String dtype, int[] shape, long[] values) throws IOException {
        int width = Integer.parseInt(dtype.substring(2));
        ByteBuffer data = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (width) {
                case 1 -> data.put((byte) v);
                case 2 -> data.putShort((short) v);
                default -> data.putInt((int) v);
            }
        }
        write(file, dtype, shape, data.array());
    }

    /**
     * @param dtype  "<f4" (each value narrowed to float, exact for values read from float32 data) or "<f8"
     */
    static void writeFloats(Path file, String dtype, int[] shape, double[] values) throws IOException {
        boolean single = switch (dtype) {
            case "<f4" -> true;
            case "<f8" -> false;
            default -> throw new IllegalArgumentException("not a float dtype: " + dtype);
        };
        ByteBuffer data = ByteBuffer.allocate(values.length * (single ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (single) {
                data.putFloat((float) v);
            } else {
                data.putDouble(v);
            }
        }
        write(file, dtype, shape, data.array());
    }

    private static void write(Path file, String dtype, int[] shape, byte[] data) throws IOException {
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + Arrays.stream(shape).mapToObj(String::valueOf).collect(Collectors.joining(", ")) + ")";
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        // Magic (6) + version (2) + header length (2) + dict, padded with spaces and a newline to 64 bytes.
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(data);
        }
    }
}
