package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.PrecisionOption;
import org.radmamba.app.ai.AiImage;
import org.radmamba.app.ai.CheckpointModels;
import org.radmamba.app.ai.InputTransform;
import org.radmamba.app.ai.EngineSelector;
import org.radmamba.app.ai.LoadedModel;
import org.radmamba.app.ai.ModelCard;
import org.radmamba.app.ai.ModelEntry;
import org.radmamba.app.ai.ModelException;
import org.radmamba.app.ai.ModelTask;
import org.radmamba.app.ai.ViewerImages;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.cuda.CudaException;
import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelector;
import org.radmamba.app.ai.AiDicomExport;
import org.radmamba.inference.segmentation.ClassRegions;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.inference.segmentation.Connectivity;
import org.radmamba.inference.segmentation.LabelMask;
import org.radmamba.inference.segmentation.PixelSpacing;
import org.radmamba.inference.segmentation.Region;
import org.radmamba.inference.segmentation.RegionAnalysis;
import org.radmamba.inference.segmentation.ScoreMap;
import org.radmamba.app.plugin.PluginPictureFormats;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.viewer.picture.PictureFormats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;

/**
 * {@code radmamba segment IMAGE --model CKPT --out OUT.png|OUT.npy}: runs a segmentation checkpoint on one image, a
 * thin front end of the one model path ({@link CheckpointModels}, then {@link LoadedModel}) that the viewer runs too.
 * The model is the card beside the checkpoint (VM-UNet or a plugin's architecture, with its input size, resize and
 * threshold) or, without one, an official VM-UNet checkpoint with its ISIC test transform. The PNG is the label mask
 * at the source image's size (0 background, k class k; 1 the foreground of a one-class model); the NPY is the
 * network's float32 output (classes, H, W) at its own resolution: sigmoid probabilities for one class, logits
 * otherwise. {@code --json} prints per-class statistics.
 */
@Command(name = "segment",
        mixinStandardHelpOptions = true,
        description = {"Segments an image (DICOM, PNG/JPEG/BMP/TIFF, or a .npy NCHW float32 tensor fed as it is) with a "
                + "checkpoint: VM-UNet, or any with a card.json beside it naming its architecture.",
                "Photographs and DICOM frames get the card's transform; without a card, the official ISIC test "
                        + "transform (min-max stretch to [0, 255], bilinear resize to 256x256)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the output was written",
                "2:the command line is wrong (an unknown option, a bad value, a folder given as IMAGE)",
                "3:IMAGE or the checkpoint could not be read, or OUT not written; one line on stderr says why"})
public final class SegmentCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "DICOM file, photograph, picture in a plugin's format, or .npy tensor (1, 1|3, H, W)")
    Path image;

    @Option(names = "--model", required = true, paramLabel = "CKPT", description = "VM-UNet checkpoint (.pth, keys under 'vmunet.')")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "OUT.png|OUT.npy",
            description = "label mask (PNG, source size) or network output (NPY, float32 (classes, H, W))")
    Path out;

    @Option(names = "--json", description = "print per-class statistics (components, areas, bounding boxes) as JSON")
    boolean json;

    @Option(names = "--threshold", paramLabel = "T",
            description = "foreground probability threshold of a one-class model (default: the model card's, else 0.5)")
    Float threshold;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "cpu|cuda|auto",
            description = "where the network runs: cuda (all of it on the GPU), cpu, or auto (default: ${DEFAULT-VALUE})")
    String device;

    @Mixin
    PrecisionOption precision = new PrecisionOption();

    @Option(names = "--connectivity", defaultValue = "8", paramLabel = "4|8",
            description = "pixels joined into one component: 8 (edges and corners) or 4 (edges) (default: ${DEFAULT-VALUE})")
    int connectivity;

    @Option(names = "--frame", defaultValue = "0", paramLabel = "N", description = "frame of a multi-frame DICOM file, 0-based")
    int frame;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all processors)")
    Integer threads;

    @Option(names = "--sr", paramLabel = "OUT.dcm",
            description = "also write the mask as a DICOM Segmentation (OUT-seg.dcm) and a DICOM Structured Report "
                    + "(TID 1500) of each class's area that references it, in the image's study (DICOM images only)")
    Path sr;

    @Mixin
    PluginOptions plugins = new PluginOptions();

    /** The plugins' picture formats, for images that are neither DICOM nor photographs. */
    private PictureFormats pictures = PictureFormats.NONE;

    @Spec
    CommandSpec spec;

    /** The network input and where its output maps back to. */
    private record Input(float[] tensor, int height, int width, int sourceWidth, int sourceHeight,
                         Optional<PixelSpacing> spacing) {
    }

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        String outName = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean png = outName.endsWith(".png");
        if (!png && !outName.endsWith(".npy")) {
            stderr.println("segment: --out must end in .png (label mask) or .npy (network output), got " + out);
            return ExitCodes.USAGE;
        }
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            stderr.println("segment: --threshold must be a probability in [0, 1], got " + threshold);
            return ExitCodes.USAGE;
        }
        if (sr != null && image.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            stderr.println("segment: --sr needs a DICOM image to reference, not a tensor (" + image + ")");
            return ExitCodes.USAGE;
        }
        if (connectivity != 4 && connectivity != 8) {
            stderr.println("segment: --connectivity must be 4 or 8, got " + connectivity);
            return ExitCodes.USAGE;
        }
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (threadCount < 1) {
            stderr.println("segment: --threads must be positive, got " + threadCount);
            return ExitCodes.USAGE;
        }
        ScanDevicePreference preference;
        NetworkPrecision asked;
        try {
            preference = ScanDevicePreference.parse(device);
            asked = precision.asked();
        } catch (IllegalArgumentException e) {
            stderr.println("segment: " + e.getMessage());
            return ExitCodes.USAGE;
        }

        try (PluginRegistry registry = plugins.open()) {
            pictures = new PluginPictureFormats(registry);
            Optional<Inputs.Refusal> refusal = Inputs.oneFile("segment", image, pictures);
            if (refusal.isPresent()) {
                stderr.println(refusal.get().line());
                stderr.flush();
                return refusal.get().exitCode();
            }
            return segment(preference, asked, threadCount, png, stdout, stderr, registry);
        }
    }

    private int segment(ScanDevicePreference preference, NetworkPrecision asked, int threadCount, boolean png,
                        PrintWriter stdout, PrintWriter stderr, PluginRegistry registry) {
        long started = System.nanoTime();
        try (Parallel parallel = new Parallel(threadCount)) {
            // A card.json beside the checkpoint sets the architecture (a plugin's too), input size, resize and
            // threshold; without one, VM-UNet's official ISIC test transform.
            ModelEntry entry = CheckpointModels.entry(model, ModelTask.SEGMENTATION);
            Optional<ModelCard> card = ModelCard.beside(model);
            try (LoadedModel loaded = LoadedModel.open(entry, registry)) {
                long loaded_ = System.nanoTime();
                float cut = threshold != null ? threshold : loaded.card().foregroundThreshold();
                Input input = readInput(loaded);
                long preprocessed = System.nanoTime();
                ComputeContext ctx = new ComputeContext(parallel, ScanSelector.select(ScanDevicePreference.CPU).scan());
                EngineSelector.Chosen engine = EngineSelector.forCommandLine(loaded, preference, asked, ctx);
                PrecisionOption.notApplied("segment", asked, engine.choice()).ifPresent(stderr::println);
                ScoreMap scores = loaded.scores(engine.engine().forward(loaded, input.tensor(), 1, input.height(),
                        input.width()), input.height(), input.width());
                long inferred = System.nanoTime();

                LabelMask mask = LoadedModel.mask(scores, cut, input.sourceWidth(), input.sourceHeight());
                int classes = loaded.network().classes();
                int foreground = classes == 1 ? 1 : classes - 1;
                List<ClassRegions> regions = RegionAnalysis.analyse(mask,
                        foreground, connectivity == 8 ? Connectivity.EIGHT : Connectivity.FOUR, input.spacing());
                try {
                    if (png) {
                        writeMask(mask, out);
                    } else {
                        Npy.writeFloat32(out, new long[] {scores.classes(), scores.height(), scores.width()}, scores.values());
                    }
                } catch (IOException e) {
                    stderr.println(Inputs.cannotWrite(out, e));
                    stderr.flush();
                    return ExitCodes.INPUT_UNREADABLE;
                }
                if (sr != null) {
                    try {
                        AiDicomExport.Written written = AiDicomExport.segmentation(DicomReaders.standard(),
                                loaded.card(), List.of(new AiDicomExport.Sourced<>(image, frame + 1,
                                        loaded.segmentation(image.toString(), mask, input.spacing()))),
                                OptionalDouble.empty(), sr);
                        (json ? stderr : stdout).println(written.summary());
                    } catch (IOException | IllegalArgumentException e) {
                        stderr.println(AiDicomExport.problem("segment", sr, e));
                        stderr.flush();
                        return ExitCodes.INPUT_UNREADABLE;
                    }
                }
                long finished = System.nanoTime();

                if (json) {
                    stdout.println(report(loaded, card, cut, EngineSelector.runsOn(engine, ctx),
                            engine.choice().precision(), input, scores, regions,
                            new long[] {started, loaded_, preprocessed, inferred, finished}));
                } else {
                    stdout.println(summary(regions));
                }
                stdout.flush();
                return ExitCodes.OK;
            }
        } catch (ModelException | CheckpointException | CudaUnavailableException | CudaException e) {
            stderr.println(e.getMessage());
            return ExitCodes.INPUT_UNREADABLE;
        } catch (IOException e) {
            stderr.println(Inputs.describe(image, e));
            return ExitCodes.INPUT_UNREADABLE;
        }
    }

    /**
     * The network input: an image through the model's transform (the viewer's), or a {@code .npy} tensor as it is
     * (one channel repeated to three, as VM-UNet itself does).
     */
    private Input readInput(LoadedModel loaded) throws IOException {
        String name = image.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            NpyArray array = Npy.read(image);
            Optional<String> problem = array.rank() != 4 || array.dim(0) != 1
                    ? Optional.of("the network takes (1, 1 or 3, H, W)")
                    : ClassifyCommand.inputProblem(loaded, array.dim(1) == 1 ? 3 : array.dim(1), array.dim(2), array.dim(3));
            if (problem.isPresent()) {
                throw new IOException(image + ": a tensor of shape " + java.util.Arrays.toString(array.shape())
                        + " cannot be fed to " + loaded.card().architecture() + ": " + problem.get());
            }
            float[] tensor = array.dim(1) == 1 ? repeatToThree(array.data()) : array.data();
            return new Input(tensor, array.dim(2), array.dim(3), array.dim(3), array.dim(2), Optional.empty());
        }
        AiImage source = ViewerImages.readFile(image, frame, pictures);
        InputTransform transform = loaded.transform();
        return new Input(transform.apply(source.pixels()), transform.height(), transform.width(),
                source.pixels().width(), source.pixels().height(), source.spacing());
    }

    private static float[] repeatToThree(float[] plane) {
        float[] rgb = new float[3 * plane.length];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(plane, 0, rgb, c * plane.length, plane.length);
        }
        return rgb;
    }

    private static void writeMask(LabelMask mask, Path file) throws IOException {
        BufferedImage img = new BufferedImage(mask.width(), mask.height(), BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, mask.width(), mask.height(), mask.labels());
        // Encoded in memory, then written by NIO, whose exceptions say why a file cannot be written.
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", png)) {
            throw new IOException("no PNG writer is available");
        }
        Files.write(file, png.toByteArray());
    }

    private String summary(List<ClassRegions> regions) {
        StringBuilder text = new StringBuilder("wrote ").append(out);
        for (ClassRegions c : regions) {
            text.append(String.format(Locale.ROOT, "; class %d: %d component(s), %d px", c.label(), c.componentCount(), c.areaPixels()));
            c.areaMm2().ifPresent(mm2 -> text.append(String.format(Locale.ROOT, " (%.2f mm²)", mm2)));
        }
        return text.append(" [research output, not for diagnosis]").toString();
    }

    /** @param ran the precision the network ran in (float32 on the CPU engine, whatever was asked) */
    private String report(LoadedModel loaded, Optional<ModelCard> card, float cut, String runsOn, NetworkPrecision ran,
                          Input input, ScoreMap scores, List<ClassRegions> regions, long[] t) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("image", image.toString());
        root.put("model", model.getFileName().toString());
        root.put("model_card", card.map(ModelCard::id).orElse(null));
        root.put("architecture", loaded.network().describe());
        root.put("output", out.toString());
        root.put("classes", loaded.network().classes());
        root.put("scores", scores.probabilities() ? "sigmoid probabilities" : "logits");
        if (loaded.network().classes() == 1) {
            root.put("threshold", cut);
        }
        ObjectNode size = root.putObject("source_size");
        size.put("width", input.sourceWidth());
        size.put("height", input.sourceHeight());
        ObjectNode network = root.putObject("network_size");
        network.put("width", input.width());
        network.put("height", input.height());
        if (input.spacing().isPresent()) {
            ArrayNode spacing = root.putArray("pixel_spacing_mm");
            spacing.add(input.spacing().get().rowSpacingMm());
            spacing.add(input.spacing().get().columnSpacingMm());
        } else {
            root.putNull("pixel_spacing_mm");
        }
        root.put("connectivity", connectivity);
        root.put("scan", runsOn);
        root.put("precision", ran.label());
        ObjectNode timing = root.putObject("timing_ms");
        timing.put("load", (t[1] - t[0]) / 1e6);
        timing.put("preprocess", (t[2] - t[1]) / 1e6);
        timing.put("network", (t[3] - t[2]) / 1e6);
        timing.put("postprocess", (t[4] - t[3]) / 1e6);
        ArrayNode classes = root.putArray("per_class");
        for (ClassRegions c : regions) {
            ObjectNode node = classes.addObject();
            node.put("label", c.label());
            node.put("components", c.componentCount());
            node.put("area_px", c.areaPixels());
            putMm2(node, c.areaMm2());
            ArrayNode list = node.putArray("regions");
            for (Region r : c.regions()) {
                ObjectNode region = list.addObject();
                region.put("index", r.index());
                region.put("area_px", r.areaPixels());
                putMm2(region, r.areaMm2());
                ObjectNode box = region.putObject("bbox");
                box.put("x", r.bounds().x());
                box.put("y", r.bounds().y());
                box.put("width", r.bounds().width());
                box.put("height", r.bounds().height());
                region.put("outline_vertices", r.outline().size());
            }
        }
        root.put("note", card.map(ModelCard::attribution)
                .orElse("Research output of " + model.getFileName() + "; not for diagnosis."));
        return mapper.writeValueAsString(root);
    }

    private static void putMm2(ObjectNode node, java.util.OptionalDouble mm2) {
        if (mm2.isPresent()) {
            node.put("area_mm2", mm2.getAsDouble());
        } else {
            node.putNull("area_mm2");
        }
    }
}
