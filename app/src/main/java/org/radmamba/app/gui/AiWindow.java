package org.radmamba.app.gui;

import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.scene.Scene;
import org.radmamba.app.ai.AiDicomExport;
import org.radmamba.app.gui.ai.ResultSenderViewModel;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.app.ai.AiResult;
import org.radmamba.app.ai.ClassificationResult;
import org.radmamba.app.ai.ModelCard;
import org.radmamba.app.ai.ModelEntry;
import org.radmamba.app.ai.ImageSource;
import org.radmamba.app.ai.InferenceService;
import org.radmamba.app.ai.ModelImporter;
import org.radmamba.app.ai.ModelLibrary;
import org.radmamba.app.ai.ResultExport;
import org.radmamba.app.ai.SegmentationResult;
import org.radmamba.app.ai.ViewerImages;
import org.radmamba.app.gui.ai.AiSidePanel;
import org.radmamba.app.gui.ai.AiViewModel;
import org.radmamba.app.gui.ai.Screenshots;
import org.radmamba.app.plugin.PluginPictureFormats;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.fx.view.ViewportView;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;
import org.radmamba.viewer.fx.view.MainWindow;
import org.radmamba.viewer.fx.viewport.ImageViewport;
import org.radmamba.viewer.fx.settings.SettingsStore;
import org.radmamba.viewer.seg.Segmentation;
import org.radmamba.viewer.seg.SegmentationReader;
import org.radmamba.viewer.seg.SegmentationWriter;
import org.radmamba.viewer.seg.SourceFrame;
import org.radmamba.viewer.sr.MeasurementReport;
import org.radmamba.viewer.sr.MeasurementReportReader;
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
import java.util.function.Function;

/**
 * The AI side of a main window, wired from the app so that the viewer module knows nothing of inference: the
 * {@link AiSidePanel} docked on the right, acting on the ACTIVE viewport; one {@link InferenceService} per window;
 * the AI state in one {@link AiViewModel}, which keeps each image's results by image and shows those of the image
 * in the active viewport; each viewport's overlay shows the results of its own image (written in one place,
 * {@link #paintOverlays()}).
 * Exports (screenshot, JSON, CSV, mask PNG, DICOM SEG, DICOM SR), model import, the scan-device preference and the
 * GPU engine's precision (both kept in the settings) live here; DICOM Segmentations found among the opened files are
 * shown as masks over the images they reference, and the findings of DICOM Structured Reports beside the images they
 * reference.
 * FX thread only; {@link #close()} when the window closes.
 */
public final class AiWindow implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AiWindow.class);

    /** The settings key of the scan device the user forced (auto, cpu, cuda). */
    public static final String SCAN_DEVICE_SETTING = "ai.scan.device";
    /** The settings key of the GPU engine's precision the user chose (float32, tf32). */
    public static final String GPU_PRECISION_SETTING = "ai.gpu.precision";

    private final MainWindow window;
    private final ViewerViewModel viewerModel;
    private final ViewerImages images;
    private final InferenceService service;
    private final ModelLibrary library;
    private final DicomReader dicom = DicomReaders.standard();
    /** Runs this window's AI housekeeping (listing, import, export, reading Segmentations); closed with it. */
    private final FxTaskExecutor executor = new FxTaskExecutor(2);
    private final AiViewModel viewModel;
    private final AiSidePanel panel;
    private final ResultSenderViewModel sender;
    private final java.util.concurrent.ExecutorService sendExecutor;
    /** Image source id (which may name a window) → the image it shows (instance and frame). */
    private final Map<String, String> imageOfSource = new HashMap<>();
    private final Set<Path> segmentationsRead = new HashSet<>();
    private final Set<Path> reportsRead = new HashSet<>();
    /** The models as last listed, for the card of a result's model (name, hash) in a report. */
    private ModelLibrary.Listing listing = new ModelLibrary.Listing(List.of(), List.of());

    public AiWindow(MainWindow window, ImageLoader loader, InferenceService service, ModelLibrary library) {
        this.window = window;
        this.viewerModel = window.viewModel();
        this.images = new ViewerImages(loader);
        this.service = service;
        this.library = library;
        this.viewModel = new AiViewModel(executor, new ActiveViewportImages());
        viewModel.setImageKeyOfSource(id -> imageOfSource.getOrDefault(id, id));
        viewModel.setOnResultsChanged(this::paintOverlays);
        viewModel.overlayStyleProperty().addListener((obs, o, n) -> paintOverlays());
        this.panel = new AiSidePanel(service, viewModel);
        // The precision the user chose last time; the service this window was given runs float32 until told.
        SettingsStore store = viewerModel.settings().store();
        stored(store, GPU_PRECISION_SETTING, NetworkPrecision::parse).ifPresent(service::setPrecision);
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
                    case DICOM_SR -> {
                        Callable<AiDicomExport.Written> writing = structuredReportExport(target);
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
                store.put(SCAN_DEVICE_SETTING, preference.flag());
            }

            @Override
            public void setPrecision(NetworkPrecision precision) {
                service.setPrecision(precision);
                store.put(GPU_PRECISION_SETTING, precision.label());
            }
        }, service.devicePreference(), service.precision());
        // Send, beside Export: the same SR (and SEG) as Export > DICOM SR writes, to a configured node.
        sendExecutor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        this.sender = new ResultSenderViewModel(NodeDirectory.forUser(), sendExecutor,
                javafx.application.Platform::runLater, NetworkTimeouts.DEFAULT, this::structuredReportExport);
        panel.showSender(sender);
        panel.setPrefWidth(340);
        panel.setMinWidth(300);
        window.setRight(panel);
        // Whatever changes the image in any viewport, or which viewport is active, changes what the AI shows.
        for (ViewportViewModel vp : viewerModel.viewports()) {
            vp.sliceProperty().addListener((obs, o, n) -> followActiveImage());
            vp.seriesProperty().addListener((obs, o, n) -> followActiveImage());
        }
        viewerModel.activeViewportProperty().addListener((obs, o, n) -> followActiveImage());
        viewerModel.layoutProperty().addListener((obs, o, n) -> followActiveImage());
        // The MPR shows the masks of its series' slices in all three planes.
        viewerModel.mprProperty().addListener((obs, o, n) -> paintOverlays());
        viewerModel.series().addListener((ListChangeListener<SeriesEntry>) change -> {
            readSegmentationsOf(List.copyOf(viewerModel.series()));
            readReportsOf(List.copyOf(viewerModel.series()));
        });
        followActiveImage();
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
        ScanDevicePreference preference = stored(store, SCAN_DEVICE_SETTING, ScanDevicePreference::parse)
                .orElseGet(ScanDevicePreference::configured);
        return new AiWindow(window, new ImageLoader(new PluginPictureFormats(plugins)),
                new InferenceService(preference, 8, plugins), ModelLibrary.standard(plugins));
    }

    /** The setting {@code key} as {@code parse} reads it; empty when unset or no longer valid (which is logged). */
    private static <T> Optional<T> stored(SettingsStore store, String key, Function<String, T> parse) {
        return store.get(key).flatMap(text -> {
            try {
                return Optional.of(parse.apply(text));
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring the stored {} '{}': {}", key, text, e.getMessage());
                return Optional.empty();
            }
        });
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
        viewModel.background("Listing the models", library::list, listing -> {
            this.listing = listing;
            panel.showModels(listing);
            if (select != null) {
                panel.selectModel(select);
            }
            listing.problems().forEach(p -> LOG.warn("Model library: {}", p));
        }, e -> LOG.error("Listing the models failed", e));
    }

    private ViewportViewModel active() {
        return viewerModel.activeViewport();
    }

    private static Optional<SeriesEntry.Slice> sliceOf(ViewportViewModel viewport) {
        SeriesEntry entry = viewport.seriesProperty().get();
        int slice = viewport.sliceProperty().get();
        if (entry == null || !entry.isDisplayable() || slice < 0 || slice >= entry.slices().size()) {
            return Optional.empty();
        }
        return Optional.of(entry.slices().get(slice));
    }

    private String imageKey(SeriesEntry entry, SeriesEntry.Slice slice) {
        return images.source(entry.instance(slice.instanceIndex()), slice.frame(), Optional.empty()).id();
    }

    /** The key of the image {@code viewport} shows; null when it shows none. */
    private String imageKeyOf(ViewportViewModel viewport) {
        SeriesEntry entry = viewport.seriesProperty().get();
        return sliceOf(viewport).map(s -> imageKey(entry, s)).orElse(null);
    }

    /** The image in the active viewport with its window (null when none: the panel then says there is no image). */
    private ImageSource currentImage() {
        ViewportViewModel viewport = active();
        SeriesEntry entry = viewport.seriesProperty().get();
        return sliceOf(viewport).map(s -> {
            Instance instance = entry.instance(s.instanceIndex());
            ImageSource source = images.source(instance, s.frame(), Optional.ofNullable(viewport.voiProperty().get()));
            imageOfSource.put(source.id(), imageKey(entry, s));
            return source;
        }).orElse(null);
    }

    /** The AI acts on the active viewport: its image, its series, its study. */
    private final class ActiveViewportImages implements AiViewModel.ImageScope {
        @Override
        public ImageSource current() {
            return currentImage();
        }

        @Override
        public List<ImageSource> series() {
            return imagesOf(active().seriesProperty().get());
        }

        @Override
        public List<ImageSource> study() {
            return studyImages();
        }

        @Override
        public java.util.OptionalDouble sliceSpacing() {
            SeriesEntry entry = active().seriesProperty().get();
            return entry == null ? java.util.OptionalDouble.empty() : ViewerImages.sliceSpacing(entry.series().instances());
        }

        @Override
        public void show(String sourceId) {
            showImage(sourceId);
        }
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
        SeriesEntry shown = active().seriesProperty().get();
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
        ViewportViewModel viewportModel = active();
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

    /**
     * The view model shows the results of the image in the active viewport, and the findings of the reports that
     * reference it, or of the reports whose series the viewport shows.
     */
    private void followActiveImage() {
        String key = imageKeyOf(active());
        viewModel.activeImageProperty().set(key);
        SeriesEntry entry = active().seriesProperty().get();
        List<Path> reportsShown = entry == null ? List.of() : entry.series().instances().stream()
                .filter(i -> MeasurementReportReader.isStructuredReport(i.sopClassUid())).map(Instance::file).toList();
        viewModel.reportFindings().show(key, reportsShown);
        paintOverlays();
    }

    /**
     * The one place that writes the overlays: each viewport shows the mask and class of the image it shows (a
     * result is kept by image, so a viewport that is not active keeps its own), in the view model's style.
     */
    private void paintOverlays() {
        List<ViewportView> views = window.viewportViews();
        for (int i = 0; i < views.size(); i++) {
            AiViewModel.ImageResults results = viewModel.resultsOf(imageKeyOf(viewerModel.viewport(i)));
            ImageViewport viewport = views.get(i).viewport();
            viewport.maskLayer().setMask(results.mask());
            viewport.maskLayer().setStyle(viewModel.overlayStyleProperty().get());
            viewport.resultTextProperty().set(results.cornerText());
        }
        org.radmamba.viewer.fx.model.MprViewModel mpr = viewerModel.mprProperty().get();
        if (mpr != null) {
            SeriesEntry entry = mpr.images().entry();
            mpr.showMasks(slice -> viewModel.resultsOf(imageKey(entry, slice)).mask(),
                    viewModel.overlayStyleProperty().get());
        }
    }

    /** The results of the series on screen in slice order (the image on screen when it is not in a series). */
    private List<AiResult> resultsOfSeries() {
        SeriesEntry entry = active().seriesProperty().get();
        List<String> keys = new ArrayList<>();
        if (entry != null) {
            for (SeriesEntry.Slice s : entry.slices()) {
                keys.add(imageKey(entry, s));
            }
        }
        return viewModel.resultsOf(keys);
    }

    /*
     * Each export gathers what it needs on the FX thread and returns the writing, which the panel runs in the
     * background; its result is the line the panel shows.
     */

    /** A PNG of the viewport as shown: image, mask, corner texts. */
    public Callable<String> screenshotExport(Path target) {
        BufferedImage shot = Screenshots.capture(window.viewportViews().get(viewerModel.viewports().indexOf(active())).viewport());
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
        SegmentationResult result = viewModel.segmentationOf(imageKeyOf(active())).orElse(null);
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
        SeriesEntry entry = active().seriesProperty().get();
        List<SegmentationWriter.SourceMask> sourceMasks = new ArrayList<>();
        SegmentationResult first = null;
        if (entry != null) {
            for (SeriesEntry.Slice s : entry.slices()) {
                SegmentationResult result = viewModel.segmentationOf(imageKey(entry, s)).orElse(null);
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

    /**
     * The results of the series on screen as DICOM that a PACS keeps: a classification as a Structured Report at
     * {@code target}; masks as a DICOM Segmentation beside it and a report of their volumes (areas for one image).
     * One model's results of one task, of DICOM images only.
     */
    public Callable<AiDicomExport.Written> structuredReportExport(Path target) throws IOException {
        SeriesEntry entry = active().seriesProperty().get();
        List<AiDicomExport.Sourced<ClassificationResult>> classifications = new ArrayList<>();
        List<AiDicomExport.Sourced<SegmentationResult>> masks = new ArrayList<>();
        Set<String> models = new java.util.LinkedHashSet<>();
        if (entry != null) {
            for (SeriesEntry.Slice s : entry.slices()) {
                AiViewModel.ImageResults results = viewModel.resultsOf(imageKey(entry, s));
                if (results.classification() == null && results.segmentation() == null) {
                    continue;
                }
                Instance instance = entry.instance(s.instanceIndex());
                if (instance.kind() != InstanceKind.DICOM_IMAGE) {
                    throw new IOException("A DICOM SR needs DICOM images; save the results of a photograph as JSON or CSV.");
                }
                if (results.classification() != null) {
                    classifications.add(new AiDicomExport.Sourced<>(instance.file(), s.frame() + 1, results.classification()));
                    models.add(results.classification().modelId());
                }
                if (results.segmentation() != null) {
                    masks.add(new AiDicomExport.Sourced<>(instance.file(), s.frame() + 1, results.segmentation()));
                    models.add(results.segmentation().modelId());
                }
            }
        }
        if (models.isEmpty()) {
            throw new IOException("No results on this series to export: run a model first.");
        }
        if (models.size() > 1) {
            throw new IOException("The series holds results of " + models.size() + " models (" + String.join(", ", models)
                    + "); one DICOM SR holds one model's results: run one model on the series to export them.");
        }
        String modelId = models.iterator().next();
        ModelCard card = listing.models().stream().map(ModelEntry::card).filter(c -> c.id().equals(modelId)).findFirst()
                .orElseThrow(() -> new IOException("The model " + modelId + " is no longer in the library; its name"
                        + " and checkpoint hash, which a DICOM SR states, are unknown."));
        java.util.OptionalDouble spacing = entry == null ? java.util.OptionalDouble.empty()
                : ViewerImages.sliceSpacing(entry.series().instances());
        return classifications.isEmpty()
                ? () -> AiDicomExport.segmentation(dicom, card, masks, spacing, target)
                : () -> AiDicomExport.classification(dicom, card, classifications, target);
    }

    /** Imports a checkpoint off the FX thread, then lists the models again with the new one chosen. */
    public void importModel(ModelImporter.Request request, java.util.function.Consumer<String> done) {
        viewModel.background("Importing " + request.name(), () -> library.importCheckpoint(request).card().id(), id -> {
            listModels(library, id);
            done.accept("Imported " + request.name() + ".");
        }, e -> {
            LOG.warn("Model import failed: {}", e.getMessage());
            done.accept("Not imported: " + e.getMessage());
        });
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
        viewModel.background("Reading Segmentations", () -> {
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
        }, read -> {
            for (Segmentation seg : read) {
                for (SourceFrame source : seg.sources()) {
                    String key = ViewerImages.imageId(source.sopInstanceUid(), source.frameNumber() - 1);
                    viewModel.recordMask(key, new LabelMaskImage(seg.columns(), seg.rows(),
                            seg.labels(source).orElseThrow(), seg.labelNames()));
                }
            }
        }, e -> LOG.error("Reading Segmentations failed", e));
    }

    /**
     * Reads the DICOM Structured Reports among the opened series (once each): their findings show beside the images
     * they reference, and beside nothing when their own series is shown; one that cannot be read shows why.
     */
    private void readReportsOf(List<SeriesEntry> entries) {
        List<Path> files = new ArrayList<>();
        for (SeriesEntry entry : entries) {
            for (Instance instance : entry.series().instances()) {
                if (MeasurementReportReader.isStructuredReport(instance.sopClassUid()) && reportsRead.add(instance.file())) {
                    files.add(instance.file());
                }
            }
        }
        if (files.isEmpty()) {
            return;
        }
        record Outcome(Path file, MeasurementReport report, String failure) {
        }
        viewModel.background("Reading Structured Reports", () -> {
            MeasurementReportReader reader = new MeasurementReportReader(dicom);
            List<Outcome> out = new ArrayList<>();
            for (Path file : files) {
                try {
                    out.add(new Outcome(file, reader.read(file), null));
                } catch (IOException e) {
                    LOG.warn("Structured Report not shown: {}", e.getMessage());
                    out.add(new Outcome(file, null, e.getMessage()));
                } catch (RuntimeException e) {
                    // A hostile tree must not take the window down: the report is refused, the rest goes on.
                    LOG.warn("Structured Report not shown: {}", file, e);
                    out.add(new Outcome(file, null, file + ": cannot be read as a Structured Report (" + e + ")"));
                }
            }
            return out;
        }, read -> {
            for (Outcome o : read) {
                if (o.report() != null) {
                    viewModel.reportFindings().record(o.report());
                } else {
                    viewModel.reportFindings().recordFailure(o.file(), o.failure());
                }
            }
        }, e -> LOG.error("Reading Structured Reports failed", e));
    }

    public AiSidePanel panel() {
        return panel;
    }

    public InferenceService service() {
        return service;
    }

    public AiViewModel viewModel() {
        return viewModel;
    }

    public ResultSenderViewModel sender() {
        return sender;
    }

    @Override
    public void close() {
        sendExecutor.shutdownNow();
        service.close();
        executor.close();
    }
}
