package org.radmamba.app.bench;

import org.junit.jupiter.api.Test;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.cli.RadMambaCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code bench} group: its help, where {@code radmamba --help} lists it, and the retired bench-* names. */
class BenchCommandTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = RadMambaCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void bench_help_lists_the_benchmarks() {
        Run run = run("bench", "--help");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Usage: radmamba bench [-hV] [--verbose] [COMMAND]"), run.out());
        for (String name : new String[] {"model", "scan", "load", "viewer", "series"}) {
            assertTrue(run.out().matches("(?s).*\\R  " + name + " +\\S.*"), name + " missing in:\n" + run.out());
        }
    }

    @Test
    void each_benchmark_has_its_own_help_under_the_group() {
        for (String name : new String[] {"model", "scan", "load", "viewer", "series"}) {
            Run run = run("bench", name, "--help");

            assertEquals(ExitCodes.OK, run.exitCode(), name + ": " + run.err());
            assertTrue(run.out().startsWith("Usage: radmamba bench " + name), run.out());
        }
    }

    @Test
    void bench_alone_is_a_usage_error_naming_the_benchmarks() {
        Run run = run("bench");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("Missing benchmark: one of model, scan, load, viewer, series"), run.err());
    }

    @Test
    void the_top_level_help_lists_bench_as_a_developer_tool_not_among_the_users_commands() {
        Run run = run("--help");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        String out = run.out();
        int commands = out.indexOf("Commands:");
        int tools = out.indexOf("Developer tools:");
        assertTrue(commands >= 0 && tools > commands, out);
        assertFalse(out.substring(commands, tools).contains("bench"), out);
        assertTrue(out.substring(tools).contains("  bench  Performance benchmarks: model, scan, load, viewer, series"), out);
        assertFalse(out.contains("bench-"), out);
    }

    @Test
    void bench_series_classifies_every_slice_through_the_viewers_path_and_names_the_engine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Run run = run("bench", "series", "--dir", dir.toString(), "--count", "5", "--size", "64", "--runs", "2",
                "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        String[] lines = run.out().split("\\R");
        assertTrue(lines[0].matches("series=5 rows=64 columns=64 model=medmamba-chest-phantom-demo input=128x128 engine=cpu "
                + "precision=float32 batch=1 wall_ms=[0-9.]+ images_per_s=[0-9.]+ cpu_ms=[0-9.]+ cores=[0-9]+ run=1"), lines[0]);
        assertEquals("Engine: CPU (float32) — the CPU engine was chosen", lines[1]);
        assertTrue(lines[2].startsWith("series=5 ") && lines[2].endsWith(" run=2"), lines[2]);
    }

    @Test
    void bench_series_on_cuda_without_a_usable_gpu_is_an_error_with_the_reason() {
        // This machine has no NVIDIA driver (CI neither): the run falls back to the CPU, which the benchmark refuses.
        org.junit.jupiter.api.Assumptions.assumeTrue(!new java.io.File("/dev/nvidiactl").exists(), "a GPU machine");
        Run run = run("bench", "series", "--count", "2", "--size", "64", "--runs", "1", "--device", "cuda");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode(), run.out());
        assertTrue(run.err().startsWith("CUDA was asked for but cannot run: "), run.err());
    }

    @Test
    void a_mistyped_command_is_a_usage_error_not_a_file_for_the_viewer() {
        Run run = run("infoo", "scan.dcm");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().startsWith("Unknown command: 'infoo' (radmamba --help lists the commands)"), run.err());
    }

    @Test
    void the_old_names_are_unknown_commands() {
        for (String old : new String[] {"bench-model", "bench-scan", "bench-load", "bench-viewer"}) {
            Run alone = run(old);
            Run withOptions = run(old, "--threads", "1");

            String expected = "Unknown command: '" + old + "' (the benchmarks are sub-commands of bench: radmamba bench "
                    + old.substring("bench-".length()) + ")";
            assertEquals(ExitCodes.USAGE, alone.exitCode(), old + ": " + alone.err());
            assertTrue(alone.err().startsWith(expected + System.lineSeparator() + "Usage: radmamba "), alone.err());
            assertEquals(ExitCodes.USAGE, withOptions.exitCode(), old + ": " + withOptions.err());
            assertTrue(withOptions.err().startsWith(expected), withOptions.err());
        }
    }
}
