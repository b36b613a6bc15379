package org.radmamba.app.bench;

import org.radmamba.app.ExitCodes;
import org.radmamba.app.PrecisionOption;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code radmamba bench batch}: images per second of {@code radmamba batch} over an archive against one
 * {@code radmamba classify} process per image — what a user without the batch command would script — on the same
 * images, in the same run. Both run as separate processes of this JVM's java, class path and flags, so each pays its
 * own start and model load: the batch run once, classify once per image. Classify's rate is measured on a sample of
 * the images (a 2,000-image archive at a process per image would take an hour on a 2-core machine); the rounds
 * alternate the two so that a change in the machine's load falls on both. Prints the load average beside each
 * figure.
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = {"Benchmark: radmamba batch over a synthetic CT archive (written unless --dir holds it) against"
                + " one radmamba classify process per image, each a separate process; prints images/s and the load"
                + " average."})
public final class BenchBatchCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "D", description = "Folder of the archive (default: a new temporary folder, deleted after).")
    Path dir;

    @Option(names = "--count", defaultValue = "2000", description = "Images in the archive (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--size", defaultValue = "256", description = "Rows and columns of each image (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--model", defaultValue = BenchSeriesCommand.DEMO_CLASSIFIER, paramLabel = "ID|CKPT",
            description = "A library model id or a classifier checkpoint (default: ${DEFAULT-VALUE}); classify gets the"
                    + " checkpoint file of a library model.")
    String model;

    @Option(names = "--classify-sample", defaultValue = "20", paramLabel = "K",
            description = "Images classified one process each, per round (default ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--rounds", defaultValue = "2", description = "Rounds of batch then classify (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda|auto",
            description = "Where both run the network (default: ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = "--batch-size", defaultValue = "8", description = "batch's --batch-size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count < 1 || sample < 1 || rounds < 1) {
            err.println("bench batch: --count, --classify-sample and --rounds must be at least 1");
            return ExitCodes.USAGE;
        }
        NetworkPrecision asked;
        try {
            asked = precision.asked();
        } catch (IllegalArgumentException e) {
            err.println("bench batch: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        String checkpoint = checkpointOf(model);
        if (checkpoint == null) {
            err.println(model + ": neither a checkpoint file nor a model of the library");
            return ExitCodes.INPUT_UNREADABLE;
        }
        boolean temporary = dir == null;
        Path folder = temporary ? Files.createTempDirectory("radmamba-bench-batch-") : dir;
        Path results = Files.createTempDirectory("radmamba-bench-batch-out-");
        try {
            List<Path> images = archive(folder);
            out.printf(Locale.ROOT, "archive=%s images=%d size=%dx%d model=%s device=%s precision=%s cores=%d%n",
                    folder, images.size(), size, size, model, device, asked.label(),
                    Runtime.getRuntime().availableProcessors());
            out.flush();
            for (int round = 1; round <= rounds; round++) {
                deleteTree(results);
                double load0 = loadAverage();
                long t0 = System.nanoTime();
                Result batch = radmamba(List.of("batch", model, folder.toString(), "--out", results.toString(),
                        "--device", device, "--precision", asked.label(), "--batch-size", Integer.toString(batchSize),
                        "--json"));
                double batchSeconds = (System.nanoTime() - t0) / 1e9;
                if (batch.exitCode != 0) {
                    err.println("bench batch: radmamba batch failed (" + batch.exitCode + "): " + batch.output);
                    return ExitCodes.INPUT_UNREADABLE;
                }
                // The run's own rate, from its summary line: without the JVM's start and the model's load.
                java.util.regex.Matcher inRun = java.util.regex.Pattern.compile("\"event\":\"summary\".*"
                        + "\"images_per_second\":([0-9.]+)").matcher(batch.output);
                out.printf(Locale.ROOT, "round=%d tool=batch images=%d wall_s=%.1f images_per_s=%.2f "
                                + "images_per_s_after_load=%s load=%.1f-%.1f%n", round, images.size(), batchSeconds,
                        images.size() / batchSeconds, inRun.find() ? inRun.group(1) : "?", load0, loadAverage());
                out.flush();
                double load1 = loadAverage();
                long t1 = System.nanoTime();
                for (int i = 0; i < sample; i++) {
                    // Spread over the archive, as a script would meet them.
                    Path image = images.get((int) ((long) i * images.size() / sample));
                    Result one = radmamba(List.of("classify", image.toString(), "--model", checkpoint, "--device",
                            device, "--precision", asked.label()));
                    if (one.exitCode != 0) {
                        err.println("bench batch: radmamba classify failed (" + one.exitCode + "): " + one.output);
                        return ExitCodes.INPUT_UNREADABLE;
                    }
                }
                double classifySeconds = (System.nanoTime() - t1) / 1e9;
                out.printf(Locale.ROOT, "round=%d tool=classify-per-image images=%d wall_s=%.1f images_per_s=%.2f "
                                + "load=%.1f-%.1f%n", round, sample, classifySeconds, sample / classifySeconds, load1,
                        loadAverage());
                out.printf(Locale.ROOT, "round=%d batch_vs_classify=%.1fx%n", round,
                        (images.size() / batchSeconds) / (sample / classifySeconds));
                out.flush();
            }
            return ExitCodes.OK;
        } finally {
            deleteTree(results);
            Files.deleteIfExists(results);
            if (temporary) {
                deleteTree(folder);
                Files.deleteIfExists(folder);
            }
        }
    }

    /** The archive's images: written once as a synthetic CT series of {@code count} slices. */
    private List<Path> archive(Path folder) throws IOException {
        List<Path> images = dicomFiles(folder);
        if (images.size() != count) {
            deleteTree(folder);
            SyntheticCtSeries.write(folder, count, size, size);
            images = dicomFiles(folder);
        }
        return images;
    }

    private static List<Path> dicomFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        }
    }

    /** The checkpoint file classify takes for {@code model}: the file itself, or a library model's weights. */
    private static String checkpointOf(String model) {
        if (Files.isRegularFile(Path.of(model))) {
            return model;
        }
        return org.radmamba.app.ai.ModelLibrary.standard().list().find(model)
                .map(e -> copiedOutOfJar(e.checkpoint())).orElse(null);
    }

    /** A library model's checkpoint as a file classify can open (a demo model's lies inside the models jar). */
    private static String copiedOutOfJar(Path checkpoint) {
        try {
            if (checkpoint.getFileSystem() == java.nio.file.FileSystems.getDefault()) {
                return checkpoint.toString();
            }
            Path folder = Files.createTempDirectory("radmamba-bench-batch-model-");
            Path copy = folder.resolve(checkpoint.getFileName().toString());
            Files.copy(checkpoint, copy);
            Path card = checkpoint.resolveSibling("card.json");
            if (Files.isRegularFile(card)) {
                Files.copy(card, folder.resolve("card.json"));
            }
            copy.toFile().deleteOnExit();
            folder.resolve("card.json").toFile().deleteOnExit();
            folder.toFile().deleteOnExit();
            return copy.toString();
        } catch (IOException e) {
            return null;
        }
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs {@code radmamba ARGS} as a process of this JVM's java, class path and flags; waits for it. */
    private static Result radmamba(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!flag.startsWith("-agentlib") && !flag.startsWith("-javaagent")) {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.radmamba.app.RadMambaMain");
        command.addAll(args);
        Path log = Files.createTempFile("radmamba-bench-batch-", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(2, TimeUnit.HOURS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            String output = Files.readString(log);
            return new Result(p.exitValue(), output.length() > 2000 ? output.substring(output.length() - 2000) : output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(folder)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
