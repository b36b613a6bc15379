package org.radmamba.app.ai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.radmamba.inference.vmunet.VmUnetPreprocessing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model card ({@code card.json} beside the weights): what the model is, which file holds it and its SHA-256,
 * how an image becomes its input, what its outputs mean, and where it comes from. The file format is the one the
 * demo recipe writes ({@code models/recipe/train.py}): snake_case keys; unknown keys (training history, metrics
 * the app does not read) are kept out of the way, not refused.
 *
 * @param architecture  a built-in family ({@code medmamba}, {@code vmunet}) or a plugin's architecture id
 *                      ({@code pluginId.model.name}); see {@link ArchitectureId}
 *
 * @param inputSize     (height, width) of the network input
 * @param preprocessing the card's description of the input transform, read by {@link InputTransform#of(ModelCard)}
 * @param threshold     probability above which a pixel is foreground (segmentation with one class)
 * @param demo          a demo model: every result says it is not for diagnosis
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCard(String id, String name, ModelTask task, ArchitectureId architecture, String checkpoint,
                        String sha256, Long sizeBytes, Long parameters, List<Integer> inputSize,
                        ObjectNode preprocessing, List<String> labels, Double threshold, boolean demo,
                        String intendedUse, String source, String citation, JsonNode metrics) {

    public static final String FILE_NAME = "card.json";

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern PLAIN_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int MAX_INPUT_SIDE = 4096;
    private static final int MAX_LABELS = 10_000;

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public ModelCard {
        labels = labels == null ? null : List.copyOf(labels);
        inputSize = inputSize == null ? null : List.copyOf(inputSize);
    }

    /** Reads and checks a card; {@code where} names it in errors. */
    public static ModelCard read(InputStream in, String where) throws IOException {
        ModelCard card;
        try {
            card = JSON.readValue(in, ModelCard.class);
        } catch (IOException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("");
            throw new IOException(where + ": not a readable model card (" + detail + ")", e);
        }
        if (card == null) {
            throw new IOException(where + ": the model card is empty");
        }
        card.check(where);
        return card;
    }

    /** The card as JSON text. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("a model card always serialises", e);
        }
    }

    /**
     * Refuses a card the app cannot use safely: the checkpoint must be a plain file name beside the card (no
     * path that could reach elsewhere), the hash a SHA-256, the task that of the architecture.
     */
    void check(String where) throws IOException {
        require(id != null && ID.matcher(id).matches(), where, "\"id\" must be lower-case letters, digits, '.', '_' or '-', got " + id);
        require(name != null && !name.isBlank(), where, "\"name\" is missing");
        require(architecture != null && architecture.valid(), where, "\"architecture\" must be "
                + ArchitectureId.expected() + ", got " + (architecture == null ? null : architecture.cardName()));
        Optional<ModelFamily> builtIn = architecture.builtIn();
        if (builtIn.isPresent()) {
            require(task == builtIn.get().task(), where, "\"task\" must be " + builtIn.get().task().cardName() + " for "
                    + architecture.cardName() + ", got " + (task == null ? null : task.cardName()));
        } else {
            // A plugin's architecture states its task itself; the registry checks the two agree when it loads.
            require(task != null, where, "\"task\" must be classification or segmentation");
        }
        require(checkpoint != null && PLAIN_FILE.matcher(checkpoint).matches(), where,
                "\"checkpoint\" must be a file name beside the card, got " + checkpoint);
        require(sha256 != null && SHA256.matcher(sha256.toLowerCase(Locale.ROOT)).matches(), where,
                "\"sha256\" must be 64 hexadecimal digits, got " + sha256);
        require(inputSize != null && inputSize.size() == 2 && inputSize.stream().allMatch(v -> v != null && v > 0 && v <= MAX_INPUT_SIDE),
                where, "\"input_size\" must be [height, width] between 1 and " + MAX_INPUT_SIDE + ", got " + inputSize);
        require(labels != null && !labels.isEmpty() && labels.size() <= MAX_LABELS && labels.stream().allMatch(l -> l != null && !l.isBlank()),
                where, "\"labels\" must list the class names");
        require(preprocessing != null, where, "\"preprocessing\" is missing");
        require(threshold == null || (threshold >= 0 && threshold <= 1), where, "\"threshold\" must be in [0, 1], got " + threshold);
    }

    private static void require(boolean ok, String where, String what) throws IOException {
        if (!ok) {
            throw new IOException(where + ": " + what);
        }
    }

    public int inputHeight() {
        return inputSize.get(0);
    }

    public int inputWidth() {
        return inputSize.get(1);
    }

    /** The threshold of a one-class segmenter: the card's, else VM-UNet's 0.5. */
    public float foregroundThreshold() {
        return threshold == null ? 0.5f : threshold.floatValue();
    }

    /** What every result of this model says about itself, e.g. "VM-UNet lesion (demo) — demo model — not for diagnosis". */
    public String attribution() {
        return demo ? name + " — demo model — not for diagnosis" : name + " — research use, not for diagnosis";
    }

    /** Where the card's checkpoint lies, given the card's folder. */
    public Path checkpointIn(Path folder) {
        return folder.resolve(checkpoint);
    }

    /**
     * The card beside a checkpoint: a {@code card.json} in the same folder that names this checkpoint file, if there
     * is one, whatever architecture it names (a built-in family or a plugin's).
     */
    public static Optional<ModelCard> beside(Path checkpoint) throws IOException {
        Path file = checkpoint.toAbsolutePath().resolveSibling(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        ModelCard card;
        try (InputStream in = Files.newInputStream(file)) {
            card = read(in, file.toString());
        }
        return checkpoint.getFileName().toString().equals(card.checkpoint()) ? Optional.of(card) : Optional.empty();
    }

    /** This card with other class names (the command line's {@code --labels}). */
    public ModelCard withLabels(List<String> newLabels) {
        return new ModelCard(id, name, task, architecture, checkpoint, sha256, sizeBytes, parameters, inputSize,
                preprocessing, newLabels, threshold, demo, intendedUse, source, citation, metrics);
    }

    /**
     * The input side of an official checkpoint of {@code family}: MedMamba's 224 ({@code train.py}:
     * {@code Resize((224, 224))}), VM-UNet's ISIC 256.
     */
    static int officialInputSide(ModelFamily family) {
        return family == ModelFamily.MEDMAMBA ? 224 : VmUnetPreprocessing.ISIC2018.height();
    }

    /**
     * The preprocessing of an official checkpoint of {@code family}, as a card states it: MedMamba's evaluation
     * transform ({@code v/255}, mean and std 0.5); VM-UNet's ISIC 2018 test transform (without antialiasing, as the
     * official repository's torchvision resized).
     */
    static ObjectNode officialPreprocessing(ModelFamily family) {
        ObjectNode pre = JSON.createObjectNode();
        pre.put("resize", "bilinear");
        if (family == ModelFamily.MEDMAMBA) {
            pre.put("scale", 1.0 / 255);
            pre.putArray("mean").add(0.5).add(0.5).add(0.5);
            pre.putArray("std").add(0.5).add(0.5).add(0.5);
        } else {
            pre.put("normalize", "vmunet-isic");
            pre.put("mean", VmUnetPreprocessing.ISIC2018.mean());
            pre.put("std", VmUnetPreprocessing.ISIC2018.std());
            pre.put("antialias", false);
        }
        pre.put("greyscale", "replicate to 3 channels");
        pre.put("dicom", "modality LUT, then the current (else first) VOI window, to 8-bit");
        return pre;
    }
}
