package org.radmamba.viewer.fx.view;

import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
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

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Patients, studies and series as a tree; series with their thumbnail, modality, description and instance count.
 * Double-click shows a series in the active viewport; dragging drops it on a viewport.
 */
public final class StudyBrowserView extends StackPane {

    /** Side of the square a series' thumbnail is shown in, in pixels. */
    static final double THUMBNAIL_SIDE = 64;

    private final ViewerViewModel viewModel;
    private final TreeView<Object> tree = new TreeView<>(new TreeItem<>("Studies"));
    /** The items on screen, reused by {@link #sync()}; TreeItem has identity equality, the keys value equality. */
    private Map<SeriesEntry, TreeItem<Object>> seriesItems = new IdentityHashMap<>();
    private Map<Key, TreeItem<Object>> patientItems = new HashMap<>();
    private Map<Key, TreeItem<Object>> studyItems = new HashMap<>();
    /** The keys of the patients and studies in the list, by identity, so that each is hashed once (see Key). */
    private Map<Object, Key> keys = new IdentityHashMap<>();

    /**
     * A patient or study as a map key: value equality, with the hash computed once. Their records hash every
     * series and instance inside (500 instances for a large series), and a sync looked each up several times per
     * series: a tenth of the study browser's time on the UI thread while a study opened.
     */
    private static final class Key {
        private final Object value;
        private final int hash;

        Key(Object value) {
            this.value = value;
            this.hash = value.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && (value == k.value || value.equals(k.value));
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    public StudyBrowserView(ViewerViewModel viewModel) {
        this(viewModel, new FramePacer());
    }

    /** With the window's pacer: list changes update the tree in a pulse of their own. */
    public StudyBrowserView(ViewerViewModel viewModel, FramePacer pacer) {
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
        // Several changes before the pacer's turn make one update, of the list as it is then.
        viewModel.series().addListener((ListChangeListener<SeriesEntry>) c -> pacer.runLater(this, this::sync));
        sync();
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

    /**
     * Makes the tree show the series list, reusing the items of patients, studies and series already shown: a new
     * series is appended under its study, a closed one is removed, and everything else (expanded state, selection,
     * the cells on screen) stays as it was. Replacing all items instead made the tree rebuild and repaint itself
     * whole on every change of the list.
     */
    private void sync() {
        Map<Key, Map<Key, List<TreeItem<Object>>>> wanted = new LinkedHashMap<>();
        Map<SeriesEntry, TreeItem<Object>> keptSeries = new IdentityHashMap<>();
        Map<Object, Key> keptKeys = new IdentityHashMap<>();
        for (SeriesEntry entry : viewModel.series()) {
            TreeItem<Object> item = seriesItems.get(entry);
            if (item == null) {
                item = new TreeItem<>(entry);
            }
            keptSeries.put(entry, item);
            wanted.computeIfAbsent(key(entry.patient(), keptKeys), p -> new LinkedHashMap<>())
                    .computeIfAbsent(key(entry.study(), keptKeys), s -> new ArrayList<>()).add(item);
        }
        keys = keptKeys;
        Map<Key, TreeItem<Object>> keptPatients = new HashMap<>();
        Map<Key, TreeItem<Object>> keptStudies = new HashMap<>();
        List<TreeItem<Object>> patientList = new ArrayList<>();
        wanted.forEach((patient, studies) -> {
            TreeItem<Object> patientItem = patientItems.get(patient);
            patientItem = patientItem == null ? expanded(patient.value) : patientItem;
            keptPatients.put(patient, patientItem);
            List<TreeItem<Object>> studyList = new ArrayList<>();
            for (Map.Entry<Key, List<TreeItem<Object>>> study : studies.entrySet()) {
                TreeItem<Object> studyItem = studyItems.get(study.getKey());
                studyItem = studyItem == null ? expanded(study.getKey().value) : studyItem;
                keptStudies.put(study.getKey(), studyItem);
                update(studyItem.getChildren(), study.getValue());
                studyList.add(studyItem);
            }
            update(patientItem.getChildren(), studyList);
            patientList.add(patientItem);
        });
        update(tree.getRoot().getChildren(), patientList);
        seriesItems = keptSeries;
        patientItems = keptPatients;
        studyItems = keptStudies;
    }

    /** {@code value}'s key: the one it had in the last sync, else a new one; kept in {@code kept}. */
    private Key key(Object value, Map<Object, Key> kept) {
        Key k = kept.get(value);
        if (k == null) {
            k = keys.get(value);
            if (k == null) {
                k = new Key(value);
            }
            kept.put(value, k);
        }
        return k;
    }

    /**
     * Changes {@code current} into {@code wanted} with the smallest change the usual cases need: nothing, an
     * append (a study opened) or removals (a study closed); these keep the selection. Anything else replaces all.
     */
    static <T> void update(ObservableList<TreeItem<T>> current, List<TreeItem<T>> wanted) {
        if (current.equals(wanted)) {
            return;
        }
        if (wanted.size() > current.size() && wanted.subList(0, current.size()).equals(current)) {
            current.addAll(wanted.subList(current.size(), wanted.size()));
            return;
        }
        Set<TreeItem<T>> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        keep.addAll(wanted);
        List<TreeItem<T>> remaining = current.stream().filter(keep::contains).toList();
        if (remaining.equals(wanted)) {
            current.removeIf(item -> !keep.contains(item));
            return;
        }
        current.setAll(wanted);
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
        /**
         * The thumbnail's place, the same size with or without it: a thumbnail that arrives (or has another aspect
         * ratio) then repaints its own 64×64 pixels and does not change the row's height, which would lay out and
         * repaint the whole tree.
         */
        private final StackPane thumbnailSlot = new StackPane(thumbnail);
        private final HBox seriesBox = new HBox(8, thumbnailSlot, new VBox(2, title, detail));

        Cell() {
            thumbnail.setFitWidth(THUMBNAIL_SIDE);
            thumbnail.setFitHeight(THUMBNAIL_SIDE);
            thumbnail.setPreserveRatio(true);
            thumbnailSlot.setMinSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
            thumbnailSlot.setPrefSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
            thumbnailSlot.setMaxSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
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
