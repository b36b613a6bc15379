package org.radmamba.app.gui.ai;

import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.stage.FileChooser;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.radmamba.app.ai.AiResult;
import org.radmamba.app.ai.ClassificationResult;
import org.radmamba.app.ai.ImageSource;
import org.radmamba.app.ai.InferenceService;
import org.radmamba.app.ai.ModelEntry;
import org.radmamba.app.ai.Labels;
import org.radmamba.app.ai.ModelException;
import org.radmamba.app.ai.ModelImporter;
import org.radmamba.app.ai.ModelLibrary;
import org.radmamba.app.ai.SegmentationResult;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.viewer.fx.view.ElidedText;
import org.radmamba.viewer.fx.overlay.MaskLegend;
import org.radmamba.viewer.fx.task.TaskHandle;
import org.radmamba.viewer.fx.overlay.OverlayStyle;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The AI side panel: choose a model, run it on the image shown or the whole series, watch per-image progress and
 * the queue, cancel; see class bars or the mask (opacity, outline-only, visibility with {@link #TOGGLE_OVERLAY}),
 * and per-image results of a series. The inference service calls back through {@code Platform::runLater}; nothing
 * here runs a model. The panel only binds to its {@link AiViewModel}: the images it runs on are the active
 * viewport's, the results it shows those of the image there, and the window draws the overlay.
 */
public final class AiSidePanel extends VBox {

    /** Shows or hides the mask overlay. */
    public static final KeyCombination TOGGLE_OVERLAY = new KeyCodeCombination(KeyCode.M, KeyCombination.SHORTCUT_DOWN);

    /** What the Export menu writes. */
    public enum Export {
        SCREENSHOT("Screenshot with overlays (PNG)…", "png"),
        JSON("Results of the series (JSON)…", "json"),
        CSV("Results of the series (CSV)…", "csv"),
        MASK_PNG("Mask of this image (label PNG)…", "png"),
        DICOM_SEG("Masks of the series (DICOM SEG)…", "dcm"),
        /** A Structured Report (TID 1500) of the series' results; for masks, with their DICOM SEG beside it. */
        DICOM_SR("Results of the series (DICOM SR)…", "dcm");

        private final String title;
        private final String extension;

        Export(String title, String extension) {
            this.title = title;
            this.extension = extension;
        }
    }

    /** What the window does for the panel's export, import and device controls. */
    public interface Actions {
        /** Gathers on the FX thread what {@code what} needs; the returned writing runs in the background. */
        Callable<String> export(Export what, Path target) throws IOException;

        /** Imports off the FX thread; {@code done} gets one line for the user, on the FX thread. */
        void importModel(ModelImporter.Request request, Consumer<String> done);

        void setDevice(ScanDevicePreference preference);

        /** Applies the GPU engine's precision to the jobs from now on and remembers it. */
        void setPrecision(NetworkPrecision precision);
    }

    private final InferenceService service;
    private final ComboBox<ModelEntry> models = new ComboBox<>();
    private final ProgressBar progress = new ProgressBar(0);
    private final Label status = new Label();
    private final Label device = new Label();
    private final Button cancel = new Button("Cancel");
    private final ClassificationPanel classification = new ClassificationPanel();
    private final MaskLegend legend = new MaskLegend();
    private final Slider opacity = new Slider(0, 1, OverlayStyle.DEFAULT.opacity());
    private final CheckBox outline = new CheckBox("Outline only");
    private final ToggleButton visible = new ToggleButton("Mask visible");
    private final SeriesResultsTable table;
    private final AiViewModel viewModel;
    private final ModelListPanel modelList = new ModelListPanel();
    private final ListView<String> queueView = new ListView<>();
    private final Label areas = new Label();
    private final Label volumes = new Label();
    private final ComboBox<ScanDevicePreference> deviceChoice = new ComboBox<>();
    private final ComboBox<NetworkPrecision> precisionChoice = new ComboBox<>();
    /** TF32's measured agreement with float32, shown only while TF32 is chosen. */
    private final Label precisionAgreement = new Label();
    private final MenuButton export = new MenuButton("Export");
    private final Button importModel = new Button("Import model…");
    private Actions actions;

    /**
     * @param viewModel the AI state this panel shows and acts on: images come from its scope (the active
     *                  viewport), results shown are those of its active image
     */
    public AiSidePanel(InferenceService service, AiViewModel viewModel) {
        this.service = service;
        this.viewModel = viewModel;
        this.table = new SeriesResultsTable(id -> viewModel.images().show(id));
        setId("ai-side-panel");
        setSpacing(6);
        setPadding(new Insets(6));
        models.setId("ai-model-choice");
        models.setCellFactory(list -> modelCell());
        models.setButtonCell(modelCell());
        Button runImage = new Button("Run on image");
        runImage.setId("ai-run-image");
        runImage.setOnAction(e -> {
            ImageSource current = viewModel.images().current();
            run("image", current == null ? List.of() : List.of(current));
        });
        Button runSeries = new Button("Run on series");
        runSeries.setId("ai-run-series");
        runSeries.setOnAction(e -> run("series", viewModel.images().series()));
        Button runStudy = new Button("Run on study");
        runStudy.setId("ai-run-study");
        runStudy.setOnAction(e -> run("study", viewModel.images().study()));
        cancel.setId("ai-cancel");
        cancel.setDisable(true);
        cancel.setOnAction(e -> {
            InferenceService.Job job = viewModel.currentJobProperty().get();
            if (job != null) {
                job.cancel();
            }
        });
        progress.setId("ai-progress");
        status.setId("ai-status");
        status.textProperty().bind(viewModel.statusProperty());
        status.setWrapText(true);
        device.setWrapText(true);
        device.setId("ai-device");
        device.textProperty().bind(viewModel.engineProperty());
        opacity.setId("ai-opacity");
        outline.setId("ai-outline");
        visible.setId("ai-visible");
        visible.setSelected(true);
        // The controls and the view model's overlay style mirror each other; the window draws the overlay.
        opacity.valueProperty().addListener((o, a, b) -> restyle());
        outline.selectedProperty().addListener((o, a, b) -> restyle());
        visible.selectedProperty().addListener((o, a, b) -> restyle());
        viewModel.overlayStyleProperty().addListener((o, a, style) -> {
            opacity.setValue(style.opacity());
            outline.setSelected(style.outlineOnly());
            visible.setSelected(style.visible());
        });
        viewModel.selectedModelProperty().bind(models.valueProperty());
        viewModel.shownProperty().addListener((o, a, shown) -> showResults(shown));
        export.setId("ai-export");
        export.setDisable(true);
        importModel.setId("ai-import");
        importModel.setDisable(true);
        deviceChoice.setId("ai-device-choice");
        deviceChoice.getItems().setAll(ScanDevicePreference.values());
        deviceChoice.setDisable(true);
        deviceChoice.setCellFactory(list -> deviceCell());
        deviceChoice.setButtonCell(deviceCell());
        precisionChoice.setId("ai-precision-choice");
        precisionChoice.getItems().setAll(NetworkPrecision.values());
        precisionChoice.setDisable(true);
        precisionChoice.setCellFactory(list -> precisionCell());
        precisionChoice.setButtonCell(precisionCell());
        precisionChoice.valueProperty().bindBidirectional(viewModel.precisionProperty());
        precisionAgreement.setId("ai-precision-agreement");
        precisionAgreement.setWrapText(true);
        precisionAgreement.textProperty().bind(viewModel.precisionAgreementProperty());
        // Hidden and taking no room while float32 is chosen.
        precisionAgreement.visibleProperty().bind(precisionAgreement.textProperty().isNotEmpty());
        precisionAgreement.managedProperty().bind(precisionAgreement.visibleProperty());
        queueView.setId("ai-queue");
        queueView.setPrefHeight(64);
        queueView.setPlaceholder(new Label("No job queued"));
        areas.setId("ai-areas");
        areas.setWrapText(true);
        volumes.setId("ai-volumes");
        volumes.setWrapText(true);
        modelList.setPrefHeight(160);
        TitledPane library = new TitledPane("Model library", modelList);
        library.setExpanded(false);
        models.setMaxWidth(Double.MAX_VALUE);
        progress.setMaxWidth(Double.MAX_VALUE);
        deviceChoice.setMaxWidth(Double.MAX_VALUE);
        precisionChoice.setMaxWidth(Double.MAX_VALUE);
        // Buttons wrap rather than truncate their labels in a narrow panel.
        FlowPane runs = new FlowPane(6, 6, runImage, runSeries, runStudy, cancel);
        FlowPane tools = new FlowPane(6, 6, importModel, export);
        getChildren().addAll(models, library, runs, progress, status, queueView, new Label("Engine"), deviceChoice,
                new Label("GPU precision"), precisionChoice, precisionAgreement, device,
                classification, legend, areas, volumes, new ReportFindingsPanel(viewModel.reportFindings()), new Label("Mask opacity"), opacity, new HBox(6, outline, visible), table, tools);
    }

    /** Adds Send: the results on screen as DICOM SR (and SEG) to a configured node, in one click. */
    public void showSender(ResultSenderViewModel sender) {
        ComboBox<String> node = new ComboBox<>(sender.nodeNames());
        node.setId("ai-send-node");
        node.setPromptText("node");
        node.valueProperty().bindBidirectional(sender.node());
        // Nodes added in the network settings since the panel opened.
        node.setOnShowing(e -> sender.refreshNodes());
        Button send = new Button("Send result to node");
        send.setId("ai-send");
        send.setOnAction(e -> sender.send());
        send.disableProperty().bind(sender.busy());
        Label line = new Label();
        line.setId("ai-send-status");
        line.setWrapText(true);
        line.textProperty().bind(sender.status());
        getChildren().addAll(new HBox(6, node, send), line);
    }

    private static ListCell<ModelEntry> modelCell() {
        ListCell<ModelEntry> cell = new ListCell<>() {
            @Override
            protected void updateItem(ModelEntry entry, boolean empty) {
                super.updateItem(entry, empty);
                setText(empty || entry == null ? null : entry.card().name() + (entry.runnable() ? "" : " (not runnable)"));
            }
        };
        // A long model name is cut to the panel's width; the whole name shows on hover.
        return ElidedText.showFullTextOnHover(cell);
    }

    private static ListCell<ScanDevicePreference> deviceCell() {
        return new ListCell<>() {
            @Override
            protected void updateItem(ScanDevicePreference p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : switch (p) {
                    case AUTO -> "Automatic (CUDA when usable)";
                    case CPU -> "CPU (SIMD)";
                    case CUDA -> "CUDA GPU";
                });
            }
        };
    }

    private static ListCell<NetworkPrecision> precisionCell() {
        return new ListCell<>() {
            @Override
            protected void updateItem(NetworkPrecision p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : switch (p) {
                    case FLOAT32 -> "Float32 (exact)";
                    case TF32 -> "TF32 tensor cores (faster, Ampere or newer)";
                });
            }
        };
    }

    /**
     * Enables the export menu, model import and the device and precision choices (showing {@code device} and
     * {@code precision} as chosen).
     */
    public void setActions(Actions actions, ScanDevicePreference device, NetworkPrecision precision) {
        this.actions = actions;
        for (Export what : Export.values()) {
            MenuItem item = new MenuItem(what.title);
            item.setId("ai-export-" + what.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            item.setOnAction(e -> chooseAndExport(what));
            export.getItems().add(item);
        }
        export.setDisable(false);
        importModel.setOnAction(e -> chooseAndImport());
        importModel.setDisable(false);
        deviceChoice.getSelectionModel().select(device);
        deviceChoice.valueProperty().addListener((obs, o, n) -> {
            if (n != null) {
                actions.setDevice(n);
                viewModel.engineProperty().set("Engine: " + n.flag() + " from the next job on");
            }
        });
        deviceChoice.setDisable(false);
        viewModel.precisionProperty().set(precision);
        viewModel.precisionProperty().addListener((obs, o, n) -> {
            if (n != null) {
                actions.setPrecision(n);
                viewModel.engineProperty().set("Engine: " + n.label() + " on the GPU from the next job on");
            }
        });
        precisionChoice.setDisable(false);
    }

    private void chooseAndExport(Export what) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(what.title.replace("…", ""));
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(what.extension.toUpperCase(Locale.ROOT),
                "*." + what.extension));
        chooser.setInitialFileName("radmamba-" + what.name().toLowerCase(Locale.ROOT).replace('_', '-') + "." + what.extension);
        File file = chooser.showSaveDialog(getScene().getWindow());
        if (file != null) {
            export(what, file.toPath());
        }
    }

    /**
     * Writes {@code what} to {@code target} in the background and reports in the status line; null (and the
     * reason in the status line) when there is nothing to write.
     */
    public TaskHandle export(Export what, Path target) {
        Callable<String> writing;
        try {
            writing = actions.export(what, target);
        } catch (IOException e) {
            viewModel.statusProperty().set(e.getMessage());
            return null;
        }
        return viewModel.write(writing, "Exporting " + what.name().toLowerCase(Locale.ROOT));
    }

    private void chooseAndImport() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Import a MedMamba or VM-UNet checkpoint");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PyTorch checkpoint", "*.pth", "*.pt"));
        File file = chooser.showOpenDialog(getScene().getWindow());
        if (file == null) {
            return;
        }
        TextField name = new TextField(file.getName().replaceFirst("\\.pth?$", ""));
        TextField labels = new TextField();
        labels.setPromptText("class names, comma-separated, or a labels file path");
        TextField source = new TextField();
        source.setPromptText("where the weights come from");
        GridPane form = new GridPane(6, 6);
        form.addRow(0, new Label("Name"), name);
        form.addRow(1, new Label("Labels"), labels);
        form.addRow(2, new Label("Source"), source);
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.setTitle("Import model");
        dialog.setHeaderText(file.toString());
        dialog.getDialogPane().setContent(form);
        dialog.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        if (dialog.showAndWait().filter(ButtonType.OK::equals).isEmpty()) {
            return;
        }
        try {
            importModel(new ModelImporter.Request(file.toPath(), name.getText().strip(), labels(labels.getText()),
                    source.getText().isBlank() ? null : source.getText().strip()));
        } catch (ModelException e) {
            viewModel.statusProperty().set("Not imported: " + e.getMessage());
        }
    }

    /** Labels typed as a comma-separated list, or read from a labels file when the text names one. */
    static List<String> labels(String text) throws ModelException {
        String trimmed = text.strip();
        if (!trimmed.isEmpty() && !trimmed.contains(",") && Files.isRegularFile(Path.of(trimmed))) {
            return Labels.read(Path.of(trimmed));
        }
        return Arrays.stream(trimmed.split(",")).map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Imports a checkpoint; the status line says how it went and the new model is chosen. */
    public void importModel(ModelImporter.Request request) {
        viewModel.statusProperty().set("Importing " + request.name() + "…");
        actions.importModel(request, viewModel.statusProperty()::set);
    }

    /** Chooses the model with this id, if listed. */
    public void selectModel(String id) {
        models.getItems().stream().filter(m -> m.card().id().equals(id)).findFirst()
                .ifPresent(models.getSelectionModel()::select);
    }

    /** Lists the library's models (the listing hashes the weights: make it off the FX thread). */
    public void showModels(ModelLibrary.Listing listing) {
        modelList.show(listing);
        models.getItems().setAll(listing.models());
        listing.models().stream().filter(ModelEntry::runnable).findFirst().ifPresent(models.getSelectionModel()::select);
    }

    /** Toggles the overlay's visibility (the {@link #TOGGLE_OVERLAY} shortcut). */
    public void toggleOverlay() {
        viewModel.toggleOverlay();
    }

    public InferenceService.Job currentJob() {
        return viewModel.currentJobProperty().get();
    }

    private void restyle() {
        viewModel.overlayStyleProperty().set(new OverlayStyle(opacity.getValue(), outline.isSelected(), visible.isSelected()));
    }

    private void run(String what, List<ImageSource> images) {
        ModelEntry model = viewModel.selectedModelProperty().get();
        if (model == null || images.isEmpty()) {
            viewModel.statusProperty().set(model == null ? "Choose a model first." : "No image to run on.");
            return;
        }
        // Ready for the first image before submitting: a test's current-thread executor runs the whole job in the call.
        table.getItems().clear();
        cancel.setDisable(false);
        progress.setProgress(0);
        try {
            viewModel.runInference(service, what, model, images, new InferenceService.Listener() {
                @Override
                public void progress(InferenceService.Job job, int done, AiResult latest) {
                    refreshQueue();
                    progress.setProgress((double) done / job.total());
                    // The worker chose the device before its first image, so this does not open a GPU on the FX thread.
                    service.engine().ifPresent(viewModel::showEngine);
                    viewModel.statusProperty().set(AiViewModel.progressText(job, done));
                    if (latest != null) {
                        // Kept with its image; the panel shows it only while that image is the active one.
                        viewModel.record(latest);
                        if (job.total() > 1) {
                            table.getItems().add(latest);
                        }
                    }
                }

                @Override
                public void finished(InferenceService.Job job) {
                    refreshQueue();
                    service.engine().ifPresent(viewModel::showEngine);
                    cancel.setDisable(true);
                    String failures = job.failures().isEmpty() ? "" : "; " + String.join("; ", job.failures());
                    viewModel.statusProperty().set(AiViewModel.endText(job) + failures);
                    if (job.total() > 1) {
                        volumesOf(job.results()).ifPresent(text -> viewModel.recordVolumes(
                                job.images().stream().map(ImageSource::id).toList(), text));
                    }
                }
            });
            refreshQueue();
        } catch (ModelException e) {
            cancel.setDisable(currentJob() == null || currentJob().state().finished());
            viewModel.statusProperty().set(e.getMessage());
        }
    }

    /** The jobs queued or running, in order, as the user sees them. */
    private void refreshQueue() {
        queueView.getItems().setAll(service.queue().stream()
                .map(j -> "#" + j.number() + " " + j.title() + " · " + j.model().card().name() + " · "
                        + j.done() + "/" + j.total() + " " + j.state().name().toLowerCase(Locale.ROOT))
                .toList());
    }

    /** Shows the results of the active image: bars for its classification, legend and areas for its mask. */
    private void showResults(AiViewModel.ImageResults shown) {
        classification.show(shown.classification());
        volumes.setText(shown.volumes());
        SegmentationResult s = shown.segmentation();
        if (s == null) {
            legend.show(List.of(), "");
            areas.setText("");
        } else {
            legend.show(s.labels(), s.attribution());
            areas.setText(areaText(s));
        }
    }

    /** Per class: pixels, and mm² when the image states its pixel spacing. */
    static String areaText(SegmentationResult s) {
        StringBuilder text = new StringBuilder();
        for (int k = 1; k <= s.labels().size(); k++) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(s.labels().get(k - 1)).append(": ").append(s.pixels(k)).append(" px");
            OptionalDouble mm2 = s.areaMm2(k);
            if (mm2.isPresent()) {
                text.append(String.format(Locale.ROOT, " (%.1f mm²)", mm2.getAsDouble()));
            }
        }
        return text.toString();
    }

    /** After a run over several images: the volume of each class, when spacing and slice distance are known. */
    private Optional<String> volumesOf(List<AiResult> results) {
        List<SegmentationResult> masks = results.stream().filter(SegmentationResult.class::isInstance)
                .map(SegmentationResult.class::cast).toList();
        OptionalDouble spacing = viewModel.images().sliceSpacing();
        if (masks.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("Over " + masks.size() + " images:");
        for (int k = 1; k <= masks.getFirst().labels().size(); k++) {
            OptionalDouble volume = spacing.isPresent()
                    ? SegmentationResult.volumeMm3(masks, k, spacing.getAsDouble()) : OptionalDouble.empty();
            text.append('\n').append(masks.getFirst().labels().get(k - 1)).append(": ").append(volume.isPresent()
                    ? String.format(Locale.ROOT, "%.1f mm³ (%.2f mL)", volume.getAsDouble(), volume.getAsDouble() / 1000)
                    : "volume unknown (no pixel spacing or slice distance)");
        }
        return Optional.of(text.toString());
    }
}
