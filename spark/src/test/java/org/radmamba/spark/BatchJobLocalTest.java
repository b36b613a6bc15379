package org.radmamba.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.batch.BatchInputs;
import org.radmamba.app.batch.BatchRecord;
import org.radmamba.app.batch.BatchSchema;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.viewer.study.StudyScanner;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job on Spark's {@code local[2]} master (the driver is the one executor, with two task slots) against
 * {@code radmamba batch} on the same INPUTs (a folder; a DICOMDIR and a list file): the same rows, the same Parquet
 * columns, the same resume rule, the same refusals.
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

    private static ModelSpec spec() {
        return new ModelSpec(TestArchive.checkpoint(), ScanDevicePreference.CPU, BATCH_SIZE, THREADS);
    }

    private static BatchJob.Summary job(Path out) throws Exception {
        return BatchJob.run(spark, spec(), List.of(archive.toString()), out.toString(), 3);
    }

    /** What the Spark job wrote (its folder, summary and rows) beside radmamba batch's console output. */
    private record Beside(Path sparkOut, BatchJob.Summary summary, String batchOutput, List<BatchRecord> rows) {
    }

    /**
     * The Spark job in {@code partitions} and radmamba batch over the same inputs, into NAME-spark and NAME-batch, with
     * their rows asserted the same.
     */
    private static Beside runBeside(List<String> inputs, String name, int partitions) throws Exception {
        Path sparkOut = temp.resolve(name + "-spark");
        Path batchOut = temp.resolve(name + "-batch");
        BatchJob.Summary summary = BatchJob.run(spark, spec(), inputs, sparkOut.toString(), partitions);
        BatchJob.print(summary, System.out);
        String batch = RadMambaBatch.run(TestArchive.checkpoint(), inputs, batchOut, THREADS, BATCH_SIZE);
        System.out.println(batch);
        BatchSchema schema = ExecutorModels.get(spec(), THREADS).schema();
        List<BatchRecord> actual = Rows.read(spark, sparkOut.toString(), schema);
        Rows.assertSame(Rows.read(spark, batchOut.toString(), schema), actual);
        return new Beside(sparkOut, summary, batch, actual);
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
        assertEquals(files.size(), first.modelRows(), "every file's row was made by the model");
        for (ExecutorReport r : first.executors()) {
            assertEquals(1, r.modelLoads(), "the model loads once in the JVM, whatever the tasks: " + r);
            assertEquals(25, Runtime.Version.parse(r.javaVersion()).feature(), r.toString());
            assertTrue(r.vectorModule(), r.toString());
        }

        BatchJob.Summary again = job(sparkOut);
        assertEquals(0, again.okRows() + again.failedRows(), "a rerun over a finished output writes nothing");
        assertEquals(files.size(), again.skippedRows());
        assertEquals(0, again.modelRows(), "a rerun decodes nothing: each file's header tells its images are done");
        List<BatchRecord> after = Rows.read(spark, sparkOut.toString(), schema);
        Rows.assertNoDuplicates(after);
        assertEquals(actual.size(), after.size());

        BatchJob.Summary overBatch = job(batchOut);
        assertEquals(0, overBatch.okRows() + overBatch.failedRows(),
                "radmamba batch's results count as done: the same resume rule");
        assertEquals(0, overBatch.modelRows());
        assertEquals(expected.size(), Rows.read(spark, batchOut.toString(), schema).size());
    }

    @Test
    void a_folder_of_an_earlier_radmamba_without_precision_and_device_resumes_and_its_new_rows_have_them()
            throws Exception {
        Path batchOut = temp.resolve("earlier-batch");
        System.out.println(RadMambaBatch.run(TestArchive.checkpoint(), archive, batchOut, THREADS, BATCH_SIZE));
        // Three ok rows as an earlier RadMamba wrote them: without the two columns.
        Path earlier = temp.resolve("earlier");
        spark.read().parquet(batchOut.toString()).drop(BatchSchema.PRECISION, BatchSchema.DEVICE)
                .where(functions.col(BatchSchema.STATUS).equalTo("ok")).limit(3).coalesce(1)
                .write().parquet(earlier.toString());
        BatchSchema schema = ExecutorModels.get(spec(), THREADS).schema();
        List<BatchRecord> before = Rows.read(spark, earlier.toString(), schema);
        assertEquals(3, before.size());
        before.forEach(r -> assertEquals(null, r.numerics(), "not recorded: " + r));

        BatchJob.Summary resumed = job(earlier);

        assertEquals(files.size() - 3, resumed.okRows() + resumed.failedRows());
        assertEquals(3, resumed.skippedRows(), "the earlier rows are done");
        List<BatchRecord> rows = new java.util.ArrayList<>();
        for (org.apache.spark.sql.Row row : spark.read().option("mergeSchema", "true").parquet(earlier.toString())
                .collectAsList()) {
            rows.add(SparkRows.record(schema, row));
        }
        Rows.assertNoDuplicates(rows);
        assertEquals(files.size(), rows.size());
        java.util.Set<BatchRecord.DoneKey> earlierKeys = new java.util.HashSet<>();
        before.forEach(r -> earlierKeys.add(r.doneKey()));
        for (BatchRecord r : rows) {
            assertEquals(earlierKeys.contains(r.doneKey()) || r.status() == BatchRecord.Status.FAILED ? null
                    : BatchRecord.Numerics.CPU, r.numerics(), r.toString());
        }
    }

    @Test
    void a_dicomdir_and_a_list_file_give_radmamba_batchs_rows() throws Exception {
        Path dicomDir = TestArchive.writeDicomDir(temp.resolve("media"));
        Path lists = Files.createDirectories(temp.resolve("lists"));
        List<Path> slices = files.stream()
                .filter(f -> f.toString().endsWith(".dcm") && f.startsWith(archive.resolve("study-1"))).toList();
        Path truncated = files.stream().filter(f -> f.endsWith("truncated.dcm")).findFirst().orElseThrow();
        Path list = lists.resolve("some.txt");
        Files.writeString(list, String.join("\n",
                "# a slice by a path relative to the list, one by its absolute path, a broken file, two files that",
                "# are not there (one with a colon, which is no URI scheme), a file the DICOMDIR references too",
                lists.relativize(slices.get(0)).toString(),
                "",
                slices.get(1).toString(),
                "  " + lists.relativize(truncated) + "  ",
                "gone.dcm",
                "series:2/gone.dcm",
                "../media/" + TestArchive.DICOMDIR_FILES.get(1),
                "# a folder and a DICOMDIR stand for their files, as INPUTs do (each file once)",
                lists.relativize(truncated.getParent()).toString(),
                "../media/DICOMDIR",
                ""), StandardCharsets.UTF_8);
        List<String> inputs = List.of(dicomDir.toString(), list.toString());
        Beside run = runBeside(inputs, "listed", 3);
        BatchJob.Summary summary = run.summary();
        List<BatchRecord> actual = run.rows();

        Path media = dicomDir.getParent();
        List<String> okPaths = List.of(media.resolve(TestArchive.DICOMDIR_FILES.get(1)).toString(),
                media.resolve(TestArchive.DICOMDIR_FILES.get(2)).toString(), slices.get(0).toString(),
                slices.get(1).toString());
        assertEquals(okPaths.stream().sorted().toList(), actual.stream()
                .filter(r -> r.status() == BatchRecord.Status.OK).map(BatchRecord::path).sorted().toList(),
                "the DICOMDIR's two slices and the list's two, each once");
        for (Path missing : List.of(media.resolve(TestArchive.DICOMDIR_MISSING), lists.resolve("gone.dcm"),
                lists.resolve("series:2/gone.dcm"))) {
            BatchRecord row = actual.stream().filter(r -> r.path().equals(missing.toString())).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + missing + ": " + actual));
            assertEquals(BatchRecord.Status.FAILED, row.status(), row.toString());
            assertEquals(0, row.key().frame(), row.toString());
            assertEquals(StudyScanner.NOT_A_FILE, row.failureReason(), row.toString());
        }
        for (String broken : TestArchive.BROKEN) {
            assertEquals(BatchRecord.Status.FAILED, actual.stream()
                    .filter(r -> r.path().equals(truncated.resolveSibling(broken).toString())).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + broken + ": " + actual)).status());
        }
        assertEquals(11, actual.size(), actual.toString());
        Rows.assertNoDuplicates(actual);
        assertEquals(4, summary.okRows());
        assertEquals(7, summary.failedRows());
    }

    @Test
    void the_same_image_in_two_files_gives_radmamba_batchs_one_row_of_the_file_listed_first() throws Exception {
        // The INPUTs in an order that is not the paths' order: the folder given first holds the rows kept.
        Path first = Files.createDirectories(temp.resolve("copies/z-incoming"));
        Path second = Files.createDirectories(temp.resolve("copies/a-archive"));
        Path slice = files.stream().filter(f -> f.toString().endsWith(".dcm") && f.startsWith(archive.resolve("study-1")))
                .findFirst().orElseThrow();
        Path truncated = files.stream().filter(f -> f.endsWith("truncated.dcm")).findFirst().orElseThrow();
        Files.copy(slice, first.resolve("slice.dcm"));
        Files.copy(slice, second.resolve("slice.dcm"));
        Files.copy(slice, Files.createDirectories(second.resolve("renamed")).resolve("copy-of-slice.dcm"));
        Files.copy(truncated, first.resolve("truncated.dcm"));
        Files.copy(truncated, second.resolve("truncated.dcm"));
        // One instance in two different files: the first listed fails its frame, the other would run.
        String sop = "2.25.987654321.3";
        TestArchive.writeImage(first.resolve("short-pixels.dcm"), sop, new short[50]);
        short[] pixels = new short[64 * 64];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (short) (i % 64 * 16);
        }
        TestArchive.writeImage(second.resolve("whole.dcm"), sop, pixels);
        List<String> inputs = List.of(first.toString(), second.toString());
        Beside run = runBeside(inputs, "copies", 1);
        BatchJob.Summary summary = run.summary();
        String batch = run.batchOutput();
        List<BatchRecord> actual = run.rows();
        assertEquals(List.of(first.resolve("short-pixels.dcm").toString(), first.resolve("slice.dcm").toString(),
                        first.resolve("truncated.dcm").toString()), actual.stream().map(BatchRecord::path).toList(),
                "one row per image, of the file in the INPUT given first");
        BatchRecord shortPixels = actual.getFirst();
        assertEquals(sop, shortPixels.key().imageKey(), shortPixels.toString());
        assertEquals(BatchRecord.Status.FAILED, shortPixels.status(), shortPixels.toString());
        assertEquals(1, summary.okRows());
        assertEquals(2, summary.failedRows());
        assertEquals(RadMambaBatch.skipped(batch), summary.skippedRows(),
                "the copies not written count as skipped, as radmamba batch counts them");
        assertEquals(4, summary.skippedRows());
        assertEquals(3, summary.modelRows(), "the copies were not decoded: " + summary);
    }

    @Test
    void a_copy_is_neither_decoded_nor_run_and_a_multi_frame_copy_runs_only_its_frames_no_earlier_file_holds()
            throws Exception {
        Path first = Files.createDirectories(temp.resolve("prepass/z-first"));
        Path second = Files.createDirectories(temp.resolve("prepass/a-second"));
        short[] frame = new short[64 * 64];
        for (int i = 0; i < frame.length; i++) {
            frame[i] = (short) (i / 64 * 16);
        }
        short[] twoFrames = new short[2 * frame.length];
        for (int i = 0; i < twoFrames.length; i++) {
            twoFrames[i] = (short) (i % 64 * 16);
        }
        // The same instance twice: whole first, then with its pixel data cut short after the header, a frame that
        // would fail if it were decoded (it would give a failed row, which the reduce by key would then drop).
        TestArchive.writeImage(first.resolve("whole.dcm"), "2.25.555.1", frame);
        TestArchive.writeImage(second.resolve("cut-short.dcm"), "2.25.555.1", new short[50]);
        // One instance of one frame first, then of two frames: the second file runs its frame 2 only.
        TestArchive.writeImage(first.resolve("one-frame.dcm"), "2.25.555.2", frame);
        TestArchive.writeImage(second.resolve("two-frames.dcm"), "2.25.555.2", 2, twoFrames);
        List<String> inputs = List.of(first.toString(), second.toString());
        Beside run = runBeside(inputs, "prepass", 4);
        BatchJob.Summary summary = run.summary();
        String batch = run.batchOutput();
        List<BatchRecord> actual = run.rows();
        assertEquals(List.of(second.resolve("two-frames.dcm") + " 2", first.resolve("one-frame.dcm") + " 1",
                        first.resolve("whole.dcm") + " 1"),
                actual.stream().map(r -> r.path() + " " + r.key().frame()).sorted().toList(), actual.toString());
        assertTrue(actual.stream().allMatch(r -> r.status() == BatchRecord.Status.OK), actual.toString());
        assertEquals(3, summary.modelRows(), "three frames decoded and run, no frame of a copy: " + summary);
        assertEquals(0, summary.failedRows(), "the cut-short copy was never decoded");
        assertEquals(2, summary.skippedRows());
        assertEquals(RadMambaBatch.skipped(batch), summary.skippedRows());

        BatchJob.Summary again = BatchJob.run(spark, spec(), inputs, run.sparkOut().toString(), 4);
        BatchJob.print(again, System.out);
        assertEquals(0, again.okRows() + again.failedRows(), "a rerun writes nothing");
        assertEquals(0, again.modelRows(), "the images the output holds are known from the headers: " + again);
        assertEquals(5, again.skippedRows(), "each file's frames, done: " + again);
    }

    @Test
    void an_input_radmamba_batch_refuses_is_refused_with_its_sentence_before_anything_runs() throws Exception {
        Path bad = Files.createDirectories(temp.resolve("bad"));
        Path notUtf8 = bad.resolve("latin-1.lst");
        Files.write(notUtf8, "caf\u00e9.dcm\n".getBytes(StandardCharsets.ISO_8859_1));
        Path notADicomDir = Files.createDirectories(bad.resolve("media")).resolve("DICOMDIR");
        Files.writeString(notADicomDir, "not a DICOMDIR\n", StandardCharsets.UTF_8);
        Path missing = bad.resolve("nothing-here");
        Path empty = Files.createDirectories(bad.resolve("empty"));

        for (Path input : List.of(notUtf8, notADicomDir, missing, empty)) {
            RadMambaBatch.Result batch = RadMambaBatch.execute(TestArchive.checkpoint(), List.of(input.toString()),
                    bad.resolve("batch-out"), THREADS, BATCH_SIZE);
            assertEquals(3, batch.exitCode(), batch.printed());
            BatchInputs.InputException refused = assertThrows(BatchInputs.InputException.class,
                    () -> BatchJob.run(spark, spec(), List.of(input.toString()), bad.resolve("spark-out").toString(), 3));
            // radmamba batch says "batch: " before a sentence of its own (an INPUT without files), the job says
            // "radmamba-spark: " before each.
            String said = batch.printed().strip();
            assertEquals(said.startsWith("batch: ") ? said.substring("batch: ".length()) : said, refused.getMessage());
        }
        assertFalse(Files.exists(bad.resolve("spark-out")), "nothing was written");
    }
}
