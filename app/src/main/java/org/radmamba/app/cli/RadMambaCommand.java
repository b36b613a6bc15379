package org.radmamba.app.cli;

import org.radmamba.app.ExitCodes;
import org.radmamba.app.gui.RadMambaGui;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code radmamba} top-level command. Sub-commands are registered in {@link #commandLine()}.
 */
@Command(name = "radmamba",
        mixinStandardHelpOptions = true,
        versionProvider = RadMambaCommand.Version.class,
        description = "RadMamba: a radiology viewer with embedded state-space-model AI.%n"
                + "Without a sub-command, starts the viewer.")
public final class RadMambaCommand implements Callable<Integer> {

    /** Builds the command line with every sub-command and RadMamba's exit-code conventions. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new RadMambaCommand());
        // Sub-commands, one line each (keep alphabetical):
        cl.addSubcommand(new BenchLoadCommand());
        cl.addSubcommand(new BenchModelCommand());
        cl.addSubcommand(new BenchScanCommand());
        cl.addSubcommand(new BenchViewerCommand());
        cl.addSubcommand(new ClassifyCommand());
        cl.addSubcommand(new ExportCommand());
        cl.addSubcommand(new InfoCommand());
        cl.addSubcommand(new PluginsCommand());
        cl.addSubcommand(new SegmentCommand());
        // A command-line mistake is a usage error (2); anything a command throws is about its input (3).
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException
                ? ExitCodes.USAGE : ExitCodes.INPUT_UNREADABLE);
        cl.getCommandSpec().exitCodeOnUsageHelp(ExitCodes.OK);
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        return cl;
    }

    @Parameters(arity = "0..*", paramLabel = "PATH",
            description = "Files, folders or DICOMDIRs to open in the viewer (none: the demo study).")
    private List<Path> paths = new ArrayList<>();

    /** Without a sub-command: the viewer window, on the given paths; returns when the window closes. */
    @Override
    public Integer call() {
        RadMambaGui.launch(paths);
        return ExitCodes.OK;
    }

    /** Version from the jar manifest (set by the build), "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RadMambaCommand.class.getPackage().getImplementationVersion();
            return new String[] {"RadMamba " + (v == null ? "development build" : v)};
        }
    }
}
