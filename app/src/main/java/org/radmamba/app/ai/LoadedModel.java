package org.radmamba.app.ai;

import org.radmamba.app.plugin.FileCheckpoint;
import org.radmamba.app.plugin.HostRunContext;
import org.radmamba.app.plugin.PluginException;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.plugins.api.ModelSpec;
import org.radmamba.plugins.api.Network;
import org.radmamba.plugins.api.Task;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.model.InferenceNetwork;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.segmentation.LabelMask;
import org.radmamba.inference.segmentation.PixelSpacing;
import org.radmamba.inference.segmentation.MaskDecoding;
import org.radmamba.inference.segmentation.ScoreMap;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A model ready to run, the one way RadMamba runs a model (the viewer's {@link InferenceService} and the command
 * line's classify and segment alike): a card and its verified checkpoint, the network the plugin registry builds for
 * the card's architecture (a built-in family or a plugin's, behind the plugin API's {@link Network}), the card's
 * {@link InputTransform}, and the decoding of the output into an {@link AiResult}. Holds native memory: close it.
 */
public final class LoadedModel implements AutoCloseable {

    private final ModelEntry entry;
    private final Network network;
    private final InputTransform transform;
    /**
     * The network on the GPU once a job has run there ({@link #deviceNetwork}), in {@link #devicePrecision}; closed
     * with the model, or when a job asks for another precision.
     */
    private InferenceNetwork deviceNetwork;
    private NetworkPrecision devicePrecision;
    /**
     * Why the GPU cannot run this model in a precision, once loading it there failed: not retried for every job. Kept
     * per precision, so that TF32 refused by an older card still leaves float32 on the GPU to try.
     */
    private final Map<NetworkPrecision, String> deviceUnavailable = new EnumMap<>(NetworkPrecision.class);
    private boolean closed;

    private LoadedModel(ModelEntry entry, Network network, InputTransform transform) {
        this.entry = entry;
        this.network = network;
        this.transform = transform;
    }

    /** {@link #open(ModelEntry, PluginRegistry)} with the built-in architectures only. */
    public static LoadedModel open(ModelEntry entry) throws ModelException {
        return open(entry, PluginRegistry.builtIns());
    }

    /**
     * Loads the model's weights after checking, on the file as it is now, that their SHA-256 is the card's; the
     * network comes from the registry's architecture for the card ({@code radmamba.model.medmamba} for a card
     * saying {@code medmamba}, a plugin's {@code pluginId.model.name} as the card names it).
     *
     * @throws ModelException when the file is missing, differs from the card, or does not fit the card, or the
     *                        architecture is disabled or fails
     */
    public static LoadedModel open(ModelEntry entry, PluginRegistry plugins) throws ModelException {
        ModelCard card = entry.card();
        String actual;
        try {
            actual = Sha256.of(entry.checkpoint());
        } catch (IOException e) {
            throw new ModelException(entry.checkpoint() + ": the checkpoint of " + card.id() + " is not readable (" + e.getMessage() + ")", e);
        }
        if (!actual.equalsIgnoreCase(card.sha256())) {
            throw new ModelException(entry.checkpoint() + ": SHA-256 " + actual + " differs from the card's "
                    + card.sha256() + "; the model is not run");
        }
        InputTransform transform;
        try {
            transform = InputTransform.of(card);
        } catch (IllegalArgumentException e) {
            throw new ModelException(e.getMessage(), e);
        }
        Network network;
        try {
            network = plugins.loadNetwork(card.architecture().extensionId(), new FileCheckpoint(entry.checkpoint()),
                    spec(card));
        } catch (IOException | PluginException e) {
            throw new ModelException(e.getMessage(), e);
        }
        if (network.classes() != card.labels().size()) {
            network.close();
            throw new ModelException(entry.checkpoint() + ": the network has " + network.classes() + " classes but the card of "
                    + card.id() + " names " + card.labels().size());
        }
        return new LoadedModel(entry, network, transform);
    }

    /** What the architecture needs of the card. */
    static ModelSpec spec(ModelCard card) {
        return new ModelSpec(card.id(), card.name(),
                card.task() == ModelTask.CLASSIFICATION ? Task.CLASSIFICATION : Task.SEGMENTATION,
                card.inputHeight(), card.inputWidth(), card.labels());
    }

    public ModelEntry entry() {
        return entry;
    }

    public ModelCard card() {
        return entry.card();
    }

    public InputTransform transform() {
        return transform;
    }

    public Network network() {
        return network;
    }

    /** Preprocesses, runs and decodes one image; the mask of a segmenter is at the image's own size. */
    public AiResult run(AiImage image, ComputeContext ctx) {
        return result(image, forward(transform.apply(image.pixels()), 1, transform.height(), transform.width(), ctx), 0);
    }

    /** {@link #run(AiImage, ComputeContext)} on {@code engine} (the GPU's or the CPU's). */
    public AiResult run(AiImage image, InferenceEngine engine) {
        return result(image, engine.forward(this, transform.apply(image.pixels()), 1, transform.height(),
                transform.width()), 0);
    }

    /** Floats of the network's output per image: logits of a classifier, score maps of a segmenter. */
    public int outputSize() {
        int classes = network.classes();
        return card().task() == ModelTask.CLASSIFICATION ? classes : classes * transform.height() * transform.width();
    }

    /**
     * The result of {@code image} from a batch output: its {@link #outputSize()} floats start at {@code offset}. The
     * same decoding whether the image ran alone ({@link #run}) or in a batch ({@link BatchPipeline}).
     */
    public AiResult result(AiImage image, float[] out, int offset) {
        ModelCard card = entry.card();
        float[] own = offset == 0 && out.length == outputSize() ? out : Arrays.copyOfRange(out, offset, offset + outputSize());
        return switch (card.task()) {
            case CLASSIFICATION -> new ClassificationResult(image.id(), card.id(), card.attribution(), card.labels(),
                    own, ClassificationResult.softmax(own));
            case SEGMENTATION -> {
                LabelMask mask = mask(scores(own), card.foregroundThreshold(), image.pixels().width(),
                        image.pixels().height());
                yield segmentation(image.id(), mask, image.spacing());
            }
        };
    }

    /** A segmenter's mask of an image as its result: the classes it names, the pixels of each, their areas. */
    public SegmentationResult segmentation(String imageId, LabelMask mask, java.util.Optional<PixelSpacing> spacing) {
        ModelCard card = entry.card();
        return SegmentationResult.of(imageId, card.id(), card.attribution(), classNames(), mask, spacing);
    }

    /**
     * The network's raw output for a batch of inputs already preprocessed (NCHW float32): logits per image for a
     * classifier, maps per image for a segmenter.
     */
    public float[] forward(float[] input, int batch, int height, int width, ComputeContext ctx) {
        return network.forward(input, batch, height, width, new HostRunContext(ctx));
    }

    /**
     * A segmenter's output for one image of the transform's size as scores: sigmoid probabilities of a one-class
     * network, logits per class otherwise.
     */
    public ScoreMap scores(float[] out) {
        return scores(out, transform.height(), transform.width());
    }

    /** {@link #scores(float[])} for an output of {@code height × width}. */
    public ScoreMap scores(float[] out, int height, int width) {
        int classes = network.classes();
        return classes == 1 ? ScoreMap.probabilities(height, width, out) : ScoreMap.logits(classes, height, width, out);
    }

    /**
     * The label mask at {@code width × height} (the source image's size): 0 background, k class k (1 the
     * foreground of a one-class network, above {@code threshold}).
     */
    public static LabelMask mask(ScoreMap scores, float threshold, int width, int height) {
        return MaskDecoding.toLabels(scores, threshold, width, height);
    }

    /** What a segmenter's labels 1..k name. */
    public List<String> classNames() {
        int classes = network.classes();
        // Multi-class VM-UNet: class 0 is the background, so its labels name classes 1..k-1 plus the background.
        return classes == 1 ? card().labels() : card().labels().subList(1, classes);
    }

    /**
     * The whole network on the GPU in {@code precision}, for {@link DeviceNetworkEngine}: built by {@code loader} from
     * the checkpoint on the first call, then kept until the model is closed (or evicted by the service). At most one
     * device network at a time: asking for another precision closes the one there before loading the new one, as two
     * would hold the weights twice in the memory {@link EngineSelector#deviceBytes} counted once. The jobs of a
     * model take turns (the service runs one job at a time, a batch run one precision), so none still runs on the
     * network closed here. The CPU network built by {@link #open} stays too, as the fallback a device failure hands
     * the job to; the checkpoint is read a second time here rather than kept on the heap for the session, and only on
     * a machine where the GPU engine was chosen. Built-in architectures only: a plugin's network is the plugin's code,
     * which runs on the CPU.
     *
     * @throws CudaUnavailableException with the reason, when the architecture is a plugin's or the device cannot take
     *                                  the network in this precision (the same reason again on later calls for that
     *                                  precision, without retrying)
     */
    synchronized InferenceNetwork deviceNetwork(DeviceNetworkEngine.Loader loader, NetworkPrecision precision)
            throws CudaUnavailableException {
        if (closed) {
            throw new IllegalStateException(card().id() + " was unloaded");
        }
        if (deviceNetwork != null && devicePrecision == precision) {
            return deviceNetwork;
        }
        String refused = deviceUnavailable.get(precision);
        if (refused == null) {
            if (card().architecture().builtIn().isEmpty()) {
                refused = "the plugin architecture " + card().architecture().cardName()
                        + " runs on the CPU engine only; the GPU engine runs the built-in MedMamba and VM-UNet";
            } else {
                closeDeviceNetwork();
                try {
                    deviceNetwork = loader.load(PthReader.read(entry.checkpoint()), precision);
                    devicePrecision = precision;
                    return deviceNetwork;
                } catch (CudaUnavailableException e) {
                    refused = e.getMessage();
                } catch (CheckpointException e) {
                    refused = "the GPU engine cannot take the checkpoint: " + e.getMessage();
                }
            }
            deviceUnavailable.put(precision, refused);
        }
        throw new CudaUnavailableException(refused);
    }

    private void closeDeviceNetwork() {
        if (deviceNetwork != null) {
            InferenceNetwork old = deviceNetwork;
            deviceNetwork = null;
            devicePrecision = null;
            old.close();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            network.close();
        } finally {
            closeDeviceNetwork();
        }
    }
}
