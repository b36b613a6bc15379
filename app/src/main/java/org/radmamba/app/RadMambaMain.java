package org.radmamba.app;

import org.radmamba.app.cli.RadMambaCommand;
import org.radmamba.app.logging.Logging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
        // What escapes a thread (the viewer's FX thread, a worker) reaches the log file with its stack trace, and
        // the console as one line, instead of a bare trace on stderr.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            Logger log = LoggerFactory.getLogger(RadMambaMain.class);
            log.error(Logging.FILE_ONLY, "Unexpected error in thread {}", thread.getName(), e);
            log.error("Unexpected error in {} ({})", thread.getName(), Logging.logFile()
                    .map(f -> "see the log file " + f).orElse("no log file could be written"));
        });
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (see {@link ExitCodes}); never calls System.exit. */
    public static int run(String... args) {
        return RadMambaCommand.commandLine().execute(args);
    }
}
