package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.PrecisionOption;
import org.radmamba.app.ai.AiDicomExport;
import org.radmamba.app.ai.CheckpointModels;
import org.radmamba.app.ai.ClassificationResult;
import org.radmamba.app.ai.EngineSelector;
import org.radmamba.app.ai.InferenceEngine;
import org.radmamba.app.ai.Labels;
import org.radmamba.app.ai.LoadedModel;
import org.radmamba.app.ai.ModelCard;
import org.radmamba.app.ai.ModelEntry;
import org.radmamba.app.ai.ModelException;
import org.radmamba.app.ai.ModelFamily;
import org.radmamba.app.ai.ModelTask;
import org.radmamba.app.ai.ViewerImages;
import org.radmamba.app.plugin.PluginPictureFormats;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.cuda.CudaException;
import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelector;
import org.radmamba.viewer.picture.PictureFormats;
import org.radmamba.viewer.dicom.DicomReaders;
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
 * {@code radmamba classify IMAGE... --model CKPT}: class probabilities per image, a thin front end of the one model
 * path ({@link CheckpointModels}, then {@link LoadedModel}) that the viewer runs too, so both give the same numbers.
 * The model is the card beside the checkpoint (a built-in family or a plugin's architecture, with its input size,
 * normalisation and labels) or, without one, an official MedMamba checkpoint with its evaluation transform
 * ({@code ClassificationPreprocessing.MEDMAMBA}). A DICOM frame is rendered to 8 bits as the viewer displays it
 * (modality LUT, then the file's first VOI window, else the frame's full range — see
 * {@link ViewerImages#readFile}) and then treated as a photograph. A {@code .npy} float32 NCHW tensor is fed to
 * the network as it is, each item of its batch reported on its own.
 */
@Command(name = "classify",
        mixinStandardHelpOptions = true,
        description = {"Classifies images with a checkpoint: softmax probabilities, top K with labels.",
                "A card.json beside the checkpoint names its architecture (MedMamba or a plugin's), input size, "
                        + "normalisation and labels; without one it is an official MedMamba checkpoint.",
                "IMAGE is a photograph (PNG/JPEG/BMP/TIFF), a DICOM file (rendered with its first window, then as a "
                        + "photograph: RGB, Pillow-bilinear resize to 224x224, (v/255 - 0.5) / 0.5 without a card) or a "
                        + ".npy float32 NCHW tensor fed as it is."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every image was classified",
                "2:the command line is wrong (an unknown option, a bad value, a folder given as IMAGE)",
                "3:an image, the checkpoint or the labels could not be read; one line on stderr says why, the "
                        + "other images are still classified"})
public final class ClassifyCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "IMAGE",
            description = "photographs, DICOM files, pictures in a plugin's format (e.g. PGM) or .npy tensors (N, C, H, W)")
    List<Path> images;

    @Option(names = "--model", required = true, paramLabel = "CKPT", description = "checkpoint: MedMamba (.pth state dict), or any with a card.json beside it")
    Path model;

    @Option(names = "--labels", paramLabel = "labels.json",
            description = "class names: a JSON array, or an object from index to name like class_indices.json "
                    + "(default: \"class 0\" .. \"class n-1\")")
    Path labels;

    @Option(names = "--json", description = "print JSON, with the raw logits")
    boolean json;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|cuda|auto",
            description = "where the network runs: cuda (all of it on the GPU), cpu, or auto (default: ${DEFAULT-VALUE})")
    String device;

    @Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = "--top", defaultValue = "5", paramLabel = "K", description = "classes listed per image (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--sr", paramLabel = "OUT.dcm",
            description = "also write the results as a DICOM Structured Report (TID 1500) in the images' study "
                    + "(DICOM images of one study only)")
    Path sr;

    @Mixin
    PluginOptions plugins = new PluginOptions();

    /** The plugins' picture formats, for images that are neither DICOM nor photographs. */
    private PictureFormats pictures = PictureFormats.NONE;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (top < 1) {
            stderr.println("classify: --top must be at least 1, got " + top);
            return ExitCodes.USAGE;
        }
        ScanDevicePreference preference;
        NetworkPrecision asked;
        try {
            preference = ScanDevicePreference.parse(device);
            asked = precision.asked();
        } catch (IllegalArgumentException e) {
            stderr.println("classify: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (sr != null) {
            Optional<Path> tensor = images.stream()
                    .filter(i -> i.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")).findFirst();
            if (tensor.isPresent()) {
                stderr.println("classify: --sr needs DICOM images to reference, not a tensor (" + tensor.get() + ")");
                return ExitCodes.USAGE;
            }
        }
        if (!Files.isRegularFile(model)) {
            stderr.println(model + ": no such checkpoint file");
            return ExitCodes.INPUT_UNREADABLE;
        }
        try (PluginRegistry registry = plugins.open();
             Parallel parallel = new Parallel(Runtime.getRuntime().availableProcessors())) {
            // A card.json beside the checkpoint sets the architecture (a plugin's too), input size, normalisation
            // and labels (the demo models take 128x128); without one, MedMamba's official evaluation transform and
            // "class i" names.
            ModelEntry entry = CheckpointModels.entry(model, ModelTask.CLASSIFICATION);
            if (labels != null) {
                entry = new ModelEntry(entry.card().withLabels(readLabels(labels, entry.card().labels().size())),
                        entry.checkpoint(), entry.origin(), entry.hashStatus(), entry.actualSha256());
            }
            pictures = new PluginPictureFormats(registry);
            ComputeContext ctx = new ComputeContext(parallel, ScanSelector.select(ScanDevicePreference.CPU).scan());
            try (LoadedModel loaded = LoadedModel.open(entry, registry)) {
                EngineSelector.Chosen engine = EngineSelector.forCommandLine(loaded, preference, asked, ctx);
                PrecisionOption.notApplied("classify", asked, engine.choice()).ifPresent(stderr::println);
                int status = ExitCodes.OK;
                List<ClassificationResult> results = new ArrayList<>();
                List<AiDicomExport.Sourced<ClassificationResult>> forReport = new ArrayList<>();
                for (Path image : images) {
                    Optional<Inputs.Refusal> refusal = Inputs.oneFile("classify", image, pictures);
                    if (refusal.isPresent()) {
                        stderr.println(refusal.get().line());
                        // A usage error outranks an unreadable input: the command line needs fixing first.
                        status = status == ExitCodes.USAGE ? status : refusal.get().exitCode();
                        continue;
                    }
                    try {
                        List<ClassificationResult> ofImage = classify(loaded, image, engine.engine());
                        results.addAll(ofImage);
                        ofImage.forEach(r -> forReport.add(new AiDicomExport.Sourced<>(image, 1, r)));
                    } catch (IOException e) {
                        stderr.println(Inputs.describe(image, e));
                        status = status == ExitCodes.USAGE ? status : ExitCodes.INPUT_UNREADABLE;
                    }
                }
                stdout.print(json ? toJson(results, loaded.network().describe(), EngineSelector.runsOn(engine, ctx),
                        engine.choice().precision()) : toText(results));
                if (sr != null && !forReport.isEmpty()) {
                    try {
                        AiDicomExport.Written written = AiDicomExport.classification(DicomReaders.standard(),
                                loaded.card(), forReport, sr);
                        // Beside JSON on stdout, the line goes to stderr so that stdout stays one JSON document.
                        (json ? stderr : stdout).println(written.summary());
                    } catch (IOException | IllegalArgumentException e) {
                        stderr.println(AiDicomExport.problem("classify", sr, e));
                        status = status == ExitCodes.USAGE ? status : ExitCodes.INPUT_UNREADABLE;
                    }
                }
                stdout.flush();
                return status;
            }
        } catch (ModelException | CheckpointException | CudaUnavailableException | CudaException e) {
            stderr.println(e.getMessage());
            return ExitCodes.INPUT_UNREADABLE;
        } catch (IOException e) {
            stderr.println(Inputs.describe(model, e));
            return ExitCodes.INPUT_UNREADABLE;
        }
    }

    /**
     * Classifies one input through the model's path: an image (photograph, DICOM frame as displayed, a plugin's
     * picture) as the viewer does; a {@code .npy} tensor fed to the network as it is, each item of its batch on its own.
     */
    private List<ClassificationResult> classify(LoadedModel loaded, Path image, InferenceEngine engine) throws IOException {
        ModelCard card = loaded.card();
        if (image.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            NpyArray array = Npy.read(image);
            Optional<String> problem = array.rank() != 4 ? Optional.of("the network takes (N, 3, H, W)")
                    : inputProblem(loaded, array.dim(1), array.dim(2), array.dim(3));
            if (problem.isPresent()) {
                throw new IOException(image + ": a tensor of shape " + Arrays.toString(array.shape())
                        + " cannot be fed to " + card.architecture() + ": " + problem.get());
            }
            int batch = array.dim(0);
            float[] logits = engine.forward(loaded, array.data(), batch, array.dim(2), array.dim(3));
            List<ClassificationResult> out = new ArrayList<>();
            int k = card.labels().size();
            for (int b = 0; b < batch; b++) {
                float[] one = Arrays.copyOfRange(logits, b * k, (b + 1) * k);
                out.add(new ClassificationResult(batch == 1 ? image.toString() : image + "[" + b + "]", card.id(),
                        card.attribution(), card.labels(), one, ClassificationResult.softmax(one)));
            }
            return out;
        }
        return List.of((ClassificationResult) loaded.run(ViewerImages.readFile(image, 0, pictures), engine));
    }

    /** Why a tensor does not fit the model's network, checked before it runs; empty when it fits. */
    static Optional<String> inputProblem(LoadedModel loaded, int channels, int height, int width) throws IOException {
        Optional<ModelFamily> family = loaded.card().architecture().builtIn();
        if (family.isPresent()) {
            return family.get().inputProblem(PthReader.read(loaded.entry().checkpoint()), channels, height, width);
        }
        // A plugin's network states no shape: the API takes three channels of any size.
        return channels == 3 && height > 0 && width > 0 ? Optional.empty()
                : Optional.of("a plugin's network takes (N, 3, H, W)");
    }

    /**
     * The labels file's names ({@link Labels#read}: a JSON array, or MedMamba's class_indices.json object), one per
     * class of the model.
     */
    static List<String> readLabels(Path file, int classes) throws ModelException {
        List<String> names = Labels.read(file);
        if (names.size() != classes) {
            throw new ModelException(file + ": has " + names.size() + " labels but the model has " + classes
                    + " classes");
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

    private String toText(List<ClassificationResult> results) {
        StringBuilder text = new StringBuilder();
        for (ClassificationResult r : results) {
            List<String> names = r.labels();
            text.append(r.imageId()).append('\n');
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

    /** @param ran the precision the network ran in (float32 on the CPU engine, whatever was asked) */
    private String toJson(List<ClassificationResult> results, String architecture, String runsOn,
                          NetworkPrecision ran) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("model", model.getFileName().toString());
        root.put("architecture", architecture);
        root.put("scan", runsOn);
        root.put("precision", ran.label());
        ArrayNode list = root.putArray("results");
        for (ClassificationResult r : results) {
            List<String> names = r.labels();
            ObjectNode node = list.addObject();
            node.put("image", r.imageId());
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
