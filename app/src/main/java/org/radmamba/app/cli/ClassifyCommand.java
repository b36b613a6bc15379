package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.ai.InputTransform;
import org.radmamba.app.ai.ModelArchitecture;
import org.radmamba.app.ai.ModelCard;
import org.radmamba.app.plugin.PluginPictureFormats;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.medmamba.MedMamba;
import org.radmamba.inference.medmamba.MedMambaConfig;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.preprocess.ClassificationPreprocessing;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanDeviceUnavailableException;
import org.radmamba.inference.scan.ScanSelection;
import org.radmamba.inference.scan.ScanSelector;
import org.radmamba.viewer.picture.PictureFormats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code radmamba classify IMAGE... --model CKPT}: MedMamba class probabilities per image. Photographs and DICOM
 * frames get the official evaluation transform ({@link ClassificationPreprocessing#MEDMAMBA}); a DICOM frame is first
 * rendered to 8 bits as the viewer displays it (modality LUT, then the file's first VOI window, else the frame's full
 * range — see {@link SourceImage}) and then treated as a photograph. A {@code .npy} float32 NCHW tensor is fed to the
 * network as it is, each item of its batch reported on its own.
 */
@Command(name = "classify",
        mixinStandardHelpOptions = true,
        description = {"Classifies images with a MedMamba checkpoint: softmax probabilities, top K with labels.",
                "IMAGE is a photograph (PNG/JPEG/BMP/TIFF), a DICOM file (rendered with its first window, then as a "
                        + "photograph: RGB, Pillow-bilinear resize to 224x224, (v/255 - 0.5) / 0.5) or a .npy float32 "
                        + "NCHW tensor fed as it is."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image was classified",
                "2:the command line is wrong (an unknown option, a bad value, a folder given as IMAGE)",
                "3:an image, the checkpoint or the labels could not be read; one line on stderr says why, the "
                        + "other images are still classified"})
public final class ClassifyCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "IMAGE",
            description = "photographs, DICOM files, pictures in a plugin's format (e.g. PGM) or .npy tensors (N, C, H, W)")
    List<Path> images;

    @Option(names = "--model", required = true, paramLabel = "CKPT", description = "MedMamba checkpoint (.pth state dict)")
    Path model;

    @Option(names = "--labels", paramLabel = "labels.json",
            description = "class names: a JSON array, or an object from index to name like class_indices.json "
                    + "(default: \"class 0\" .. \"class n-1\")")
    Path labels;

    @Option(names = "--json", description = "print JSON, with the raw logits")
    boolean json;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|cuda|auto",
            description = "where the selective scan runs (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K", description = "classes listed per image (default: ${DEFAULT-VALUE})")
    int top;

    @Mixin
    PluginOptions plugins = new PluginOptions();

    /** The plugins' picture formats, for images that are neither DICOM nor photographs. */
    private PictureFormats pictures = PictureFormats.NONE;

    @Spec
    CommandSpec spec;

    /** A classified input: the image, or one item of a .npy batch. */
    private record Result(String name, float[] logits, double[] probabilities) {
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (top < 1) {
            stderr.println("classify: --top must be at least 1, got " + top);
            return ExitCodes.USAGE;
        }
        ScanDevicePreference preference;
        try {
            preference = ScanDevicePreference.parse(device);
        } catch (IllegalArgumentException e) {
            stderr.println("classify: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (!Files.isRegularFile(model)) {
            stderr.println(model + ": no such checkpoint file");
            return ExitCodes.INPUT_UNREADABLE;
        }
        try (PluginRegistry registry = plugins.open();
             MedMamba network = MedMamba.load(model);
             Parallel parallel = new Parallel(Runtime.getRuntime().availableProcessors())) {
            MedMambaConfig config = network.config();
            // A card.json beside the checkpoint sets the input size, normalisation and labels (the demo models
            // take 128x128); without one, the official evaluation transform and "class i" names.
            Optional<ModelCard> card = ModelCard.beside(model, ModelArchitecture.MEDMAMBA);
            List<String> names = labels != null ? readLabels(labels, config.numClasses())
                    : card.map(ModelCard::labels).filter(l -> l.size() == config.numClasses())
                            .orElseGet(() -> defaultLabels(config.numClasses()));
            pictures = new PluginPictureFormats(registry);
            ScanSelection scan = ScanSelector.select(preference);
            ComputeContext ctx = new ComputeContext(parallel, scan.scan());
            int status = ExitCodes.OK;
            List<Result> results = new ArrayList<>();
            for (Path image : images) {
                Optional<Inputs.Refusal> refusal = Inputs.oneFile("classify", image, pictures);
                if (refusal.isPresent()) {
                    stderr.println(refusal.get().line());
                    // A usage error outranks an unreadable input: the command line needs fixing first.
                    status = status == ExitCodes.USAGE ? status : refusal.get().exitCode();
                    continue;
                }
                try {
                    results.addAll(classify(network, image, ctx, card));
                } catch (IOException e) {
                    stderr.println(Inputs.describe(image, e));
                    status = status == ExitCodes.USAGE ? status : ExitCodes.INPUT_UNREADABLE;
                }
            }
            stdout.print(json ? toJson(results, names, config, scan) : toText(results, names));
            stdout.flush();
            return status;
        } catch (CheckpointException | ScanDeviceUnavailableException e) {
            stderr.println(e.getMessage());
            return ExitCodes.INPUT_UNREADABLE;
        } catch (IOException e) {
            // readLabels' messages name the labels file; anything else is about the checkpoint.
            stderr.println(e.getMessage() != null && labels != null && e.getMessage().startsWith(labels.toString())
                    ? e.getMessage() : Inputs.describe(model, e));
            return ExitCodes.INPUT_UNREADABLE;
        }
    }

    private List<Result> classify(MedMamba network, Path image, ComputeContext ctx, Optional<ModelCard> card)
            throws IOException {
        MedMambaConfig config = network.config();
        if (image.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            NpyArray array = Npy.read(image);
            if (array.rank() != 4 || array.dim(1) != config.inChannels() || array.dim(2) < config.patchSize()
                    || array.dim(3) < config.patchSize()) {
                throw new IOException(image + ": a tensor of shape " + Arrays.toString(array.shape())
                        + " cannot be fed to MedMamba, which takes (N, " + config.inChannels() + ", H, W), H and W at least "
                        + config.patchSize());
            }
            int batch = array.dim(0);
            float[] logits = network.run(array.data(), batch, array.dim(2), array.dim(3), ctx);
            List<Result> out = new ArrayList<>();
            int k = config.numClasses();
            for (int b = 0; b < batch; b++) {
                float[] one = Arrays.copyOfRange(logits, b * k, (b + 1) * k);
                out.add(new Result(batch == 1 ? image.toString() : image + "[" + b + "]", one, softmax(one)));
            }
            return out;
        }
        SourceImage source = SourceImage.read(image, 0, pictures);
        ByteImage picture = new ByteImage(source.width(), source.height(), source.samples(), source.pixels());
        InputTransform pre = card.isPresent() ? InputTransform.of(card.get())
                : new InputTransform.Classification(ClassificationPreprocessing.MEDMAMBA);
        float[] logits = network.run(pre.apply(picture), 1, pre.height(), pre.width(), ctx);
        return List.of(new Result(image.toString(), logits, softmax(logits)));
    }

    /** Softmax in double, shifted by the maximum. */
    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static List<String> defaultLabels(int classes) {
        List<String> names = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) {
            names.add("class " + i);
        }
        return names;
    }

    /** A JSON array of names, or an object from "0".."n-1" to names (MedMamba's class_indices.json). */
    static List<String> readLabels(Path file, int classes) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not readable as JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        List<String> names = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(n -> names.add(n.asText()));
        } else if (root != null && root.isObject()) {
            for (int i = 0; i < root.size(); i++) {
                JsonNode name = root.get(Integer.toString(i));
                if (name == null) {
                    throw new IOException(file + ": the label object has no key \"" + i + "\"");
                }
                names.add(name.asText());
            }
        } else {
            throw new IOException(file + ": labels must be a JSON array or an object from index to name");
        }
        if (names.size() != classes) {
            throw new IOException(file + ": has " + names.size() + " labels but the model has " + classes + " classes");
        }
        return names;
    }

    private static Integer[] ranking(double[] p) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        return order;
    }

    private String toText(List<Result> results, List<String> names) {
        StringBuilder text = new StringBuilder();
        for (Result r : results) {
            text.append(r.name()).append('\n');
            Integer[] order = ranking(r.probabilities());
            for (int i = 0; i < Math.min(top, order.length); i++) {
                int c = order[i];
                text.append(String.format(Locale.ROOT, "  %6.2f%%  %s%n", 100 * r.probabilities()[c], names.get(c)));
            }
        }
        if (!results.isEmpty()) {
            text.append("Research output of ").append(model.getFileName()).append("; not for diagnosis.\n");
        }
        return text.toString();
    }

    private String toJson(List<Result> results, List<String> names, MedMambaConfig config, ScanSelection scan) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("model", model.getFileName().toString());
        root.put("architecture", config.toString());
        root.put("scan", scan.scan().name());
        ArrayNode list = root.putArray("results");
        for (Result r : results) {
            ObjectNode node = list.addObject();
            node.put("image", r.name());
            ArrayNode topNode = node.putArray("top");
            Integer[] order = ranking(r.probabilities());
            for (int i = 0; i < Math.min(top, order.length); i++) {
                ObjectNode entry = topNode.addObject();
                entry.put("index", order[i]);
                entry.put("label", names.get(order[i]));
                entry.put("probability", r.probabilities()[order[i]]);
            }
            ObjectNode probabilities = node.putObject("probabilities");
            for (int c = 0; c < names.size(); c++) {
                probabilities.put(names.get(c), r.probabilities()[c]);
            }
            ArrayNode logits = node.putArray("logits");
            for (float v : r.logits()) {
                logits.add(v);
            }
        }
        root.put("note", "Research output of " + model.getFileName() + "; not for diagnosis.");
        return mapper.writeValueAsString(root) + System.lineSeparator();
    }
}
