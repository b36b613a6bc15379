package org.radmamba.app.bench;

import org.radmamba.app.ExitCodes;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.StudyScanner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code radmamba bench aot-cache}: writes the AOT cache (JEP 483/514/515) of the launcher that started it. The
 * launchers start the JVM with {@code -XX:AOTCache=FILE}; this command starts the same JVM again — the same
 * {@code java}, flags and class path, which a cache must match — with {@code -XX:AOTCacheOutput=FILE}, running the
 * training workload: what a session does first, once each (opens the demo study, loads a generated CT series as
 * the viewer's first frame does, decodes one file of each codec, runs a demo model). Later starts then find those
 * classes loaded and linked and their methods' profiles recorded. The build runs it (app: {@code mvn -Prun};
 * installer: the app image's launcher), and so can a user after replacing a jar.
 */
@Command(name = "aot-cache", mixinStandardHelpOptions = true,
        description = {"Writes the AOT cache of the launcher that started it (the file its -XX:AOTCache names): runs",
                "the training workload (demo study, a series' load, --codecs, --model) in a second JVM started",
                "like this one with -XX:AOTCacheOutput. A cache that is missing or does not match is ignored."})
public final class BenchAotCacheCommand implements Callable<Integer> {

    static final String CACHE_FLAG = "-XX:AOTCache=";

    @Spec
    private CommandSpec spec;

    @Option(names = "--codecs", paramLabel = "DIR", description = "A folder of DICOM files, one per codec, each decoded once.")
    private Path codecs;

    @Option(names = "--model", paramLabel = "CKPT", description = "A demo model's checkpoint, run once on a demo slice.")
    private Path model;

    @Option(names = "--cache", paramLabel = "FILE",
            description = "The cache to write (default: the file this JVM's -XX:AOTCache names).")
    private Path cache;

    @Option(names = "--log", paramLabel = "FILE",
            description = "Where the training JVM writes its AOT log (default: nowhere; it lists every class it cannot store).")
    private Path log;

    @Option(names = "--if-stale", description = {"Only when the cache is missing, older than a jar of the class path or",
            "the Java runtime, or made for another launch (mvn -Prun: a start with nothing rebuilt does not train",
            "again)."})
    private boolean ifStale;

    @Option(names = "--pin-file-times", paramLabel = "EPOCH_SECONDS", description = {"First set the modification time",
            "of every jar of the class path and of the runtime's modules file to EPOCH_SECONDS: the cache records",
            "them, and an installer that copies the files anew restores that time (the .deb's postinst)."})
    private Long pinFileTimes;

    @Option(names = "--workload", hidden = true,
            description = "Run the training workload in this JVM (the JVM started with -XX:AOTCacheOutput).")
    private boolean workload;

    @Override
    public Integer call() throws Exception {
        if (workload) {
            return runWorkload();
        }
        List<String> jvmArguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        Optional<Path> target = Optional.ofNullable(cache).or(() -> cacheNamedIn(jvmArguments));
        if (target.isEmpty()) {
            spec.commandLine().getErr().println("aot-cache: this JVM was started without -XX:AOTCache=FILE; "
                    + "give --cache FILE");
            return ExitCodes.USAGE;
        }
        Path output = target.get().toAbsolutePath();
        String launch = launchOf(jvmArguments);
        Path launchFile = output.resolveSibling(output.getFileName() + ".launch");
        if (ifStale && isUpToDate(output, System.getProperty("java.class.path"),
                Path.of(System.getProperty("java.home"), "lib", "modules"))
                && Files.isRegularFile(launchFile) && Files.readString(launchFile).equals(launch)) {
            spec.commandLine().getOut().println("aot-cache: " + output + " is up to date");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
        Files.createDirectories(output.getParent());
        List<String> command = trainingCommand(Path.of(System.getProperty("java.home")), jvmArguments,
                System.getProperty("java.class.path"), output, Optional.ofNullable(log).map(Path::toAbsolutePath));
        if (codecs != null) {
            command.addAll(List.of("--codecs", codecs.toAbsolutePath().toString()));
        }
        if (model != null) {
            command.addAll(List.of("--model", model.toAbsolutePath().toString()));
        }
        if (pinFileTimes != null) {
            pinTimes(System.getProperty("java.class.path"), Path.of(System.getProperty("java.home"), "lib", "modules"),
                    java.nio.file.attribute.FileTime.from(pinFileTimes, java.util.concurrent.TimeUnit.SECONDS));
        }
        long t0 = System.nanoTime();
        Files.deleteIfExists(output);
        Process training = new ProcessBuilder(command).inheritIO().start();
        int exit = training.waitFor();
        PrintWriter out = spec.commandLine().getOut();
        if (exit != 0 || !Files.isRegularFile(output)) {
            throw new IOException("the training run exited " + exit + " and wrote "
                    + (Files.isRegularFile(output) ? "" : "no ") + output);
        }
        if (ifStale) {
            Files.writeString(launchFile, launch);
        }
        out.printf("aot-cache: wrote %s (%d MB) in %.1f s%n", output, Files.size(output) >> 20,
                (System.nanoTime() - t0) / 1e9);
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * Whether {@code cache} exists and is newer than every file of {@code classPath} and than {@code runtimeImage}
     * (the JDK's modules file): what the JVM checks besides (sizes, flags) makes a newer cache only likelier to be
     * used, and a cache that still does not match is ignored.
     */
    static boolean isUpToDate(Path cache, String classPath, Path runtimeImage) throws IOException {
        if (!Files.isRegularFile(cache)) {
            return false;
        }
        java.nio.file.attribute.FileTime made = Files.getLastModifiedTime(cache);
        List<Path> inputs = new ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                inputs.add(Path.of(entry));
            }
        }
        inputs.add(runtimeImage);
        for (Path input : inputs) {
            if (Files.exists(input) && Files.getLastModifiedTime(input).compareTo(made) >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * What a cache must match besides the files' times: the runtime, the JVM's flags (the cache's own left out) and
     * the class path, one a line; kept beside the cache ({@code FILE.launch}) so that --if-stale also trains again
     * when the launch changed (another class path: the same jars from elsewhere).
     */
    static String launchOf(List<String> jvmArguments) {
        StringBuilder launch = new StringBuilder(System.getProperty("java.home")).append('\n');
        for (String argument : jvmArguments) {
            if (!argument.startsWith(CACHE_FLAG) && !argument.startsWith("-Xlog:aot")) {
                launch.append(argument).append('\n');
            }
        }
        return launch.append(System.getProperty("java.class.path")).append('\n').toString();
    }

    /** Sets the modification time of every file of {@code classPath} and of {@code runtimeImage} to {@code time}. */
    static void pinTimes(String classPath, Path runtimeImage, java.nio.file.attribute.FileTime time) throws IOException {
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isRegularFile(Path.of(entry))) {
                Files.setLastModifiedTime(Path.of(entry), time);
            }
        }
        if (Files.isRegularFile(runtimeImage)) {
            Files.setLastModifiedTime(runtimeImage, time);
        }
    }

    /** The file named by {@code -XX:AOTCache=FILE} among the JVM's arguments, the last one if several. */
    static Optional<Path> cacheNamedIn(List<String> jvmArguments) {
        Path named = null;
        for (String argument : jvmArguments) {
            if (argument.startsWith(CACHE_FLAG)) {
                named = Path.of(argument.substring(CACHE_FLAG.length()));
            }
        }
        return Optional.ofNullable(named);
    }

    /**
     * This JVM's command again, writing {@code output}: the same flags (module options and the like must match
     * for a cache to be used) less the cache's own and the class path (passed as -cp), then the training workload.
     * The AOT log goes to {@code log} or nowhere: the training lists every class it cannot store (old class files,
     * proxies), which is no error.
     */
    static List<String> trainingCommand(Path javaHome, List<String> jvmArguments, String classPath, Path output,
            Optional<Path> log) {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve(isWindows() ? "java.exe" : "java").toString());
        for (String argument : jvmArguments) {
            if (!argument.startsWith(CACHE_FLAG) && !argument.startsWith("-Xlog:aot")
                    && !argument.startsWith("-Djava.class.path=")) {
                command.add(argument);
            }
        }
        command.add("-XX:AOTCacheOutput=" + output);
        command.add("-Xlog:aot=off");
        log.ifPresent(file -> command.add("-Xlog:aot*=info:file=" + file));
        command.addAll(List.of("-cp", classPath, "org.radmamba.app.RadMambaMain", "bench", "aot-cache", "--workload"));
        return command;
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").startsWith("Windows");
    }

    /** The training workload; a step that fails is reported on stderr and the others go on. */
    private int runWorkload() throws IOException {
        Path folder = Files.createTempDirectory("radmamba-aot-training-");
        int failed = 0;
        try {
            Path demo = DemoStudy.ensureGenerated(folder.resolve("demo-cache"));
            failed += command("info", demo.toString());
            // The load benchmark opens a series as the viewer does: scan, first frame shown, the rest decoded.
            failed += command("bench", "load", "--dir", folder.resolve("series").toString(), "--count", "48",
                    "--threads", "1");
            if (codecs != null) {
                failed += decodeEach(codecs);
            }
            if (model != null) {
                failed += command("classify", "--model", model.toString(), "--device", "cpu",
                        firstCtSlice(demo).toString());
            }
        } finally {
            deleteTree(folder);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("aot-cache: training workload done, " + failed + " step(s) failed");
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * Runs one command of this command line (found from the root: {@code "bench", "load", "--dir", ...}) quietly;
     * 1 when it did not end with exit code 0 (its output then goes to stderr). Through the root's own sub-command
     * objects, so that this package needs nothing of the cli package that registers it.
     */
    private int command(String... words) {
        CommandLine commandLine = spec.root().commandLine();
        int first = 0;
        while (first < words.length && commandLine.getSubcommands().containsKey(words[first])) {
            commandLine = commandLine.getSubcommands().get(words[first++]);
        }
        StringWriter text = new StringWriter();
        commandLine.setOut(new PrintWriter(text));
        commandLine.setErr(new PrintWriter(text));
        int exit = commandLine.execute(java.util.Arrays.copyOfRange(words, first, words.length));
        if (exit != 0) {
            spec.commandLine().getErr().println("aot-cache: training step '" + String.join(" ", words) + "' exited "
                    + exit + ": " + text);
            return 1;
        }
        return 0;
    }

    /** Scans {@code folder} and shows the first frame of every image in it (to ARGB), once each. */
    private int decodeEach(Path folder) {
        ImageLoader loader = new ImageLoader();
        int failed = 0;
        for (var patient : new StudyScanner().scan(List.of(folder)).patients()) {
            for (var study : patient.studies()) {
                for (Series series : study.series()) {
                    for (Instance instance : series.instances()) {
                        if (!instance.isImage()) {
                            continue;
                        }
                        try {
                            LoadedImage image = loader.load(instance);
                            DecodedFrame frame = image.frame(0);
                            PixelPipeline pipeline = image.pipeline(0);
                            pipeline.toArgb(frame, pipeline.defaultVoi(frame),
                                    new int[image.format().rows() * image.format().columns()]);
                        } catch (IOException | RuntimeException e) {
                            spec.commandLine().getErr().println("aot-cache: " + instance.file() + ": " + e.getMessage());
                            failed++;
                        }
                    }
                }
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static Path firstCtSlice(Path demo) throws IOException {
        try (Stream<Path> files = Files.walk(demo.resolve("CT"))) {
            return files.filter(p -> p.toString().endsWith(".dcm")).sorted().findFirst()
                    .orElseThrow(() -> new IOException(demo + ": the demo study has no CT slice"));
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
