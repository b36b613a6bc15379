package org.radmamba.app.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.ai.EngineChoice;
import org.radmamba.app.ai.StandInGpu;
import org.radmamba.app.batch.BatchCommandTest.Run;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.scan.ScanDevicePreference;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code precision} and {@code device} columns (issue 20): what each row's result was computed with, in CSV and
 * Parquet; a TF32 run on the GPU (stood in: {@link StandInGpu}) whose device fails mid-run, marking the rows after
 * the failure float32 on the CPU; a folder resumed in another precision keeping one row per image, each marked with
 * its own; folders of an earlier RadMamba, without the columns, resumed as they are; a value no run writes refused in
 * one line.
 */
class BatchPrecisionTest {

    @TempDir
    static Path dir;

    private static TestArchive archive;
    private static String checkpoint;
    /** The four CT slices, a photograph and a text file named .dcm: five images, then one failed file. */
    private static List<Path> files;
    private static BatchSchema schema;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void archive() throws Exception {
        archive = TestArchive.write(dir.resolve("archive"));
        checkpoint = Path.of(BatchPrecisionTest.class.getResource("/checkpoints/medmamba_tiny.pth").toURI()).toString();
        files = new ArrayList<>(archive.ct);
        files.add(archive.photoPng);
        files.add(archive.notDicom);
        try (BatchModel model = BatchModel.load(checkpoint, new BatchModel.Settings(ScanDevicePreference.CPU, 1, 1,
                null))) {
            schema = model.schema();
        }
    }

    @Test
    void the_columns_follow_the_checkpoint_and_a_tf32_record_gives_tf32_on_cuda() {
        List<String> names = schema.names();
        int checkpointColumn = names.indexOf(BatchSchema.CHECKPOINT_SHA256);
        assertEquals(List.of(BatchSchema.PRECISION, BatchSchema.DEVICE),
                names.subList(checkpointColumn + 1, checkpointColumn + 3));
        for (String name : BatchSchema.ADDED_LATER) {
            BatchSchema.Column column = schema.columns().get(names.indexOf(name));
            assertEquals(BatchSchema.Type.STRING, column.type(), name);
            assertTrue(column.nullable(), name);
        }

        ImageKey key = ImageKey.content("ab".repeat(32), 1);
        java.util.SequencedMap<String, Double> p = new LinkedHashMap<>();
        p.put("class 0", 0.25);
        p.put("class 1", 0.5);
        p.put("class 2", 0.25);
        BatchRecord tf32 = new BatchRecord(key, "/a.png", schema.model(), BatchRecord.Status.OK, null, 4, 3,
                new BatchRecord.Classification("class 1", 0.5, p), null,
                new BatchRecord.Numerics(EngineChoice.Kind.CUDA, NetworkPrecision.TF32));
        List<Object> row = schema.row(tf32);
        assertEquals("tf32", row.get(names.indexOf(BatchSchema.PRECISION)));
        assertEquals("cuda", row.get(names.indexOf(BatchSchema.DEVICE)));
        assertEquals(tf32, schema.record(row));

        BatchRecord failed = BatchRecord.failed(key, "/a.png", schema.model(), "is not an image");
        List<Object> failedRow = schema.row(failed);
        assertNull(failedRow.get(names.indexOf(BatchSchema.PRECISION)), "a failed row has no result to have numerics");
        assertNull(failedRow.get(names.indexOf(BatchSchema.DEVICE)));
        assertThrows(IllegalArgumentException.class, () -> failed.withNumerics(BatchRecord.Numerics.CPU));
        assertThrows(IllegalArgumentException.class,
                () -> new BatchRecord.Numerics(EngineChoice.Kind.CPU, NetworkPrecision.TF32), "the CPU runs float32");
        assertThrows(IllegalArgumentException.class, () -> BatchRecord.Numerics.ofColumnValues(null, "tf32"));
    }

    @Test
    void a_cpu_run_writes_float32_and_cpu_on_its_ok_rows_in_parquet() throws Exception {
        Path out = dir.resolve("cpu-parquet");
        Run run = batch(out, "--device", "cpu");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());

        Path part = out.resolve("part-00000.parquet");
        MessageType type = FlatParquetWriterTest.footer(part).getFileMetaData().getSchema();
        assertEquals(schema.names(), type.getFields().stream().map(Type::getName).toList());
        for (String name : BatchSchema.ADDED_LATER) {
            PrimitiveType field = type.getType(name).asPrimitiveType();
            assertEquals(PrimitiveType.PrimitiveTypeName.BINARY, field.getPrimitiveTypeName(), name);
            assertEquals("STRING", field.getLogicalTypeAnnotation().toString(), name);
            assertEquals(Type.Repetition.OPTIONAL, field.getRepetition(), name);
        }
        List<List<Object>> rows = FlatParquetWriterTest.readWithParquetHadoop(part, schema);
        assertEquals(files.size(), rows.size());
        for (List<Object> row : rows) {
            boolean ok = "ok".equals(row.get(schema.names().indexOf(BatchSchema.STATUS)));
            assertEquals(ok ? "float32" : null, row.get(schema.names().indexOf(BatchSchema.PRECISION)), row.toString());
            assertEquals(ok ? "cpu" : null, row.get(schema.names().indexOf(BatchSchema.DEVICE)), row.toString());
        }
    }

    @Test
    void a_cpu_run_asked_for_tf32_writes_float32_and_cpu_on_its_ok_rows_in_csv() throws Exception {
        Path out = dir.resolve("cpu-csv");
        Run run = batch(out, "--device", "cpu", "--precision", "tf32", "--format", "csv");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());

        List<String> lines = Files.readAllLines(out.resolve("part-00000.csv"));
        assertTrue(lines.getFirst().startsWith("image_key,frame,sop_instance_uid,series_instance_uid,"
                + "study_instance_uid,file_path,model_id,checkpoint_sha256,precision,device,status,failure_reason,"),
                lines.getFirst());
        String sha = schema.model().checkpointSha256();
        assertEquals(5, lines.stream().filter(l -> l.contains("," + sha + ",float32,cpu,ok,,")).count(),
                lines.toString());
        assertEquals(1, lines.stream().filter(l -> l.contains("," + sha + ",,,failed,")).count(), lines.toString());
        for (BatchRecord r : folder(out).records()) {
            assertEquals(r.status() == BatchRecord.Status.OK ? BatchRecord.Numerics.CPU : null, r.numerics(),
                    r.toString());
        }
    }

    @Test
    void a_tf32_gpu_run_marks_its_rows_tf32_on_cuda_and_those_after_the_gpu_failed_float32_on_the_cpu()
            throws Exception {
        Path out = dir.resolve("gpu-fails");
        StandInGpu gpu = new StandInGpu(2);
        List<BatchRecord> cpuRows;
        try (BatchModel cpu = BatchModel.load(checkpoint, new BatchModel.Settings(ScanDevicePreference.CPU, 2, 2,
                null))) {
            cpuRows = cpu.runFiles(files);
        }
        try (BatchModel model = BatchModel.load(checkpoint, new BatchModel.Settings(ScanDevicePreference.AUTO,
                NetworkPrecision.TF32, 2, 2, null), gpu::engineFor)) {
            assertEquals(EngineChoice.Kind.CUDA, model.choice().kind());
            assertEquals(NetworkPrecision.TF32, model.precision());

            BatchRun.Summary summary = BatchRun.run(model, files, new BatchRun.Options(List.of(), out,
                    BatchRun.Format.PARQUET, 1000, true, 0, false), new BatchRun.Listener() { });

            assertEquals(5, summary.ok());
            assertEquals(List.of(2, 2), gpu.deviceCalls(), "the first batch of two ran, the second failed");
            assertEquals(NetworkPrecision.FLOAT32, model.precision());
            assertTrue(model.engine().startsWith("CPU engine (float32): the GPU failed"), model.engine());
        }
        List<BatchRecord> rows = folder(out).records();
        BatchRecord.Numerics tf32 = new BatchRecord.Numerics(EngineChoice.Kind.CUDA, NetworkPrecision.TF32);
        // Two slices in the batch the GPU ran; the next batch failed there and ran on the CPU, as did the rest.
        assertEquals(java.util.Arrays.asList(tf32, tf32, BatchRecord.Numerics.CPU, BatchRecord.Numerics.CPU,
                BatchRecord.Numerics.CPU, null), rows.stream().map(BatchRecord::numerics).toList());
        List<List<Object>> written = FlatParquetWriterTest.readWithParquetHadoop(out.resolve("part-00000.parquet"),
                schema);
        assertEquals(java.util.Arrays.asList("tf32", "tf32", "float32", "float32", "float32", null),
                written.stream().map(r -> r.get(schema.names().indexOf(BatchSchema.PRECISION))).toList());
        assertEquals(java.util.Arrays.asList("cuda", "cuda", "cpu", "cpu", "cpu", null),
                written.stream().map(r -> r.get(schema.names().indexOf(BatchSchema.DEVICE))).toList());
        // The stand-in's numbers are the host network's: the rows are the CPU run's but for what made them.
        assertEquals(cpuRows.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            BatchRecord expected = cpuRows.get(i);
            BatchRecord actual = rows.get(i);
            assertEquals(expected.doneKey(), actual.doneKey());
            assertEquals(expected.status(), actual.status());
            if (expected.classification() != null) {
                for (var e : expected.classification().probabilities().entrySet()) {
                    assertEquals(e.getValue(), actual.classification().probabilities().get(e.getKey()), 1e-6);
                }
            }
        }
    }

    @Test
    void a_tf32_folder_resumed_in_float32_keeps_one_row_per_image_each_marked_with_its_own_precision()
            throws Exception {
        Path out = dir.resolve("tf32-then-float32");
        try (BatchModel model = BatchModel.load(checkpoint, new BatchModel.Settings(ScanDevicePreference.AUTO,
                NetworkPrecision.TF32, 2, 2, null), new StandInGpu(0)::engineFor)) {
            BatchRun.Summary first = BatchRun.run(model, files, new BatchRun.Options(List.of(), out,
                    BatchRun.Format.PARQUET, 1, true, 1, false), new BatchRun.Listener() { });
            assertTrue(first.stoppedEarly());
            assertEquals(2, first.ok(), "one chunk of two slices, then stopped");
        }

        Run resumed = batch(out, "--device", "cpu", "--json");

        assertEquals(ExitCodes.OK, resumed.exitCode(), resumed.err());
        assertEquals("batch: " + out + " holds 2 ok row(s) in tf32; this run's rows are float32, and the precision "
                + "column tells each row's", resumed.err().strip());
        JsonNode summary = JSON.readTree(resumed.out().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(2, summary.get("skipped").asInt(), "the tf32 rows are done: not run again in float32");
        assertEquals(3, summary.get("ok").asInt());
        List<BatchRecord> rows = folder(out).records();
        assertNoDuplicates(rows);
        assertEquals(files.size(), rows.size());
        BatchRecord.Numerics tf32 = new BatchRecord.Numerics(EngineChoice.Kind.CUDA, NetworkPrecision.TF32);
        assertEquals(java.util.Arrays.asList(tf32, tf32, BatchRecord.Numerics.CPU, BatchRecord.Numerics.CPU,
                BatchRecord.Numerics.CPU, null), rows.stream().map(BatchRecord::numerics).toList());

        Run again = batch(out, "--device", "cpu");
        assertEquals(ExitCodes.OK, again.exitCode(), again.err());
        assertTrue(again.out().startsWith("0 ok, 0 failed, 6 skipped"), again.out());
        assertTrue(again.err().contains("holds 2 ok row(s) in tf32;"), again.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "csv"})
    void a_folder_of_an_earlier_radmamba_without_the_columns_resumes_as_it_is(String format) throws Exception {
        Path out = dir.resolve("earlier-" + format);
        Run first = batch(out, "--device", "cpu", "--format", format, "--part-rows", "1", "--batch-size", "2",
                "--stop-after-parts", "1");
        assertEquals(ExitCodes.OK, first.exitCode(), first.err());
        Path part = out.resolve("part-00000." + format);
        List<BatchRecord> before = folder(out).records();
        writeAsEarlierRadMamba(part, format);
        List<BatchRecord> read = folder(out).records();
        assertEquals(before.stream().map(r -> r.withNumerics(null)).toList(), read,
                "the earlier part's rows, precision and device not recorded");

        Run resumed = batch(out, "--device", "cpu", "--format", format);

        assertEquals(ExitCodes.OK, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().startsWith("3 ok, 1 failed, 2 skipped"), resumed.out());
        assertTrue(resumed.err().contains("batch: " + out + " holds 2 ok row(s) without a precision (written before "
                + "rows recorded it); this run's rows are float32, and the precision column tells each row's"),
                resumed.err());
        List<BatchRecord> rows = folder(out).records();
        assertNoDuplicates(rows);
        assertEquals(files.size(), rows.size());
        assertEquals(java.util.Arrays.asList(null, null, BatchRecord.Numerics.CPU, BatchRecord.Numerics.CPU,
                BatchRecord.Numerics.CPU, null), rows.stream().map(BatchRecord::numerics).toList());
        if (format.equals("parquet")) {
            // The new part has every column; the earlier one keeps its own, read by parquet-hadoop as it is.
            assertEquals(schema.names(), FlatParquetWriterTest.footer(out.resolve("part-00001.parquet"))
                    .getFileMetaData().getSchema().getFields().stream().map(Type::getName).toList());
            assertEquals(schema.names().size() - 2, FlatParquetWriterTest.footer(part).getFileMetaData().getSchema()
                    .getFieldCount());
        }
    }

    @Test
    void a_precision_no_run_writes_is_refused_in_one_line_naming_the_part() throws Exception {
        Path out = dir.resolve("bad-precision");
        assertEquals(ExitCodes.OK, batch(out, "--device", "cpu", "--format", "csv").exitCode());
        Path part = out.resolve("part-00000.csv");
        Files.writeString(part, Files.readString(part).replaceFirst(",float32,cpu,ok,", ",half,cpu,ok,"));

        Run run = batch(out, "--device", "cpu", "--format", "csv");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode(), run.out());
        assertEquals(part + ": row 1 is not a batch result (precision 'half': expected float32 or tf32); move it "
                + "away to redo its images", run.err().strip());
    }

    // --- helpers

    /** {@code radmamba batch} over {@link #files} into {@code out}. */
    private static Run batch(Path out, String... options) {
        List<String> args = new ArrayList<>(List.of("batch", checkpoint));
        files.forEach(f -> args.add(f.toString()));
        args.addAll(List.of("--out", out.toString()));
        args.addAll(List.of(options));
        return BatchCommandTest.run(args.toArray(String[]::new));
    }

    /** The folder as the resume reads it (after open, so in part order, each part's rows in order). */
    private static ResultsFolder folder(Path out) throws IOException {
        ResultsFolder folder = new ResultsFolder(out, ResultsFolder.Format.PARQUET, FlatParquetWriter.Codec.GZIP,
                schema);
        folder.open();
        return folder;
    }

    /**
     * {@code part} rewritten as RadMamba wrote parts before the precision and device columns: the same writer, the
     * same rows and footer, those two columns left out.
     */
    private static void writeAsEarlierRadMamba(Path part, String format) throws IOException {
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < schema.columns().size(); i++) {
            if (!BatchSchema.ADDED_LATER.contains(schema.columns().get(i).name())) {
                kept.add(i);
            }
        }
        List<List<Object>> rows;
        Map<String, String> keyValues = Map.of();
        if (format.equals("parquet")) {
            FlatParquetReader.Contents contents = FlatParquetReader.read(part);
            rows = contents.rows();
            keyValues = contents.keyValues();
        } else {
            try (BufferedReader in = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
                rows = CsvRows.read(in, schema, part.toString());
            }
        }
        List<List<Object>> earlier = new ArrayList<>();
        for (List<Object> row : rows) {
            List<Object> r = new ArrayList<>();
            kept.forEach(i -> r.add(row.get(i)));
            earlier.add(r);
        }
        List<BatchSchema.Column> columns = kept.stream().map(i -> schema.columns().get(i)).toList();
        if (format.equals("parquet")) {
            try (FlatParquetWriter writer = new FlatParquetWriter(Files.newOutputStream(part), columns,
                    FlatParquetWriter.Codec.GZIP, keyValues)) {
                writer.writeRowGroup(earlier);
            }
            assertEquals(columns.stream().map(BatchSchema.Column::name).toList(),
                    FlatParquetReader.read(part).columns());
        } else {
            try (Writer out = new BufferedWriter(Files.newBufferedWriter(part, StandardCharsets.UTF_8))) {
                CsvRows.writeRow(out, new ArrayList<>(columns.stream().map(BatchSchema.Column::name).toList()));
                for (List<Object> row : earlier) {
                    CsvRows.writeRow(out, row);
                }
            }
            assertFalse(Files.readAllLines(part).getFirst().contains("precision"));
        }
    }

    private static void assertNoDuplicates(List<BatchRecord> rows) {
        Set<BatchRecord.DoneKey> keys = new HashSet<>();
        rows.forEach(r -> assertTrue(keys.add(r.doneKey()), "duplicate " + r.doneKey()));
    }
}
