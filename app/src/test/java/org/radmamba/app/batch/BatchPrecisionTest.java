package org.radmamba.app.batch;

import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.ai.EngineChoice;
import org.radmamba.app.ai.StandInGpu;
import org.radmamba.app.cli.RadMambaCommand;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.scan.ScanDevicePreference;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code precision} and {@code device} columns (issue 20): what each row's result was computed with, in CSV and
 * Parquet; a TF32 run on the GPU (stood in: {@link StandInGpu}) whose device fails mid-run, marking the rows after
 * the failure float32 on the CPU.
 */
class BatchPrecisionTest {

    @TempDir
    static Path dir;

    private static TestArchive archive;
    private static String checkpoint;
    /** The four CT slices, a photograph and a text file named .dcm: five images, then one failed file. */
    private static List<Path> files;
    private static BatchSchema schema;

    private record Run(int exitCode, String out, String err) {
    }

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
        for (String name : List.of(BatchSchema.PRECISION, BatchSchema.DEVICE)) {
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
        for (String name : List.of(BatchSchema.PRECISION, BatchSchema.DEVICE)) {
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

    // --- helpers

    /** {@code radmamba batch} over {@link #files} into {@code out}. */
    private static Run batch(Path out, String... options) {
        List<String> args = new ArrayList<>(List.of("batch", checkpoint));
        files.forEach(f -> args.add(f.toString()));
        args.addAll(List.of("--out", out.toString()));
        args.addAll(List.of(options));
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cl = RadMambaCommand.commandLine();
        cl.setOut(new PrintWriter(stdout));
        cl.setErr(new PrintWriter(stderr));
        int code = cl.execute(args.toArray(String[]::new));
        return new Run(code, stdout.toString(), stderr.toString());
    }

    /** The folder as the resume reads it (after open, so in part order, each part's rows in order). */
    private static ResultsFolder folder(Path out) throws IOException {
        ResultsFolder folder = new ResultsFolder(out, ResultsFolder.Format.PARQUET, FlatParquetWriter.Codec.GZIP,
                schema);
        folder.open();
        return folder;
    }
}
