package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.PrecisionOption;
import org.radmamba.app.ai.ModelException;
import org.radmamba.app.ai.ModelTask;
import org.radmamba.app.batch.BatchInputs;
import org.radmamba.app.batch.BatchModel;
import org.radmamba.app.batch.BatchRun;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.scan.ScanDevicePreference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code radmamba batch MODEL INPUT... --out DIR}: a model over a whole archive into Parquet or CSV part files,
 * resumable — a thin front end of {@link BatchRun} and {@link BatchModel}, which the Spark job shares.
 */
@Command(name = "batch",
        mixinStandardHelpOptions = true,
        description = {"Runs a model over every image of folders, DICOMDIRs or list files and writes one row per "
                + "image (per frame) to Parquet or CSV part files in DIR.",
                "Resumable: run it again with the same DIR and it skips what is done (by SOP Instance UID, or a "
                        + "photograph's content hash, frame and checkpoint, whatever the precision; each row records "
                        + "the precision and device that made it). A file that fails is a 'failed' row with its "
                        + "reason; it never stops the run."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the run ended; every image ran, or some failed (their rows and the summary say why)",
                "2:the command line is wrong (an unknown option, a bad value)",
                "3:an INPUT or the model cannot be read, DIR cannot be written or holds another model's results, "
                        + "or every image failed (none ran, in this run or before)"})
public final class BatchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "a library model's id (radmamba's demo models, ~/.radmamba/models) or a checkpoint file "
                    + "(with its card.json beside it, or an official MedMamba or VM-UNet checkpoint)")
    String model;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "INPUT",
            description = "folders (recursive), DICOMDIR files, list files (*.txt, *.lst, *.list: one path a line) "
                    + "or image files")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "the results folder")
    Path out;

    @Option(names = "--format", defaultValue = "parquet", paramLabel = "parquet|csv",
            description = "the part files' format (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--compression", defaultValue = "gzip", paramLabel = "gzip|none",
            description = "Parquet page compression (default: ${DEFAULT-VALUE})")
    String compression;

    @Option(names = "--batch-size", defaultValue = "8", paramLabel = "N",
            description = "images per forward pass on the GPU engine (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--threads", paramLabel = "N",
            description = "threads for decoding and the CPU engine (default: every core)")
    Integer threads;

    @Option(names = "--part-rows", defaultValue = "1000", paramLabel = "N",
            description = "rows per part file, at least (default: ${DEFAULT-VALUE})")
    int partRows;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|cuda|auto",
            description = "where the network runs (default: ${DEFAULT-VALUE})")
    String device;

    @Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = "--json", description = "print one JSON line per part written and a JSON summary line")
    boolean json;

    @Option(names = "--sr", description = "also write a DICOM Structured Report (TID 1500) per study of a "
            + "classifier's results to DIR/sr/STUDY_UID.dcm, from every row of DIR (DICOM images only)")
    boolean sr;

    @Option(names = "--stop-after-parts", hidden = true, defaultValue = "0", paramLabel = "N",
            description = "stop as if interrupted once N parts are written (for trying out resuming)")
    int stopAfterParts;

    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        BatchRun.Format fileFormat;
        ScanDevicePreference preference;
        try {
            fileFormat = BatchRun.Format.valueOf(format.toUpperCase(Locale.ROOT));
            preference = ScanDevicePreference.parse(device);
        } catch (IllegalArgumentException e) {
            stderr.println("batch: --format is parquet or csv, --device cpu, cuda or auto (" + format + ", " + device + ")");
            return ExitCodes.USAGE;
        }
        NetworkPrecision asked;
        try {
            asked = precision.asked();
        } catch (IllegalArgumentException e) {
            stderr.println("batch: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (!compression.equals("gzip") && !compression.equals("none")) {
            stderr.println("batch: --compression is gzip or none, not " + compression);
            return ExitCodes.USAGE;
        }
        int threadCount = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (batchSize < 1 || threadCount < 1 || partRows < 1 || stopAfterParts < 0) {
            stderr.println("batch: --batch-size, --threads and --part-rows must be at least 1");
            return ExitCodes.USAGE;
        }
        List<Path> files;
        try {
            files = BatchRun.files(inputs);
        } catch (BatchInputs.InputException e) {
            stderr.println(e.getMessage());
            return ExitCodes.INPUT_UNREADABLE;
        }
        if (files.isEmpty()) {
            stderr.println("batch: no file in " + String.join(", ", inputs.stream().map(Path::toString).toList()));
            return ExitCodes.INPUT_UNREADABLE;
        }
        BatchRun.Options options = new BatchRun.Options(inputs, out, fileFormat, partRows, compression.equals("gzip"),
                stopAfterParts, sr);
        try (BatchModel loaded = BatchModel.load(model,
                new BatchModel.Settings(preference, asked, batchSize, threadCount, plugins.folder()))) {
            PrecisionOption.notApplied("batch", asked, loaded.choice()).ifPresent(stderr::println);
            if (sr && loaded.identity().task() != ModelTask.CLASSIFICATION) {
                stderr.println("batch: --sr reports a classifier's results; a segmenter's masks go into a report with "
                        + "their Segmentation: segment --sr");
                return ExitCodes.USAGE;
            }
            ProgressLine bar = !json && System.console() != null && System.console().isTerminal()
                    ? new ProgressLine(stderr) : null;
            BatchRun.Summary summary = BatchRun.run(loaded, files, options, new BatchRun.Listener() {
                @Override
                public void started(int fileCount, BatchRun.Held held) {
                    if (!held.deletedTemporaries().isEmpty()) {
                        stderr.println("batch: deleted " + held.deletedTemporaries().size()
                                + " unfinished part(s) of an interrupted run");
                    }
                    if (!held.done().isEmpty() && !json) {
                        stderr.println("batch: " + out + " already holds " + held.done().size()
                                + " row(s); they are skipped");
                    }
                    otherPrecision(out, held, loaded.precision()).ifPresent(stderr::println);
                }

                @Override
                public void progress(BatchRun.Progress progress) {
                    if (bar != null) {
                        bar.show(progress);
                    }
                }

                @Override
                public void partWritten(BatchRun.Part part) {
                    if (json) {
                        ObjectNode line = progressJson("part", part.progress());
                        line.put("part", part.file().getFileName().toString());
                        line.put("rows", part.rows());
                        stdout.println(line);
                        stdout.flush();
                    }
                }
            });
            if (bar != null) {
                bar.finish();
            }
            stdout.print(json ? summaryJson(summary, loaded) + System.lineSeparator() : summaryText(summary, loaded));
            stdout.flush();
            // Every image failed: nothing ran, now or before (a run stopped early is judged when it ends).
            boolean allFailed = !summary.stoppedEarly() && summary.ok() == 0 && summary.skipped() == 0
                    && summary.failed() > 0;
            return allFailed ? ExitCodes.INPUT_UNREADABLE : ExitCodes.OK;
        } catch (ModelException e) {
            stderr.println(e.getMessage());
            return ExitCodes.INPUT_UNREADABLE;
        } catch (IOException e) {
            stderr.println(e.getMessage() != null && e.getMessage().startsWith(out.toString()) ? e.getMessage()
                    : Inputs.cannotWrite(out, e));
            return ExitCodes.INPUT_UNREADABLE;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The line for stderr when the folder's ok rows are not all of the precision this run starts in (a resume with
     * another {@code --precision}, a TF32 run whose GPU failed, a folder of an earlier RadMamba that did not record
     * it): the rows stay and are skipped, each marked with its own, e.g. "batch: DIR holds 40 ok row(s) in float32;
     * this run's rows are tf32, and the precision column tells each row's"; empty when all are.
     */
    static Optional<String> otherPrecision(Path out, BatchRun.Held held, NetworkPrecision running) {
        if (held.okRowsNotIn(running) == 0) {
            return Optional.empty();
        }
        List<String> counts = new ArrayList<>();
        for (NetworkPrecision p : NetworkPrecision.values()) {
            long n = held.okRowsByPrecision().getOrDefault(p, 0L);
            if (p != running && n > 0) {
                counts.add(n + " ok row(s) in " + p.label());
            }
        }
        if (held.okRowsUnrecorded() > 0) {
            counts.add(held.okRowsUnrecorded() + " ok row(s) without a precision (written before rows recorded it)");
        }
        return Optional.of("batch: " + out + " holds " + String.join(" and ", counts) + "; this run's rows are "
                + running.label() + ", and the precision column tells each row's");
    }

    private static ObjectNode progressJson(String event, BatchRun.Progress p) {
        ObjectNode line = JSON.createObjectNode();
        line.put("event", event);
        line.put("files_done", p.filesDone());
        line.put("files_total", p.filesTotal());
        line.put("ok", p.ok());
        line.put("failed", p.failed());
        line.put("skipped", p.skipped());
        line.put("seconds", round(p.seconds()));
        line.put("images_per_second", round(p.imagesPerSecond()));
        return line;
    }

    private String summaryJson(BatchRun.Summary s, BatchModel loaded) {
        ObjectNode line = JSON.createObjectNode();
        line.put("event", "summary");
        line.put("model", loaded.identity().modelId());
        line.put("checkpoint_sha256", loaded.identity().checkpointSha256());
        line.put("engine", loaded.engine());
        line.put("precision", loaded.precision().label());
        line.put("files", s.files());
        line.put("ok", s.ok());
        line.put("failed", s.failed());
        line.put("skipped", s.skipped());
        line.put("without_image", s.withoutImage());
        line.put("seconds", round(s.seconds()));
        line.put("images_per_second", round(s.imagesPerSecond()));
        line.put("stopped_early", s.stoppedEarly());
        line.put("out", out.toString());
        var parts = line.putArray("parts");
        s.parts().forEach(p -> parts.add(p.getFileName().toString()));
        var reports = line.putArray("reports");
        s.reports().forEach(reports::add);
        ObjectNode reasons = line.putObject("failures_by_reason");
        s.failuresByReason().forEach(reasons::put);
        return line.toString();
    }

    private String summaryText(BatchRun.Summary s, BatchModel loaded) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%d ok, %d failed, %d skipped as already done (%d files, %d without "
                        + "an image) in %.1f s: %.1f images/s%n", s.ok(), s.failed(), s.skipped(), s.files(),
                s.withoutImage(), s.seconds(), s.imagesPerSecond()));
        if (s.stoppedEarly()) {
            text.append("stopped after ").append(s.parts().size()).append(" part(s), as asked; run the same command "
                    + "again to go on\n");
        }
        text.append("results: ").append(out).append(" (").append(s.parts().size()).append(" new part file(s))\n");
        if (!s.failuresByReason().isEmpty()) {
            text.append("failures by reason:\n");
            int shown = 0;
            for (Map.Entry<String, Long> e : s.failuresByReason().entrySet()) {
                if (shown++ == 20) {
                    text.append("  ... and ").append(s.failuresByReason().size() - 20).append(" other reasons (see "
                            + "the failure_reason column)\n");
                    break;
                }
                text.append(String.format(Locale.ROOT, "%7d  %s%n", e.getValue(), e.getKey()));
            }
        }
        s.reports().forEach(r -> text.append(r).append('\n'));
        text.append(loaded.engine()).append('\n');
        text.append("Research output of ").append(loaded.identity().modelId()).append("; not for diagnosis.\n");
        return text.toString();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** A progress bar on one terminal line: files done, rate and time left, redrawn at most four times a second. */
    static final class ProgressLine {
        private final PrintWriter err;
        private long lastDrawn;

        ProgressLine(PrintWriter err) {
            this.err = err;
        }

        void show(BatchRun.Progress p) {
            long now = System.nanoTime();
            if (now - lastDrawn < 250_000_000L && p.filesDone() < p.filesTotal()) {
                return;
            }
            lastDrawn = now;
            err.print('\r' + line(p, 30));
            err.flush();
        }

        void finish() {
            err.println();
            err.flush();
        }

        static String line(BatchRun.Progress p, int width) {
            double fraction = p.filesTotal() == 0 ? 1 : (double) p.filesDone() / p.filesTotal();
            int filled = (int) Math.round(fraction * width);
            double rate = p.seconds() > 0 ? p.filesDone() / p.seconds() : 0;
            long left = rate > 0 ? Math.round((p.filesTotal() - p.filesDone()) / rate) : -1;
            return String.format(Locale.ROOT, "[%s%s] %d/%d files  %.1f images/s  %d failed  ETA %s ",
                    "#".repeat(filled), ".".repeat(width - filled), p.filesDone(), p.filesTotal(),
                    p.imagesPerSecond(), p.failed(), left < 0 ? "--:--" : String.format(Locale.ROOT, "%d:%02d",
                            left / 60, left % 60));
        }
    }
}
