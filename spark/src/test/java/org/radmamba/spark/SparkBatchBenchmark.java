package org.radmamba.spark;

import org.apache.spark.sql.SparkSession;
import org.radmamba.app.cli.BatchCommand;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.viewer.demo.DemoStudy;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Spark {@code local[2]} against {@code radmamba batch} on the same archive, in one JVM, runs interleaved: the
 * engine's overhead (target: Spark's images per second at most 15 % below radmamba batch's). A warm-up round comes
 * first and is not counted. Each run starts from an empty results folder and loads the model (radmamba batch loads
 * it per run; the Spark runs drop the JVM's model first), so both pay the same load; the Spark session starts once,
 * before the first round, and its start is printed apart. Per run: wall time, images per second and the process's
 * CPU seconds (every thread: Spark's scheduler, GC and JIT included), with the load average, since this machine is
 * shared.
 *
 * <p>Run with {@code spark/bench.sh [IMAGES [ROUNDS [MODEL [COPIES]]]]} (default 2000 files, 3 rounds, the demo
 * chest classifier, no copies): the archive is a generated CT series of 128 × 128 slices and three photographs,
 * {@code IMAGES} files in all, of which {@code COPIES} per cent are byte copies of slices in a folder listed after
 * the series ({@code zz-copies}): both write one row per image, so rows, and images per second, count the images
 * without their copies, and the Spark job prints the rows its model made (decoded and run).
 */
public final class SparkBatchBenchmark {

    private SparkBatchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String model = args.length > 2 ? args[2] : "medmamba-chest-phantom-demo";
        int copyPercent = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        if (copyPercent < 0 || copyPercent >= 100) {
            throw new IllegalArgumentException("COPIES is a percentage from 0 to 99, was " + copyPercent);
        }
        int copies = images * copyPercent / 100;
        int cores = Runtime.getRuntime().availableProcessors();
        Path work = Files.createTempDirectory("radmamba-spark-bench-");
        Path archive = work.resolve("archive");
        DemoStudy.generate(archive, new DemoStudy.Spec(128, Math.max(1, images - copies - 3), 0.8, 2, 8, true));
        copySlices(archive, copies);
        int files = fileCount(archive);
        System.out.printf(Locale.ROOT, "archive: %d files (%d of them copies) in %s; model %s; %d cores; load average"
                + " %s%n", files, copies, archive, model, cores, loadAverage());

        long sessionStart = System.nanoTime();
        SparkSession spark = SparkSession.builder().master("local[2]").appName("SparkBatchBenchmark")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.warehouse.dir", work.resolve("warehouse").toString())
                .getOrCreate();
        System.out.printf(Locale.ROOT, "Spark session start: %.1f s%n", (System.nanoTime() - sessionStart) / 1e9);

        List<double[]> batch = new ArrayList<>();
        List<double[]> onSpark = new ArrayList<>();
        try {
            // Round 0 warms both paths up (JIT, ND4J, Spark's code generation) and is printed, not counted.
            for (int round = 0; round <= rounds; round++) {
                Path batchOut = work.resolve("batch-" + round);
                Path sparkOut = work.resolve("spark-" + round);
                double[] b = timed(() -> radmambaBatch(model, archive, batchOut));
                System.out.printf(Locale.ROOT, "round %d radmamba batch: %s; load average %s%n", round, line(b),
                        loadAverage());
                if (round > 0) {
                    batch.add(b);
                }
                double[] s = timed(() -> sparkJob(spark, model, archive, sparkOut));
                System.out.printf(Locale.ROOT, "round %d Spark local[2]:  %s; load average %s%n", round, line(s),
                        loadAverage());
                if (round > 0) {
                    onSpark.add(s);
                }
            }
        } finally {
            spark.stop();
            deleteTree(work);
        }
        double batchRate = median(batch, 2);
        double sparkRate = median(onSpark, 2);
        System.out.printf(Locale.ROOT, "median of %d rounds after the warm-up, images/s: radmamba batch %.2f, Spark local[2] %.2f: Spark %.1f %% %s"
                        + " (target: at most 15 %% slower)%n", rounds, batchRate, sparkRate,
                Math.abs(100 * (1 - sparkRate / batchRate)), sparkRate <= batchRate ? "slower" : "faster");
        System.out.printf(Locale.ROOT, "median CPU s per image: radmamba batch %.4f, Spark local[2] %.4f%n",
                median(batch, 3), median(onSpark, 3));
        System.out.println("load average at the end: " + loadAverage());
    }

    /** Rows written, for {@link #timed}. */
    private interface Run {
        long rows() throws Exception;
    }

    /** {rows, wall s, images/s, CPU s per image}. */
    private static double[] timed(Run run) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long rows = run.rows();
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        return new double[] {rows, wall, rows / wall, cpu / Math.max(1, rows)};
    }

    private static String line(double[] r) {
        return String.format(Locale.ROOT, "%d rows in %.1f s = %.2f images/s, %.4f CPU s/image", (long) r[0], r[1],
                r[2], r[3]);
    }

    /** {@code radmamba batch MODEL ARCHIVE --out DIR --json} in this JVM, as its command line runs it. */
    private static long radmambaBatch(String model, Path archive, Path out) {
        // BatchCommand itself: RadMambaCommand's console set-up is Logback's, and this module logs through Log4j 2.
        CommandLine cli = new CommandLine(new BatchCommand());
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));
        int code = cli.execute(model, archive.toString(), "--out", out.toString(), "--json");
        if (code != 0) {
            throw new IllegalStateException("radmamba batch exited with " + code + ": " + stderr + stdout);
        }
        return rowsIn(out);
    }

    private static long sparkJob(SparkSession spark, String model, Path archive, Path out) throws Exception {
        ExecutorModels.closeAll();
        BatchJob.Summary s = BatchJob.run(spark, new ModelSpec(model, ScanDevicePreference.AUTO,
                org.radmamba.app.batch.BatchModel.DEFAULT_BATCH_SIZE, 0), List.of(archive.toString()), out.toString(), 32);
        System.out.printf(Locale.ROOT, "  Spark: %d rows, %d left out as copies, %d made by the model%n",
                s.okRows() + s.failedRows(), s.skippedRows(), s.modelRows());
        return s.okRows() + s.failedRows();
    }

    /** Copies the first {@code count} DICOM slices of {@code archive} into its folder {@code zz-copies}. */
    private static void copySlices(Path archive, int count) throws IOException {
        if (count == 0) {
            return;
        }
        List<Path> slices;
        try (Stream<Path> s = Files.walk(archive)) {
            slices = s.filter(p -> p.toString().endsWith(".dcm")).sorted().limit(count).toList();
        }
        if (slices.size() < count) {
            throw new IllegalArgumentException("only " + slices.size() + " slices to copy, " + count + " asked");
        }
        Path copies = Files.createDirectories(archive.resolve("zz-copies"));
        for (int i = 0; i < slices.size(); i++) {
            Files.copy(slices.get(i), copies.resolve(String.format(Locale.ROOT, "copy-%05d.dcm", i)));
        }
    }

    /** Rows of every Parquet file in {@code dir}, read with Spark's reader (the same for both engines). */
    private static long rowsIn(Path dir) {
        return SparkSession.active().read().parquet(dir.toString()).count();
    }

    private static double median(List<double[]> runs, int index) {
        double[] v = runs.stream().mapToDouble(r -> r[index]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static int fileCount(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return (int) s.filter(Files::isRegularFile).count();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
