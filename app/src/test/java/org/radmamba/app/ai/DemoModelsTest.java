package org.radmamba.app.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.CpuSimdScan;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo models' acceptance test: each demo card and its PyTorch 2.11 weights, read from the models jar's class
 * path through the library with no conversion, reproduce the recipe's outputs on the parity tensors, and the full
 * app path (PNG → card preprocessing → network → decoding) reproduces the card's held-out metrics.
 */
class DemoModelsTest {

    static final String CLASSIFIER = "medmamba-chest-phantom-demo";
    static final String SEGMENTER = "vmunet-lesion-demo";

    private static Parallel parallel;
    private static CpuSimdScan scan;
    private static ComputeContext ctx;

    @TempDir
    static Path noUserModels;

    @BeforeAll
    static void engine() {
        parallel = new Parallel(Runtime.getRuntime().availableProcessors());
        scan = new CpuSimdScan();
        ctx = new ComputeContext(parallel, scan);
    }

    @AfterAll
    static void release() {
        scan.close();
        parallel.close();
    }

    static ModelEntry demo(String id) throws ModelException {
        return new ModelLibrary(noUserModels, DemoModelsTest.class.getClassLoader()).require(id);
    }

    @Test
    void both_demo_models_ship_on_the_class_path_with_verified_weights() throws ModelException {
        ModelLibrary.Listing listing = new ModelLibrary(noUserModels, getClass().getClassLoader()).list();
        assertTrue(listing.problems().isEmpty(), listing.problems().toString());
        for (String id : new String[] {CLASSIFIER, SEGMENTER}) {
            ModelEntry entry = listing.find(id).orElseThrow();
            assertEquals(ModelEntry.HashStatus.VERIFIED, entry.hashStatus(), id);
            assertEquals(ModelEntry.Origin.BUNDLED, entry.origin());
            assertTrue(entry.card().demo());
            assertTrue(entry.card().attribution().contains("demo model — not for diagnosis"));
        }
    }

    @Test
    void the_demo_classifier_reproduces_the_pytorch_logits_of_the_parity_inputs() throws Exception {
        assertParity(CLASSIFIER);
    }

    @Test
    void the_demo_segmenter_reproduces_the_pytorch_probabilities_of_the_parity_inputs() throws Exception {
        assertParity(SEGMENTER);
    }

    private static void assertParity(String id) throws Exception {
        Path heldout = DemoHeldout.folder(id);
        NpyArray input = Npy.read(heldout.resolve("parity.input.npy"));
        NpyArray golden = Npy.read(heldout.resolve("parity.output.npy"));
        try (LoadedModel model = LoadedModel.open(demo(id))) {
            float[] out = model.forward(input.data(), input.dim(0), input.dim(2), input.dim(3), ctx);
            assertEquals(golden.data().length, out.length);
            double maxGolden = 0;
            double maxError = 0;
            for (int i = 0; i < out.length; i++) {
                maxGolden = Math.max(maxGolden, Math.abs(golden.data()[i]));
                maxError = Math.max(maxError, Math.abs(out[i] - golden.data()[i]));
            }
            System.out.println(id + ": parity max |out - golden| = " + maxError + ", max |golden| = " + maxGolden);
            assertTrue(maxError <= 1e-4 * maxGolden, id + ": max |out - golden| = " + maxError + " > 1e-4 * " + maxGolden);
        }
    }

    @Test
    void the_demo_classifier_classifies_the_heldout_phantoms_as_its_card_states() throws Exception {
        Path heldout = DemoHeldout.folder(CLASSIFIER);
        JsonNode labels = new ObjectMapper().readTree(heldout.resolve("labels.json").toFile());
        try (LoadedModel model = LoadedModel.open(demo(CLASSIFIER))) {
            int correct = 0;
            for (JsonNode item : labels) {
                AiImage image = DemoHeldout.image(heldout.resolve(item.get("image").asText()));
                ClassificationResult result = (ClassificationResult) model.run(image, ctx);
                if (result.top().label().equals(item.get("label").asText())) {
                    correct++;
                }
            }
            double cardAccuracy = model.card().metrics().path("shipped_heldout_subset").path("accuracy").asDouble();
            long expected = Math.round(cardAccuracy * labels.size());
            System.out.println(CLASSIFIER + ": " + correct + " of " + labels.size() + " held-out phantoms correct, card " + expected);
            assertTrue(Math.abs(correct - expected) <= 1,
                    correct + " of " + labels.size() + " correct; the card states " + expected);
        }
    }

    @Test
    void the_demo_segmenter_reaches_its_card_dice_at_source_resolution() throws Exception {
        Path heldout = DemoHeldout.folder(SEGMENTER);
        JsonNode labels = new ObjectMapper().readTree(heldout.resolve("labels.json").toFile());
        try (LoadedModel model = LoadedModel.open(demo(SEGMENTER))) {
            double diceSum = 0;
            for (JsonNode item : labels) {
                AiImage image = DemoHeldout.image(heldout.resolve(item.get("image").asText()));
                SegmentationResult result = (SegmentationResult) model.run(image, ctx);
                byte[] truth = DemoHeldout.grey(heldout.resolve(item.get("mask").asText()));
                byte[] predicted = result.mask().labels();
                assertEquals(truth.length, predicted.length);
                long inter = 0;
                long p = 0;
                long t = 0;
                for (int i = 0; i < truth.length; i++) {
                    boolean inTruth = (truth[i] & 0xFF) > 0;
                    boolean inPrediction = predicted[i] != 0;
                    inter += inTruth && inPrediction ? 1 : 0;
                    p += inPrediction ? 1 : 0;
                    t += inTruth ? 1 : 0;
                }
                diceSum += (2.0 * inter + 1e-6) / (p + t + 1e-6);
            }
            double dice = diceSum / labels.size();
            System.out.println(SEGMENTER + ": mean held-out Dice at source resolution " + dice);
            double card = model.card().metrics().path("shipped_heldout_subset").path("dice_at_source_resolution").asDouble();
            assertEquals(card, dice, 0.01, "mean Dice over " + labels.size() + " held-out images");
        }
    }

}
