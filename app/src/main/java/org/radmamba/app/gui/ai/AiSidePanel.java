package org.radmamba.app.gui.ai;

import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
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
import org.radmamba.app.ai.ModelException;
import org.radmamba.app.ai.ModelLibrary;
import org.radmamba.app.ai.SegmentationResult;
import org.radmamba.viewer.fx.overlay.MaskLegend;
import org.radmamba.viewer.fx.overlay.MaskOverlayLayer;
import org.radmamba.viewer.fx.overlay.OverlayStyle;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The AI side panel: choose a model, run it on the image shown or the whole series, watch per-image progress and
 * the queue, cancel; see class bars or the mask (opacity, outline-only, visibility with {@link #TOGGLE_OVERLAY}),
 * and per-image results of a series. The inference service calls back through {@code Platform::runLater}; nothing
 * here runs a model. The window supplies the images and shows the overlay layer in its viewport.
 */
public final class AiSidePanel extends VBox {

    /** Shows or hides the mask overlay. */
    public static final KeyCombination TOGGLE_OVERLAY = new KeyCodeCombination(KeyCode.M, KeyCombination.SHORTCUT_DOWN);

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
    private final MaskOverlayLayer overlay;
    private InferenceService.Job current;
    private Consumer<AiResult> onResult = r -> { };

    /**
     * @param currentImage the image on screen (read lazily on the inference thread)
     * @param seriesImages every image of the series shown
     * @param showImage    jumps to an image by its id (series table clicks)
     * @param overlay      the viewport's mask layer
     */
    public AiSidePanel(InferenceService service, Supplier<ImageSource> currentImage, Supplier<List<ImageSource>> seriesImages,
                       Consumer<String> showImage, MaskOverlayLayer overlay) {
        this.service = service;
        this.overlay = overlay;
        this.table = new SeriesResultsTable(showImage);
        setId("ai-side-panel");
        setSpacing(6);
        setPadding(new Insets(6));
        models.setId("ai-model-choice");
        models.setCellFactory(list -> modelCell());
        models.setButtonCell(modelCell());
        Button runImage = new Button("Run on image");
        runImage.setId("ai-run-image");
        runImage.setOnAction(e -> run("image", List.of(currentImage.get())));
        Button runSeries = new Button("Run on series");
        runSeries.setId("ai-run-series");
        runSeries.setOnAction(e -> run("series", seriesImages.get()));
        cancel.setId("ai-cancel");
        cancel.setDisable(true);
        cancel.setOnAction(e -> {
            if (current != null) {
                current.cancel();
            }
        });
        progress.setId("ai-progress");
        status.setId("ai-status");
        status.setWrapText(true);
        device.setId("ai-device");
        opacity.setId("ai-opacity");
        outline.setId("ai-outline");
        visible.setId("ai-visible");
        visible.setSelected(true);
        opacity.valueProperty().addListener((o, a, b) -> restyle());
        outline.selectedProperty().addListener((o, a, b) -> restyle());
        visible.selectedProperty().addListener((o, a, b) -> restyle());
        getChildren().addAll(models, new HBox(6, runImage, runSeries, cancel), progress, status, device,
                classification, legend, opacity, new HBox(6, outline, visible), table);
    }

    private static ListCell<ModelEntry> modelCell() {
        return new ListCell<>() {
            @Override
            protected void updateItem(ModelEntry entry, boolean empty) {
                super.updateItem(entry, empty);
                setText(empty || entry == null ? null : entry.card().name() + (entry.runnable() ? "" : " (not runnable)"));
            }
        };
    }

    /** Lists the library's models (the listing hashes the weights: make it off the FX thread). */
    public void showModels(ModelLibrary.Listing listing) {
        models.getItems().setAll(listing.models());
        listing.models().stream().filter(ModelEntry::runnable).findFirst().ifPresent(models.getSelectionModel()::select);
    }

    /** Toggles the overlay's visibility (the {@link #TOGGLE_OVERLAY} shortcut). */
    public void toggleOverlay() {
        visible.setSelected(!visible.isSelected());
    }

    /** Called on the FX thread after each result is shown (the window keeps masks per image and corner texts). */
    public void setOnResult(Consumer<AiResult> listener) {
        onResult = listener;
    }

    public InferenceService.Job currentJob() {
        return current;
    }

    private void restyle() {
        overlay.setStyle(new OverlayStyle(opacity.getValue(), outline.isSelected(), visible.isSelected()));
    }

    private void run(String what, List<ImageSource> images) {
        ModelEntry model = models.getValue();
        if (model == null || images.isEmpty()) {
            status.setText(model == null ? "Choose a model first." : "No image to run on.");
            return;
        }
        try {
            current = service.submit(what, model, images, new InferenceService.Listener() {
                @Override
                public void progress(InferenceService.Job job, int done, AiResult latest) {
                    progress.setProgress((double) done / job.total());
                    // The worker chose the device before its first image, so this does not open a GPU on the FX thread.
                    device.setText("Scan: " + service.device().reason() + " · queued jobs: " + service.queue().size());
                    status.setText(job.title() + ": " + done + " of " + job.total() + " — " + model.card().attribution());
                    if (latest != null) {
                        show(latest);
                        onResult.accept(latest);
                        if (job.total() > 1) {
                            table.getItems().add(latest);
                        }
                    }
                }

                @Override
                public void finished(InferenceService.Job job) {
                    cancel.setDisable(true);
                    String failures = job.failures().isEmpty() ? "" : "; " + String.join("; ", job.failures());
                    status.setText(job.title() + " " + job.state().name().toLowerCase(java.util.Locale.ROOT) + " after "
                            + job.done() + " of " + job.total() + failures);
                }
            });
            table.getItems().clear();
            cancel.setDisable(false);
            progress.setProgress(0);
            status.setText(what + ": queued behind " + (service.queue().size() - 1) + " job(s)");
        } catch (ModelException e) {
            status.setText(e.getMessage());
        }
    }

    /** Shows one result: bars for a classification, mask and legend for a segmentation. */
    public void show(AiResult result) {
        switch (result) {
            case ClassificationResult c -> classification.show(c);
            case SegmentationResult s -> {
                overlay.setMask(Overlays.mask(s));
                legend.show(s.labels(), s.attribution());
                restyle();
            }
        }
    }
}
