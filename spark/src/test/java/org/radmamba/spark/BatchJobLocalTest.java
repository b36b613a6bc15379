package org.radmamba.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.batch.BatchRecord;
import org.radmamba.app.batch.BatchSchema;
import org.radmamba.inference.scan.ScanDevicePreference;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job on Spark's {@code local[2]} master (the driver is the one executor, with two task slots) against
 * {@code radmamba batch} on the same archive: the same rows, the same Parquet columns, the same resume rule.
 */
class BatchJobLocalTest {

    private static final int THREADS = 2;
    private static final int BATCH_SIZE = 4;

    @TempDir
    static Path temp;

    private static SparkSession spark;
    private static List<Path> files;
    private static Path archive;

    @BeforeAll
    static void start() throws Exception {
        archive = temp.resolve("archive");
        files = TestArchive.write(archive);
        spark = SparkSession.builder().master("local[2]").appName("BatchJobLocalTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.warehouse.dir", temp.resolve("warehouse").toString())
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static BatchJob.Summary job(Path out) throws Exception {
        ModelSpec spec = new ModelSpec(TestArchive.checkpoint(), ScanDevicePreference.CPU, BATCH_SIZE, THREADS);
        return BatchJob.run(spark, spec, List.of(archive.toString()), out.toString(), 3);
    }

    @Test
    void the_jobs_rows_and_parquet_columns_equal_radmamba_batchs_and_a_rerun_adds_nothing() throws Exception {
        Path sparkOut = temp.resolve("spark-out");
        Path batchOut = temp.resolve("batch-out");
        BatchJob.Summary first = job(sparkOut);
        BatchJob.print(first, System.out);
        System.out.println(RadMambaBatch.run(TestArchive.checkpoint(), archive, batchOut, THREADS, BATCH_SIZE));

        BatchSchema schema = ExecutorModels.get(
                new ModelSpec(TestArchive.checkpoint(), ScanDevicePreference.CPU, BATCH_SIZE, THREADS), THREADS).schema();
        List<BatchRecord> expected = Rows.read(spark, batchOut.toString(), schema);
        List<BatchRecord> actual = Rows.read(spark, sparkOut.toString(), schema);
        Rows.assertSame(expected, actual);
        assertEquals(RadMambaBatch.parquetColumns(batchOut), RadMambaBatch.parquetColumns(sparkOut),
                "the Parquet columns: names, order, types, required or optional");

        assertEquals(files.size(), actual.size(), "one row per file: single-frame images and failed files");
        for (String name : TestArchive.BROKEN) {
            BatchRecord row = actual.stream().filter(r -> r.path().endsWith(name)).findFirst().orElseThrow();
            assertEquals(BatchRecord.Status.FAILED, row.status(), row.toString());
            assertEquals(0, row.key().frame(), row.toString());
            assertFalse(row.failureReason().isBlank(), row.toString());
        }
        assertEquals(TestArchive.BROKEN.size(), first.failedRows());
        assertEquals(files.size() - TestArchive.BROKEN.size(), first.okRows());
        for (ExecutorReport r : first.executors()) {
            assertEquals(1, r.modelLoads(), "the model loads once in the JVM, whatever the tasks: " + r);
            assertEquals(25, Runtime.Version.parse(r.javaVersion()).feature(), r.toString());
            assertTrue(r.vectorModule(), r.toString());
        }

        BatchJob.Summary again = job(sparkOut);
        assertEquals(0, again.okRows() + again.failedRows(), "a rerun over a finished output writes nothing");
        assertEquals(files.size(), again.skippedRows());
        List<BatchRecord> after = Rows.read(spark, sparkOut.toString(), schema);
        Rows.assertNoDuplicates(after);
        assertEquals(actual.size(), after.size());

        BatchJob.Summary overBatch = job(batchOut);
        assertEquals(0, overBatch.okRows() + overBatch.failedRows(),
                "radmamba batch's results count as done: the same resume rule");
        assertEquals(expected.size(), Rows.read(spark, batchOut.toString(), schema).size());
    }
}
