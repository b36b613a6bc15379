package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.plugin.PluginJars;
import org.radmamba.app.plugin.testplugins.ThrowingToolPlugin;
import org.radmamba.app.plugin.testplugins.WrongApiPlugin;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line with plugins from a folder: {@code radmamba plugins} lists them, and {@code info} and
 * {@code classify} read a PGM through the example plugin's image source — and refuse it, in one line, without it.
 */
class PluginCommandsTest {

    @TempDir
    Path dir;

    private static InfoCommandTest.Run run(String... args) {
        return InfoCommandTest.run(args);
    }

    /** The example plugin (and, with {@code broken}, one built for another API) in a fresh plugin folder. */
    private Path pluginFolder(boolean broken) throws Exception {
        Path folder = dir.resolve("plugins");
        PluginJars.example(folder, "radmamba-plugin-example.jar");
        if (broken) {
            PluginJars.write(folder, "future.jar", WrongApiPlugin.class, WrongApiPlugin.class, ThrowingToolPlugin.class);
        }
        return folder;
    }

    /** A 6 x 4 binary PGM of a diagonal ramp, and the same pixels as a grey PNG. */
    private static final int W = 6;
    private static final int H = 4;

    private static int value(int x, int y) {
        return (x * 40 + y * 25) % 256;
    }

    private Path pgm(String name) throws Exception {
        byte[] header = ("P5\n# ramp\n" + W + " " + H + "\n255\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(header, header.length + W * H);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                all[header.length + y * W + x] = (byte) value(x, y);
            }
        }
        return Files.write(dir.resolve(name), all);
    }

    private Path png(String name) throws Exception {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                image.getRaster().setSample(x, y, 0, value(x, y));
            }
        }
        Path file = dir.resolve(name);
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void plugins_lists_every_plugin_with_status_reason_and_extensions_and_exits_0() throws Exception {
        Path folder = pluginFolder(true);

        InfoCommandTest.Run text = run("plugins", "--plugins", folder.toString());
        assertEquals(ExitCodes.OK, text.exitCode(), text.err());
        List<String> lines = text.out().lines().toList();
        assertTrue(lines.getFirst().startsWith("radmamba  RadMamba built-in models (MedMamba, VM-UNet)  "), text.out());
        assertTrue(lines.getFirst().endsWith("  enabled  (built in)"), text.out());
        assertEquals(List.of("    radmamba.model.medmamba", "    radmamba.model.vmunet"), lines.subList(1, 3));
        assertEquals(List.of(
                "wrong-api  From the future  9.0  disabled  (future.jar)",
                "    reason: built for plugin API 99; this RadMamba has plugin API 1",
                "example  Example: image statistics and PGM  1.0.0  enabled  (radmamba-plugin-example.jar)",
                "    example.tool.histogram",
                "    example.source.pgm",
                "    example.model.mean-colour",
                "3 plugin(s), 1 disabled; plugin API 1; plugin folder " + folder.toAbsolutePath()), lines.subList(3, 10));
        assertEquals(10, lines.size(), text.out());

        InfoCommandTest.Run json = run("plugins", "--json", "--plugins", folder.toString());
        assertEquals(ExitCodes.OK, json.exitCode(), json.err());
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertEquals(1, root.get("apiVersion").asInt());
        assertEquals(folder.toAbsolutePath().toString(), root.get("folder").asText());
        JsonNode plugins = root.get("plugins");
        assertEquals(3, plugins.size());
        assertEquals("radmamba", plugins.get(0).get("id").asText());
        assertTrue(plugins.get(0).get("builtIn").asBoolean());
        assertTrue(plugins.get(0).get("reason").isNull());
        JsonNode wrong = plugins.get(1);
        assertEquals("wrong-api", wrong.get("id").asText());
        assertEquals("disabled", wrong.get("status").asText());
        assertEquals("future.jar", wrong.get("source").asText());
        assertEquals("built for plugin API 99; this RadMamba has plugin API 1", wrong.get("reason").asText());
        JsonNode example = plugins.get(2);
        assertEquals("enabled", example.get("status").asText());
        assertEquals("1.0.0", example.get("version").asText());
        assertEquals("Example: image statistics and PGM", example.get("name").asText());
        assertEquals(List.of("example.tool.histogram", "example.source.pgm", "example.model.mean-colour"),
                new ObjectMapper().convertValue(example.get("extensions"), List.class));
    }

    @Test
    void plugins_without_the_folder_lists_only_the_built_ins() {
        InfoCommandTest.Run run = run("plugins", "--no-plugins", "--json");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals("radmamba", readTree(run.out()).get("plugins").get(0).get("id").asText());
        assertEquals(1, readTree(run.out()).get("plugins").size());
        assertTrue(readTree(run.out()).get("folder").isNull());
    }

    private static JsonNode readTree(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(json, e);
        }
    }

    @Test
    void info_reads_a_pgm_through_the_example_plugin_and_without_it_reports_it_unsupported_in_one_line() throws Exception {
        Path folder = pluginFolder(false);
        Path ramp = pgm("ramp.pgm");

        InfoCommandTest.Run text = run("info", "--plugins", folder.toString(), ramp.toString());
        assertEquals(ExitCodes.OK, text.exitCode(), text.err());
        assertTrue(text.out().contains(ramp.toAbsolutePath() + "  picture (Netpbm grey map (binary PGM, 8 bits), from"
                + " the plugin example)  6x4"), text.out());
        assertTrue(text.out().contains("1 instance(s), 0 unreadable file(s)"), text.out());

        InfoCommandTest.Run json = run("info", "--json", "--plugins", folder.toString(), ramp.toString());
        JsonNode instance = readTree(json.out()).get("patients").get(0).get("studies").get(0).get("series").get(0)
                .get("instances").get(0);
        assertEquals("PHOTOGRAPH", instance.get("kind").asText());
        assertEquals("MONOCHROME2", instance.get("photometricInterpretation").asText());
        assertEquals("Netpbm grey map (binary PGM, 8 bits), from the plugin example", instance.get("format").asText());
        assertEquals(6, instance.get("geometry").get("columns").asInt());

        InfoCommandTest.Run without = run("info", "--plugins", dir.resolve("no-plugins").toString(), ramp.toString());
        assertEquals(ExitCodes.INPUT_UNREADABLE, without.exitCode());
        assertEquals(ramp.toAbsolutePath() + ": is not a DICOM file or a photograph (PNG, JPEG, BMP, TIFF), and no"
                + " enabled plugin reads .pgm files", without.err().strip());
    }

    @Test
    void classify_reads_a_pgm_through_the_plugin_with_the_same_result_as_the_same_pixels_in_a_png() throws Exception {
        Path folder = pluginFolder(false);
        Path ramp = pgm("ramp.pgm");
        Path same = png("ramp.png");
        Path model = ClassifyCommandTest.resource("/checkpoints/medmamba_tiny.pth");

        InfoCommandTest.Run fromPgm = run("classify", ramp.toString(), "--model", model.toString(), "--json",
                "--device", "cpu", "--plugins", folder.toString());
        assertEquals(ExitCodes.OK, fromPgm.exitCode(), fromPgm.err());
        InfoCommandTest.Run fromPng = run("classify", same.toString(), "--model", model.toString(), "--json",
                "--device", "cpu", "--no-plugins");
        assertEquals(ExitCodes.OK, fromPng.exitCode(), fromPng.err());
        JsonNode pgmResult = readTree(fromPgm.out()).get("results").get(0);
        JsonNode pngResult = readTree(fromPng.out()).get("results").get(0);
        assertEquals(ramp.toString(), pgmResult.get("image").asText());
        double sum = 0;
        for (int c = 0; c < 3; c++) {
            double p = pgmResult.get("probabilities").get("class " + c).asDouble();
            // Same input, same network: equal up to the float noise of the parallel forward pass.
            assertEquals(pngResult.get("probabilities").get("class " + c).asDouble(), p, 1e-6,
                    "the PGM's pixels are the PNG's");
            sum += p;
        }
        assertEquals(1.0, sum, 1e-9);

        InfoCommandTest.Run without = run("classify", ramp.toString(), "--model", model.toString(), "--device", "cpu",
                "--plugins", dir.resolve("no-plugins").toString());
        assertEquals(ExitCodes.INPUT_UNREADABLE, without.exitCode());
        assertEquals(ramp.toAbsolutePath() + ": is not a DICOM file or a photograph (PNG, JPEG, BMP, TIFF), and no"
                + " enabled plugin reads .pgm files", without.err().strip());
    }

    @Test
    void export_writes_a_pgm_read_through_the_plugin_as_a_png_with_the_same_pixels() throws Exception {
        Path folder = pluginFolder(false);
        Path ramp = pgm("ramp.pgm");
        Path out = dir.resolve("ramp-out.png");

        InfoCommandTest.Run run = run("export", ramp.toString(), "--format", "png", "--out", out.toString(),
                "--plugins", folder.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        BufferedImage png = ImageIO.read(out.toFile());
        assertEquals(W, png.getWidth());
        assertEquals(H, png.getHeight());
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                assertEquals(value(x, y), png.getRaster().getSample(x, y, 0), "pixel (" + x + ", " + y + ")");
            }
        }
    }
}
