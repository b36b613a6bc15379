package org.radmamba.app.batch;

import org.junit.jupiter.api.Test;
import org.radmamba.inference.scan.ScanDevicePreference;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The contract the Spark job codes against: a model from a checkpoint, rows from bytes, failed rows for junk. */
class BatchModelContractTest {

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    @Test
    void bytes_give_the_rows_the_files_give_under_the_names_given() throws Exception {
        TestArchive archive = TestArchive.write(dir.resolve("archive"));
        List<Path> files = BatchRun.files(List.of(archive.root));
        Path checkpoint = Path.of(BatchModelContractTest.class.getResource("/checkpoints/medmamba_tiny.pth").toURI());
        try (BatchModel model = BatchModel.load(checkpoint.toString(),
                new BatchModel.Settings(ScanDevicePreference.CPU, 3, 2, null))) {
            List<BatchRecord> fromFiles = model.runFiles(files);
            List<NamedBytes> named = new java.util.ArrayList<>();
            for (Path f : files) {
                named.add(new NamedBytes("file:" + f, java.nio.file.Files.readAllBytes(f)));
            }
            List<BatchRecord> fromBytes = model.runAll(named);
            List<BatchRecord> oneByOne = new java.util.ArrayList<>();
            for (NamedBytes n : named) {
                oneByOne.addAll(model.run(n.path(), n.content()));
            }

            assertEquals(fromFiles.size(), fromBytes.size());
            assertEquals(fromBytes, oneByOne, "batched across files or one file a call, the same rows");
            for (int i = 0; i < fromFiles.size(); i++) {
                BatchRecord f = fromFiles.get(i);
                assertEquals(new BatchRecord(f.key(), "file:" + f.path(), f.model(), f.status(), f.failureReason(),
                        f.width(), f.height(), f.classification(), f.segmentation(), f.numerics()), fromBytes.get(i));
            }

            // The keys from the headers alone are those of the rows, file by file, in place or from bytes.
            List<BatchRecord.DoneKey> rowKeys = fromFiles.stream().map(BatchRecord::doneKey).toList();
            assertEquals(rowKeys, model.imageKeys(files).stream().flatMap(List::stream).toList());
            assertEquals(rowKeys, model.imageKeysOf(named).stream().flatMap(List::stream).toList());
            // Frames skipped by key and file are left out, the others' rows unchanged.
            java.util.Set<BatchRecord.DoneKey> skipped = new java.util.HashSet<>();
            for (int i = 0; i < rowKeys.size(); i += 2) {
                skipped.add(rowKeys.get(i));
            }
            String firstFile = named.getFirst().path();
            assertEquals(fromBytes.stream().filter(r -> !skipped.contains(r.doneKey())
                            || !r.path().equals(firstFile) && !r.path().endsWith(".png")).toList(),
                    model.runAll(named, (path, image) -> skipped.contains(image)
                            && (path.equals(firstFile) || path.endsWith(".png"))));
        }
    }

    @Test
    void what_a_decoder_lets_escape_is_that_images_failure_not_the_runs() {
        org.radmamba.app.ai.ImageSource throwing = new org.radmamba.app.ai.ImageSource("x#0", "x.dcm", () -> {
            throw new ArrayIndexOutOfBoundsException("Index 9 out of bounds for length 4");
        });
        org.radmamba.app.ai.ImageSource exhausting = new org.radmamba.app.ai.ImageSource("y#0", "y.dcm", () -> {
            throw new OutOfMemoryError("Java heap space");
        });

        java.io.IOException bug = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> BatchModel.isolated(throwing).reader().read());
        java.io.IOException heap = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> BatchModel.isolated(exhausting).reader().read());

        assertEquals("cannot be decoded: java.lang.ArrayIndexOutOfBoundsException: Index 9 out of bounds for length 4",
                bug.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(heap.getMessage().startsWith("ran out of memory while being decoded"),
                heap.getMessage());
    }

    @Test
    void a_photographs_bytes_give_one_ok_row_and_junk_one_failed_row_in_the_schemas_columns() throws Exception {
        Path checkpoint = Path.of(BatchModelContractTest.class.getResource("/checkpoints/medmamba_tiny.pth").toURI());
        try (BatchModel model = BatchModel.load(checkpoint.toString(),
                new BatchModel.Settings(ScanDevicePreference.CPU, 4, 2, null))) {
            BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
            img.setRGB(5, 5, 0xff8040);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(img, "png", png);

            List<BatchRecord> rows = model.runAll(List.of(new NamedBytes("s3://bucket/a/skin.png", png.toByteArray()),
                    new NamedBytes("hdfs:///x/notes.txt", "not an image".getBytes(StandardCharsets.UTF_8))));

            assertEquals(2, rows.size(), rows.toString());
            BatchRecord ok = rows.get(0);
            assertEquals(BatchRecord.Status.OK, ok.status(), ok.toString());
            assertEquals("s3://bucket/a/skin.png", ok.path());
            assertEquals("sha256:" + ImageKey.sha256(png.toByteArray()), ok.key().imageKey());
            assertNotNull(ok.classification());
            assertEquals(BatchRecord.Status.FAILED, rows.get(1).status());
            assertEquals(0, rows.get(1).key().frame());
            assertEquals(List.of("image_key", "frame", "sop_instance_uid", "series_instance_uid", "study_instance_uid",
                    "file_path", "model_id", "checkpoint_sha256", "precision", "device", "status", "failure_reason",
                    "width", "height",
                    "top_class", "top_probability", "prob_class_0", "prob_class_1", "prob_class_2"),
                    model.schema().names());
            for (BatchRecord r : rows) {
                assertEquals(r, model.schema().record(model.schema().row(r)));
            }
        }
    }
}
