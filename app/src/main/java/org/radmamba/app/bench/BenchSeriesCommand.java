package org.radmamba.app.bench;

import org.radmamba.app.ExitCodes;
import org.radmamba.app.PrecisionOption;
import org.radmamba.app.ai.AiResult;
import org.radmamba.app.ai.CheckpointModels;
import org.radmamba.app.ai.EngineChoice;
import org.radmamba.app.ai.ImageSource;
import org.radmamba.app.ai.InferenceService;
import org.radmamba.app.ai.ModelEntry;
import org.radmamba.app.ai.ModelException;
import org.radmamba.app.ai.ModelLibrary;
import org.radmamba.app.ai.ModelTask;
import org.radmamba.app.ai.ViewerImages;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.StudyScanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code radmamba bench series}: a CT series classified end to end in the viewer's code path, what a user waits for
 * after <em>Run on series</em>: the files' headers scanned, then {@link InferenceService} with its batch pipeline
 * (each slice decoded and windowed to 8 bits, preprocessed, batched and run on the engine it chooses, the next
 * batch read while one runs). One line per run:
 * {@code series=500 rows=512 model=… engine=cpu|cuda precision=float32|tf32 batch=… wall_ms=… images_per_s=… cpu_ms=…
 * run=…}; the first
 * run includes loading the model, later runs find it loaded (the session cache is cleared between runs).
 */
@Command(name = "series", mixinStandardHelpOptions = true,
        description = {"Benchmark: classifies a synthetic CT series (500 slices of 512x512, 16-bit, written unless --dir"
                + " already holds one) through the viewer's inference path: decode, preprocess, batch, infer.",
                "--model takes a library model id (default: the bundled demo classifier) or a MedMamba checkpoint path."})
public final class BenchSeriesCommand implements Callable<Integer> {

    /** The bundled MedMamba demo classifier. */
    static final String DEMO_CLASSIFIER = "medmamba-chest-phantom-demo";

    @Option(names = "--dir", paramLabel = "D", description = "Folder for the series (default: a new temporary folder, deleted after).")
    Path dir;

    @Option(names = "--count", defaultValue = "500", description = "Slices (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--size", defaultValue = "512", description = "Rows and columns (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--model", defaultValue = DEMO_CLASSIFIER, paramLabel = "ID|CKPT",
            description = "A library model id or a MedMamba checkpoint file (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|cuda|auto",
            description = "The engine: cpu, cuda (an error when the GPU cannot serve the run) or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = "--runs", defaultValue = "3", description = "Runs over the series (default ${DEFAULT-VALUE}).")
    int runs;

    @Spec
    CommandSpec spec;

    /** Runs this command alone ({@code bench series}'s arguments): the GPU checks start it without JavaFX. */
    public static void main(String[] args) {
        picocli.CommandLine cl = new picocli.CommandLine(new BenchSeriesCommand());
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ScanDevicePreference preference;
        NetworkPrecision asked;
        try {
            preference = ScanDevicePreference.parse(device);
            asked = precision.asked();
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
        ModelEntry entry;
        try {
            entry = entry();
        } catch (ModelException | IOException e) {
            err.println(e.getMessage());
            return ExitCodes.INPUT_UNREADABLE;
        }
        boolean temporary = dir == null;
        Path folder = temporary ? Files.createTempDirectory("radmamba-bench-series-") : dir;
        try {
            if (!holdsSeries(folder)) {
                SyntheticCtSeries.write(folder, count, size, size);
            }
            ScanResult scan = new StudyScanner().scan(List.of(folder));
            if (scan.series().isEmpty() || !scan.failures().isEmpty()) {
                err.println(scan.failures().isEmpty() ? folder + ": no series found" : scan.failures().getFirst().message());
                return ExitCodes.INPUT_UNREADABLE;
            }
            List<Instance> instances = scan.series().getFirst().instances();
            List<ImageSource> slices = new ViewerImages(new ImageLoader()).sources(instances);
            try (InferenceService service = new InferenceService(preference, 1)) {
                service.setPrecision(asked);
                for (int run = 1; run <= runs; run++) {
                    service.clearCache();
                    long cpu0 = processCpuNanos();
                    long t0 = System.nanoTime();
                    InferenceService.Job job = service.enqueue("series", entry, slices);
                    service.run(job, new InferenceService.Listener() { });
                    long wallNs = System.nanoTime() - t0;
                    long cpuNs = processCpuNanos() - cpu0;
                    EngineChoice engine = job.engine();
                    if (!job.failures().isEmpty() || job.state() != InferenceService.Job.State.DONE) {
                        err.println("series " + job.state().name().toLowerCase(Locale.ROOT) + ": " + String.join("; ", job.failures()));
                        return ExitCodes.INPUT_UNREADABLE;
                    }
                    if (preference == ScanDevicePreference.CUDA && engine.kind() != EngineChoice.Kind.CUDA) {
                        err.println(engine.reason()); // "CUDA was asked for but cannot run: " and why
                        return ExitCodes.INPUT_UNREADABLE;
                    }
                    List<AiResult> results = job.results();
                    out.println(String.format(Locale.ROOT,
                            "series=%d rows=%d columns=%d model=%s input=%dx%d engine=%s precision=%s batch=%d "
                                    + "wall_ms=%.1f images_per_s=%.1f cpu_ms=%.1f cores=%d run=%d",
                            results.size(), size, size, entry.id(), entry.card().inputHeight(), entry.card().inputWidth(),
                            engine.kind().name().toLowerCase(Locale.ROOT), engine.precision().label(), job.batch(),
                            wallNs / 1e6, results.size() * 1e9 / wallNs, cpuNs / 1e6,
                            Runtime.getRuntime().availableProcessors(), run));
                    if (run == 1) {
                        out.println(engine.text());
                    }
                    out.flush();
                }
            }
            return ExitCodes.OK;
        } finally {
            if (temporary) {
                deleteTree(folder);
            }
        }
    }

    /** A library model by id, else a checkpoint file as the command line's classify takes it. */
    private ModelEntry entry() throws ModelException, IOException {
        Path file = Path.of(model);
        if (Files.isRegularFile(file)) {
            return CheckpointModels.entry(file, ModelTask.CLASSIFICATION);
        }
        ModelEntry entry = ModelLibrary.standard().list().find(model)
                .orElseThrow(() -> new ModelException(model + ": neither a model of the library nor a checkpoint file"));
        if (entry.card().task() != ModelTask.CLASSIFICATION) {
            throw new ModelException(model + ": not a classifier");
        }
        return entry;
    }

    private boolean holdsSeries(Path folder) throws IOException {
        Files.createDirectories(folder);
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".dcm")).count() == count;
        }
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
