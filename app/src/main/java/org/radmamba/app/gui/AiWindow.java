package org.radmamba.app.gui;

import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;
import javafx.scene.Scene;
import org.radmamba.app.ai.AiResult;
import org.radmamba.app.ai.ClassificationResult;
import org.radmamba.app.ai.ImageSource;
import org.radmamba.app.ai.InferenceService;
import org.radmamba.app.ai.ModelImporter;
import org.radmamba.app.ai.ModelLibrary;
import org.radmamba.app.ai.ResultExport;
import org.radmamba.app.ai.SegmentationResult;
import org.radmamba.app.ai.ViewerImages;
import org.radmamba.app.gui.ai.AiSidePanel;
import org.radmamba.app.gui.ai.ClassificationPanel;
import org.radmamba.app.gui.ai.Overlays;
import org.radmamba.app.gui.ai.Screenshots;
import org.radmamba.app.plugin.PluginPictureFormats;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;
import org.radmamba.viewer.fx.view.MainWindow;
import org.radmamba.viewer.fx.viewport.ImageViewport;
import org.radmamba.viewer.fx.settings.SettingsStore;
import org.radmamba.viewer.seg.Segmentation;
import org.radmamba.viewer.seg.SegmentationReader;
import org.radmamba.viewer.seg.SegmentationWriter;
import org.radmamba.viewer.seg.SourceFrame;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.InstanceKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The AI side of a main window, wired from the app so that the viewer module knows nothing of inference: the
 * {@link AiSidePanel} docked on the right, acting on the first viewport; one {@link InferenceService} per window;
 * each image's mask and classification kept by image, so that the viewport shows those of the slice on screen.
 * Exports (screenshot, JSON, CSV, mask PNG, DICOM SEG), model import and the scan-device preference live here;
 * DICOM Segmentations found among the opened files are shown as masks over the images they reference.
 * FX thread only; {@link #close()} when the window closes.
 */
public final class AiWindow implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AiWindow.class);

    /** The settings key of the scan device the user forced (auto, cpu, cuda). */
    public static final String SCAN_DEVICE_SETTING = "ai.scan.device";

    private final ViewerViewModel viewerModel;
    private final ViewportViewModel viewportModel;
    private final ImageViewport viewport;
    private final ViewerImages images;
    private final InferenceService service;
    private final ModelLibrary library;
    private final DicomReader dicom = DicomReaders.standard();
    private final AiSidePanel panel;
    /** Image source id (which may name a window) → the image it shows (instance and frame). */
    private final Map<String, String> imageOfSource = new HashMap<>();
    private final Map<String, LabelMaskImage> masks = new HashMap<>();
    private final Map<String, String> classifications = new HashMap<>();
    /** The latest result of each task per image, for the exports. */
    private final Map<String, SegmentationResult> segmentations = new HashMap<>();
    private final Map<String, ClassificationResult> classificationResults = new HashMap<>();
    private final Set<Path> segmentationsRead = new HashSet<>();

    public AiWindow(MainWindow window, ImageLoader loader, InferenceService service, ModelLibrary library) {
        this.viewerModel = window.viewModel();
        this.viewportModel = window.viewportViews().getFirst().viewModel();
        this.viewport = window.viewportViews().getFirst().viewport();
        this.images = new ViewerImages(loader);
        this.service = service;
        this.library = library;
        this.panel = new AiSidePanel(service, this::currentImage, this::seriesImages, this::showImage,
                viewport.maskLayer());
        panel.setStudyImages(this::studyImages);
        panel.setSliceSpacing(() -> {
            SeriesEntry entry = viewportModel.seriesProperty().get();
            return entry == null ? java.util.OptionalDouble.empty() : ViewerImages.sliceSpacing(entry.series().instances());
        });
        panel.setActions(new AiSidePanel.Actions() {
            @Override
            public Callable<String> export(AiSidePanel.Export what, Path target) throws IOException {
                return switch (what) {
                    case SCREENSHOT -> screenshotExport(target);
                    case JSON -> resultsExport(target, false);
                    case CSV -> resultsExport(target, true);
                    case MASK_PNG -> maskPngExport(target);
                    case DICOM_SEG -> {
                        Callable<SegmentationWriter.Written> writing = segmentationExport(target);
                        yield () -> writing.call().summary();
                    }
                };
            }

            @Override
            public void importModel(ModelImporter.Request request, java.util.function.Consumer<String> done) {
                AiWindow.this.importModel(request, done);
            }

            @Override
            public void setDevice(ScanDevicePreference preference) {
                service.setDevicePreference(preference);
                viewerModel.settings().store().put(SCAN_DEVICE_SETTING, preference.flag());
            }
        }, service.devicePreference());
        panel.setOnResult(this::remember);
        panel.setPrefWidth(340);
        panel.setMinWidth(300);
        window.setRight(panel);
        viewportModel.sliceProperty().addListener((obs, o, n) -> showResultsOfCurrentImage());
        viewportModel.seriesProperty().addListener((obs, o, n) -> showResultsOfCurrentImage());
        viewerModel.series().addListener((ListChangeListener<SeriesEntry>) change -> readSegmentationsOf(List.copyOf(viewerModel.series())));
        listModels(library);
    }

    /**
     * One window's AI with the standard model library and the scan device the user chose in the panel (kept in
     * the settings), else the one configured by property or environment, else automatic.
     */
    public static AiWindow standard(MainWindow window) {
        return standard(window, PluginRegistry.builtIns());
    }

    /** As {@link #standard(MainWindow)}, the networks built by the architectures of {@code plugins}. */
    public static AiWindow standard(MainWindow window, PluginRegistry plugins) {
        SettingsStore store = window.viewModel().settings().store();
        ScanDevicePreference preference = store.get(SCAN_DEVICE_SETTING).flatMap(AiWindow::parsePreference)
                .orElseGet(ScanDevicePreference::configured);
        return new AiWindow(window, new ImageLoader(new PluginPictureFormats(plugins)),
                new InferenceService(preference, 8, Platform::runLater, plugins), ModelLibrary.standard(plugins));
    }

    private static Optional<ScanDevicePreference> parsePreference(String text) {
        try {
            return Optional.of(ScanDevicePreference.parse(text));
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring the stored scan device '{}': {}", text, e.getMessage());
            return Optional.empty();
        }
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
        listModels(library, null);
    }

    private void listModels(ModelLibrary library, String select) {
        // Listing hashes the weights: off the FX thread.
        Task<ModelLibrary.Listing> listing = new Task<>() {
            @Override
            protected ModelLibrary.Listing call() {
                return library.list();
            }
        };
        listing.setOnSucceeded(e -> {
            panel.showModels(listing.getValue());
            if (select != null) {
                panel.selectModel(select);
            }
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
        return imagesOf(viewportModel.seriesProperty().get());
    }

    private List<ImageSource> imagesOf(SeriesEntry entry) {
        if (entry == null || !entry.isDisplayable() || isSegmentation(entry)) {
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

    /** Every image of every series of the study on screen (Segmentations left out). */
    private List<ImageSource> studyImages() {
        SeriesEntry shown = viewportModel.seriesProperty().get();
        if (shown == null) {
            return List.of();
        }
        List<ImageSource> out = new ArrayList<>();
        for (SeriesEntry entry : viewerModel.series()) {
            if (entry.study().studyInstanceUid().equals(shown.study().studyInstanceUid())
                    && entry.patient().patientId().equals(shown.patient().patientId())) {
                out.addAll(imagesOf(entry));
            }
        }
        return out;
    }

    private static boolean isSegmentation(SeriesEntry entry) {
        return entry.series().instances().stream().anyMatch(i -> SegmentationReader.isSegmentation(i.sopClassUid()));
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
            case SegmentationResult s -> {
                masks.put(key, Overlays.mask(s));
                segmentations.put(key, s);
            }
            case ClassificationResult c -> {
                classifications.put(key, ClassificationPanel.cornerText(c));
                classificationResults.put(key, c);
            }
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

    /** The results of the series on screen in slice order (the image on screen when it is not in a series). */
    private List<AiResult> resultsOfSeries() {
        SeriesEntry entry = viewportModel.seriesProperty().get();
        List<AiResult> out = new ArrayList<>();
        if (entry != null) {
            for (SeriesEntry.Slice s : entry.slices()) {
                String key = imageKey(entry, s);
                Optional.ofNullable(classificationResults.get(key)).ifPresent(out::add);
                Optional.ofNullable(segmentations.get(key)).ifPresent(out::add);
            }
        }
        return out;
    }

    /*
     * Each export gathers what it needs on the FX thread and returns the writing, which the panel runs in the
     * background; its result is the line the panel shows.
     */

    /** A PNG of the viewport as shown: image, mask, corner texts. */
    public Callable<String> screenshotExport(Path target) {
        BufferedImage shot = Screenshots.capture(viewport);
        return () -> {
            Screenshots.writePng(shot, target);
            return "Screenshot saved to " + target;
        };
    }

    /** The series' results as JSON or CSV, each with its model's attribution. */
    public Callable<String> resultsExport(Path target, boolean csv) throws IOException {
        List<AiResult> results = resultsOfSeries();
        if (results.isEmpty()) {
            throw new IOException("No results on this series to export: run a model first.");
        }
        return () -> {
            ResultExport.writeText(csv ? ResultExport.toCsv(results) : ResultExport.toJson(results), target);
            return results.size() + " result(s) saved to " + target;
        };
    }

    /** The mask of the image on screen as a label PNG (0 background, k for class k). */
    public Callable<String> maskPngExport(Path target) throws IOException {
        SeriesEntry entry = viewportModel.seriesProperty().get();
        SegmentationResult result = currentSlice().map(s -> segmentations.get(imageKey(entry, s))).orElse(null);
        if (result == null) {
            throw new IOException("No mask on the image shown: run a segmentation model first.");
        }
        return () -> {
            ResultExport.writeMaskPng(result.mask(), target);
            return "Mask saved to " + target;
        };
    }

    /**
     * The masks of the series on screen as one DICOM Segmentation referencing its source images (DICOM images
     * only; one model's classes).
     */
    public Callable<SegmentationWriter.Written> segmentationExport(Path target) throws IOException {
        SeriesEntry entry = viewportModel.seriesProperty().get();
        List<SegmentationWriter.SourceMask> sourceMasks = new ArrayList<>();
        SegmentationResult first = null;
        if (entry != null) {
            for (SeriesEntry.Slice s : entry.slices()) {
                SegmentationResult result = segmentations.get(imageKey(entry, s));
                if (result == null) {
                    continue;
                }
                Instance instance = entry.instance(s.instanceIndex());
                if (instance.kind() != InstanceKind.DICOM_IMAGE) {
                    throw new IOException("A DICOM Segmentation needs DICOM images; save the mask of a photograph as PNG.");
                }
                if (first == null) {
                    first = result;
                } else if (!first.modelId().equals(result.modelId())) {
                    throw new IOException("The series holds masks of two models (" + first.modelId() + ", "
                            + result.modelId() + "); run one model on the series to export them together.");
                }
                sourceMasks.add(new SegmentationWriter.SourceMask(instance.file(), s.frame() + 1, result.mask().labels()));
            }
        }
        if (first == null) {
            throw new IOException("No masks on this series to export: run a segmentation model first.");
        }
        SegmentationWriter.Request request = new SegmentationWriter.Request(sourceMasks, first.labels(),
                first.attribution(), "RadMamba: " + first.attribution());
        return () -> new SegmentationWriter(dicom).write(request, target);
    }

    /** Imports a checkpoint off the FX thread, then lists the models again with the new one chosen. */
    public void importModel(ModelImporter.Request request, java.util.function.Consumer<String> done) {
        Task<String> task = new Task<>() {
            @Override
            protected String call() throws Exception {
                return library.importCheckpoint(request).card().id();
            }
        };
        task.setOnSucceeded(e -> {
            listModels(library, task.getValue());
            done.accept("Imported " + request.name() + ".");
        });
        task.setOnFailed(e -> {
            LOG.warn("Model import failed: {}", task.getException().getMessage());
            done.accept("Not imported: " + task.getException().getMessage());
        });
        Thread.ofVirtual().name("model-import").start(task);
    }

    /** Reads the DICOM Segmentations among the opened series (once each) and shows them over their sources. */
    private void readSegmentationsOf(List<SeriesEntry> entries) {
        List<Path> files = new ArrayList<>();
        for (SeriesEntry entry : entries) {
            for (Instance instance : entry.series().instances()) {
                if (SegmentationReader.isSegmentation(instance.sopClassUid()) && segmentationsRead.add(instance.file())) {
                    files.add(instance.file());
                }
            }
        }
        if (files.isEmpty()) {
            return;
        }
        Task<List<Segmentation>> reading = new Task<>() {
            @Override
            protected List<Segmentation> call() throws IOException {
                SegmentationReader reader = new SegmentationReader(dicom);
                List<Segmentation> out = new ArrayList<>();
                for (Path file : files) {
                    try {
                        out.add(reader.read(file));
                    } catch (IOException e) {
                        LOG.warn("Segmentation not shown: {}", e.getMessage());
                    }
                }
                return out;
            }
        };
        reading.setOnSucceeded(e -> {
            for (Segmentation seg : reading.getValue()) {
                for (SourceFrame source : seg.sources()) {
                    String key = ViewerImages.imageId(source.sopInstanceUid(), source.frameNumber() - 1);
                    masks.put(key, new LabelMaskImage(seg.columns(), seg.rows(), seg.labels(source).orElseThrow(),
                            seg.labelNames()));
                }
            }
            showResultsOfCurrentImage();
        });
        reading.setOnFailed(e -> LOG.error("Reading Segmentations failed", reading.getException()));
        Thread.ofVirtual().name("segmentation-reading").start(reading);
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
