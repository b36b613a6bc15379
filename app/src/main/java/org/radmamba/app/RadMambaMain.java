package org.radmamba.app;

import org.radmamba.app.cli.RadMambaCommand;
import picocli.CommandLine;

/**
 * The one entry point of the RadMamba artefact: with a sub-command it is the {@code radmamba} command line,
 * without one it starts the viewer.
 */
public final class RadMambaMain {

    private RadMambaMain() {
    }

    public static void main(String[] args) {
        // JavaCPP (under ND4J) prints its loader messages to stderr unless told to log through SLF4J, where they
        // reach the log file only. Set before any class of it loads.
        System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (see {@link ExitCodes}); never calls System.exit. */
    public static int run(String... args) {
        return RadMambaCommand.commandLine().execute(args);
    }
}
