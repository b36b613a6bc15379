package org.radmamba.spark;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.radmamba.app.ai.ModelException;
import org.radmamba.app.batch.BatchInputs;
import org.radmamba.app.batch.BatchModel;
import org.radmamba.app.batch.BatchRecord;
import org.radmamba.app.batch.BatchSchema;
import org.radmamba.app.batch.OneRowPerImage;
import org.radmamba.inference.scan.ScanDevicePreference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code radmamba batch} on Apache Spark: {@code spark-submit --class org.radmamba.spark.BatchJob
 * radmamba-spark-<v>.jar MODEL INPUT... --out DIR}. The driver lists the INPUTs' files as {@code radmamba batch}
 * does (folders recursively, DICOMDIRs, list files: {@link JobFiles}, on any file system Spark reaches), each executor
 * loads the model once ({@link ExecutorModels}) and runs its share of the files through it ({@link RunFiles}), and the
 * rows are appended to {@code DIR} as Parquet in {@code radmamba batch}'s schema ({@link SparkRows}). Bad files are
 * failed rows, never a failed job.
 *
 * <p><b>Resume.</b> Rows already in {@code DIR} for this checkpoint (the same image key and frame) are not written
 * again, so a rerun after an interruption adds only what is missing, whether {@code DIR} was written by an earlier
 * Spark run or by {@code radmamba batch}. A job's rows are committed when the job ends (Spark's output commit);
 * an interrupted job leaves none of its rows. The done images are known from the files' headers in the first pass
 * (below) and never decoded again; a file with nothing left is not read again.
 *
 * <p><b>One row per image.</b> The same image in two files of the job (a copy of a file, the same instance in two
 * folders) gives {@code radmamba batch}'s one row, that of the file listed first ({@link OneRowPerImage}), decided
 * before anything is decoded: a first pass ({@link IdentifyFiles}) reads each file's image keys from its header, the
 * keys are reduced on the executors to the file listed first, and the second pass ({@link RunFiles}) decodes and runs
 * only each file's kept frames. The copies left out count as already done.
 */
@Command(name = "radmamba-spark", mixinStandardHelpOptions = true,
        description = {"Runs a model on every image of an archive on Apache Spark; results as Parquet in the schema "
                + "of `radmamba batch`.",
                "Launch with spark-submit --class org.radmamba.spark.BatchJob radmamba-spark-<version>.jar (see "
                        + "spark/README.md)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every file has its row (failed files included)",
                "2:the command line is wrong",
                "3:an INPUT or the model cannot be read, or the job failed (one line on stderr says why)"})
public final class BatchJob implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "a library model id (e.g. medmamba-chest-phantom-demo) or a checkpoint (card.json beside "
                    + "it) that every executor can read, or ships with spark-submit --files CKPT,card.json")
    String model;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "INPUT",
            description = "folders (read recursively), DICOMDIR files, list files (*.txt, *.lst, *.list: one path a "
                    + "line), image files or globs, on any file system Spark reaches (file:, hdfs:, s3a:, ...)")
    List<String> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "where the Parquet files go; rows already there for this checkpoint are skipped")
    String out;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", defaultValue = "auto",
            description = "where each executor runs the network (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + BatchModel.DEFAULT_BATCH_SIZE,
            description = "images per forward pass (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "threads of an executor's model; 0: spark.executor.cores, else every core (default)")
    int threads;

    @Option(names = "--files-per-call", paramLabel = "N", defaultValue = "32",
            description = "files a task hands the model at once, decoded side by side (default: ${DEFAULT-VALUE})")
    int filesPerCall;

    /**
     * What a finished job did.
     *
     * @param skippedRows rows left out: already in the output, or of an image a file listed earlier gave
     * @param modelRows   rows the model made: frames decoded and run, files it could not read (a copy or a done
     *                    image is none of them; a task Spark retried counts again)
     */
    public record Summary(long okRows, long failedRows, long skippedRows, long modelRows, double seconds,
                          String engine, List<ExecutorReport> executors) {
        /** Rows written per second of the job. */
        public double rowsPerSecond() {
            return seconds > 0 ? (okRows + failedRows) / seconds : 0;
        }
    }

    public static void main(String[] args) {
        int code;
        CommandLine cli = new CommandLine(new BatchJob());
        try {
            code = cli.execute(args);
        } finally {
            SparkSession.getActiveSession().foreach(s -> {
                s.stop();
                return null;
            });
        }
        System.exit(code);
    }

    @Override
    public Integer call() {
        ModelSpec spec;
        try {
            spec = new ModelSpec(model, ScanDevicePreference.parse(device), batchSize, threads);
        } catch (IllegalArgumentException e) {
            System.err.println("radmamba-spark: " + e.getMessage());
            return 2;
        }
        SparkSession spark = SparkSession.builder().appName("radmamba batch " + model).getOrCreate();
        try {
            Summary summary = run(spark, spec, inputs, out, filesPerCall);
            print(summary, System.out);
            return 0;
        } catch (BatchInputs.InputException | ModelException e) {
            System.err.println("radmamba-spark: " + e.getMessage());
            return 3;
        } catch (IOException | RuntimeException e) {
            System.err.println("radmamba-spark: the job failed: " + e);
            return 3;
        }
    }

    /**
     * Runs the job on {@code spark}: lists {@code inputs}' files on the driver, appends the rows not yet in
     * {@code out}.
     *
     * @throws BatchInputs.InputException an INPUT does not exist or cannot be read, or names no file: the sentence
     *                                    {@code radmamba batch} says (nothing runs)
     * @throws ModelException the driver cannot load the model (checked here before any executor starts on it)
     */
    public static Summary run(SparkSession spark, ModelSpec spec, List<String> inputs, String out, int filesPerCall)
            throws BatchInputs.InputException, ModelException, IOException {
        long start = System.nanoTime();
        // The INPUTs mean what radmamba batch's mean (folders, DICOMDIRs, list files), on any file system: expanded
        // here into one list of files, which the tasks share out. Listing on the driver is what Spark's own file
        // sources do too (an archive of a million files: a list of some 100 MB on the driver).
        HadoopStorage storage = new HadoopStorage(spark.sparkContext().hadoopConfiguration());
        List<Path> files = JobFiles.expand(storage, inputs, out);
        if (files.isEmpty()) {
            throw new BatchInputs.InputException("no file in " + String.join(", ", inputs));
        }
        // The driver loads the model too: its schema (class names, checkpoint hash) makes the StructType, and a
        // model that cannot load fails here in one sentence rather than in every task. In local mode the driver is
        // the executor, and this is the one load.
        BatchModel driverModel = ExecutorModels.get(spec, Runtime.getRuntime().availableProcessors());
        BatchSchema schema = driverModel.schema();
        StructType structType = SparkRows.structType(schema);

        SparkContext context = spark.sparkContext();
        CollectionAccumulator<ExecutorReport> reports = context.collectionAccumulator("radmamba executors");
        LongAccumulator madeRows = context.longAccumulator("radmamba rows made");
        LongAccumulator modelRows = context.longAccumulator("radmamba rows the model made");
        LongAccumulator okRows = context.longAccumulator("radmamba ok rows");
        LongAccumulator failedRows = context.longAccumulator("radmamba failed rows");
        LongAccumulator doneRows = context.longAccumulator("radmamba rows already done");
        Set<String> doneKeys = doneKeys(spark, out, structType, schema.model().checkpointSha256());
        JavaSparkContext java = JavaSparkContext.fromSparkContext(context);
        Broadcast<Set<String>> done = doneKeys.isEmpty() ? null : java.broadcast(doneKeys);
        Broadcast<HadoopConf> hadoopConf = java.broadcast(new HadoopConf(context.hadoopConfiguration()));
        JobFiles.Sizing sizing = sizing(spark);
        List<JobFiles.Sized> listed = JobFiles.sized(storage, files);

        // First pass: each file's images by their resume keys, from its header (no frame decoded), those the output
        // holds left out; of each image the file listed first keeps it (OneRowPerImage, as radmamba batch keeps it).
        // What comes back to the driver: for each image the place of the file that keeps it; each copy: file, frame.
        JavaRDD<IdentifyFiles.FileImages> identified = rdd(context, JobFiles.groups(listed, sizing))
                .mapPartitions(new IdentifyFiles(spec, filesPerCall, hadoopConf, doneRows, done));
        Copies copies = copies(identified, context.defaultParallelism());
        List<JobFiles.Sized> toRun = new ArrayList<>();
        for (JobFiles.Sized file : listed) {
            if (copies.toRun().contains(file.file().position())) {
                toRun.add(file.keptElsewhere(copies.keptElsewhere()
                        .getOrDefault(file.file().position(), Set.of())));
            }
        }

        // Second pass: the files left, cut into tasks again by their sizes; only their frames that are neither done
        // nor kept elsewhere are decoded and run.
        JavaPairRDD<BatchRecord.DoneKey, OneRowPerImage.Placed<Row>> made = toRun.isEmpty()
                ? JavaPairRDD.fromJavaRDD(java.emptyRDD())
                : rdd(context, JobFiles.groups(toRun, sizing)).mapPartitionsToPair(
                new RunFiles(spec, filesPerCall, hadoopConf, reports, madeRows, modelRows, doneRows, done));
        // One row per image still, by the same rule on the rows: the first pass decided from the files as they were
        // then, and a file the first pass could not read (a file system's passing failure), or that changed between
        // the passes, may give rows of other keys now. The reduce makes such a row meet the image's other rows; in
        // an ordinary job each key comes once and it drops nothing. A shuffle of the rows, not of the files.
        int status = structType.fieldIndex(BatchSchema.STATUS);
        String ok = BatchRecord.Status.OK.columnValue();
        JavaRDD<Row> rows = made.reduceByKey(OneRowPerImage::kept).values().map(placed -> {
            (ok.equals(placed.row().getString(status)) ? okRows : failedRows).add(1);
            return placed.row();
        });
        spark.createDataFrame(rows, structType).write().mode(SaveMode.Append).parquet(out);

        double seconds = (System.nanoTime() - start) / 1e9;
        long lateCopies = madeRows.value() - okRows.value() - failedRows.value();
        return new Summary(okRows.value(), failedRows.value(), doneRows.value() + copies.count() + lateCopies,
                modelRows.value(), seconds, driverModel.engine(), List.copyOf(reports.value()));
    }

    /** One partition a group, each preferring the hosts of its bytes (HDFS data locality, as a file scan has it). */
    private static JavaRDD<JobFiles.Group> rdd(SparkContext context, List<JobFiles.Planned> planned) {
        List<Tuple2<JobFiles.Group, scala.collection.immutable.Seq<String>>> withHosts = new ArrayList<>();
        for (JobFiles.Planned p : planned) {
            withHosts.add(new Tuple2<>(p.group(), CollectionConverters.asScala(p.hosts()).toList()));
        }
        return context.makeRDD(CollectionConverters.asScala(withHosts).toList(),
                ClassTag$.MODULE$.<JobFiles.Group>apply(JobFiles.Group.class)).toJavaRDD();
    }

    /**
     * What the first pass decided.
     *
     * @param toRun         the places of the files with a frame to run
     * @param keptElsewhere by file place, its frames whose row a file listed earlier gives
     * @param count         the frames left out as copies
     */
    record Copies(Set<Integer> toRun, Map<Integer, Set<BatchRecord.DoneKey>> keptElsewhere, long count) {
    }

    /**
     * Of each image, the file listed first keeps it ({@link OneRowPerImage#kept}, reduced by key on the executors in
     * {@code partitions} tasks: some 100 bytes a key); what comes back to the driver is one number for each image
     * (the place of the file that keeps it) and each copy's file and frame. One job, one shuffle of the keys.
     */
    static Copies copies(JavaRDD<IdentifyFiles.FileImages> identified, int partitions) {
        // A claim's row: the places of the files that claimed the image and lost it, so far.
        JavaPairRDD<BatchRecord.DoneKey, OneRowPerImage.Placed<Positions>> claims = identified.flatMapToPair(file ->
                file.images().stream().map(image -> new Tuple2<>(image,
                        new OneRowPerImage.Placed<>(file.position(), Positions.NONE))).iterator());
        List<Tuple2<Integer, BatchRecord.DoneKey>> decided = claims.reduceByKey((a, b) -> {
            OneRowPerImage.Placed<Positions> kept = OneRowPerImage.kept(a, b);
            OneRowPerImage.Placed<Positions> lost = kept == a ? b : a;
            return new OneRowPerImage.Placed<>(kept.filePosition(),
                    a.row().and(b.row()).and(lost.filePosition()));
        }, Math.max(1, partitions)).flatMap(image -> {
            List<Tuple2<Integer, BatchRecord.DoneKey>> out = new ArrayList<>();
            out.add(new Tuple2<>(image._2().filePosition(), null));
            for (int loser : image._2().row().positions()) {
                out.add(new Tuple2<>(loser, image._1()));
            }
            return out.iterator();
        }).collect();
        Set<Integer> toRun = new HashSet<>();
        Map<Integer, Set<BatchRecord.DoneKey>> keptElsewhere = new HashMap<>();
        long count = 0;
        for (Tuple2<Integer, BatchRecord.DoneKey> d : decided) {
            if (d._2() == null) {
                toRun.add(d._1());
            } else {
                keptElsewhere.computeIfAbsent(d._1(), p -> new HashSet<>()).add(d._2());
                count++;
            }
        }
        return new Copies(toRun, keptElsewhere, count);
    }

    /** File places, few: those of an image's copies. */
    record Positions(List<Integer> positions) implements java.io.Serializable {
        static final Positions NONE = new Positions(List.of());

        Positions {
            positions = List.copyOf(positions);
        }

        Positions and(Positions other) {
            List<Integer> both = new ArrayList<>(positions);
            both.addAll(other.positions);
            return new Positions(both);
        }

        Positions and(int position) {
            return and(new Positions(List.of(position)));
        }
    }

    /** Spark's settings for cutting a file source's files into tasks, which the job's file list follows. */
    static JobFiles.Sizing sizing(SparkSession spark) {
        long maxPartitionBytes = JavaUtils.byteStringAsBytes(spark.conf().get("spark.sql.files.maxPartitionBytes"));
        long openCost = JavaUtils.byteStringAsBytes(spark.conf().get("spark.sql.files.openCostInBytes"));
        scala.Option<String> minPartitions = spark.conf().getOption("spark.sql.files.minPartitionNum");
        return new JobFiles.Sizing(maxPartitionBytes, openCost, minPartitions.isDefined()
                ? Integer.parseInt(minPartitions.get()) : spark.sparkContext().defaultParallelism());
    }

    /**
     * The rows already in {@code out} for this checkpoint, as {@link RunFiles#doneKey}s (empty when {@code out}
     * holds none yet): the same rule as {@code radmamba batch}'s resume. Collected on the driver and broadcast, about
     * 100 bytes a row: a million done images cost the driver and each executor some 100 MB.
     */
    static Set<String> doneKeys(SparkSession spark, String out, StructType structType, String checkpointSha256)
            throws IOException {
        Path dir = new Path(out);
        FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        FileStatus[] parquet = fs.exists(dir) ? fs.globStatus(new Path(dir, "*.parquet")) : null;
        if (parquet == null || parquet.length == 0) {
            return Set.of();
        }
        Set<String> keys = new HashSet<>();
        for (Row r : spark.read().schema(structType).parquet(out)
                .where(functions.col(BatchSchema.CHECKPOINT_SHA256).equalTo(checkpointSha256))
                .select(BatchSchema.IMAGE_KEY, BatchSchema.FRAME)
                .distinct().collectAsList()) {
            keys.add(RunFiles.doneKey(r.getString(0), r.getInt(1)));
        }
        return keys;
    }

    static void print(Summary s, PrintStream out) {
        out.printf(Locale.ROOT, "%d rows written (%d ok, %d failed), %d already done or copies, %d run by the model,"
                        + " in %.1f s: %.2f images/s%n", s.okRows() + s.failedRows(), s.okRows(), s.failedRows(),
                s.skippedRows(), s.modelRows(), s.seconds(), s.rowsPerSecond());
        out.println("driver: " + s.engine());
        Map<String, ExecutorReport> byExecutor = new TreeMap<>();
        Map<String, Long> filesByExecutor = new TreeMap<>();
        for (ExecutorReport r : s.executors()) {
            byExecutor.merge(r.executorId(), r, (a, b) -> a.modelLoads() >= b.modelLoads() ? a : b);
            filesByExecutor.merge(r.executorId(), r.files(), Long::sum);
        }
        byExecutor.forEach((id, r) -> out.printf(Locale.ROOT,
                "executor %s: pid %d, Java %s, Vector API %s, model loaded %d time(s), %d files%n", id, r.pid(),
                r.javaVersion(), r.vectorModule() ? "on" : "MISSING", r.modelLoads(), filesByExecutor.get(id)));
    }
}
