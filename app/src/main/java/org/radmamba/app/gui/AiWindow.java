package org.radmamba.app.gui;

import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.scene.Scene;
import org.radmamba.app.ai.AiResult;
import org.radmamba.app.ai.ClassificationResult;
import org.radmamba.app.ai.ImageSource;
import org.radmamba.app.ai.InferenceService;
import org.radmamba.app.ai.ModelLibrary;
import org.radmamba.app.ai.SegmentationResult;
import org.radmamba.app.ai.ViewerImages;
import org.radmamba.app.gui.ai.AiSidePanel;
import org.radmamba.app.gui.ai.ClassificationPanel;
import org.radmamba.app.gui.ai.Overlays;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;
import org.radmamba.viewer.fx.view.MainWindow;
import org.radmamba.viewer.fx.viewport.ImageViewport;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AI side of a main window, wired from the app so that the viewer module knows nothing of inference: the
 * {@link AiSidePanel} docked on the right, acting on the first viewport; one {@link InferenceService} per window;
 * each image's mask and classification kept by image, so that the viewport shows those of the slice on screen.
 * FX thread only; {@link #close()} when the window closes.
 */
public final class AiWindow implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AiWindow.class);

    private final ViewportViewModel viewportModel;
    private final ImageViewport viewport;
    private final ViewerImages images;
    private final InferenceService service;
    private final AiSidePanel panel;
    /** Image source id (which may name a window) → the image it shows (instance and frame). */
    private final Map<String, String> imageOfSource = new HashMap<>();
    private final Map<String, LabelMaskImage> masks = new HashMap<>();
    private final Map<String, String> classifications = new HashMap<>();

    public AiWindow(MainWindow window, ImageLoader loader, InferenceService service, ModelLibrary library) {
        this.viewportModel = window.viewportViews().getFirst().viewModel();
        this.viewport = window.viewportViews().getFirst().viewport();
        this.images = new ViewerImages(loader);
        this.service = service;
        this.panel = new AiSidePanel(service, this::currentImage, this::seriesImages, this::showImage,
                viewport.maskLayer());
        panel.setOnResult(this::remember);
        panel.setPrefWidth(300);
        window.setRight(panel);
        viewportModel.sliceProperty().addListener((obs, o, n) -> showResultsOfCurrentImage());
        viewportModel.seriesProperty().addListener((obs, o, n) -> showResultsOfCurrentImage());
        listModels(library);
    }

    /** One window's AI with the configured scan device and the standard model library. */
    public static AiWindow standard(MainWindow window) {
        return standard(window, PluginRegistry.builtIns());
    }

    /** As {@link #standard(MainWindow)}, the networks built by the architectures of {@code plugins}. */
    public static AiWindow standard(MainWindow window, PluginRegistry plugins) {
        return new AiWindow(window, new ImageLoader(),
                new InferenceService(ScanDevicePreference.configured(), 8, Platform::runLater, plugins),
                ModelLibrary.standard());
    }

    /** The image on screen with the window on screen, for plugin tools; empty when there is none. */
    public Optional<ImageSource> imageOnScreen() {
        return Optional.ofNullable(currentImage());
    }

    /** Binds the overlay toggle (Ctrl/Cmd+M) in {@code scene}. */
    public void bindShortcuts(Scene scene) {
        scene.getAccelerators().put(AiSidePanel.TOGGLE_OVERLAY, panel::toggleOverlay);
    }

    private void listModels(ModelLibrary library) {
        // Listing hashes the weights: off the FX thread.
        Task<ModelLibrary.Listing> listing = new Task<>() {
            @Override
            protected ModelLibrary.Listing call() {
                return library.list();
            }
        };
        listing.setOnSucceeded(e -> {
            panel.showModels(listing.getValue());
            listing.getValue().problems().forEach(p -> LOG.warn("Model library: {}", p));
        });
        listing.setOnFailed(e -> LOG.error("Listing the models failed", listing.getException()));
        Thread.ofVirtual().name("model-listing").start(listing);
    }

    private Optional<SeriesEntry.Slice> currentSlice() {
        SeriesEntry entry = viewportModel.seriesProperty().get();
        int slice = viewportModel.sliceProperty().get();
        if (entry == null || !entry.isDisplayable() || slice < 0 || slice >= entry.slices().size()) {
            return Optional.empty();
        }
        return Optional.of(entry.slices().get(slice));
    }

    private String imageKey(SeriesEntry entry, SeriesEntry.Slice slice) {
        return images.source(entry.instance(slice.instanceIndex()), slice.frame(), Optional.empty()).id();
    }

    /** The image on screen with the window on screen (null when none: the panel then says there is no image). */
    private ImageSource currentImage() {
        SeriesEntry entry = viewportModel.seriesProperty().get();
        return currentSlice().map(s -> {
            Instance instance = entry.instance(s.instanceIndex());
            ImageSource source = images.source(instance, s.frame(), Optional.ofNullable(viewportModel.voiProperty().get()));
            imageOfSource.put(source.id(), imageKey(entry, s));
            return source;
        }).orElse(null);
    }

    private List<ImageSource> seriesImages() {
        SeriesEntry entry = viewportModel.seriesProperty().get();
        if (entry == null || !entry.isDisplayable()) {
            return List.of();
        }
        List<ImageSource> out = new ArrayList<>();
        for (SeriesEntry.Slice s : entry.slices()) {
            ImageSource source = images.source(entry.instance(s.instanceIndex()), s.frame(), Optional.empty());
            imageOfSource.put(source.id(), source.id());
            out.add(source);
        }
        return out;
    }

    /** Jumps to the slice that shows the image a result (by source id) was made from. */
    private void showImage(String sourceId) {
        String key = imageOfSource.getOrDefault(sourceId, sourceId);
        SeriesEntry entry = viewportModel.seriesProperty().get();
        if (entry == null) {
            return;
        }
        for (int i = 0; i < entry.slices().size(); i++) {
            if (imageKey(entry, entry.slices().get(i)).equals(key)) {
                viewportModel.setSlice(i);
                return;
            }
        }
    }

    private void remember(AiResult result) {
        String key = imageOfSource.getOrDefault(result.imageId(), result.imageId());
        switch (result) {
            case SegmentationResult s -> masks.put(key, Overlays.mask(s));
            case ClassificationResult c -> classifications.put(key, ClassificationPanel.cornerText(c));
        }
        // The panel drew the latest result; a series run must still show the mask of the slice on screen.
        showResultsOfCurrentImage();
    }

    private void showResultsOfCurrentImage() {
        SeriesEntry entry = viewportModel.seriesProperty().get();
        String key = currentSlice().map(s -> imageKey(entry, s)).orElse(null);
        viewport.maskLayer().setMask(key == null ? null : masks.get(key));
        viewport.resultTextProperty().set(key == null ? "" : classifications.getOrDefault(key, ""));
    }

    public AiSidePanel panel() {
        return panel;
    }

    public InferenceService service() {
        return service;
    }

    @Override
    public void close() {
        service.close();
    }
}
