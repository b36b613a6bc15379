package org.radmamba.app.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.radmamba.inference.io.Npy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the demo models' held-out images as the app feeds them to a network (PNG → the card's {@link InputTransform})
 * for the GPU checks, whose runtime has no image decoder and no card reader: per demo model {@code ID.input.npy}
 * (N × 3 × H × W) and {@code ID.truth.npy} (the class index of each image, or each image's mask resampled to H × W
 * by nearest neighbour, 0 or 1). Run from the app module (prepare-network-payload.sh does):
 * {@code java -cp ... org.radmamba.app.ai.HeldoutTensors OUT}.
 */
public final class HeldoutTensors {

    private HeldoutTensors() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Path noUserModels = Files.createTempDirectory("radmamba-no-user-models");
        ModelLibrary library = new ModelLibrary(noUserModels, HeldoutTensors.class.getClassLoader());
        for (String id : List.of(DemoModelsTest.CLASSIFIER, DemoModelsTest.SEGMENTER)) {
            try (LoadedModel model = LoadedModel.open(library.require(id))) {
                write(model, DemoHeldout.folder(id), out.resolve(id));
            }
        }
        Files.delete(noUserModels);
    }

    private static void write(LoadedModel model, Path heldout, Path prefix) throws IOException {
        JsonNode items = new ObjectMapper().readTree(heldout.resolve("labels.json").toFile());
        InputTransform transform = model.transform();
        int h = transform.height();
        int w = transform.width();
        int n = items.size();
        float[] inputs = new float[n * 3 * h * w];
        boolean classifier = model.card().task() == ModelTask.CLASSIFICATION;
        float[] truth = new float[classifier ? n : n * h * w];
        List<String> labels = model.card().labels();
        for (int i = 0; i < n; i++) {
            JsonNode item = items.get(i);
            AiImage image = DemoHeldout.image(heldout.resolve(item.get("image").asText()));
            System.arraycopy(transform.apply(image.pixels()), 0, inputs, i * 3 * h * w, 3 * h * w);
            if (classifier) {
                truth[i] = labels.indexOf(item.get("label").asText());
            } else {
                AiImage mask = DemoHeldout.image(heldout.resolve(item.get("mask").asText()));
                int mw = mask.pixels().width();
                int mh = mask.pixels().height();
                byte[] px = mask.pixels().pixels();
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int sy = Math.min(mh - 1, (int) ((y + 0.5) * mh / h));
                        int sx = Math.min(mw - 1, (int) ((x + 0.5) * mw / w));
                        truth[(i * h + y) * w + x] = (px[sy * mw + sx] & 0xFF) > 0 ? 1 : 0;
                    }
                }
            }
        }
        Npy.writeFloat32(Path.of(prefix + ".input.npy"), new long[] {n, 3, h, w}, inputs);
        Npy.writeFloat32(Path.of(prefix + ".truth.npy"), classifier ? new long[] {n} : new long[] {n, h, w}, truth);
        System.out.println(prefix.getFileName() + ": " + n + " held-out images at " + h + "x" + w);
    }
}
