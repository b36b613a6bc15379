package org.radmamba.inference.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy files under resources/npy come from make-npy.py there (NumPy 1.24). */
class NpyTest {

    private static final long[] TWO_BY_THREE = {2, 3};

    @TempDir
    Path dir;

    static Path resource(String path) {
        try {
            return Path.of(NpyTest.class.getResource("/" + path).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("missing test resource " + path, e);
        }
    }

    private static NpyArray npy(String name) throws IOException {
        return Npy.read(resource("npy/" + name));
    }

    private NpyFormatException refused(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return assertThrows(NpyFormatException.class, () -> Npy.read(file));
    }

    @Test
    void a_written_float32_array_reads_back_with_the_same_shape_and_values() throws IOException {
        float[] values = {0f, -1.5f, 3.25f, Float.MAX_VALUE, Float.MIN_VALUE, Float.NaN};
        Path file = dir.resolve("a.npy");
        Npy.writeFloat32(file, TWO_BY_THREE, values);
        NpyArray back = Npy.read(file);
        assertArrayEquals(TWO_BY_THREE, back.shape());
        assertArrayEquals(values, back.data());
    }

    @Test
    void the_writer_produces_the_same_bytes_as_numpy_save() throws IOException {
        Path file = dir.resolve("arange.npy");
        Npy.writeFloat32(file, TWO_BY_THREE, new float[] {0, 1, 2, 3, 4, 5});
        assertArrayEquals(Files.readAllBytes(resource("npy/arange_2x3_f4.npy")), Files.readAllBytes(file));
    }

    @Test
    void one_dimensional_scalar_and_empty_shapes_round_trip() throws IOException {
        for (long[] shape : new long[][] {{4}, {}, {0, 3}}) {
            Path file = dir.resolve("s" + shape.length + ".npy");
            float[] values = new float[(int) Npy.elementCount(shape)];
            Arrays.fill(values, 2.5f);
            Npy.writeFloat32(file, shape, values);
            NpyArray back = Npy.read(file);
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(values, back.data());
        }
    }

    @Test
    void numpy_float32_files_of_versions_1_2_and_3_read_alike() throws IOException {
        for (String name : new String[] {"arange_2x3_f4.npy", "arange_2x3_f4_v2.npy", "arange_2x3_f4_v3.npy"}) {
            NpyArray array = npy(name);
            assertArrayEquals(TWO_BY_THREE, array.shape(), name);
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, array.data(), name);
        }
    }

    @Test
    void big_endian_float64_converts_to_float32() throws IOException {
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 0.75f, 1f, 1.25f}, npy("arange_2x3_f8_big.npy").data());
    }

    @Test
    void integer_bool_and_half_arrays_convert_to_float32() throws IOException {
        assertArrayEquals(new float[] {-3, -2, -1, 0, 1, 2}, npy("arange_2x3_i8.npy").data());
        assertArrayEquals(new float[] {250, 251, 252, 253, 254, 255}, npy("arange_2x3_u1.npy").data());
        assertArrayEquals(new float[] {0, -100, -200, -300, -400, -500}, npy("arange_2x3_i2_big.npy").data());
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f}, npy("arange_2x3_f2.npy").data());
        assertArrayEquals(new float[] {1, 0, 0, 1}, npy("bool_4.npy").data());
    }

    @Test
    void a_zero_dimensional_array_has_an_empty_shape_and_one_value() throws IOException {
        NpyArray scalar = npy("scalar_f4.npy");
        assertEquals(0, scalar.rank());
        assertArrayEquals(new float[] {7.5f}, scalar.data());
    }

    @Test
    void the_golden_fixtures_read_with_their_documented_shapes() throws IOException {
        NpyArray input = Npy.read(resource("fixtures/medmamba_tiny.input.npy"));
        assertArrayEquals(new long[] {2, 3, 64, 64}, input.shape());
        assertArrayEquals(new long[] {2, 3}, Npy.read(resource("fixtures/medmamba_tiny.output.npy")).shape());
        assertArrayEquals(new long[] {1, 3, 64, 64}, Npy.read(resource("fixtures/vmunet_tiny_binary.input.npy")).shape());
        NpyArray probabilities = Npy.read(resource("fixtures/vmunet_tiny_binary.output.npy"));
        assertArrayEquals(new long[] {1, 1, 64, 64}, probabilities.shape());
        for (float p : probabilities.data()) {
            assertTrue(p >= 0 && p <= 1, "sigmoid output " + p);
        }
        assertArrayEquals(new long[] {1, 4, 64, 64}, Npy.read(resource("fixtures/vmunet_tiny_multiclass.output.npy")).shape());
    }

    @Test
    void a_fortran_ordered_array_is_refused_with_the_file_name() {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> npy("fortran_2x3_f4.npy"));
        assertTrue(e.getMessage().startsWith("fortran_2x3_f4.npy: Fortran-order arrays are not supported"), e.getMessage());
    }

    @Test
    void a_complex_array_is_refused_naming_its_type() {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> npy("complex_2_c8.npy"));
        assertTrue(e.getMessage().contains("element type '<c8' is not supported"), e.getMessage());
    }

    @Test
    void a_file_without_the_numpy_magic_is_refused() throws IOException {
        NpyFormatException e = refused("text.npy", "hello, world".getBytes());
        assertTrue(e.getMessage().startsWith("text.npy: not a NumPy .npy file"), e.getMessage());
    }

    @Test
    void a_truncated_array_is_refused_before_allocating() throws IOException {
        byte[] whole = Files.readAllBytes(resource("npy/arange_2x3_f8_big.npy"));
        NpyFormatException e = refused("cut.npy", Arrays.copyOf(whole, whole.length - 9));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    /** The numpy arange_2x3_f4.npy with its shape text replaced by one of the same length (padding absorbs it). */
    private static byte[] withShape(String shape) throws IOException {
        String text = new String(Files.readAllBytes(resource("npy/arange_2x3_f4.npy")), StandardCharsets.ISO_8859_1);
        String original = "(2, 3), }" + " ".repeat(shape.length() - 6);
        assertTrue(text.contains(original));
        return text.replace(original, shape + ", }").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void a_shape_larger_than_the_data_is_refused_before_allocating() throws IOException {
        NpyFormatException e = refused("big.npy", withShape("(9999, 9999)"));
        assertTrue(e.getMessage().startsWith("big.npy: the header promises 99980001 float32 values"), e.getMessage());
    }

    @Test
    void a_shape_beyond_the_largest_java_array_is_refused() throws IOException {
        NpyFormatException e = refused("huge.npy", withShape("(99999, 99999)"));
        assertTrue(e.getMessage().contains("9999800001 elements are more than"), e.getMessage());
    }

    @Test
    void writing_values_that_do_not_fill_the_shape_is_a_programming_error() {
        assertThrows(IllegalArgumentException.class, () -> Npy.writeFloat32(dir.resolve("x.npy"), TWO_BY_THREE, new float[5]));
    }
}
