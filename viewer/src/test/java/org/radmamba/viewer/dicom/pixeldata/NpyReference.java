package org.radmamba.viewer.dicom.pixeldata;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference array saved by numpy ({@code np.save}, format 1.0, C order): its dtype, shape and values as doubles
 * (exact for every integer dtype up to 32 bits and for float32/float64).
 *
 * @param dtype numpy's descr, e.g. {@code |u1}, {@code <u2}, {@code <f4}
 */
record NpyReference(String dtype, int[] shape, double[] values) {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static NpyReference load(String resource) {
        try (InputStream in = NpyReference.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            byte[] bytes = in.readAllBytes();
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if ((bytes[0] & 0xFF) != 0x93 || bytes[6] != 1) {
                throw new IllegalArgumentException(resource + " is not a version 1 .npy file");
            }
            int headerLength = buffer.getShort(8) & 0xFFFF;
            String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
            if (header.contains("'fortran_order': True")) {
                throw new IllegalArgumentException(resource + " is in Fortran order");
            }
            Matcher descr = DESCR.matcher(header);
            Matcher shape = SHAPE.matcher(header);
            if (!descr.find() || !shape.find()) {
                throw new IllegalArgumentException(resource + " has an unreadable header: " + header);
            }
            int[] dims = Arrays.stream(shape.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToInt(Integer::parseInt).toArray();
            int count = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
            String dtype = descr.group(1);
            buffer.position(10 + headerLength);
            buffer.order(dtype.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            double[] values = new double[count];
            for (int i = 0; i < count; i++) {
                values[i] = switch (dtype.substring(1)) {
                    case "u1", "b1" -> buffer.get() & 0xFF;
                    case "i1" -> buffer.get();
                    case "u2" -> buffer.getShort() & 0xFFFF;
                    case "i2" -> buffer.getShort();
                    case "u4" -> buffer.getInt() & 0xFFFFFFFFL;
                    case "i4" -> buffer.getInt();
                    case "f4" -> buffer.getFloat();
                    case "f8" -> buffer.getDouble();
                    default -> throw new IllegalArgumentException(resource + " has an unsupported dtype " + dtype);
                };
            }
            return new NpyReference(dtype, dims, values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Values per frame: the product of all dimensions but the first. */
    int frameLength() {
        return values.length / shape[0];
    }
}
