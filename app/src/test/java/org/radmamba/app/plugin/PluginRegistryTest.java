package org.radmamba.app.plugin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ai.BuiltInModels;
import org.radmamba.app.plugin.testplugins.FailingStartPlugin;
import org.radmamba.app.plugin.testplugins.FlakyModelPlugin;
import org.radmamba.app.plugin.testplugins.ReachesIntoAppPlugin;
import org.radmamba.app.plugin.testplugins.ThrowingToolPlugin;
import org.radmamba.app.plugin.testplugins.WrongApiPlugin;
import org.radmamba.plugins.api.Checkpoint;
import org.radmamba.plugins.api.ImageView;
import org.radmamba.plugins.api.ModelSpec;
import org.radmamba.plugins.api.Network;
import org.radmamba.plugins.api.PixelSpacing;
import org.radmamba.plugins.api.RasterImage;
import org.radmamba.plugins.api.Task;
import org.radmamba.plugins.api.ToolResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Discovery through the real path: jars in a plugin folder, each in its own class loader. The example plugin is
 * the reactor's; the broken ones are classes of this test tree packed into jars.
 */
class PluginRegistryTest {

    @TempDir
    Path temp;

    private PluginRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private PluginRegistry discover(Path folder) {
        registry = PluginRegistry.discover(getClass().getClassLoader(), folder);
        return registry;
    }

    private static RasterImage fourLevels() {
        return new RasterImage(4, 2, 1, new byte[] {0, 50, 100, (byte) 250, 0, 50, 100, (byte) 250});
    }

    @Test
    void with_no_plugins_at_all_only_the_built_in_models_are_listed_and_enabled() {
        for (Path folder : new Path[] {temp.resolve("missing"), temp, null}) {
            PluginRegistry r = discover(folder);
            assertEquals(List.of(new PluginInfo(BuiltInModels.ID, new BuiltInModels().name(), new BuiltInModels().version(),
                    PluginRegistry.BUILT_IN, true, null, List.of("radmamba.model.medmamba", "radmamba.model.vmunet"))),
                    r.plugins(), "folder " + folder);
            assertEquals(List.of(), r.tools());
            assertEquals(List.of(), r.formats());
            assertEquals(List.of("radmamba.model.medmamba", "radmamba.model.vmunet"), r.architectures());
            r.close();
        }
    }

    @Test
    void the_example_plugin_is_loaded_from_the_folder_and_its_histogram_measures_a_known_image() throws Exception {
        PluginJars.example(temp, "example.jar");
        PluginRegistry r = discover(temp);
        PluginInfo example = r.plugin("example").orElseThrow();
        assertTrue(example.enabled());
        assertEquals("example.jar", example.source());
        assertEquals("1.0.0", example.version());
        assertEquals(List.of("example.tool.histogram", "example.source.pgm", "example.model.mean-colour"), example.extensions());
        assertEquals(List.of(new PluginRegistry.Tool("example.tool.histogram", "Histogram", "Example: image statistics and PGM")),
                r.tools());
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.radmamba.plugins.example.HistogramTool"),
                "the example is not on the app's class path: it ran from the folder");

        ToolResult result = r.runTool("example.tool.histogram",
                new ImageView(fourLevels(), Optional.of(new PixelSpacing(0.5, 0.25))));
        assertEquals(List.of("pixels: 8", "mean: 100", "standard deviation: 93.54", "minimum: 0", "median: 50",
                "maximum: 250", "area: 1 mm²"), result.measurements().stream().map(ToolResult.Measurement::formatted).toList());
        double[] bins = result.series().getFirst().values();
        assertEquals(2, bins[0]);
        assertEquals(2, bins[250]);
    }

    @Test
    void the_example_image_source_reads_a_pgm_file_it_recognises() throws Exception {
        PluginJars.example(temp.resolve("plugins"), "example.jar");
        PluginRegistry r = discover(temp.resolve("plugins"));
        Path pgm = temp.resolve("ramp.PGM");
        Files.write(pgm, new byte[] {'P', '5', '\n', '3', ' ', '1', '\n', '2', '5', '5', '\n', 0, 100, (byte) 200});
        PluginRegistry.Format format = r.formatFor(pgm).orElseThrow();
        assertEquals("example.source.pgm", format.id());
        RasterImage image = r.readImage(format.id(), pgm);
        assertArrayEquals(new byte[] {0, 100, (byte) 200}, image.copyPixels());

        Path notPgm = temp.resolve("fake.pgm");
        Files.writeString(notPgm, "P6 1 1 255\n...");
        assertEquals(Optional.empty(), r.formatFor(notPgm), "the suffix alone does not decide");
        Path cut = temp.resolve("cut.pgm");
        Files.write(cut, new byte[] {'P', '5', ' ', '4', ' ', '4', ' ', '2', '5', '5', ' ', 1});
        IOException e = assertThrows(IOException.class, () -> r.readImage("example.source.pgm", cut));
        assertEquals("cut.pgm: the pixel data ends after 1 of 16 bytes", e.getMessage());
        assertTrue(r.plugin("example").orElseThrow().enabled(), "a bad file is not the plugin's fault");
    }

    @Test
    void a_plugin_built_against_another_api_version_is_disabled_with_the_versions() throws Exception {
        PluginJars.write(temp, "future.jar", WrongApiPlugin.class, WrongApiPlugin.class, ThrowingToolPlugin.class);
        PluginRegistry r = discover(temp);
        PluginInfo info = r.plugin("wrong-api").orElseThrow();
        assertFalse(info.enabled());
        assertEquals("built for plugin API 99; this RadMamba has plugin API 1", info.reason());
        assertEquals("future.jar", info.source());
        assertEquals(List.of(), r.tools(), "its tool is not offered");
    }

    @Test
    void a_plugin_that_throws_while_starting_is_disabled_with_what_it_threw() throws Exception {
        PluginJars.write(temp, "failing.jar", FailingStartPlugin.class, FailingStartPlugin.class);
        PluginInfo info = discover(temp).plugin("failing.jar").orElseThrow();
        assertEquals("the plugin could not start: IllegalStateException: the licence file is missing", info.reason());
    }

    @Test
    void a_plugin_cannot_link_against_the_app_and_is_disabled_saying_which_class_it_missed() throws Exception {
        PluginJars.write(temp, "reaches-in.jar", ReachesIntoAppPlugin.class, ReachesIntoAppPlugin.class,
                ThrowingToolPlugin.class);
        PluginInfo info = discover(temp).plugin("reaches-in").orElseThrow();
        assertEquals("the plugin could not start: NoClassDefFoundError: org/radmamba/app/ai/ModelCard", info.reason());
    }

    @Test
    void a_jar_without_a_plugin_and_a_second_plugin_with_a_taken_id_are_listed_as_disabled() throws Exception {
        PluginJars.write(temp, "a-library.jar", null, ThrowingToolPlugin.class);
        PluginJars.example(temp, "example-1.jar");
        PluginJars.example(temp, "example-2.jar");
        PluginRegistry r = discover(temp);
        assertEquals("no plugin in it: it lists no org.radmamba.plugins.api.Plugin in META-INF/services",
                r.plugin("a-library.jar").orElseThrow().reason());
        List<PluginInfo> examples = r.plugins().stream().filter(p -> p.id().equals("example")).toList();
        assertEquals(2, examples.size());
        assertTrue(examples.get(0).enabled());
        assertEquals("the id \"example\" is already taken by Example: image statistics and PGM (example-1.jar)",
                examples.get(1).reason());
        assertEquals(1, r.tools().size());
    }

    @Test
    void a_tool_that_throws_disables_its_plugin_and_leaves_the_others_working() throws Exception {
        PluginJars.write(temp, "throwing.jar", ThrowingToolPlugin.class, ThrowingToolPlugin.class);
        PluginJars.example(temp, "example.jar");
        PluginRegistry r = discover(temp);
        assertEquals(2, r.tools().size());

        PluginException e = assertThrows(PluginException.class,
                () -> r.runTool("throwing-tool.tool.explode", ImageView.of(fourLevels())));
        assertEquals("throwing-tool.tool.explode failed: IllegalStateException: no pixels today; the plugin throwing-tool"
                + " is disabled", e.getMessage());
        PluginInfo info = r.plugin("throwing-tool").orElseThrow();
        assertEquals("throwing-tool.tool.explode failed: IllegalStateException: no pixels today", info.reason());
        assertEquals(List.of("example.tool.histogram"), r.tools().stream().map(PluginRegistry.Tool::id).toList());
        PluginException again = assertThrows(PluginException.class,
                () -> r.runTool("throwing-tool.tool.explode", ImageView.of(fourLevels())));
        assertTrue(again.getMessage().startsWith("throwing-tool.tool.explode is disabled: "), again.getMessage());
        assertEquals("pixels: 8", r.runTool("example.tool.histogram", ImageView.of(fourLevels()))
                .measurements().getFirst().formatted());
    }

    @Test
    void a_plugin_network_that_throws_in_its_forward_pass_is_reported_and_disabled() throws Exception {
        PluginJars.write(temp, "flaky.jar", FlakyModelPlugin.class, FlakyModelPlugin.class);
        PluginRegistry r = discover(temp);
        assertTrue(r.architectures().contains("flaky.model.mean"));
        ModelSpec spec = new ModelSpec("m", "M", Task.CLASSIFICATION, 2, 2, List.of("a", "b"));

        try (Network good = r.loadNetwork("flaky.model.mean", checkpoint(1), spec)) {
            assertArrayEquals(new float[] {2.5f, -2.5f}, good.forward(new float[] {1, 2, 3, 4}, 1, 2, 2, () -> 1));
        }
        IOException misfit = assertThrows(IOException.class, () -> r.loadNetwork("flaky.model.mean", checkpoint(1, 2), spec));
        assertEquals("w.bin: expected 1 byte, got 2", misfit.getMessage());
        assertTrue(r.plugin("flaky").orElseThrow().enabled(), "a checkpoint that does not fit is not the plugin's fault");

        Network broken = r.loadNetwork("flaky.model.mean", checkpoint(0), spec);
        PluginException.Unchecked e = assertThrows(PluginException.Unchecked.class,
                () -> broken.forward(new float[4], 1, 2, 2, () -> 1));
        assertEquals("flaky.model.mean failed: ArrayIndexOutOfBoundsException: weights went missing; the plugin flaky"
                + " is disabled", e.getMessage());
        assertEquals("flaky.model.mean failed: ArrayIndexOutOfBoundsException: weights went missing",
                r.plugin("flaky").orElseThrow().reason());
        PluginException refused = assertThrows(PluginException.class, () -> r.loadNetwork("flaky.model.mean", checkpoint(1), spec));
        assertTrue(refused.getMessage().startsWith("flaky.model.mean is disabled"), refused.getMessage());
    }

    @Test
    void a_card_task_the_architecture_does_not_make_is_refused() throws Exception {
        PluginJars.write(temp, "flaky.jar", FlakyModelPlugin.class, FlakyModelPlugin.class);
        PluginRegistry r = discover(temp);
        PluginException e = assertThrows(PluginException.class, () -> r.loadNetwork("flaky.model.mean", checkpoint(1),
                new ModelSpec("seg", "Seg", Task.SEGMENTATION, 2, 2, List.of("lesion"))));
        assertEquals("flaky.model.mean builds classification networks; the card of seg asks for segmentation", e.getMessage());
    }

    private static Checkpoint checkpoint(int... bytes) {
        byte[] data = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            data[i] = (byte) bytes[i];
        }
        return new Checkpoint() {
            @Override
            public String fileName() {
                return "w.bin";
            }

            @Override
            public long size() {
                return data.length;
            }

            @Override
            public java.io.InputStream open() {
                return new java.io.ByteArrayInputStream(data);
            }
        };
    }
}
