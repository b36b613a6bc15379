package org.radmamba.app.cli;

import org.radmamba.app.ExitCodes;
import org.radmamba.app.bench.BenchCommand;
import org.radmamba.app.logging.Logging;
import org.radmamba.app.gui.RadMambaGui;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(RadMambaCommand.class);

    /** Builds the command line with every sub-command and RadMamba's exit-code conventions. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new RadMambaCommand());
        // Sub-commands, one line each (keep alphabetical):
        cl.addSubcommand(new BatchCommand());
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand(new ClassifyCommand());
        cl.addSubcommand(new ExportCommand());
        cl.addSubcommand(new InfoCommand());
        cl.addSubcommand(new PluginsCommand());
        cl.addSubcommand(new ReformatCommand());
        cl.addSubcommand(new RemoteCommand());
        cl.addSubcommand(new SegmentCommand());
        // A command-line mistake is a usage error (2); anything a command throws is about its input (3).
        cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException
                ? ExitCodes.USAGE : ExitCodes.INPUT_UNREADABLE);
        // What a command throws instead of returning (a bug, or an input no check foresaw): one line naming the
        // input, exit code 3; the stack trace goes to the debug log, not to the user.
        cl.setExecutionExceptionHandler(RadMambaCommand::unexpectedFailure);
        listDeveloperTools(cl);
        cl.getCommandSpec().exitCodeOnUsageHelp(ExitCodes.OK);
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        // Each run sets the console's verbosity afresh (the tests run many commands in one JVM).
        cl.setExecutionStrategy(parseResult -> {
            Logging.verbose(verbose(parseResult));
            return new CommandLine.RunLast().execute(parseResult);
        });
        return cl;
    }

    private static final String DEVELOPER_TOOLS_SECTION = "developerTools";

    /**
     * Lists the hidden {@code bench} group in {@code radmamba --help} under a heading of its own, after the user's
     * commands: the benchmarks are tools for measuring RadMamba, not part of what a reader of images does with it,
     * but a developer should still find them from the top-level help.
     */
    private static void listDeveloperTools(CommandLine cl) {
        cl.getHelpSectionMap().put(DEVELOPER_TOOLS_SECTION, help -> String.format(
                "%nDeveloper tools:%n  bench  Performance benchmarks: model, scan, load, viewer, series, retrieve, batch (see bench --help)%n"));
        List<String> keys = new ArrayList<>(cl.getHelpSectionKeys());
        keys.add(keys.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST) + 1,
                DEVELOPER_TOOLS_SECTION);
        cl.setHelpSectionKeys(keys);
    }

    /** Whether --verbose was given, before or after the sub-command's name. */
    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Prints {@code INPUT: unexpected error (see the log file PATH)} as one line on stderr, where INPUT is the
     * positional arguments of the sub-command that ran (its files or folders), and writes the stack trace to the
     * log file only: an exception's own text ("/ by zero", "null") means nothing to the user.
     */
    static int unexpectedFailure(Exception e, CommandLine commandLine, ParseResult parseResult) {
        ParseResult innermost = parseResult;
        while (innermost.hasSubcommand()) {
            innermost = innermost.subcommand();
        }
        List<String> inputs = new ArrayList<>();
        // matchedPositionals() repeats a parameter once per value it matched: each parameter once.
        for (PositionalParamSpec positional : innermost.matchedPositionals().stream().distinct().toList()) {
            inputs.addAll(positional.originalStringValues());
        }
        String command = innermost.commandSpec().qualifiedName();
        String input = inputs.isEmpty() ? command : String.join(", ", inputs);
        LOG.error(Logging.FILE_ONLY, "{} failed unexpectedly on {}", command, input, e);
        String line = input + ": unexpected error ("
                + Logging.logFile().map(f -> "see the log file " + f).orElse("no log file could be written") + ")";
        commandLine.getErr().println(line.replaceAll("\\R+", " "));
        commandLine.getErr().flush();
        return ExitCodes.INPUT_UNREADABLE;
    }

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show RadMamba's progress and debug messages on the console (always in the log file).")
    private boolean verbose;

    @Parameters(arity = "0..*", paramLabel = "PATH", preprocessor = NoSuchCommand.class,
            description = "Files, folders or DICOMDIRs to open in the viewer (none: the demo study).")
    private List<Path> paths = new ArrayList<>();

    /** Without a sub-command: the viewer window, on the given paths; returns when the window closes. */
    @Override
    public Integer call() {
        RadMambaGui.launch(paths);
        return ExitCodes.OK;
    }

    /**
     * A first PATH that names nothing on disk and is spelled like a command ({@code bench-load}, {@code infoo}) is a
     * mistyped or retired sub-command, not a file to open: a usage error (picocli's unmatched-argument error, exit 2,
     * with the usage help) instead of a viewer window that cannot open it.
     */
    static final class NoSuchCommand implements CommandLine.IParameterPreprocessor {
        @Override
        public boolean preprocess(java.util.Stack<String> args, CommandLine.Model.CommandSpec commandSpec,
                CommandLine.Model.ArgSpec argSpec, java.util.Map<String, Object> info) {
            String first = args.peek();
            if (first.matches("[a-z]+(-[a-z]+)*") && !java.nio.file.Files.exists(Path.of(first))) {
                // The benchmarks were top-level commands (bench-load ...) until they moved under bench.
                String hint = first.startsWith("bench-")
                        ? "the benchmarks are sub-commands of bench: radmamba bench " + first.substring(6)
                        : "radmamba --help lists the commands";
                throw new CommandLine.UnmatchedArgumentException(commandSpec.commandLine(),
                        "Unknown command: '" + first + "' (" + hint + ")");
            }
            return false;
        }
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
