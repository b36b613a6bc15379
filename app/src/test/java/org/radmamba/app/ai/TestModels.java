package org.radmamba.app.ai;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The tiny test checkpoints as library entries with 64×64 inputs (fast), written straight into a user folder. */
final class TestModels {

    private TestModels() {
    }

    static ModelEntry tinyClassifier(Path userFolder) throws IOException, URISyntaxException {
        return tinyClassifier(userFolder, "tiny-classifier");
    }

    /** The tiny classifier under another model id (the same weights), e.g. a third model for the service's cache. */
    static ModelEntry tinyClassifier(Path userFolder, String id) throws IOException, URISyntaxException {
        ObjectNode pre = ModelCard.JSON.createObjectNode();
        pre.put("resize", "bilinear");
        pre.putArray("mean").add(0.5).add(0.5).add(0.5);
        pre.putArray("std").add(0.5).add(0.5).add(0.5);
        return install(userFolder, id, "Tiny classifier", ModelFamily.MEDMAMBA,
                "medmamba_tiny.pth", pre, List.of("normal", "nodule", "effusion"));
    }

    static ModelEntry tinySegmenter(Path userFolder) throws IOException, URISyntaxException {
        ObjectNode pre = ModelCard.JSON.createObjectNode();
        pre.put("resize", "bilinear");
        pre.put("normalize", "vmunet-isic");
        return install(userFolder, "tiny-segmenter", "Tiny segmenter", ModelFamily.VMUNET,
                "vmunet_tiny_binary.pth", pre, List.of("lesion"));
    }

    private static ModelEntry install(Path userFolder, String id, String name, ModelFamily architecture,
                                      String fixture, ObjectNode pre, List<String> labels) throws IOException, URISyntaxException {
        Path folder = Files.createDirectories(userFolder.resolve(id));
        Path weights = folder.resolve("model.pth");
        Files.copy(ModelImportTest.fixture(fixture), weights);
        ModelCard card = new ModelCard(id, name, architecture.task(), ArchitectureId.of(architecture), "model.pth", Sha256.of(weights),
                Files.size(weights), null, List.of(64, 64), pre, labels, null, false, "tests", "fixture", null, null);
        Files.writeString(folder.resolve(ModelCard.FILE_NAME), card.toJson());
        return ModelLibrary.entry(folder, ModelEntry.Origin.USER);
    }
}
