package org.radmamba.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.radmamba.app.batch.BatchModel;
import org.radmamba.app.batch.BatchRecord;
import org.radmamba.app.batch.ImageKey;
import org.radmamba.app.batch.NamedBytes;
import org.radmamba.app.batch.OneRowPerImage;
import scala.Tuple2;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The task: the files of one of the job's groups ({@link JobFiles}: URIs the driver listed), each run through this
 * executor's model ({@link ExecutorModels}): a local file ({@code file:}) read in place as {@code radmamba batch}
 * reads it, a file of any other file system read whole into memory and decoded from a temporary copy (the decoders
 * read files), {@code filesPerCall} files a call so
 * that their decoding runs side by side and their frames share batches, one result row per image or failed file.
 * Rows stream out call by call: a group's contents never all sit in memory at once. Each row comes out keyed by its
 * image and placed by its file's place in the job's list, for the job to keep one row per image
 * ({@link OneRowPerImage}: an image in two files, maybe in two tasks, keeps the row of the file listed first).
 *
 * <p><b>Done rows and copies.</b> The job's first pass ({@link IdentifyFiles}) left out the files with nothing to
 * run; of the others, the frames whose (image key, frame) the output already holds for this checkpoint, and those
 * whose row a file listed earlier gives ({@link JobFiles.Listed#keptElsewhere}), are skipped once the file's header
 * is read, before decoding ({@link BatchModel#runFiles(List, java.util.function.BiPredicate)} for local files,
 * {@link BatchModel#runAll(List, java.util.function.BiPredicate)} for the others).
 *
 * <p>A file never fails the task: a file that is not there (a list's or a DICOMDIR's entry) is the failed row
 * {@code radmamba batch} gives it ({@link BatchModel#notAFile}), one that cannot be read a failed row with the reason;
 * {@link BatchModel} gives failed rows for bad files, and should it throw for a whole call, the call's files are run
 * one by one and a file that still throws becomes a failed row with the exception as its reason.
 */
final class RunFiles
        implements PairFlatMapFunction<Iterator<JobFiles.Group>, BatchRecord.DoneKey, OneRowPerImage.Placed<Row>> {

    private static final long serialVersionUID = 1L;

    private final ModelSpec spec;
    private final int filesPerCall;
    private final Broadcast<HadoopConf> hadoopConf;
    private final CollectionAccumulator<ExecutorReport> reports;
    private final LongAccumulator madeRows;
    private final LongAccumulator modelRows;
    private final LongAccumulator doneRows;
    private final Broadcast<Set<String>> done;

    /**
     * @param madeRows  counts the rows the task gives (before one row per image is chosen)
     * @param modelRows counts the rows the model made: frames decoded and run, files it could not read
     * @param doneRows  counts the rows left out as already written
     * @param done      the rows already written, as {@link #doneKey}s, or null when there are none
     */
    RunFiles(ModelSpec spec, int filesPerCall, Broadcast<HadoopConf> hadoopConf,
             CollectionAccumulator<ExecutorReport> reports, LongAccumulator madeRows, LongAccumulator modelRows,
             LongAccumulator doneRows, Broadcast<Set<String>> done) {
        if (filesPerCall < 1) {
            throw new IllegalArgumentException("files per call must be at least 1, was " + filesPerCall);
        }
        this.spec = spec;
        this.filesPerCall = filesPerCall;
        this.hadoopConf = hadoopConf;
        this.reports = reports;
        this.madeRows = madeRows;
        this.modelRows = modelRows;
        this.doneRows = doneRows;
        this.done = done;
    }

    /** A done row's key: image key and frame (the checkpoint is the job's). */
    static String doneKey(String imageKey, int frame) {
        return imageKey + "\n" + frame;
    }

    @Override
    public Iterator<Tuple2<BatchRecord.DoneKey, OneRowPerImage.Placed<Row>>> call(Iterator<JobFiles.Group> groups)
            throws Exception {
        BatchModel model = ExecutorModels.get(spec, cores());
        Set<String> doneKeys = done == null ? Set.of() : done.value();
        Configuration conf = hadoopConf.value().get();
        return new Iterator<>() {
            private Iterator<JobFiles.Listed> files = Collections.emptyIterator();
            private Iterator<Tuple2<BatchRecord.DoneKey, OneRowPerImage.Placed<Row>>> current =
                    Collections.emptyIterator();
            private long seen;
            private boolean reported;

            private boolean moreFiles() {
                while (!files.hasNext() && groups.hasNext()) {
                    files = groups.next().files().iterator();
                }
                return files.hasNext();
            }

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (!moreFiles()) {
                        if (!reported) {
                            reports.add(ExecutorReport.here(spec, seen));
                            reported = true;
                        }
                        return false;
                    }
                    List<NamedBytes> call = new ArrayList<>(filesPerCall);
                    List<Path> inPlace = new ArrayList<>(filesPerCall);
                    List<BatchRecord> unread = new ArrayList<>();
                    // A row's file by the path it names (each file of the job has a path of its own).
                    Map<String, Integer> positions = new HashMap<>();
                    Map<String, Set<BatchRecord.DoneKey>> keptElsewhere = new HashMap<>();
                    while (call.size() + inPlace.size() < filesPerCall && moreFiles()) {
                        JobFiles.Listed file = files.next();
                        String uri = file.uri();
                        seen++;
                        String path = reportedPath(uri);
                        positions.put(path, file.position());
                        keptElsewhere.put(path, file.keptElsewhere());
                        Path local = localFile(uri);
                        if (local != null) {
                            if (Files.isRegularFile(local)) {
                                inPlace.add(local);
                            } else {
                                unread.add(model.notAFile(path));
                            }
                            continue;
                        }
                        byte[] content;
                        try {
                            content = read(uri, conf);
                        } catch (FileNotFoundException e) {
                            unread.add(model.notAFile(path));
                            continue;
                        } catch (IOException | RuntimeException e) {
                            unread.add(model.unreadable(path, "cannot be read: " + e.getMessage()));
                            continue;
                        }
                        call.add(new NamedBytes(path, content));
                    }
                    List<BatchRecord> records = new ArrayList<>(unread);
                    BiPredicate<String, BatchRecord.DoneKey> skip = (path, image) ->
                            doneKeys.contains(doneKey(image.imageKey(), image.frame()))
                                    || keptElsewhere.get(path).contains(image);
                    List<BatchRecord> made = new ArrayList<>();
                    if (!inPlace.isEmpty()) {
                        made.addAll(runInPlace(model, inPlace, skip));
                    }
                    if (!call.isEmpty()) {
                        made.addAll(run(model, call, skip));
                    }
                    modelRows.add(made.size());
                    records.addAll(made);
                    List<Tuple2<BatchRecord.DoneKey, OneRowPerImage.Placed<Row>>> rows = new ArrayList<>();
                    for (BatchRecord r : records) {
                        if (doneKeys.contains(doneKey(r.key().imageKey(), r.key().frame()))) {
                            doneRows.add(1);
                            continue;
                        }
                        madeRows.add(1);
                        rows.add(new Tuple2<>(r.doneKey(), new OneRowPerImage.Placed<>(position(positions, r),
                                SparkRows.row(model.schema(), r))));
                    }
                    current = rows.iterator();
                }
                return true;
            }

            @Override
            public Tuple2<BatchRecord.DoneKey, OneRowPerImage.Placed<Row>> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /** The place in the job's list of the file {@code row} is about. */
    private static int position(Map<String, Integer> positions, BatchRecord row) {
        Integer position = positions.get(row.path());
        if (position == null) {
            throw new IllegalStateException("a row about a file the call was not given: " + row.path());
        }
        return position;
    }

    /** The local file a {@code file:} URI names, or null for another file system. */
    static Path localFile(String uri) {
        try {
            URI parsed = new URI(uri);
            return "file".equals(parsed.getScheme()) ? Path.of(parsed) : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The rows of local files read in place, less the frames {@code skip} names; as {@link #run}, never throws for
     * the files' sake (a file the model still throws on alone is a failed row keyed by its content).
     */
    static List<BatchRecord> runInPlace(BatchModel model, List<Path> files,
                                        BiPredicate<String, BatchRecord.DoneKey> skip) {
        return fileByFileOnFailure(model, files, some -> model.runFiles(some, skip),
                file -> new NamedFailure(contentKey(file), file.toString()));
    }

    /** What a file the model throws on alone is recorded under: its content's key and the path its row names. */
    private record NamedFailure(ImageKey key, String path) {
    }

    /**
     * {@code runner} on all {@code files} in one call; should it throw for the whole call, on each file alone, and a
     * file that still throws becomes a failed row with the exception as its reason.
     */
    private static <F> List<BatchRecord> fileByFileOnFailure(BatchModel model, List<F> files,
                                                             Function<List<F>, List<BatchRecord>> runner,
                                                             Function<F, NamedFailure> named) {
        try {
            return runner.apply(files);
        } catch (RuntimeException wholeCall) {
            List<BatchRecord> rows = new ArrayList<>();
            for (F file : files) {
                try {
                    rows.addAll(runner.apply(List.of(file)));
                } catch (RuntimeException e) {
                    NamedFailure failure = named.apply(file);
                    rows.add(BatchRecord.failed(failure.key(), failure.path(), model.identity(),
                            "the model failed on this file: " + e));
                }
            }
            return rows;
        }
    }

    private static ImageKey contentKey(Path file) {
        try {
            return ImageKey.content(ImageKey.sha256(file), 0);
        } catch (IOException e) {
            return ImageKey.content(ImageKey.sha256(file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    0);
        }
    }

    /** The whole file at {@code uri}. */
    static byte[] read(String uri, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(URI.create(uri));
        try (InputStream in = file.getFileSystem(conf).open(file)) {
            return in.readAllBytes();
        }
    }

    /**
     * The rows of {@code call}, less the frames {@code skip} names; never throws for the files' sake (see the class
     * comment).
     */
    static List<BatchRecord> run(BatchModel model, List<NamedBytes> call,
                                 BiPredicate<String, BatchRecord.DoneKey> skip) {
        return fileByFileOnFailure(model, call, some -> model.runAll(some, skip),
                file -> new NamedFailure(ImageKey.content(ImageKey.sha256(file.content()), 0), file.path()));
    }

    /**
     * The path a row names: a local file as the plain path {@code radmamba batch} names it (the URI is
     * {@code file:/a/b.dcm}), any other file system's as its URI ({@code hdfs://...}, {@code s3a://...}).
     */
    static String reportedPath(String sparkPath) {
        Path local = localFile(sparkPath);
        return local == null ? sparkPath : local.toString();
    }

    /** The cores of this JVM's task slots: an executor's {@code spark.executor.cores}, else every core it sees. */
    static int cores() {
        SparkEnv env = SparkEnv.get();
        int available = Runtime.getRuntime().availableProcessors();
        return env == null ? available : env.conf().getInt("spark.executor.cores", available);
    }
}
