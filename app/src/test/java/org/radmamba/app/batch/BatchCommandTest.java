package org.radmamba.app.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.cli.RadMambaCommand;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code radmamba batch} end to end on a generated archive with broken files: the rows equal classify's, failures
 * carry their one-line reasons, an interrupted run resumes without duplicates or gaps, Parquet reads back through
 * parquet-hadoop and CSV through the CSV parser, and the exit codes.
 */
class BatchCommandTest {

    @TempDir
    static Path dir;

    private static TestArchive archive;
    private static String checkpoint;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A {@code radmamba} command's exit code and what it printed. */
    record Run(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void archive() throws Exception {
        archive = TestArchive.write(dir.resolve("archive"));
        checkpoint = Path.of(BatchCommandTest.class.getResource("/checkpoints/medmamba_tiny.pth").toURI()).toString();
    }

    @Test
    void every_image_gets_the_probabilities_classify_gives_it() throws Exception {
        Path out = dir.resolve("equal");
        Run run = run("batch", checkpoint, archive.root.toString(), "--out", out.toString(), "--format", "csv",
                "--device", "cpu", "--json");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        List<BatchRecord> rows = csvRows(out);
        List<BatchRecord> ok = rows.stream().filter(r -> r.status() == BatchRecord.Status.OK).toList();
        assertEquals(TestArchive.GOOD_IMAGES, ok.size(), rows.toString());
        for (BatchRecord r : ok) {
            if (r.key().frame() != 1) {
                continue; // classify reads a file's first frame
            }
            Run classify = run("classify", r.path(), "--model", checkpoint, "--json", "--device", "cpu");
            assertEquals(ExitCodes.OK, classify.exitCode(), classify.err());
            JsonNode probabilities = JSON.readTree(classify.out()).get("results").get(0).get("probabilities");
            for (var e : r.classification().probabilities().entrySet()) {
                assertEquals(probabilities.get(e.getKey()).asDouble(), e.getValue(), 1e-6, r.path() + " " + e.getKey());
            }
        }
        JsonNode summary = JSON.readTree(run.out().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals("summary", summary.get("event").asText());
        assertEquals(TestArchive.GOOD_IMAGES, summary.get("ok").asInt());
        assertEquals(rows.size() - TestArchive.GOOD_IMAGES, summary.get("failed").asInt());
        assertEquals(1, summary.get("without_image").asInt(), "the report has no pixels and gives no row");
        assertEquals("float32", summary.get("precision").asText());
    }

    @Test
    void tf32_asked_of_the_cpu_engine_runs_float32_and_the_summary_says_what_ran() throws Exception {
        Path out = dir.resolve("tf32-on-cpu");
        Run run = run("batch", checkpoint, archive.photoPng.toString(), "--out", out.toString(), "--format", "csv",
                "--device", "cpu", "--precision", "tf32", "--json");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode summary = JSON.readTree(run.out().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals("float32", summary.get("precision").asText());
        assertEquals("CPU engine (float32): the CPU engine was chosen", summary.get("engine").asText());
        assertEquals("batch: ran in float32, not tf32: the CPU engine was chosen", run.err().strip());
    }

    @Test
    void the_rows_name_each_image_by_its_uids_frames_and_content() throws Exception {
        Path out = dir.resolve("keys");
        assertEquals(ExitCodes.OK, run("batch", checkpoint, archive.root.toString(), "--out", out.toString(),
                "--format", "csv", "--device", "cpu").exitCode());
        Map<String, List<BatchRecord>> byPath = csvRows(out).stream()
                .collect(Collectors.groupingBy(BatchRecord::path));

        List<BatchRecord> frames = byPath.get(archive.multiFrame.toString());
        assertEquals(List.of(1, 2, 3), frames.stream().map(r -> r.key().frame()).toList());
        frames.forEach(r -> {
            assertEquals(TestArchive.MULTIFRAME_SOP, r.key().imageKey());
            assertEquals(TestArchive.SERIES_UID, r.key().seriesInstanceUid());
            assertEquals(48, r.width());
            assertEquals(40, r.height());
        });
        BatchRecord photo = byPath.get(archive.photoPng.toString()).getFirst();
        assertEquals("sha256:" + ImageKey.sha256(Files.readAllBytes(archive.photoPng)), photo.key().imageKey());
        assertNull(photo.key().sopInstanceUid());
        assertFalse(byPath.containsKey(archive.report.toString()));
        BatchRecord slice = byPath.get(archive.ct.getFirst().toString()).getFirst();
        assertNotNull(slice.key().sopInstanceUid());
        assertEquals(slice.key().sopInstanceUid(), slice.key().imageKey());
        assertNotNull(slice.key().studyInstanceUid());
    }

    @Test
    void a_broken_file_is_a_failed_row_with_its_reason_on_one_line() throws Exception {
        Path out = dir.resolve("failures");
        Run run = run("batch", checkpoint, archive.root.toString(), "--out", out.toString(), "--format", "csv",
                "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), "some failed, some ran: " + run.err());
        Map<String, BatchRecord> failed = csvRows(out).stream().filter(r -> r.status() == BatchRecord.Status.FAILED)
                .collect(Collectors.toMap(BatchRecord::path, r -> r));
        assertEquals(Set.of(archive.truncated.toString(), archive.notDicom.toString(),
                archive.shortPixels.toString(), archive.emptyPng.toString()), failed.keySet());
        for (BatchRecord r : failed.values()) {
            assertFalse(r.failureReason().contains("\n"), r.failureReason());
            assertFalse(r.failureReason().contains(r.path()), "the row has the path; the reason need not: "
                    + r.failureReason());
            assertNull(r.classification());
        }
        assertEquals(0, failed.get(archive.notDicom.toString()).key().frame());
        assertEquals("sha256:" + ImageKey.sha256(Files.readAllBytes(archive.notDicom)),
                failed.get(archive.notDicom.toString()).key().imageKey());
        assertEquals("element (7FE0,0010) (Pixel Data) claims 9216 bytes but only 4608 remain",
                failed.get(archive.truncated.toString()).failureReason());
        assertEquals("is not a DICOM file: no DICM prefix and no plausible first element",
                failed.get(archive.notDicom.toString()).failureReason());
        assertEquals("is not an image format ImageIO reads", failed.get(archive.emptyPng.toString()).failureReason());
        BatchRecord shortPixels = failed.get(archive.shortPixels.toString());
        assertEquals("Pixel Data holds 100 bytes but 1 frame(s) of 512x512x1 at 16 bits need 524288",
                shortPixels.failureReason());
        assertEquals(1, shortPixels.key().frame(), "its header was read: the frame failed, keyed by its SOP UID");
        assertEquals(TestArchive.SHORT_PIXELS_SOP, shortPixels.key().imageKey());
        assertTrue(run.out().contains("failures by reason:"), run.out());
    }

    @Test
    void an_interrupted_run_resumes_without_duplicates_or_gaps_and_parquet_hadoop_reads_every_part() throws Exception {
        Path out = dir.resolve("resumed");
        Run first = run("batch", checkpoint, archive.root.toString(), "--out", out.toString(), "--device", "cpu",
                "--part-rows", "1", "--batch-size", "2", "--stop-after-parts", "1");
        assertEquals(ExitCodes.OK, first.exitCode(), first.err());
        assertTrue(first.out().contains("stopped after 1 part"), first.out());
        assertEquals(List.of("part-00000.parquet"), names(out));
        // A run killed while it wrote its second part leaves that part under its temporary name, half written.
        Files.write(out.resolve(".part-00001.parquet.tmp"), new byte[] {'P', 'A', 'R', '1', 0, 0, 0});
        List<BatchRecord> firstRows = parquetRows(out);
        assertFalse(firstRows.isEmpty());

        Run second = run("batch", checkpoint, archive.root.toString(), "--out", out.toString(), "--device", "cpu",
                "--json");

        assertEquals(ExitCodes.OK, second.exitCode(), second.err());
        assertTrue(second.err().contains("deleted 1 unfinished part"), second.err());
        assertFalse(names(out).contains(".part-00001.parquet.tmp"));
        List<BatchRecord> all = parquetRows(out);
        JsonNode summary = JSON.readTree(second.out().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(firstRows.size(), summary.get("skipped").asInt());
        Set<BatchRecord.DoneKey> keys = new HashSet<>();
        all.forEach(r -> assertTrue(keys.add(r.doneKey()), "duplicate " + r.doneKey()));

        Path whole = dir.resolve("whole");
        assertEquals(ExitCodes.OK, run("batch", checkpoint, archive.root.toString(), "--out", whole.toString(),
                "--device", "cpu").exitCode());
        Comparator<BatchRecord> order = Comparator.comparing((BatchRecord r) -> r.key().imageKey())
                .thenComparingInt(r -> r.key().frame());
        assertEquals(parquetRows(whole).stream().sorted(order).toList(), all.stream().sorted(order).toList(),
                "the resumed run's rows are those of one uninterrupted run");

        Run third = run("batch", checkpoint, archive.root.toString(), "--out", out.toString(), "--device", "cpu");
        assertEquals(ExitCodes.OK, third.exitCode(), third.err());
        assertTrue(third.out().startsWith("0 ok, 0 failed, " + all.size() + " skipped"), third.out());
    }

    @Test
    void a_results_folder_of_another_model_is_refused() throws Exception {
        Path out = dir.resolve("other-model");
        Files.createDirectories(out);
        BatchSchema other = BatchSchema.of(new ModelIdentity("other", "00".repeat(32),
                org.radmamba.app.ai.ModelTask.CLASSIFICATION, List.of("class 0", "class 1", "class 2")));
        new ResultsFolder(out, ResultsFolder.Format.PARQUET, FlatParquetWriter.Codec.GZIP, other).writePart(List.of());

        Run run = run("batch", checkpoint, archive.ct.getFirst().toString(), "--out", out.toString(), "--device", "cpu");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals(out.resolve("part-00000.parquet") + " holds results of another model than medmamba_tiny.pth (",
                run.err().strip().substring(0, run.err().strip().indexOf('(') + 1));
    }

    @Test
    void exit_codes_say_what_went_wrong() throws Exception {
        Run missing = run("batch", checkpoint, dir.resolve("nowhere").toString(), "--out", dir.resolve("x").toString());
        assertEquals(ExitCodes.INPUT_UNREADABLE, missing.exitCode());
        assertEquals(dir.resolve("nowhere") + ": no such file or folder", missing.err().strip());

        Run allFailed = run("batch", checkpoint, archive.notDicom.toString(), archive.emptyPng.toString(), "--out",
                dir.resolve("all-failed").toString(), "--device", "cpu");
        assertEquals(ExitCodes.INPUT_UNREADABLE, allFailed.exitCode(), allFailed.out());
        assertTrue(allFailed.out().startsWith("0 ok, 2 failed"), allFailed.out());

        Path empty = Files.createDirectories(dir.resolve("empty-folder"));
        Run nothing = run("batch", checkpoint, empty.toString(), "--out", dir.resolve("n").toString());
        assertEquals(ExitCodes.INPUT_UNREADABLE, nothing.exitCode());
        assertEquals("batch: no file in " + empty, nothing.err().strip());

        Run badFormat = run("batch", checkpoint, archive.root.toString(), "--out", dir.resolve("y").toString(),
                "--format", "xlsx");
        assertEquals(ExitCodes.USAGE, badFormat.exitCode());

        Run badPrecision = run("batch", checkpoint, archive.root.toString(), "--out", dir.resolve("p").toString(),
                "--precision", "half");
        assertEquals(ExitCodes.USAGE, badPrecision.exitCode());
        assertEquals("batch: precision 'half': expected float32 or tf32", badPrecision.err().strip());

        Run noModel = run("batch", "no-such-model", archive.root.toString(), "--out", dir.resolve("z").toString());
        assertEquals(ExitCodes.INPUT_UNREADABLE, noModel.exitCode());
        assertTrue(noModel.err().startsWith("no-such-model: neither a checkpoint file nor a model of the library"),
                noModel.err());
    }

    @Test
    void a_list_file_names_the_files_relative_to_itself() throws Exception {
        Path list = archive.root.resolve("some.txt");
        Files.writeString(list, "# two photographs and a missing file\nphotos/skin.png\n\nphotos/mole.jpg\ngone.dcm\n");
        Path out = dir.resolve("listed");

        Run run = run("batch", checkpoint, list.toString(), "--out", out.toString(), "--format", "csv",
                "--device", "cpu");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        List<BatchRecord> rows = csvRows(out);
        assertEquals(List.of(archive.photoPng.toString(), archive.photoJpeg.toString(),
                archive.root.resolve("gone.dcm").toString()), rows.stream().map(BatchRecord::path).toList());
        assertEquals(BatchRecord.Status.FAILED, rows.get(2).status());
        Files.delete(list);
    }

    @Test
    void a_segmenters_rows_hold_the_areas_and_box_segment_gives() throws Exception {
        String vmunet = Path.of(BatchCommandTest.class.getResource("/checkpoints/vmunet_tiny_binary.pth").toURI())
                .toString();
        Path out = dir.resolve("segmented");
        Run run = run("batch", vmunet, archive.ct.getFirst().toString(), archive.ct.get(1).toString(),
                archive.photoPng.toString(), "--out", out.toString(), "--format", "csv", "--device", "cpu");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());

        BatchSchema schema;
        try (BatchModel model = BatchModel.load(vmunet, new BatchModel.Settings(
                org.radmamba.inference.scan.ScanDevicePreference.CPU, 1, 1, null))) {
            schema = model.schema();
        }
        assertTrue(schema.names().containsAll(List.of("pixels_class_0", "area_mm2_class_0", "bbox_x_min")),
                schema.names().toString());
        List<BatchRecord> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(out.resolve("part-00000.csv"))) {
            CsvRows.read(in, schema, "part").forEach(v -> rows.add(schema.record(v)));
        }
        assertEquals(3, rows.size());
        for (BatchRecord r : rows) {
            Run segment = run("segment", r.path(), "--model", vmunet, "--out", dir.resolve("mask.png").toString(),
                    "--json", "--device", "cpu");
            assertEquals(ExitCodes.OK, segment.exitCode(), segment.err());
            JsonNode lesion = JSON.readTree(segment.out()).get("per_class").get(0);
            BatchRecord.Segmentation s = r.segmentation();
            assertEquals(lesion.get("area_px").asLong(), s.pixels().get("class 0"), r.path());
            if (r.path().endsWith(".png")) {
                assertTrue(s.areasMm2().isEmpty(), "a photograph states no pixel spacing");
            } else {
                assertEquals(lesion.get("area_mm2").asDouble(), s.areasMm2().get("class 0"), 1e-9);
            }
            int xMin = Integer.MAX_VALUE;
            int yMin = Integer.MAX_VALUE;
            int xMax = -1;
            int yMax = -1;
            for (JsonNode region : lesion.get("regions")) {
                JsonNode box = region.get("bbox");
                xMin = Math.min(xMin, box.get("x").asInt());
                yMin = Math.min(yMin, box.get("y").asInt());
                xMax = Math.max(xMax, box.get("x").asInt() + box.get("width").asInt() - 1);
                yMax = Math.max(yMax, box.get("y").asInt() + box.get("height").asInt() - 1);
            }
            assertEquals(xMax < 0 ? null : new BatchRecord.Box(xMin, yMin, xMax, yMax), s.box(), r.path());
        }
    }

    @Test
    void a_results_folder_inside_the_input_folder_is_no_input() throws Exception {
        Path input = dir.resolve("with-results");
        Files.createDirectories(input);
        Files.copy(archive.photoPng, input.resolve("skin.png"));
        Path out = input.resolve("results");

        Run first = run("batch", checkpoint, input.toString(), "--out", out.toString(), "--device", "cpu");
        Run second = run("batch", checkpoint, input.toString(), "--out", out.toString(), "--device", "cpu");

        assertTrue(first.out().startsWith("1 ok, 0 failed, 0 skipped"), first.out());
        assertTrue(second.out().startsWith("0 ok, 0 failed, 1 skipped"), second.out());
    }

    @Test
    void sr_reports_each_study_from_every_row_of_the_folder_earlier_runs_too() throws Exception {
        Path input = dir.resolve("sr-input");
        Files.createDirectories(input);
        for (Path slice : archive.ct) {
            Files.copy(slice, input.resolve(slice.getFileName()));
        }
        Files.copy(archive.multiFrame, input.resolve("multi.dcm"));
        Files.copy(archive.photoPng, input.resolve("skin.png"));
        Path out = dir.resolve("sr-out");
        assertEquals(ExitCodes.OK, run("batch", checkpoint, input.toString(), "--out", out.toString(), "--device",
                "cpu", "--part-rows", "1", "--batch-size", "1", "--stop-after-parts", "1").exitCode());
        assertFalse(Files.exists(out.resolve("sr")), "a run stopped early writes no report");

        Run run = run("batch", checkpoint, input.toString(), "--out", out.toString(), "--device", "cpu", "--sr");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        List<BatchRecord> rows = parquetRows(out);
        Map<String, List<BatchRecord>> byStudy = rows.stream().filter(r -> r.key().studyInstanceUid() != null)
                .collect(Collectors.groupingBy(r -> r.key().studyInstanceUid()));
        assertEquals(2, byStudy.size());
        for (var study : byStudy.entrySet()) {
            Path sr = out.resolve("sr").resolve(study.getKey() + ".dcm");
            assertTrue(run.out().contains("saved to " + sr), run.out());
            org.radmamba.viewer.sr.MeasurementReport report = new org.radmamba.viewer.sr.MeasurementReportReader(
                    org.radmamba.viewer.dicom.DicomReaders.standard()).read(sr);
            assertEquals(study.getValue().size(), report.groups().size(), "one group per image, both runs' rows");
            Map<String, BatchRecord> bySop = new HashMap<>();
            study.getValue().forEach(r -> bySop.put(r.key().sopInstanceUid() + "#" + r.key().frame(), r));
            for (var group : report.groups()) {
                var source = group.references(org.radmamba.viewer.sr.SrCodes.SOURCE).getFirst();
                int frame = source.frameNumbers().isEmpty() ? 1 : source.frameNumbers().getFirst();
                BatchRecord row = bySop.get(source.sopInstanceUid() + "#" + frame);
                assertNotNull(row, source.toString());
                for (var m : group.measurements()) {
                    assertEquals(row.classification().probabilities().get(m.concept().meaning()), m.value(), 1e-12);
                }
            }
        }
        String vmunet = Path.of(BatchCommandTest.class.getResource("/checkpoints/vmunet_tiny_binary.pth").toURI())
                .toString();
        assertEquals(ExitCodes.USAGE, run("batch", vmunet, input.toString(), "--out", dir.resolve("sr-seg").toString(),
                "--device", "cpu", "--sr").exitCode());
    }

    // --- helpers

    /** Runs {@code radmamba ARGS} in this JVM (BatchPrecisionTest too). */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = RadMambaCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every row of the folder's CSV parts, through the CSV parser. */
    private static List<BatchRecord> csvRows(Path folder) throws IOException {
        BatchSchema schema = schemaOf(folder);
        List<BatchRecord> rows = new ArrayList<>();
        for (String name : names(folder)) {
            try (BufferedReader in = Files.newBufferedReader(folder.resolve(name), StandardCharsets.UTF_8)) {
                for (List<Object> row : CsvRows.read(in, schema, name)) {
                    rows.add(schema.record(row));
                }
            }
        }
        return rows;
    }

    /** Every row of the folder's Parquet parts, through parquet-hadoop (and, agreeing, batch's own reader). */
    private static List<BatchRecord> parquetRows(Path folder) throws IOException {
        BatchSchema schema = schemaOf(folder);
        List<BatchRecord> rows = new ArrayList<>();
        for (String name : names(folder).stream().filter(n -> n.matches("part-\\d+\\.parquet")).toList()) {
            List<List<Object>> values = FlatParquetWriterTest.readWithParquetHadoop(folder.resolve(name), schema);
            assertEquals(values, FlatParquetReader.read(folder.resolve(name)).rows());
            values.forEach(v -> rows.add(schema.record(v)));
        }
        return rows;
    }

    private static final Map<String, BatchSchema> SCHEMAS = new HashMap<>();

    /** The schema of medmamba_tiny.pth's rows (three classes "class 0".."class 2"). */
    private static BatchSchema schemaOf(Path folder) {
        return SCHEMAS.computeIfAbsent("medmamba", k -> {
            try (BatchModel model = BatchModel.load(checkpoint, new BatchModel.Settings(
                    org.radmamba.inference.scan.ScanDevicePreference.CPU, 1, 1, null))) {
                return model.schema();
            } catch (org.radmamba.app.ai.ModelException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
