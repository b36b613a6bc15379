package org.radmamba.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.batch.BatchModel;
import org.radmamba.app.batch.BatchRecord;
import org.radmamba.app.batch.BatchSchema;
import org.radmamba.inference.scan.ScanDevicePreference;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job on Spark's {@code local[2]} master: the driver is the one executor, with two task slots. */
class BatchJobLocalTest {

    @TempDir
    static Path temp;

    private static SparkSession spark;
    private static List<Path> files;
    private static ModelSpec spec;

    @BeforeAll
    static void start() throws Exception {
        files = TestArchive.write(temp.resolve("archive"));
        spec = new ModelSpec(TestArchive.checkpoint(), ScanDevicePreference.CPU, 4, 2);
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

    @Test
    void rows_equal_the_batch_models_and_broken_files_are_failed_rows_and_a_rerun_adds_nothing() throws Exception {
        String out = temp.resolve("out").toString();
        BatchJob.Summary first = BatchJob.run(spark, spec, List.of(temp.resolve("archive").toString()), out, 3);

        List<BatchRecord> expected;
        BatchSchema schema;
        try (BatchModel reference = BatchModel.load(TestArchive.checkpoint(),
                new BatchModel.Settings(ScanDevicePreference.CPU, 4, 2, null))) {
            expected = reference.runFiles(files);
            schema = reference.schema();
            List<BatchRecord> actual = Rows.read(spark, out, reference.schema());
            Rows.assertSame(expected, actual);
        }
        assertEquals(files.size(), expected.size(), "one row per file: single-frame images and failed files");
        for (String name : TestArchive.BROKEN) {
            BatchRecord row = expected.stream().filter(r -> r.path().endsWith(name)).findFirst().orElseThrow();
            assertEquals(BatchRecord.Status.FAILED, row.status(), row.toString());
            assertEquals(0, row.key().frame(), row.toString());
            assertFalse(row.failureReason().isBlank(), row.toString());
        }
        assertEquals(TestArchive.BROKEN.size(), first.failedRows());
        assertEquals(files.size() - TestArchive.BROKEN.size(), first.okRows());

        BatchJob.Summary again = BatchJob.run(spark, spec, List.of(temp.resolve("archive").toString()), out, 3);
        assertEquals(0, again.okRows() + again.failedRows(), "a rerun over a finished output writes nothing");
        assertEquals(files.size(), again.skippedRows());
        List<BatchRecord> after = Rows.read(spark, out, schema);
        Rows.assertNoDuplicates(after);
        assertEquals(expected.size(), after.size());

        for (ExecutorReport r : first.executors()) {
            assertEquals(1, r.modelLoads(), "the model loads once per JVM: " + r);
            assertEquals(25, Runtime.Version.parse(r.javaVersion()).feature(), r.toString());
            assertTrue(r.vectorModule(), r.toString());
        }
    }
}
