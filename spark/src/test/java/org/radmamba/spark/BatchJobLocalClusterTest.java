package org.radmamba.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.batch.BatchRecord;
import org.radmamba.app.batch.BatchSchema;
import org.radmamba.inference.scan.ScanDevicePreference;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job on {@code local-cluster[2,1,1024]}: a standalone master and two workers in this JVM, each starting an
 * executor as a JVM of its own (one core, 1 GB), as on a real cluster. As in Spark's own tests, the system properties
 * {@code spark.testing} and {@code spark.test.home} let the workers start executors without a Spark distribution:
 * the executors get this JVM's class path (the test class path, with the app and Spark), their java is this JVM's
 * (Java 25), and Spark adds its Java module options to {@code spark.executor.extraJavaOptions}, where the test puts
 * RadMamba's JVM flags as the documented spark-submit command does.
 */
class BatchJobLocalClusterTest {

    @TempDir
    static Path temp;

    private static SparkSession spark;
    private static List<Path> files;

    @BeforeAll
    static void start() throws Exception {
        files = TestArchive.write(temp.resolve("archive"));
        Path sparkHome = Files.createDirectories(temp.resolve("spark-home/jars"));
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", sparkHome.getParent().toString());
        spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("BatchJobLocalClusterTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.warehouse.dir", temp.resolve("warehouse").toString())
                // The launcher's class path builder wants a Scala version, which a Spark build tree would tell.
                .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                .config("spark.executor.extraJavaOptions", System.getProperty("radmamba.jvm.flags", ""))
                // Small partitions, so that each executor runs several tasks: the model must still load once each.
                .config("spark.sql.files.maxPartitionBytes", "100000")
                .config("spark.sql.files.openCostInBytes", "1")
                // No task before both executors are up (on a busy machine a JVM takes a while to start): each must
                // get tasks for the test to see two executors.
                .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                .config("spark.scheduler.maxRegisteredResourcesWaitingTime", "300s")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        System.clearProperty("spark.testing");
        System.clearProperty("spark.test.home");
    }

    @Test
    void executors_in_their_own_java_25_jvms_load_the_model_once_each_and_give_radmamba_batchs_rows() throws Exception {
        ModelSpec spec = new ModelSpec(TestArchive.checkpoint(), ScanDevicePreference.CPU, 4, 1);
        // A folder, a DICOMDIR (two slices and a file that is not there) and a list file (a slice of the folder
        // again, and a file that is not there): the executors read what the driver listed.
        Path dicomDir = TestArchive.writeDicomDir(temp.resolve("media"));
        Path list = temp.resolve("more.list");
        Path slice = files.stream().filter(f -> f.toString().endsWith(".dcm")).toList().getLast();
        Files.writeString(list, temp.relativize(slice) + "\nmedia/gone.dcm\n", StandardCharsets.UTF_8);
        // Last, a folder of copies (a slice of the archive, one of the DICOMDIR's), read by tasks of their own: each
        // image keeps the row of the file listed first, in whichever executor that file ran, as radmamba batch keeps.
        Path copies = Files.createDirectories(temp.resolve("0-copies"));
        Files.copy(slice, copies.resolve("slice.dcm"));
        Files.copy(dicomDir.resolveSibling(TestArchive.DICOMDIR_FILES.get(1)), copies.resolve("IM000000"));
        List<String> inputs = List.of(temp.resolve("archive").toString(), dicomDir.toString(), list.toString(),
                copies.toString());
        String out = temp.resolve("out").toString();
        BatchJob.Summary summary = BatchJob.run(spark, spec, inputs, out, 2);
        BatchJob.print(summary, System.out);

        Path batchOut = temp.resolve("batch-out");
        RadMambaBatch.run(TestArchive.checkpoint(), inputs, batchOut, 1, 4);
        BatchSchema schema = ExecutorModels.get(spec, 1).schema();
        List<BatchRecord> actual = Rows.read(spark, out, schema);
        Rows.assertSame(Rows.read(spark, batchOut.toString(), schema), actual);
        assertEquals(files.size() + 3 + 1, actual.size(),
                "the folder's files, the DICOMDIR's three, the list's new one, no copy: " + actual);
        assertTrue(actual.stream().noneMatch(r -> r.path().startsWith(copies.toString())), actual.toString());
        assertEquals(actual.size() - 2, summary.modelRows(),
                "every row but the two of files not there made by the model, and no copy decoded: " + summary);

        // The executors open the files with the driver's Hadoop configuration: a file system that only the driver's
        // configuration names (set on it alone, not as spark.hadoop.*, which executors would get anyway) is read in
        // both executor JVMs, and gives the rows of the same files read from the local disk.
        spark.sparkContext().hadoopConfiguration().set("fs.other.impl", OtherSchemeFileSystem.class.getName());
        String otherOut = temp.resolve("other-out").toString();
        BatchJob.Summary overOther = BatchJob.run(spark, spec, List.of("other://" + temp.resolve("archive")), otherOut,
                2);
        BatchJob.print(overOther, System.out);
        String archive = temp.resolve("archive") + "/";
        assertEquals(summary(actual.stream().filter(r -> r.path().startsWith(archive)).toList(), ""),
                summary(Rows.read(spark, otherOut, schema), "other:(//)?"));
        assertEquals(overOther.okRows() + overOther.failedRows(), overOther.modelRows(), overOther.toString());
        assertEquals(2, overOther.executors().stream().map(ExecutorReport::executorId).distinct().count(),
                "both executors read other: files: " + overOther.executors());

        Map<String, List<ExecutorReport>> byExecutor = summary.executors().stream()
                .collect(Collectors.groupingBy(ExecutorReport::executorId));
        assertEquals(2, byExecutor.size(), "both executors ran tasks: " + summary.executors());
        assertTrue(summary.executors().size() > byExecutor.size(), "more tasks than executors: " + summary.executors());
        long driver = ProcessHandle.current().pid();
        for (List<ExecutorReport> tasks : byExecutor.values()) {
            Map<Long, ExecutorReport> jvms = tasks.stream()
                    .collect(Collectors.toMap(ExecutorReport::pid, Function.identity(), (a, b) -> a));
            assertEquals(1, jvms.size(), "one JVM per executor: " + tasks);
            for (ExecutorReport r : tasks) {
                assertNotEquals(driver, r.pid(), "an executor in a JVM of its own: " + r);
                assertEquals(1, r.modelLoads(), "the model loaded once in the executor, whatever its tasks: " + r);
                assertEquals(25, Runtime.Version.parse(r.javaVersion()).feature(), r.toString());
                assertTrue(r.vectorModule(), "the Vector API module in the executor: " + r);
            }
        }
    }

    /** Each row's path (less the scheme {@code scheme} matches), key, status, reason and top class, sorted. */
    private static List<String> summary(List<BatchRecord> rows, String scheme) {
        return rows.stream().map(r -> String.join(" | ", r.path().replaceFirst("^" + scheme, ""), r.key().toString(),
                r.status().toString(), String.valueOf(r.failureReason()),
                r.classification() == null ? "-" : r.classification().topClass())).sorted().toList();
    }
}
