package org.radmamba.app.ai;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.scan.CpuSimdScan;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelImportTest {

    @TempDir
    Path home;

    private static Parallel parallel;
    private static CpuSimdScan scan;

    @BeforeAll
    static void engine() {
        parallel = new Parallel(2);
        scan = new CpuSimdScan();
    }

    @AfterAll
    static void release() {
        scan.close();
        parallel.close();
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(ModelImportTest.class.getResource("/checkpoints/" + name).toURI());
    }

    private ModelLibrary library() {
        // An empty class loader: only the user's folder, no bundled demo models.
        return new ModelLibrary(home.resolve("models"), new ClassLoader(null) { });
    }

    private List<Path> userFolderContents() throws IOException {
        Path folder = home.resolve("models");
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> all = Files.list(folder)) {
            return all.toList();
        }
    }

    @Test
    void a_medmamba_checkpoint_is_imported_with_a_card_naming_its_hash_task_and_labels() throws Exception {
        Path pth = fixture("medmamba_tiny.pth");
        ModelEntry entry = library().importCheckpoint(new ModelImporter.Request(pth, "Tiny chest classifier",
                List.of("normal", "nodule", "effusion"), "unit-test fixture"));

        assertEquals("tiny-chest-classifier", entry.id());
        assertEquals(ModelTask.CLASSIFICATION, entry.card().task());
        assertEquals(Optional.of(ModelFamily.MEDMAMBA), entry.card().architecture().builtIn());
        assertEquals(Sha256.of(pth), entry.card().sha256());
        assertEquals(ModelEntry.HashStatus.VERIFIED, entry.hashStatus());
        assertEquals(List.of(224, 224), entry.card().inputSize());
        assertFalse(entry.card().demo());
        ModelEntry listed = library().list().find("tiny-chest-classifier").orElseThrow();
        assertEquals(ModelEntry.Origin.USER, listed.origin());
        assertEquals(List.of("normal", "nodule", "effusion"), listed.card().labels());
        assertEquals(List.of(home.resolve("models").resolve("tiny-chest-classifier")), userFolderContents());
    }

    @Test
    void a_checkpoint_with_vmunet_keys_is_imported_as_a_segmenter_and_runs() throws Exception {
        ModelEntry entry = library().importCheckpoint(new ModelImporter.Request(fixture("vmunet_tiny_binary.pth"),
                "Tiny lesion segmenter", List.of("lesion"), null));

        assertEquals(Optional.of(ModelFamily.VMUNET), entry.card().architecture().builtIn());
        assertEquals(ModelTask.SEGMENTATION, entry.card().task());
        try (LoadedModel model = LoadedModel.open(entry)) {
            byte[] px = new byte[100 * 80];
            new Random(7).nextBytes(px);
            AiResult result = model.run(new AiImage("random", new ByteImage(100, 80, 1, px), Optional.empty()),
                    new ComputeContext(parallel, scan));
            SegmentationResult seg = (SegmentationResult) result;
            assertEquals(100, seg.mask().width());
            assertEquals(80, seg.mask().height());
            assertEquals(100 * 80, seg.pixelCounts()[0] + seg.pixelCounts()[1]);
            assertTrue(seg.attribution().startsWith("Tiny lesion segmenter"));
        }
    }

    @Test
    void importing_the_same_name_twice_gives_a_second_id() throws Exception {
        Path pth = fixture("medmamba_tiny.pth");
        List<String> labels = List.of("a", "b", "c");
        library().importCheckpoint(new ModelImporter.Request(pth, "Same", labels, null));
        ModelEntry second = library().importCheckpoint(new ModelImporter.Request(pth, "Same", labels, null));
        assertEquals("same-2", second.id());
        assertEquals(2, library().list().models().size());
    }

    @Test
    void a_file_that_is_not_a_checkpoint_is_refused_with_its_name_and_leaves_nothing() throws Exception {
        Path garbage = home.resolve("notes.pth");
        Files.write(garbage, "this is not a zip file at all".getBytes());
        ModelException e = assertThrows(ModelException.class, () -> library().importCheckpoint(
                new ModelImporter.Request(garbage, "Garbage", List.of("x"), null)));
        assertTrue(e.getMessage().contains("notes.pth"), e.getMessage());
        assertEquals(List.of(), userFolderContents());
    }

    @Test
    void a_state_dict_that_is_no_network_is_refused_naming_a_key_and_leaves_nothing() throws Exception {
        ModelException e = assertThrows(ModelException.class, () -> library().importCheckpoint(
                new ModelImporter.Request(fixture("dtype_float16.pth"), "Half", List.of("x"), null)));
        assertTrue(e.getMessage().contains("dtype_float16.pth"), e.getMessage());
        assertTrue(e.getMessage().contains("not a fitting medmamba checkpoint"), e.getMessage());
        assertEquals(List.of(), userFolderContents());
    }

    @Test
    void labels_that_do_not_match_the_classes_are_refused_and_leave_nothing() throws Exception {
        ModelException e = assertThrows(ModelException.class, () -> library().importCheckpoint(
                new ModelImporter.Request(fixture("medmamba_tiny.pth"), "Two", List.of("a", "b"), null)));
        assertEquals(fixture("medmamba_tiny.pth") + ": the network has 3 classes but 2 labels were given", e.getMessage());
        assertEquals(List.of(), userFolderContents());
    }

    @Test
    void a_model_whose_weights_changed_after_import_is_flagged_and_not_run() throws Exception {
        ModelEntry entry = library().importCheckpoint(new ModelImporter.Request(fixture("medmamba_tiny.pth"),
                "Tampered", List.of("a", "b", "c"), null));
        Files.write(entry.checkpoint(), new byte[] {0}, StandardOpenOption.APPEND);

        ModelEntry listed = library().list().find(entry.id()).orElseThrow();
        assertEquals(ModelEntry.HashStatus.MISMATCH, listed.hashStatus());
        assertFalse(listed.runnable());
        ModelException e = assertThrows(ModelException.class, () -> LoadedModel.open(listed));
        assertTrue(e.getMessage().contains("differs from the card's " + entry.card().sha256()), e.getMessage());
    }

    @Test
    void a_card_whose_weights_are_missing_is_listed_as_missing() throws Exception {
        ModelEntry entry = library().importCheckpoint(new ModelImporter.Request(fixture("medmamba_tiny.pth"),
                "Gone", List.of("a", "b", "c"), null));
        Files.delete(entry.checkpoint());
        ModelEntry listed = library().list().find(entry.id()).orElseThrow();
        assertEquals(ModelEntry.HashStatus.MISSING, listed.hashStatus());
        assertTrue(listed.problem().contains("missing"), listed.problem());
    }

    @Test
    void a_card_pointing_outside_its_folder_is_refused_and_reported() throws Exception {
        Path folder = Files.createDirectories(home.resolve("models").resolve("escape"));
        String card;
        try (InputStream in = Files.newInputStream(fixtureCard())) {
            card = new String(in.readAllBytes()).replace("\"medmamba_chest_phantom_demo.pth\"", "\"../../secret.pth\"");
        }
        Files.writeString(folder.resolve(ModelCard.FILE_NAME), card);
        ModelLibrary.Listing listing = library().list();
        assertTrue(listing.models().isEmpty());
        assertEquals(1, listing.problems().size());
        assertTrue(listing.problems().getFirst().contains("\"checkpoint\" must be a file name beside the card"),
                listing.problems().getFirst());
    }

    private static Path fixtureCard() throws URISyntaxException {
        return Path.of(ModelImportTest.class.getResource("/" + ModelLibrary.BUNDLED_ROOT
                + "/medmamba-chest-phantom-demo/card.json").toURI());
    }

    @Test
    void the_demo_cards_round_trip_through_json() throws Exception {
        ModelCard card;
        try (InputStream in = Files.newInputStream(fixtureCard())) {
            card = ModelCard.read(in, "demo card");
        }
        ModelCard again = ModelCard.read(new java.io.ByteArrayInputStream(card.toJson().getBytes()), "again");
        assertEquals(card, again);
        assertEquals(List.of("normal", "nodule", "effusion"), again.labels());
        assertEquals(128, again.inputHeight());
    }
}
