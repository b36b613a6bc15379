package org.radmamba.app.cli;

import org.junit.jupiter.api.Test;
import org.radmamba.app.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.io.StringWriter;
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
    void an_unexpected_runtime_exception_exits_3_with_one_line_naming_the_input_and_no_stack_trace() {
        InfoCommandTest.Run run = run(new IllegalStateException("index 7 out of bounds\nfor length 3"),
                "explode", "/data/scan.dcm");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertEquals("/data/scan.dcm: radmamba explode failed unexpectedly (java.lang.IllegalStateException: index 7 out"
                + " of bounds for length 3)", run.err().strip());
        assertFalse(run.err().contains("\tat "), run.err());
        assertEquals("", run.out());
    }

    @Test
    void several_inputs_are_all_named_and_an_exception_without_message_by_its_class() {
        InfoCommandTest.Run run = run(new NullPointerException(), "explode", "a.dcm", "b.dcm");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals("a.dcm, b.dcm: radmamba explode failed unexpectedly (java.lang.NullPointerException)",
                run.err().strip());
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
        assertFalse(run.err().contains("failed unexpectedly"), run.err());
        assertTrue(run.err().contains("/no/such/folder/anywhere"), run.err());
    }
}
