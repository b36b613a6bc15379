package org.radmamba.plugins.example;

import org.junit.jupiter.api.Test;
import org.radmamba.plugins.api.Checkpoint;
import org.radmamba.plugins.api.ImageView;
import org.radmamba.plugins.api.ModelSpec;
import org.radmamba.plugins.api.Network;
import org.radmamba.plugins.api.PixelSpacing;
import org.radmamba.plugins.api.PluginApi;
import org.radmamba.plugins.api.RasterImage;
import org.radmamba.plugins.api.Task;
import org.radmamba.plugins.api.ToolResult;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExamplePluginTest {

    /** Two rows of 0, 50, 100, 250. */
    private static final RasterImage FOUR_LEVELS = new RasterImage(4, 2, 1,
            new byte[] {0, 50, 100, (byte) 250, 0, 50, 100, (byte) 250});

    @Test
    void the_plugin_offers_the_histogram_tool_the_pgm_source_and_the_classifier_under_its_id() {
        ExamplePlugin plugin = new ExamplePlugin();
        assertEquals(PluginApi.VERSION, plugin.apiVersion());
        assertEquals(List.of("example.tool.histogram", "example.source.pgm", "example.model.mean-colour"),
                plugin.extensions().stream().map(e -> PluginApi.extensionId(plugin.id(), e)).toList());
    }

    @Test
    void the_histogram_counts_each_grey_level_and_states_the_statistics() {
        ToolResult result = new HistogramTool().run(new ImageView(FOUR_LEVELS, Optional.of(new PixelSpacing(0.5, 0.25))));
        assertEquals(List.of("pixels: 8", "mean: 100", "standard deviation: 93.54", "minimum: 0", "median: 50",
                "maximum: 250", "area: 1 mm²"), result.measurements().stream().map(ToolResult.Measurement::formatted).toList());
        double[] bins = result.series().getFirst().values();
        assertEquals(256, bins.length);
        assertEquals(2, bins[0]);
        assertEquals(2, bins[50]);
        assertEquals(2, bins[100]);
        assertEquals(2, bins[250]);
        assertEquals(8, java.util.Arrays.stream(bins).sum());
    }

    @Test
    void without_spacing_the_histogram_states_no_area() {
        ToolResult result = new HistogramTool().run(ImageView.of(FOUR_LEVELS));
        assertFalse(result.measurements().stream().anyMatch(m -> m.name().equals("area")));
    }

    @Test
    void an_rgb_image_is_measured_by_its_luma() {
        RasterImage rgb = new RasterImage(1, 1, 3, new byte[] {(byte) 255, 0, 0});
        ToolResult result = new HistogramTool().run(ImageView.of(rgb));
        assertEquals(1, result.series().getFirst().values()[76]); // round(0.299 * 255) = 76
    }

    @Test
    void a_binary_pgm_with_a_comment_is_read_and_a_smaller_maximum_is_scaled_to_255() throws IOException {
        RasterImage full = new PgmFormat().read(pgm("P5\n# made by hand\n3 1\n255\n", 0, 128, 255), "a.pgm");
        assertEquals(3, full.width());
        assertEquals(1, full.height());
        assertArrayEquals(new byte[] {0, (byte) 128, (byte) 255}, full.copyPixels());
        RasterImage scaled = new PgmFormat().read(pgm("P5 2 1 15\n", 0, 15), "b.pgm");
        assertArrayEquals(new byte[] {0, (byte) 255}, scaled.copyPixels());
    }

    @Test
    void a_truncated_pgm_is_refused_naming_the_file_and_the_bytes_missing() {
        IOException e = assertThrows(IOException.class, () -> new PgmFormat().read(pgm("P5\n4 4\n255\n", 1, 2, 3), "cut.pgm"));
        assertEquals("cut.pgm: the pixel data ends after 3 of 16 bytes", e.getMessage());
    }

    @Test
    void the_pgm_source_recognises_its_magic_number() {
        assertTrue(new PgmFormat().matches("P5\n1 1\n255\n".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(new PgmFormat().matches("P6\n1 1\n255\n".getBytes(StandardCharsets.US_ASCII)));
    }

    /** A mean-colour checkpoint: the magic, k, then W (k x 3) and b (k), big-endian. */
    static byte[] meanColourCheckpoint(float[][] weights, float[] biases) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MeanColourClassifier.MAGIC);
            out.writeInt(biases.length);
            for (float[] row : weights) {
                for (float w : row) {
                    out.writeFloat(w);
                }
            }
            for (float b : biases) {
                out.writeFloat(b);
            }
        }
        return bytes.toByteArray();
    }

    private static Checkpoint inMemory(String name, byte[] bytes) {
        return new Checkpoint() {
            @Override
            public String fileName() {
                return name;
            }

            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }

    private static final ModelSpec TWO_CLASSES = new ModelSpec("mean", "Mean colour", Task.CLASSIFICATION, 2, 2,
            List.of("dark", "red"));

    @Test
    void the_mean_colour_classifier_applies_its_linear_layer_to_the_mean_of_each_plane() throws IOException {
        byte[] checkpoint = meanColourCheckpoint(new float[][] {{-1, -1, -1}, {4, -2, 0.5f}}, new float[] {1, -0.5f});
        try (Network net = new MeanColourClassifier().load(inMemory("m.bin", checkpoint), TWO_CLASSES)) {
            assertEquals(2, net.classes());
            // Two images of 2 x 2: planes with means (0.5, 0.25, 1) and (0, 0, 0).
            float[] input = {
                    0, 1, 0, 1, /* */ 0, 0, 0, 1, /* */ 1, 1, 1, 1,
                    0, 0, 0, 0, /* */ 0, 0, 0, 0, /* */ 0, 0, 0, 0};
            float[] logits = net.forward(input, 2, 2, 2, () -> 1);
            assertArrayEquals(new float[] {
                    1 - 0.5f - 0.25f - 1, -0.5f + 4 * 0.5f - 2 * 0.25f + 0.5f * 1,
                    1, -0.5f}, logits, 1e-6f);
        }
    }

    @Test
    void a_mean_colour_checkpoint_that_does_not_fit_is_refused_naming_the_file() throws IOException {
        MeanColourClassifier arch = new MeanColourClassifier();
        byte[] good = meanColourCheckpoint(new float[][] {{1, 2, 3}, {4, 5, 6}}, new float[] {0, 0});
        IOException cut = assertThrows(IOException.class,
                () -> arch.load(inMemory("cut.bin", java.util.Arrays.copyOf(good, good.length - 2)), TWO_CLASSES));
        assertEquals("cut.bin: the checkpoint ends early (weights or biases missing)", cut.getMessage());
        IOException wrong = assertThrows(IOException.class,
                () -> arch.load(inMemory("x.pth", "PK\u0003\u0004 a zip".getBytes(StandardCharsets.US_ASCII)), TWO_CLASSES));
        assertEquals("x.pth: not a mean-colour checkpoint (it must start with MEANLIN1)", wrong.getMessage());
        byte[] three = meanColourCheckpoint(new float[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, new float[] {0, 0, 0});
        IOException labels = assertThrows(IOException.class, () -> arch.load(inMemory("three.bin", three), TWO_CLASSES));
        assertEquals("three.bin: the weight matrix has 3 rows but the card of mean names 2 labels", labels.getMessage());
    }

    private static ByteArrayInputStream pgm(String header, int... samples) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        for (int s : samples) {
            out.write(s);
        }
        return new ByteArrayInputStream(out.toByteArray());
    }
}
