package org.radmamba.inference.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checkpoints under resources/checkpoints: the golden fixtures, and the small ones make-checkpoints.py writes. */
class PthReaderTest {

    /** conv.weight of make-checkpoints.py's plain_state_dict: arange(24) / 8 in shape (2, 3, 2, 2). */
    private static final float[] CONV_WEIGHT = arange(24, 0.125f, 0);
    private static final float[] CONV_BIAS = {-1, 0};

    static Path checkpoint(String name) {
        try {
            return Path.of(PthReaderTest.class.getResource("/checkpoints/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("missing test resource " + name, e);
        }
    }

    static float[] arange(int n, float scale, float shift) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i * scale + shift;
        }
        return values;
    }

    private static void assertPlainConv(StateDict sd, String dtype) {
        assertEquals(List.of("conv.weight", "conv.bias"), List.copyOf(sd.keys()));
        CheckpointTensor weight = sd.require("conv.weight", 2, 3, 2, 2);
        assertArrayEquals(CONV_WEIGHT, weight.values());
        assertEquals(dtype, weight.sourceDtype());
        assertArrayEquals(CONV_BIAS, sd.require("conv.bias", 2).values());
    }

    @Test
    void the_tiny_medmamba_checkpoint_has_its_official_keys_shapes_and_parameter_count() {
        StateDict sd = PthReader.read(checkpoint("medmamba_tiny.pth"));
        assertEquals("medmamba_tiny.pth", sd.source());
        assertEquals(185, sd.size());
        assertEquals("patch_embed.proj.weight", sd.keys().iterator().next());
        CheckpointTensor patch = sd.require("patch_embed.proj.weight", 16, 3, 4, 4);
        assertEquals(-0.20123803615570068f, patch.values()[0]);
        assertEquals(0.17141395807266235f, patch.values()[1]);
        assertEquals("float32", patch.sourceDtype());
        sd.require("layers.0.blocks.0.self_attention.x_proj_weight", 4, 33, 16);
        sd.require("layers.0.blocks.0.self_attention.A_logs", 64, 16);
        sd.require("layers.0.blocks.0.self_attention.conv2d.weight", 16, 1, 3, 3);
        assertArrayEquals(new float[] {0.02338424324989319f, 0.006425117142498493f}, java.util.Arrays.copyOfRange(
                sd.require("head.bias", 3).values(), 1, 3));
        CheckpointTensor counter = sd.get("layers.0.blocks.0.conv33conv33conv11.0.num_batches_tracked");
        assertEquals("int64", counter.sourceDtype());
        assertEquals(0, counter.rank());
        // medmamba_tiny.json: 279355 parameters; the rest are BatchNorm running statistics and counters
        long buffers = sd.keys().stream().filter(k -> k.endsWith("running_mean") || k.endsWith("running_var")
                || k.endsWith("num_batches_tracked")).mapToLong(k -> sd.get(k).numel()).sum();
        assertEquals(279355, sd.totalElements() - buffers);
        assertEquals(280282, sd.totalElements());
    }

    @Test
    void the_tiny_vmunet_checkpoint_reads_without_its_vmunet_prefix() {
        StateDict sd = PthReader.read(checkpoint("vmunet_tiny_binary.pth"));
        assertEquals(131, sd.size());
        assertEquals(598109, sd.totalElements()); // vmunet_tiny_binary.json: parameters
        StateDict inner = sd.withoutPrefix("vmunet.");
        assertEquals(131, inner.size());
        assertEquals(-0.16064558923244476f, inner.require("final_conv.bias", 1).values()[0]);
        inner.require("layers.0.blocks.0.self_attention.x_proj_weight", 4, 33, 32);
        assertFalse(inner.has("vmunet.final_conv.bias"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"float16", "bfloat16", "float64"})
    void other_float_dtypes_convert_to_float32_exactly(String dtype) {
        assertPlainConv(PthReader.read(checkpoint("dtype_" + dtype + ".pth")), dtype);
    }

    @ParameterizedTest
    @ValueSource(strings = {"wrapped_model.pth", "wrapped_state_dict.pth", "wrapped_model_state_dict.pth", "dataparallel.pth"})
    void wrapped_and_dataparallel_checkpoints_unwrap_to_the_plain_keys(String file) {
        assertPlainConv(PthReader.read(checkpoint(file)), "float32");
    }

    @Test
    void the_top_folder_of_the_archive_may_have_any_name() {
        assertPlainConv(PthReader.read(checkpoint("archive_folder.pth")), "float32");
    }

    @Test
    void a_big_endian_checkpoint_is_swapped_on_load() {
        assertPlainConv(PthReader.read(checkpoint("big_endian.pth")), "float32");
    }

    @ParameterizedTest
    @ValueSource(strings = {"buffers.pth", "legacy_buffers.pth"})
    void integer_bool_and_scalar_buffers_of_a_full_state_dict_load_as_float32(String file) {
        StateDict sd = PthReader.read(checkpoint(file));
        assertArrayEquals(new float[] {1, 2, 3}, sd.require("weight", 3).values());
        assertArrayEquals(new float[] {0, 0.5f, 1}, sd.require("bias", 3).values());
        assertArrayEquals(new float[] {-1, 0, 1}, sd.require("running_mean", 3).values());
        assertArrayEquals(new float[] {2, 3, 4}, sd.require("running_var", 3).values());
        CheckpointTensor counter = sd.require("num_batches_tracked");
        assertArrayEquals(new float[] {7}, counter.values());
        assertEquals("int64", counter.sourceDtype());
        assertArrayEquals(new float[] {-2, -1, 0, 1}, sd.require("int32_buffer", 4).values());
        assertEquals("int32", sd.get("int32_buffer").sourceDtype());
        assertArrayEquals(new float[] {250, 251, 252, 253}, sd.require("uint8_buffer", 4).values());
        assertArrayEquals(new float[] {1, 0, 1}, sd.require("bool_buffer", 3).values());
        assertArrayEquals(new float[] {3.5f}, sd.require("scalar").values());
    }

    @ParameterizedTest
    @ValueSource(strings = {"strided.pth", "legacy_strided.pth"})
    void strided_views_are_materialised_in_c_order(String file) {
        StateDict sd = PthReader.read(checkpoint(file));
        float[] transposed = new float[24];
        for (int r = 0; r < 6; r++) {
            for (int c = 0; c < 4; c++) {
                transposed[r * 4 + c] = c * 6 + r;
            }
        }
        assertArrayEquals(transposed, sd.require("transposed", 6, 4).values());
        assertArrayEquals(new float[] {6, 8, 10, 12, 14, 16}, sd.require("sliced", 2, 3).values());
        assertArrayEquals(new float[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, sd.require("expanded", 4, 3).values());
        assertArrayEquals(arange(12, 1, 0), sd.require("shared_whole", 3, 4).values());
        assertArrayEquals(new float[] {8, 9, 10, 11}, sd.require("shared_row", 4).values());
    }

    @Test
    void the_legacy_pre_1_6_format_loads_like_the_zip_format() {
        assertPlainConv(PthReader.read(checkpoint("legacy.pth")), "float32");
    }

    @Test
    void a_checkpoint_inside_a_jar_is_read_through_a_temporary_copy(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("weights.jar");
        try (FileSystem zipFs = FileSystems.newFileSystem(jar, Map.of("create", "true"))) {
            Path inside = zipFs.getPath("/models/dtype_float16.pth");
            Files.createDirectories(inside.getParent());
            Files.copy(checkpoint("dtype_float16.pth"), inside);
            assertPlainConv(PthReader.read(inside), "float16");
            CheckpointException e = assertThrows(CheckpointException.class, () -> PthReader.read(zipFs.getPath("/models/none.pth")));
            assertTrue(e.getMessage().startsWith("none.pth: the file does not exist"), e.getMessage());
        }
    }

    @Test
    void a_missing_file_is_reported_with_its_name() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> PthReader.read(Path.of("no/such/model.pth")));
        assertTrue(e.getMessage().startsWith("model.pth: the file does not exist"), e.getMessage());
    }
}
