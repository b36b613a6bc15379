package org.radmamba.app.cli;

import org.junit.jupiter.api.Test;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.logging.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The top-level command's handling of what a sub-command throws instead of returning an exit code. */
class RadMambaCommandTest {

    /** A sub-command with a bug: it throws whatever it is given. */
    @Command(name = "explode")
    static final class Exploding implements Callable<Integer> {
        private final RuntimeException failure;

        @Parameters(paramLabel = "FILE")
        private List<Path> files;

        Exploding(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() {
            throw failure;
        }
    }

    private static InfoCommandTest.Run run(RuntimeException failure, String... args) {
        CommandLine cl = RadMambaCommand.commandLine();
        cl.addSubcommand(new Exploding(failure));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new InfoCommandTest.Run(code, out.toString(), err.toString());
    }

    @Test
    void an_unexpected_runtime_exception_exits_3_with_one_plain_line_and_its_stack_trace_in_the_log_file()
            throws Exception {
        Path logFile = Logging.logFile().orElseThrow();
        InfoCommandTest.Run run = run(new IllegalStateException("index 7 out of bounds\nfor length 3 (marker 41)"),
                "explode", "/data/scan.dcm");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals("/data/scan.dcm: unexpected error (see the log file " + logFile + ")" + System.lineSeparator(),
                run.err());
        assertEquals("", run.out());
        String log = Files.readString(logFile);
        assertTrue(log.contains("radmamba explode failed unexpectedly on /data/scan.dcm"), log);
        assertTrue(log.contains("java.lang.IllegalStateException: index 7 out of bounds\nfor length 3 (marker 41)"), log);
        assertTrue(log.contains("\tat org.radmamba.app.cli.RadMambaCommandTest.an_unexpected_runtime_exception"), log);
    }

    @Test
    void several_inputs_are_all_named_and_no_java_internals_reach_the_user() {
        InfoCommandTest.Run run = run(new NullPointerException("Cannot read the array length because \"oldString\" is null"),
                "explode", "a.dcm", "b.dcm");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals("a.dcm, b.dcm: unexpected error (see the log file " + Logging.logFile().orElseThrow() + ")",
                run.err().strip());
    }

    @Test
    void the_log_file_lies_in_the_folder_the_tests_set_not_in_the_users_home() {
        Path expected = Path.of(System.getProperty(Logging.FOLDER_PROPERTY)).toAbsolutePath();

        assertEquals(expected.resolve("radmamba.log"), Logging.logFile().orElseThrow());
        assertTrue(expected.toString().contains("target"), expected.toString());
    }

    @Test
    void usage_errors_still_exit_2() {
        InfoCommandTest.Run run = run(new IllegalStateException("unused"), "explode", "--no-such-option", "x.dcm");

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--no-such-option"), run.err());
    }

    @Test
    void a_real_command_failing_on_its_input_keeps_its_own_message_and_exit_code() {
        InfoCommandTest.Run run = run(null, "info", "/no/such/folder/anywhere");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertFalse(run.err().contains("unexpected error"), run.err());
        assertTrue(run.err().contains("/no/such/folder/anywhere"), run.err());
    }
}
