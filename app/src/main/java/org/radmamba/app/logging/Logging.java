package org.radmamba.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * RadMamba's logging, as desktop applications do it: everything from INFO up (DEBUG of RadMamba's own code with
 * {@code --verbose}), with full stack traces, goes to a rolling log file in the user's data folder
 * ({@link #logFolder()}); the console gets warnings and errors only, one plain line each without a stack trace,
 * so that a command's own messages stay readable. Third-party INFO chatter (PixelMed, ND4J, JavaCPP, the plugin
 * registry's list of plugins) reaches the file only.
 * <p>
 * Logback is configured here in code rather than by a logback.xml, so that the folder, the verbosity and the
 * console filter are one piece of Java that the tests can drive; {@link LogbackConfigurator} applies it when the
 * first logger is created.
 */
public final class Logging {

    /** System property naming the log folder; the tests point it under target/. */
    public static final String FOLDER_PROPERTY = "radmamba.logs";
    /** The current log file's name in {@link #logFolder()}; older ones are radmamba.1.log .. radmamba.5.log. */
    public static final String FILE_NAME = "radmamba.log";

    /**
     * Marks an event for the log file only: its message is already shown to the user in another form (an
     * unexpected failure's one line on stderr), and the console must not say it twice.
     */
    public static final Marker FILE_ONLY = MarkerFactory.getMarker("RADMAMBA_FILE_ONLY");

    private static final String FILE_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger - %msg%n";
    /** Plain: the message on one line, no level, logger or stack trace (those are in the file). */
    private static final String CONSOLE_PATTERN = "%replace(%msg){'[\\r\\n]+', ' '}%n%nopex";
    private static final String VERBOSE_CONSOLE_PATTERN = "%-5level %logger{0}: %replace(%msg){'[\\r\\n]+', ' '}%n%nopex";

    /** The console's lowest level: WARN by default, DEBUG with --verbose. */
    private static volatile Level consoleThreshold = Level.WARN;
    /** The file being written, empty when the log folder could not be created (the reason is then logged). */
    private static volatile Optional<Path> currentFile = Optional.empty();

    private Logging() {
    }

    /** $radmamba.logs, else ~/.radmamba/logs: beside the models and plugins RadMamba keeps in ~/.radmamba. */
    public static Path logFolder() {
        String property = System.getProperty(FOLDER_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".radmamba", "logs");
    }

    /** The log file written now; empty when none could be opened (e.g. a read-only home folder). */
    public static Optional<Path> logFile() {
        LoggerFactory.getILoggerFactory();
        return currentFile;
    }

    /**
     * Sets how much the console shows: with {@code verbose} RadMamba's INFO and DEBUG lines too (and DEBUG in the
     * file), otherwise warnings and errors only. Called once per command-line run.
     */
    public static void verbose(boolean verbose) {
        consoleThreshold = verbose ? Level.DEBUG : Level.WARN;
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger("org.radmamba").setLevel(verbose ? Level.DEBUG : Level.INFO);
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("console");
            if (console != null && console.getEncoder() instanceof PatternLayoutEncoder encoder) {
                PatternLayoutEncoder replacement = encoder(context, verbose ? VERBOSE_CONSOLE_PATTERN : CONSOLE_PATTERN);
                console.setEncoder(replacement);
            }
        }
    }

    /** Replaces whatever {@code context} was configured with by RadMamba's file and console appenders. */
    static void configure(LoggerContext context) {
        context.reset();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        context.getLogger("org.radmamba").setLevel(Level.INFO);
        // JavaCPP's loader tells of every native library it unpacks; ND4J of its backend and BLAS threads.
        context.getLogger("org.bytedeco").setLevel(Level.WARN);

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(encoder(context, consoleThreshold == Level.WARN ? CONSOLE_PATTERN : VERBOSE_CONSOLE_PATTERN));
        console.addFilter(new ConsoleFilter());
        console.start();
        root.addAppender(console);

        Path folder = logFolder();
        String problem = null;
        try {
            Files.createDirectories(folder);
            if (!Files.isWritable(folder)) {
                problem = "the folder is not writable";
            }
        } catch (IOException | SecurityException e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            currentFile = Optional.empty();
            root.warn("No log file: {} cannot be created ({})", folder, problem);
            return;
        }
        Path file = folder.resolve(FILE_NAME);
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("file");
        appender.setFile(file.toString());
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setFileNamePattern(folder.resolve("radmamba.%i.log").toString());
        rolling.setMinIndex(1);
        rolling.setMaxIndex(5);
        rolling.setParent(appender);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf("5MB"));
        trigger.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.setEncoder(encoder(context, FILE_PATTERN));
        appender.start();
        root.addAppender(appender);
        currentFile = appender.isStarted() ? Optional.of(file) : Optional.empty();
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.setCharset(java.nio.charset.StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }

    /** Lets through what reaches the console threshold and is not marked {@link #FILE_ONLY}. */
    private static final class ConsoleFilter extends Filter<ILoggingEvent> {
        @Override
        public FilterReply decide(ILoggingEvent event) {
            if (!event.getLevel().isGreaterOrEqual(consoleThreshold)) {
                return FilterReply.DENY;
            }
            if (event.getMarkerList() != null && event.getMarkerList().contains(FILE_ONLY)) {
                return FilterReply.DENY;
            }
            return FilterReply.NEUTRAL;
        }
    }
}
