package org.radmamba.viewer.fx.view;

import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.image.ImageView;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.MouseButton;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.study.Patient;
import org.radmamba.viewer.study.Study;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Patients, studies and series as a tree; series with their thumbnail, modality, description and instance count.
 * Double-click shows a series in the active viewport; dragging drops it on a viewport.
 */
public final class StudyBrowserView extends StackPane {

    private final ViewerViewModel viewModel;
    private final TreeView<Object> tree = new TreeView<>(new TreeItem<>("Studies"));

    public StudyBrowserView(ViewerViewModel viewModel) {
        this.viewModel = viewModel;
        getStyleClass().add("study-browser");
        tree.setShowRoot(false);
        tree.setCellFactory(t -> new Cell());
        Label empty = new Label("Drop files or folders here,\nor use File ▸ Open.");
        empty.setWrapText(true);
        empty.visibleProperty().bind(javafx.beans.binding.Bindings.isEmpty(viewModel.series()));
        getChildren().addAll(tree, empty);
        setMinWidth(180);
        setPrefWidth(300);
        viewModel.series().addListener((ListChangeListener<SeriesEntry>) c -> rebuild());
        rebuild();
    }

    public TreeView<Object> tree() {
        return tree;
    }

    /** The study of the selected row (a study, or a series of it); null when none or a patient is selected. */
    public Study selectedStudy() {
        TreeItem<Object> item = tree.getSelectionModel().getSelectedItem();
        return item == null ? null : switch (item.getValue()) {
            case Study s -> s;
            case SeriesEntry e -> e.study();
            default -> null;
        };
    }

    /** Closes every open study of a patient. */
    private void closePatient(Patient patient) {
        viewModel.series().stream().filter(e -> e.patient().equals(patient)).map(SeriesEntry::study).distinct()
                .toList().forEach(viewModel::closeStudy);
    }

    private void rebuild() {
        Map<Patient, TreeItem<Object>> patients = new LinkedHashMap<>();
        Map<Study, TreeItem<Object>> studies = new LinkedHashMap<>();
        for (SeriesEntry entry : viewModel.series()) {
            TreeItem<Object> patientItem = patients.computeIfAbsent(entry.patient(), p -> expanded(p));
            TreeItem<Object> studyItem = studies.computeIfAbsent(entry.study(), s -> {
                TreeItem<Object> item = expanded(s);
                patientItem.getChildren().add(item);
                return item;
            });
            studyItem.getChildren().add(new TreeItem<>(entry));
        }
        tree.getRoot().getChildren().setAll(patients.values());
    }

    private static TreeItem<Object> expanded(Object value) {
        TreeItem<Object> item = new TreeItem<>(value);
        item.setExpanded(true);
        return item;
    }

    private final class Cell extends TreeCell<Object> {
        private final ImageView thumbnail = new ImageView();
        private final Label title = new Label();
        private final Label detail = new Label();
        private final HBox seriesBox = new HBox(8, thumbnail, new VBox(2, title, detail));

        Cell() {
            thumbnail.setFitWidth(64);
            thumbnail.setFitHeight(64);
            thumbnail.setPreserveRatio(true);
            detail.setStyle("-fx-opacity: 0.75; -fx-font-size: 0.9em;");
            seriesBox.setPadding(new Insets(2));
            MenuItem close = new MenuItem("Close study");
            close.setOnAction(e -> {
                switch (getItem()) {
                    case Study s -> viewModel.closeStudy(s);
                    case SeriesEntry s -> viewModel.closeStudy(s.study());
                    case Patient p -> closePatient(p);
                    case null, default -> {
                    }
                }
            });
            ContextMenu menu = new ContextMenu(close);
            menu.setOnShowing(e -> close.setText(getItem() instanceof Patient ? "Close the patient's studies"
                    : "Close study"));
            contextMenuProperty().bind(javafx.beans.binding.Bindings.when(emptyProperty())
                    .then((ContextMenu) null).otherwise(menu));
            setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && getItem() instanceof SeriesEntry s) {
                    viewModel.showSeries(s, viewModel.activeViewportProperty().get());
                }
            });
            setOnDragDetected(e -> {
                if (getItem() instanceof SeriesEntry s) {
                    Dragboard db = startDragAndDrop(TransferMode.COPY);
                    ClipboardContent content = new ClipboardContent();
                    content.putString(ViewportView.SERIES_DRAG_PREFIX + viewModel.series().indexOf(s));
                    db.setContent(content);
                    e.consume();
                }
            });
        }

        @Override
        protected void updateItem(Object item, boolean empty) {
            super.updateItem(item, empty);
            thumbnail.imageProperty().unbind();
            if (empty || item == null) {
                setText(null);
                setGraphic(null);
                return;
            }
            switch (item) {
                case Patient p -> {
                    setGraphic(null);
                    setText(p.patientName().replace('^', ' ').strip() + (p.patientId().isBlank() ? "" : "  (" + p.patientId() + ")"));
                }
                case Study s -> {
                    setGraphic(null);
                    String date = s.studyDate().length() == 8 ? s.studyDate().substring(0, 4) + "-"
                            + s.studyDate().substring(4, 6) + "-" + s.studyDate().substring(6) : s.studyDate();
                    setText((date + "  " + s.description()).strip());
                }
                case SeriesEntry s -> {
                    setText(null);
                    thumbnail.imageProperty().bind(s.thumbnailProperty());
                    title.setText(s.description());
                    int count = s.series().instances().size();
                    detail.setText(s.series().modality() + " · " + count + (count == 1 ? " image" : " images"));
                    setGraphic(seriesBox);
                }
                default -> {
                    setGraphic(null);
                    setText(item.toString());
                }
            }
        }
    }
}
