package org.radmamba.app.batch;

import org.radmamba.inference.cuda.NetworkPrecision;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One {@code radmamba batch} run: the inputs' files, in chunks, through a {@link BatchModel} into the part files of
 * a {@link ResultsFolder}, skipping what the folder already holds. The next chunk's headers are read while the
 * model runs on the current one; rows go to a part file as soon as a part's worth is ready. A file that fails is a
 * failed row; nothing a file holds stops the run.
 */
public final class BatchRun {

    /** The part files' format. */
    public enum Format { PARQUET, CSV }

    /**
     * What to run on and where the results go.
     *
     * @param inputs     folders (walked recursively), DICOMDIR files, list files (a {@code .txt}, {@code .lst} or
     *                   {@code .list} file naming one path per line, relative ones from the list's folder) and
     *                   image files
     * @param out        the results folder (created if needed)
     * @param partRows   rows per part file, at least (a part ends at a chunk's end)
     * @param gzip       GZIP-compress the Parquet pages
     * @param stopAfterParts stop, as if interrupted, once this many parts are written; 0 for no limit
     * @param studyReports   at the end of a whole run, a classifier's DICOM SR per study of the folder's rows
     *                       ({@code DIR/sr/<Study Instance UID>.dcm})
     */
    public record Options(List<Path> inputs, Path out, Format format, int partRows, boolean gzip, int stopAfterParts,
                          boolean studyReports) {
        public Options {
            inputs = List.copyOf(inputs);
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(format, "format");
            if (partRows < 1 || stopAfterParts < 0) {
                throw new IllegalArgumentException("rows per part must be at least 1 and the part limit not negative");
            }
        }
    }

    /** Where the run stands, after each chunk. */
    public record Progress(int filesDone, int filesTotal, long ok, long failed, long skipped, double seconds) {
        /** Images (ok and failed rows) made per second so far. */
        public double imagesPerSecond() {
            return seconds > 0 ? (ok + failed) / seconds : 0;
        }
    }

    /** A part file just written. */
    public record Part(Path file, int rows, Progress progress) {
    }

    /**
     * What the results folder held when the run started.
     *
     * @param done               the keys of its rows, which the run skips
     * @param deletedTemporaries the unfinished parts of an interrupted run, deleted
     * @param okRowsByPrecision  its ok rows by the precision that made them (the {@code precision} column)
     * @param okRowsUnrecorded   its ok rows that do not say: those of parts written before the column existed
     */
    public record Held(Set<BatchRecord.DoneKey> done, List<Path> deletedTemporaries,
                       Map<NetworkPrecision, Long> okRowsByPrecision, long okRowsUnrecorded) {
        public Held {
            done = java.util.Collections.unmodifiableSet(done);
            deletedTemporaries = List.copyOf(deletedTemporaries);
            okRowsByPrecision = Map.copyOf(okRowsByPrecision);
        }

        /** Its ok rows made in another precision than {@code precision}, or that do not say which. */
        public long okRowsNotIn(NetworkPrecision precision) {
            return okRowsUnrecorded + okRowsByPrecision.entrySet().stream().filter(e -> e.getKey() != precision)
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    /** Hears a run's progress; called on the run's thread. */
    public interface Listener {
        default void started(int files, Held held) {
        }

        default void progress(Progress progress) {
        }

        default void partWritten(Part part) {
        }
    }

    /**
     * How a run ended.
     *
     * @param ok                rows of images the model ran on
     * @param failed            failed rows written
     * @param skipped           images (and failed files) skipped as already done
     * @param withoutImage      DICOM objects without pixel data (reports, ...), which give no row
     * @param files             files read
     * @param seconds           wall time of the run
     * @param failuresByReason  failed rows per reason, most frequent first
     * @param parts             part files written by this run
     * @param stoppedEarly      whether {@link Options#stopAfterParts()} stopped it before the end
     * @param reports           one line per study report written, or per study that could not be reported
     */
    public record Summary(long ok, long failed, long skipped, long withoutImage, int files, double seconds,
                          Map<String, Long> failuresByReason, List<Path> parts, boolean stoppedEarly,
                          List<String> reports) {
        /** Images (ok and failed rows) made per second. */
        public double imagesPerSecond() {
            return seconds > 0 ? (ok + failed) / seconds : 0;
        }
    }

    private BatchRun() {
    }

    /**
     * The files of {@code inputs} on the local file system, in order, each once: {@link BatchInputs}' rule, which
     * the Spark job follows on its file systems.
     *
     * @throws BatchInputs.InputException naming the input that does not exist or cannot be read
     */
    public static List<Path> files(List<Path> inputs) throws BatchInputs.InputException {
        return BatchInputs.expand(inputs, BatchInputs.LOCAL);
    }

    /**
     * Runs {@code model} over {@code inputFiles} (those under the results folder left out) into the options' folder.
     *
     * @throws IOException naming the file, when the results folder cannot be read or written (the part being
     *                     written is then lost, never half there)
     */
    public static Summary run(BatchModel model, List<Path> inputFiles, Options options, Listener listener)
            throws IOException {
        long start = System.nanoTime();
        // A results folder inside an input folder: its part files are no input.
        Path outFolder = options.out().toAbsolutePath().normalize();
        List<Path> files = inputFiles.stream().filter(f -> !f.toAbsolutePath().normalize().startsWith(outFolder))
                .toList();
        ResultsFolder folder = new ResultsFolder(options.out(),
                options.format() == Format.CSV ? ResultsFolder.Format.CSV : ResultsFolder.Format.PARQUET,
                options.gzip() ? FlatParquetWriter.Codec.GZIP : FlatParquetWriter.Codec.UNCOMPRESSED, model.schema());
        ResultsFolder.Opened opened = folder.open();
        // One row per image: the folder's rows and the rows of files earlier in the list are skipped.
        OneRowPerImage.InListOrder images = new OneRowPerImage.InListOrder(opened.done());
        listener.started(files.size(), new Held(opened.done(), opened.deleted(), opened.okRowsByPrecision(),
                opened.okRowsUnrecorded()));
        // Files whose headers are read ahead: enough to keep the batches full, no more than a part needs (so that a
        // small part is written as soon as it is complete).
        int chunkSize = Math.clamp(options.partRows(), model.batchSize(), Math.max(16, 4 * model.batchSize()));
        long[] counts = new long[4]; // ok, failed, skipped, without image
        Map<String, Long> reasons = new LinkedHashMap<>();
        List<Path> parts = new ArrayList<>();
        List<BatchRecord> pending = new ArrayList<>();
        int filesDone = 0;
        boolean stopped = false;
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "radmamba-batch-headers");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<List<BatchModel.Scanned>> next = files.isEmpty() ? CompletableFuture.completedFuture(List.of())
                    : reader.submit(() -> model.scan(files.subList(0, Math.min(chunkSize, files.size())), Map.of(), null));
            for (int from = 0; from < files.size(); from += chunkSize) {
                List<BatchModel.Scanned> scanned = get(next);
                int to = Math.min(files.size(), from + chunkSize);
                if (to < files.size()) {
                    List<Path> following = files.subList(to, Math.min(files.size(), to + chunkSize));
                    next = reader.submit(() -> model.scan(following, Map.of(), null));
                }
                for (BatchModel.Scanned s : scanned) {
                    if (s.instance() != null && !s.instance().isImage()) {
                        counts[3]++;
                    }
                }
                // Done: in the folder already, or made earlier in this run (the same image in two files).
                List<BatchRecord> rows = model.infer(scanned, key -> {
                    if (images.met(key)) {
                        counts[2]++;
                        return true;
                    }
                    return false;
                }, () -> false);
                for (BatchRecord r : rows) {
                    if (!images.keep(r)) {
                        counts[2]++;
                        continue;
                    }
                    pending.add(r);
                    if (r.status() == BatchRecord.Status.OK) {
                        counts[0]++;
                    } else {
                        counts[1]++;
                        reasons.merge(r.failureReason(), 1L, Long::sum);
                    }
                }
                filesDone = to;
                Progress progress = new Progress(filesDone, files.size(), counts[0], counts[1], counts[2],
                        seconds(start));
                if (pending.size() >= options.partRows() || (to == files.size() && !pending.isEmpty())) {
                    Path part = folder.writePart(pending);
                    parts.add(part);
                    listener.partWritten(new Part(part, pending.size(), progress));
                    pending.clear();
                    if (options.stopAfterParts() > 0 && parts.size() >= options.stopAfterParts() && to < files.size()) {
                        stopped = true;
                        listener.progress(progress);
                        break;
                    }
                }
                listener.progress(progress);
            }
        } finally {
            reader.shutdownNow();
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        List<String> reports = options.studyReports() && !stopped
                ? StudyReports.write(model.card(), folder) : List.of();
        return new Summary(counts[0], counts[1], counts[2], counts[3], filesDone, seconds(start), sorted, parts,
                stopped, reports);
    }

    private static <T> T get(Future<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the run was interrupted", e);
        } catch (ExecutionException e) {
            // scan() turns every file's problem into its failed row; what escapes it is a bug worth seeing.
            throw new IllegalStateException(e.getCause());
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
