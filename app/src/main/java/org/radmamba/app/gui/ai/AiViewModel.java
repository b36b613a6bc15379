package org.radmamba.app.gui.ai;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.radmamba.app.ai.AiResult;
import org.radmamba.app.ai.ClassificationResult;
import org.radmamba.app.ai.EngineChoice;
import org.radmamba.app.ai.ImageSource;
import org.radmamba.app.ai.InferenceService;
import org.radmamba.app.ai.ModelEntry;
import org.radmamba.app.ai.ModelException;
import org.radmamba.app.ai.PrecisionAgreement;
import org.radmamba.app.ai.SegmentationResult;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;
import org.radmamba.viewer.fx.overlay.OverlayStyle;
import org.radmamba.viewer.fx.task.BackgroundTask;
import org.radmamba.viewer.fx.task.TaskExecutor;
import org.radmamba.viewer.fx.task.TaskHandle;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The AI state of one window, without a screen: the chosen model, the latest job, the results of every image (by image key: an
 * instance and frame, whatever window it was run with), which image is active, what of it is shown, the overlay
 * style and the status line. The panel and the window only bind to it. What is shown is always the result of the
 * ACTIVE image, or nothing: a job that finishes for an image no longer on screen is kept, not shown, and shows
 * again when its image comes back. Background work (listing, import, export, reading Segmentations) runs as
 * {@link BackgroundTask}s on the given {@link TaskExecutor}, and so do inference jobs ({@link #runInference}):
 * one background idiom, every callback on the UI thread. UI thread only.
 */
public final class AiViewModel {

    /** Where the images to run on come from: the active viewport of the window (or a test's list). */
    public interface ImageScope {
        /** The image in the active viewport; null when it shows none. */
        ImageSource current();

        /** Every image of the series in the active viewport. */
        List<ImageSource> series();

        /** Every image of the study in the active viewport. */
        List<ImageSource> study();

        /** The slice distance of the active series in mm, for volumes. */
        OptionalDouble sliceSpacing();

        /** Makes the active viewport show the image a result (by source id) was made from. */
        void show(String sourceId);
    }

    /**
     * The results of one image: its latest classification, segmentation, the mask drawn for it, and the volumes
     * of the latest run over several images that included it ("" when none).
     */
    public record ImageResults(ClassificationResult classification, SegmentationResult segmentation,
                               LabelMaskImage mask, String volumes) {
        static final ImageResults NONE = new ImageResults(null, null, null, "");

        ImageResults with(AiResult result) {
            return switch (result) {
                case ClassificationResult c -> new ImageResults(c, segmentation, mask, volumes);
                case SegmentationResult s -> new ImageResults(classification, s, Overlays.mask(s), volumes);
            };
        }

        /** The viewport's corner text: top class and model, or empty. */
        public String cornerText() {
            return classification == null ? "" : ClassificationPanel.cornerText(classification);
        }
    }

    private final TaskExecutor executor;
    private final ImageScope images;
    private final Map<String, ImageResults> results = new HashMap<>();
    private final ObjectProperty<String> activeImage = new SimpleObjectProperty<>(this, "activeImage");
    private final ReadOnlyObjectWrapper<ImageResults> shown = new ReadOnlyObjectWrapper<>(this, "shown", ImageResults.NONE);
    private final ObjectProperty<ModelEntry> selectedModel = new SimpleObjectProperty<>(this, "selectedModel");
    private final ObjectProperty<OverlayStyle> overlayStyle = new SimpleObjectProperty<>(this, "overlayStyle",
            OverlayStyle.DEFAULT);
    private final StringProperty status = new SimpleStringProperty(this, "status", "");
    /** The findings of the DICOM Structured Reports among the opened files. */
    private final ReportFindingsViewModel reportFindings = new ReportFindingsViewModel();
    private final StringProperty engine = new SimpleStringProperty(this, "engine", "Engine: chosen when the first job runs");
    private final ObjectProperty<NetworkPrecision> precision = new SimpleObjectProperty<>(this, "precision",
            NetworkPrecision.FLOAT32);
    private final ReadOnlyStringWrapper precisionAgreement = new ReadOnlyStringWrapper(this, "precisionAgreement", "");
    private final ObjectProperty<InferenceService.Job> currentJob = new SimpleObjectProperty<>(this, "currentJob");
    /** Maps a result's image source id (which may name a window) to the image key it belongs to. */
    private UnaryOperator<String> imageKeyOfSource = UnaryOperator.identity();
    /**
     * Inference jobs waiting for the running one, started in order as each ends. Chained here rather than all handed to
     * the executor at once, so that a waiting job does not hold one of its few workers (listing or an export would
     * then wait behind it); the InferenceService runs one job at a time in any case.
     */
    private final Deque<Runnable> waitingInference = new ArrayDeque<>();
    private boolean inferenceRunning;
    /** Called whenever any image's results change (the window repaints every viewport's overlay). */
    private Runnable onResultsChanged = () -> { };

    public AiViewModel(TaskExecutor executor, ImageScope images) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.images = Objects.requireNonNull(images, "images");
        activeImage.addListener((obs, o, n) -> refreshShown());
        precision.addListener((obs, o, n) -> precisionAgreement.set(agreementOf(n)));
    }

    public ImageScope images() {
        return images;
    }

    /** The findings of the opened Structured Reports that apply to what is on screen. */
    public ReportFindingsViewModel reportFindings() {
        return reportFindings;
    }

    public void setImageKeyOfSource(UnaryOperator<String> keyOfSource) {
        this.imageKeyOfSource = Objects.requireNonNull(keyOfSource);
    }

    public void setOnResultsChanged(Runnable listener) {
        this.onResultsChanged = Objects.requireNonNull(listener);
    }

    /** Keeps {@code result} with the image it was made from; shown only if that image is the active one. */
    public void record(AiResult result) {
        String key = imageKeyOfSource.apply(result.imageId());
        results.merge(key, ImageResults.NONE.with(result), (old, fresh) -> old.with(result));
        changed();
    }

    /** Keeps a mask read from a DICOM Segmentation for the image {@code key}. */
    public void recordMask(String key, LabelMaskImage mask) {
        ImageResults old = results.getOrDefault(key, ImageResults.NONE);
        results.put(key, new ImageResults(old.classification(), old.segmentation(), mask, old.volumes()));
        changed();
    }

    /** Keeps the volumes of a run over several images (by source id) with each of its images. */
    public void recordVolumes(List<String> sourceIds, String volumes) {
        for (String id : sourceIds) {
            String key = imageKeyOfSource.apply(id);
            ImageResults old = results.getOrDefault(key, ImageResults.NONE);
            results.put(key, new ImageResults(old.classification(), old.segmentation(), old.mask(), volumes));
        }
        changed();
    }

    private void changed() {
        refreshShown();
        onResultsChanged.run();
    }

    private void refreshShown() {
        String key = activeImage.get();
        shown.set(key == null ? ImageResults.NONE : results.getOrDefault(key, ImageResults.NONE));
    }

    /** The results of image {@code key}; all null when it has none. */
    public ImageResults resultsOf(String key) {
        return key == null ? ImageResults.NONE : results.getOrDefault(key, ImageResults.NONE);
    }

    /** The key of the image in the active viewport; null when it shows none. Set by the window. */
    public ObjectProperty<String> activeImageProperty() {
        return activeImage;
    }

    /** The results of the active image, as the panel shows them. */
    public ReadOnlyObjectProperty<ImageResults> shownProperty() {
        return shown.getReadOnlyProperty();
    }

    public ObjectProperty<ModelEntry> selectedModelProperty() {
        return selectedModel;
    }

    public ObjectProperty<OverlayStyle> overlayStyleProperty() {
        return overlayStyle;
    }

    /** The latest job submitted from the panel (Cancel stops it); null before the first. */
    public ObjectProperty<InferenceService.Job> currentJobProperty() {
        return currentJob;
    }

    /** The one line the panel shows about the latest job, export or import. */
    public StringProperty statusProperty() {
        return status;
    }

    /**
     * The line the panel shows about the engine: CUDA with the device's name and memory, or the CPU and why the GPU
     * is not used (no driver, a pre-Volta card, too little free memory, a failure during a run).
     */
    public StringProperty engineProperty() {
        return engine;
    }

    /**
     * The GPU engine's precision chosen in the panel: float32, or TF32 (faster, on Ampere or newer cards). The window
     * applies it to the inference service and keeps it in the settings; the CPU engine runs float32 whatever it says.
     */
    public ObjectProperty<NetworkPrecision> precisionProperty() {
        return precision;
    }

    /**
     * What the panel states under the precision choice: while TF32 is chosen, how closely it agreed with float32 when
     * measured ({@link PrecisionAgreement}), so that nobody chooses it without seeing what it changes; else empty.
     */
    public ReadOnlyStringProperty precisionAgreementProperty() {
        return precisionAgreement.getReadOnlyProperty();
    }

    private static String agreementOf(NetworkPrecision chosen) {
        return chosen == NetworkPrecision.TF32 ? PrecisionAgreement.tf32().sentence() : "";
    }

    /** Shows the engine a job runs on (UI thread). */
    public void showEngine(EngineChoice choice) {
        engine.set(choice.text());
    }

    /** The status line while a job runs: "series: 37 of 500 — 41.2 images/s — model attribution". */
    public static String progressText(InferenceService.Job job, int done) {
        return job.title() + ": " + done + " of " + job.total() + String.format(java.util.Locale.ROOT,
                " — %.1f images/s — ", job.imagesPerSecond()) + job.model().card().attribution();
    }

    /** The status line when a job ends: "series done after 500 of 500 at 41.2 images/s". */
    public static String endText(InferenceService.Job job) {
        return job.title() + " " + job.state().name().toLowerCase(java.util.Locale.ROOT) + " after " + job.done() + " of "
                + job.total() + String.format(java.util.Locale.ROOT, " at %.1f images/s", job.imagesPerSecond());
    }

    /** Flips the mask overlay's visibility (Ctrl/Cmd+M). */
    public void toggleOverlay() {
        overlayStyle.set(overlayStyle.get().withVisible(!overlayStyle.get().visible()));
    }

    /**
     * Runs {@code writing} in the background; the status line gets its result line, or "Not saved: " and why.
     */
    public TaskHandle write(Callable<String> writing, String title) {
        return BackgroundTask.wrap(writing)
                .withTitle(title)
                .onSuccess(status::set)
                .onFailure(e -> status.set("Not saved: " + e.getMessage()))
                .executeWith(executor);
    }

    /** Runs {@code work} in the background and hands its value to {@code done} on the UI thread. */
    public <V> TaskHandle background(String title, Callable<V> work, Consumer<? super V> done,
                                     Consumer<? super Exception> failed) {
        return BackgroundTask.wrap(work).withTitle(title).onSuccess(done).onFailure(failed).executeWith(executor);
    }

    /**
     * Queues a run of {@code model} on {@code images} as a {@link BackgroundTask}: it becomes the current job (Cancel
     * stops it between images), the status line says it is queued, and {@code listener} hears each image and the end
     * on the UI thread. The FX thread never waits for it.
     *
     * @throws ModelException when the model cannot run or the service's queue is full; nothing is queued then
     */
    public InferenceService.Job runInference(InferenceService service, String title, ModelEntry model,
                                             List<ImageSource> images, InferenceService.Listener listener)
            throws ModelException {
        InferenceService.Job job = service.enqueue(title, model, images);
        currentJob.set(job);
        status.set(title + ": queued behind " + (service.queue().size() - 1) + " job(s)");
        InferenceService.Listener onUiThread = new InferenceService.Listener() {
            @Override
            public void progress(InferenceService.Job j, int done, AiResult latest) {
                executor.runOnUiThread(() -> listener.progress(j, done, latest));
            }
        };
        Runnable start = () -> BackgroundTask.wrap(() -> {
                    service.run(job, onUiThread);
                    return job;
                })
                .withTitle(title)
                // onFinished, not onSuccess: it comes after every progress callback, for a cancelled job too.
                .onFinished(() -> {
                    inferenceRunning = false;
                    listener.finished(job);
                    startNextInference();
                })
                .executeWith(executor);
        waitingInference.add(start);
        startNextInference();
        return job;
    }

    private void startNextInference() {
        if (!inferenceRunning && !waitingInference.isEmpty()) {
            inferenceRunning = true;
            waitingInference.poll().run();
        }
    }

    /** The latest results of the given images in their order (each image's classification, then its mask). */
    public List<AiResult> resultsOf(List<String> keys) {
        return keys.stream().map(this::resultsOf)
                .flatMap(r -> java.util.stream.Stream.of(r.classification(), r.segmentation()))
                .filter(Objects::nonNull).map(AiResult.class::cast).toList();
    }

    /** The segmentation of image {@code key}, if one was run. */
    public Optional<SegmentationResult> segmentationOf(String key) {
        return Optional.ofNullable(resultsOf(key).segmentation());
    }
}
