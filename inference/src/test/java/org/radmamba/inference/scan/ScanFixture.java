package org.radmamba.inference.scan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One golden scan from /work/shared/fixtures (copied to test resources): inputs as float32, y as float64. */
record ScanFixture(ScanShape shape, ScanInputs inputs, double[] expected) {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|]?[fi][48])'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static ScanFixture load(String name) {
        float[] a = floats(name, "A");
        float[] b = floats(name, "B");
        int[] bShape = shape(name, "B");
        int[] uShape = shape(name, "u");
        // B is (batch, K, N, L), u is (batch, K*D, L).
        ScanShape shape = new ScanShape(bShape[0], bShape[1], uShape[1] / bShape[1], bShape[2], bShape[3]);
        ScanInputs inputs = new ScanInputs(floats(name, "u"), floats(name, "delta"), a, b, floats(name, "C"),
                floats(name, "D"), floats(name, "delta_bias"));
        return new ScanFixture(shape, inputs, doubles(name, "y"));
    }

    private static float[] floats(String name, String array) {
        ByteBuffer data = Npy.read(resource(name, array), "<f4");
        float[] values = new float[data.remaining() / Float.BYTES];
        data.asFloatBuffer().get(values);
        return values;
    }

    private static double[] doubles(String name, String array) {
        ByteBuffer data = Npy.read(resource(name, array), "<f8");
        double[] values = new double[data.remaining() / Double.BYTES];
        data.asDoubleBuffer().get(values);
        return values;
    }

    private static int[] shape(String name, String array) {
        return Npy.shape(resource(name, array));
    }

    private static byte[] resource(String name, String array) {
        String path = "/scan/" + name + "." + array + ".npy";
        try (InputStream stream = ScanFixture.class.getResourceAsStream(path)) {
            if (stream == null) {
                throw new IllegalStateException("test resource " + path + " is missing");
            }
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test resource " + path, e);
        }
    }

    /** The few NPY features the scan fixtures use: version 1/2 headers, C order, little-endian f4/f8. */
    private static final class Npy {
        record Header(String text, int dataOffset) {
        }

        static Header header(byte[] file) {
            if (file.length < 10 || file[0] != (byte) 0x93 || !"NUMPY".equals(new String(file, 1, 5,
                    StandardCharsets.US_ASCII))) {
                throw new IllegalStateException("not an NPY file");
            }
            ByteBuffer buffer = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            int major = file[6];
            int length = major == 1 ? Short.toUnsignedInt(buffer.getShort(8)) : buffer.getInt(8);
            int start = major == 1 ? 10 : 12;
            return new Header(new String(file, start, length, StandardCharsets.US_ASCII), start + length);
        }

        static ByteBuffer read(byte[] file, String descr) {
            Header header = header(file);
            Matcher d = DESCR.matcher(header.text());
            if (!d.find() || !d.group(1).equals(descr) || header.text().contains("'fortran_order': True")) {
                throw new IllegalStateException("NPY array is not C-order " + descr + ": " + header.text());
            }
            int offset = header.dataOffset();
            return ByteBuffer.wrap(file, offset, file.length - offset).slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        static int[] shape(byte[] file) {
            Matcher m = SHAPE.matcher(header(file).text());
            if (!m.find()) {
                throw new IllegalStateException("NPY header without a shape");
            }
            return Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToInt(Integer::parseInt).toArray();
        }
    }
}
