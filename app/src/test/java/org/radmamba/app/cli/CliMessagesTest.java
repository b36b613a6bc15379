package org.radmamba.app.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.logging.Logging;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the commands say, exactly, and the exit codes their help documents: folders given where a file is read,
 * empty folders, missing files, outputs that cannot be written; and what reaches the console besides (nothing but
 * the command's own lines, unless --verbose).
 */
class CliMessagesTest {

    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;

    /** What the loggers write to the process's stderr while a command runs (the console appender). */
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureConsole() {
        originalErr = System.err;
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreConsole() {
        System.setErr(originalErr);
    }

    private String consoleText() {
        return console.toString(StandardCharsets.UTF_8);
    }

    private static InfoCommandTest.Run run(String... args) {
        CommandLine cl = RadMambaCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new InfoCommandTest.Run(code, out.toString(), err.toString());
    }

    /** A folder of three files that are not DICOM, photographs or pictures. */
    private Path folderOfJunk() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("junk"));
        for (String name : List.of("a.dcm", "b.dcm", "c.dcm")) {
            Files.writeString(folder.resolve(name), "this is not DICOM");
        }
        return folder;
    }

    private static final String JUNK_REASON = "is not a DICOM file: no DICM prefix and no plausible first element";

    @Test
    void info_on_an_empty_folder_exits_3_as_its_help_says_and_says_the_folder_is_empty() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        InfoCommandTest.Run run = run("info", "--no-plugins", empty.toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals("0 instance(s), 0 unreadable file(s)" + NL, run.out());
        assertEquals("folder " + empty + " holds no file" + NL, run.err());
        assertEquals("", consoleText());
    }

    @Test
    void info_on_a_folder_of_unreadable_files_lists_each_once_then_what_the_folder_holds() throws Exception {
        Path folder = folderOfJunk();

        InfoCommandTest.Run run = run("info", "--no-plugins", folder.toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        Path abs = folder.toAbsolutePath();
        assertEquals(abs.resolve("a.dcm") + ": " + JUNK_REASON + NL
                + abs.resolve("b.dcm") + ": " + JUNK_REASON + NL
                + abs.resolve("c.dcm") + ": " + JUNK_REASON + NL
                + "folder " + folder + " holds no readable image: 3 files, 3 unreadable (first: a.dcm: " + JUNK_REASON
                + ")" + NL, run.err());
        // Once: the scanner's own record of the skipped files goes to the log file, not to the console.
        assertEquals("", consoleText());
    }

    @Test
    void export_of_a_folder_without_images_names_the_folder_and_what_it_holds() throws Exception {
        Path folder = folderOfJunk();

        InfoCommandTest.Run run = run("export", "--no-plugins", folder.toString(), "--format", "png", "--out",
                dir.resolve("x.png").toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals("folder " + folder + " holds no readable image: 3 files, 3 unreadable (first: a.dcm: "
                + JUNK_REASON + ")" + NL, run.err());
        assertEquals("", run.out());
        assertEquals("", consoleText());
    }

    @Test
    void export_of_a_folder_of_images_is_a_usage_error_naming_an_image_to_give_instead() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("ct"));
        Path image = SyntheticCtSeries.write(folder, 1, 8, 8).getFirst();

        InfoCommandTest.Run run = run("export", "--no-plugins", folder.toString(), "--format", "png", "--out",
                dir.resolve("x.png").toString());

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals(folder + ": is a folder; export reads one file (the folder holds 1 image, e.g. "
                + image.toAbsolutePath().normalize() + ")" + NL, run.err());
    }

    @Test
    void export_of_a_missing_file_says_so() {
        Path missing = dir.resolve("nothing-here.dcm");

        InfoCommandTest.Run run = run("export", "--no-plugins", missing.toString(), "--format", "npy", "--out",
                dir.resolve("x.npy").toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals(missing + ": no such file" + NL, run.err());
    }

    @Test
    void export_into_a_missing_folder_says_the_output_cannot_be_written_and_why() throws Exception {
        Path image = SyntheticCtSeries.write(dir, 1, 8, 8).getFirst();
        Path out = dir.resolve("no-such-folder").resolve("x.png");

        InfoCommandTest.Run run = run("export", "--no-plugins", image.toString(), "--format", "png", "--out",
                out.toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals(out + ": cannot be written (its folder does not exist)" + NL, run.err());
    }

    @Test
    void classify_of_a_folder_without_images_names_the_folder_and_what_it_holds() throws Exception {
        Path folder = folderOfJunk();
        Path checkpoint = ClassifyCommandTest.resource("/checkpoints/medmamba_tiny.pth");

        InfoCommandTest.Run run = run("classify", "--no-plugins", folder.toString(), "--model", checkpoint.toString(),
                "--device", "cpu");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals("folder " + folder + " holds no readable image: 3 files, 3 unreadable (first: a.dcm: "
                + JUNK_REASON + ")" + NL, run.err());
        assertEquals("", run.out());
        assertEquals("", consoleText());
    }

    @Test
    void segment_of_a_folder_without_images_names_the_folder_and_what_it_holds() throws Exception {
        Path folder = folderOfJunk();
        Path checkpoint = ClassifyCommandTest.resource("/checkpoints/vmunet_tiny_binary.pth");

        InfoCommandTest.Run run = run("segment", "--no-plugins", folder.toString(), "--model", checkpoint.toString(),
                "--out", dir.resolve("mask.png").toString(), "--device", "cpu");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals("folder " + folder + " holds no readable image: 3 files, 3 unreadable (first: a.dcm: "
                + JUNK_REASON + ")" + NL, run.err());
        assertEquals("", consoleText());
    }

    @Test
    void the_plugin_registrys_info_lines_reach_the_log_file_not_the_console_unless_verbose() throws Exception {
        Path image = SyntheticCtSeries.write(dir, 1, 8, 8).getFirst();
        String plugins = System.getProperty("radmamba.test.plugins");
        Path logFile = Logging.logFile().orElseThrow();
        long before = Files.exists(logFile) ? Files.size(logFile) : 0;

        InfoCommandTest.Run quiet = run("info", "--plugins", plugins, image.toString());

        assertEquals(ExitCodes.OK, quiet.exitCode(), quiet.err());
        assertEquals("", quiet.err());
        assertEquals("", consoleText());
        String logged = Files.readString(logFile).substring((int) Math.min(before, Files.size(logFile)));
        assertTrue(logged.contains("INFO  [") && logged.contains("org.radmamba.app.plugin.PluginRegistry - plugin "),
                logged);

        InfoCommandTest.Run verbose = run("info", "--verbose", "--plugins", plugins, image.toString());

        assertEquals(ExitCodes.OK, verbose.exitCode(), verbose.err());
        assertTrue(consoleText().contains("INFO  PluginRegistry: plugin "), consoleText());

        // And the next run without the flag is quiet again.
        console.reset();
        run("info", "--plugins", plugins, image.toString());
        assertEquals("", consoleText());
    }

    @Test
    void every_reading_command_documents_its_exit_codes_in_its_help() {
        for (String command : List.of("info", "export", "classify", "segment")) {
            InfoCommandTest.Run help = run(command, "--help");

            assertEquals(ExitCodes.OK, help.exitCode());
            assertTrue(help.out().contains("Exit codes:" + NL), help.out());
            for (int code : new int[] {ExitCodes.OK, ExitCodes.USAGE, ExitCodes.INPUT_UNREADABLE}) {
                assertTrue(help.out().contains(NL + "  " + code + "   "), command + " documents " + code + ":" + NL + help.out());
            }
        }
    }
}
