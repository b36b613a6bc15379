package org.radmamba.viewer.fx.view;

import javafx.beans.InvalidationListener;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.image.ImageView;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Screen;
import org.radmamba.viewer.fx.model.RemoteSearchViewModel;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.Patient;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.Study;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Patients, studies and series as a tree; series with their thumbnail, modality, description and instance count.
 * Double-click shows a series in the active viewport; dragging drops it on a viewport. A study or series row's
 * context menu sends its files to a configured node (Send to), through the search window's send.
 *
 * <p>Tree items are kept when the last study closes: their rows are blanked (and hidden), and the next
 * study's rows take them over, so the cells on screen only change their text. Removing the items emptied every
 * visible cell and filling them again for the next study restyled and laid out all of them, in a pulse right after
 * the first image.
 */
public final class StudyBrowserView extends StackPane {

    /** Side of the square a series' thumbnail is shown in, in pixels. */
    static final double THUMBNAIL_SIDE = 64;

    /**
     * Height of every row: a series' thumbnail with the cell's padding. Patient and study rows have two lines of
     * text in it. With rows of one height the tree need not measure each row through its measuring cell when rows
     * come or go, which more than halves the layout of a new study replacing the demo.
     */
    static final double ROW_HEIGHT = THUMBNAIL_SIDE + 12;

    /** The tree level of series rows: under the hidden root, a patient and a study. */
    private static final int SERIES_LEVEL = 3;

    private final ViewerViewModel viewModel;
    private final TreeView<Row> tree = new TreeView<>(new TreeItem<>(new Row(null)));
    /** The items on screen, reused by {@link #sync()}; TreeItem has identity equality, the keys value equality. */
    private Map<SeriesEntry, TreeItem<Row>> seriesItems = new IdentityHashMap<>();
    private Map<Key, TreeItem<Row>> patientItems = new HashMap<>();
    private Map<Key, TreeItem<Row>> studyItems = new HashMap<>();
    /** The send the context menu's Send to uses; none until the window gives it one (then Send to is hidden). */
    private Supplier<RemoteSearchViewModel> sender;

    /**
     * What a tree item shows: a {@link Patient}, a {@link Study} or a {@link SeriesEntry}, or nothing (a blanked
     * row, see the class comment). A row's cell follows its content, so another content does not change the item.
     */
    public static final class Row {
        private final ReadOnlyObjectWrapper<Object> content = new ReadOnlyObjectWrapper<>(this, "content");

        Row(Object content) {
            this.content.set(content);
        }

        /** The patient, study or series entry shown; null for a blank row. */
        public Object content() {
            return content.get();
        }

        public ReadOnlyObjectProperty<Object> contentProperty() {
            return content.getReadOnlyProperty();
        }
    }
    /**
     * A patient or study as a map key: value equality, with a hash of its identifiers only. Their records hash
     * every series and instance inside (500 instances for a large series): looked up several times per series,
     * that was a tenth of the study browser's time on the UI thread while a study opened, and a noticeable part of
     * the pulse that shows a new study even when hashed once a sync. Equal records have equal identifiers, so equal
     * keys have equal hashes; the same record is recognised by identity before its fields are compared.
     */
    private static final class Key {
        private final Object value;
        private final int hash;

        Key(Object value) {
            this.value = value;
            this.hash = switch (value) {
                case Patient p -> Objects.hash(p.patientId(), p.patientName());
                case Study s -> Objects.hashCode(s.studyInstanceUid());
                default -> value.hashCode();
            };
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
        tree.setFixedCellSize(ROW_HEIGHT);
        Label empty = new Label("Drop files or folders here,\nor use File ▸ Open.");
        empty.setWrapText(true);
        empty.visibleProperty().bind(javafx.beans.binding.Bindings.isEmpty(viewModel.series()));
        getChildren().addAll(tree, empty);
        setMinWidth(180);
        setPrefWidth(300);
        // Several changes before the pacer's turn make one update, of the list as it is then.
        viewModel.series().addListener((ListChangeListener<SeriesEntry>) c -> pacer.runLater(this, this::sync));
        // Enter shows the selected series in the active viewport, as a double-click does.
        tree.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            TreeItem<Row> item = tree.getSelectionModel().getSelectedItem();
            if (e.getCode() == KeyCode.ENTER && item != null && item.getValue().content() instanceof SeriesEntry s) {
                showInActiveViewport(s);
                e.consume();
            }
        });
        if (viewModel.series().isEmpty()) {
            addBlankRowsForAScreen();
        }
        sync();
    }

    /**
     * The browser starts as it is after its last study closed: a blank patient row, a blank study row and blank
     * series rows as far down as a screen reaches, hidden. Their cells are made and styled in the window's first
     * paint, and the first study takes them over. Starting empty, a fresh JVM made, styled and laid out those
     * cells in the pulse that shows the first study, several frames' worth of work in one pulse.
     */
    private void addBlankRowsForAScreen() {
        TreeItem<Row> patient = new TreeItem<>(new Row(null));
        TreeItem<Row> study = new TreeItem<>(new Row(null));
        int seriesRows = (int) Math.ceil(Screen.getPrimary().getVisualBounds().getHeight() / ROW_HEIGHT) - 2;
        for (int i = 0; i < seriesRows; i++) {
            study.getChildren().add(new TreeItem<>(new Row(null)));
        }
        patient.getChildren().add(study);
        patient.setExpanded(true);
        study.setExpanded(true);
        tree.getRoot().getChildren().add(patient);
    }

    public TreeView<Row> tree() {
        return tree;
    }

    /**
     * Gives the context menu's Send to the search window's send (C-STORE or STOW-RS, reported in its status line):
     * one send path for files picked there and for a study or series picked here. Asked for when the menu opens.
     */
    public void useSender(Supplier<RemoteSearchViewModel> searchSend) {
        this.sender = searchSend;
    }

    /**
     * The files of a series row, or of every series of a study row as the browser lists them (a series that arrived
     * in parts has all its parts); empty for anything else.
     */
    List<Path> filesOf(Object content) {
        List<SeriesEntry> entries = switch (content) {
            case SeriesEntry e -> List.of(e);
            case Study s -> viewModel.series().stream().filter(e -> e.study() == s
                    || !s.studyInstanceUid().isEmpty() && s.studyInstanceUid().equals(e.study().studyInstanceUid()))
                    .toList();
            case null, default -> List.of();
        };
        return entries.stream().flatMap(e -> e.series().instances().stream()).map(Instance::file)
                .filter(Objects::nonNull).distinct().toList();
    }

    /** The study of the selected row (a study, or a series of it); null when none or a patient is selected. */
    Study selectedStudy() {
        TreeItem<Row> item = tree.getSelectionModel().getSelectedItem();
        return item == null ? null : switch (item.getValue().content()) {
            case Study s -> s;
            case SeriesEntry e -> e.study();
            default -> null;
        };
    }

    /**
     * Closes what is selected: a patient's studies, a study, or the study of a series.
     *
     * @return false when nothing is selected
     */
    public boolean closeSelection() {
        TreeItem<Row> item = tree.getSelectionModel().getSelectedItem();
        switch (item == null ? null : item.getValue().content()) {
            case Patient p -> closePatient(p);
            case Study s -> viewModel.closeStudy(s);
            case SeriesEntry e -> viewModel.closeStudy(e.study());
            case null, default -> {
                return false;
            }
        }
        return true;
    }

    private void showInActiveViewport(SeriesEntry series) {
        viewModel.showSeries(series, viewModel.activeViewportProperty().get());
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
     * whole on every change of the list. An empty list blanks the rows instead, and new rows take over blank items
     * in place (see the class comment).
     */
    private void sync() {
        if (viewModel.series().isEmpty()) {
            blank(tree.getRoot());
            tree.getSelectionModel().clearSelection();
            showRows(false);
            seriesItems = new IdentityHashMap<>();
            patientItems = new HashMap<>();
            studyItems = new HashMap<>();
            return;
        }
        showRows(true);
        Map<Key, Map<Key, List<SeriesEntry>>> wanted = new LinkedHashMap<>();
        for (SeriesEntry entry : viewModel.series()) {
            wanted.computeIfAbsent(new Key(entry.patient()), p -> new LinkedHashMap<>())
                    .computeIfAbsent(new Key(entry.study()), s -> new ArrayList<>()).add(entry);
        }
        Map<SeriesEntry, TreeItem<Row>> keptSeries = new IdentityHashMap<>();
        Map<Key, TreeItem<Row>> keptPatients = new HashMap<>();
        Map<Key, TreeItem<Row>> keptStudies = new HashMap<>();
        ArrayDeque<TreeItem<Row>> blankPatients = blanks(tree.getRoot());
        List<TreeItem<Row>> patientList = new ArrayList<>();
        wanted.forEach((patient, studies) -> {
            TreeItem<Row> patientItem = item(kept(patientItems, patient, keptPatients), blankPatients, patient.value);
            keptPatients.put(patient, patientItem);
            ArrayDeque<TreeItem<Row>> blankStudies = blanks(patientItem);
            List<TreeItem<Row>> studyList = new ArrayList<>();
            for (Map.Entry<Key, List<SeriesEntry>> study : studies.entrySet()) {
                TreeItem<Row> studyItem = item(kept(studyItems, study.getKey(), keptStudies), blankStudies,
                        study.getKey().value);
                keptStudies.put(study.getKey(), studyItem);
                ArrayDeque<TreeItem<Row>> blankSeries = blanks(studyItem);
                List<TreeItem<Row>> seriesList = new ArrayList<>();
                for (SeriesEntry entry : study.getValue()) {
                    TreeItem<Row> seriesItem = item(seriesItems.get(entry), blankSeries, entry);
                    keptSeries.put(entry, seriesItem);
                    seriesList.add(seriesItem);
                }
                update(studyItem.getChildren(), seriesList);
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

    /**
     * Shows or hides the tree's rows (blank ones still have their disclosure arrows) by opacity and mouse
     * transparency: hiding it by visibility made showing it again lay out the whole tree, more than doubling the
     * pulse that fills it.
     */
    private void showRows(boolean show) {
        tree.setOpacity(show ? 1 : 0);
        tree.setMouseTransparent(!show);
    }

    /**
     * The item that showed the patient or study {@code key} in the last sync, not yet taken in this one
     * ({@code taken}): the one of an equal record, else one of the same identifiers (UID, or patient ID and name)
     * whose record has changed since, its counts following the series listed under it (see the view model's
     * rows). Kept in place, it keeps its place, unfolding and selection.
     */
    private static TreeItem<Row> kept(Map<Key, TreeItem<Row>> shown, Key key, Map<Key, TreeItem<Row>> taken) {
        TreeItem<Row> same = shown.get(key);
        if (same != null) {
            return same;
        }
        for (Map.Entry<Key, TreeItem<Row>> e : shown.entrySet()) {
            if (e.getKey().hash == key.hash && sameIdentifiers(e.getKey().value, key.value)
                    && !taken.containsValue(e.getValue())) {
                return e.getValue();
            }
        }
        return null;
    }

    private static boolean sameIdentifiers(Object a, Object b) {
        return switch (a) {
            case Patient p when b instanceof Patient q ->
                    p.patientId().equals(q.patientId()) && p.patientName().equals(q.patientName());
            case Study s when b instanceof Study t ->
                    !s.studyInstanceUid().isEmpty() && s.studyInstanceUid().equals(t.studyInstanceUid());
            default -> false;
        };
    }

    /**
     * The item already showing {@code content} (now showing its latest record), else a blank one taken over, else
     * a new one; unfolded if not kept.
     */
    private static TreeItem<Row> item(TreeItem<Row> kept, ArrayDeque<TreeItem<Row>> blanks, Object content) {
        if (kept != null) {
            if (kept.getValue().content() != content) {
                kept.getValue().content.set(content);
            }
            return kept;
        }
        TreeItem<Row> item = blanks.poll();
        if (item == null) {
            item = new TreeItem<>(new Row(content));
        } else {
            item.getValue().content.set(content);
        }
        item.setExpanded(true);
        return item;
    }

    /** The blank children of {@code parent}, in order. */
    private static ArrayDeque<TreeItem<Row>> blanks(TreeItem<Row> parent) {
        ArrayDeque<TreeItem<Row>> blanks = new ArrayDeque<>();
        for (TreeItem<Row> child : parent.getChildren()) {
            if (child.getValue().content() == null) {
                blanks.add(child);
            }
        }
        return blanks;
    }

    /** Blanks every row below {@code parent}, keeping the items where they are. */
    private static void blank(TreeItem<Row> parent) {
        for (TreeItem<Row> child : parent.getChildren()) {
            child.getValue().content.set(null);
            blank(child);
        }
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

    /** A patient's row: name and ID, then how many studies. */
    static String patientText(Patient p) {
        int studies = p.studies().size();
        return p.patientName().replace('^', ' ').strip() + (p.patientId().isBlank() ? "" : "  (" + p.patientId() + ")")
                + "\n" + studies + (studies == 1 ? " study" : " studies");
    }

    /** A study's row: date and description, then its modalities, series count and accession number. */
    static String studyText(Study s) {
        String date = s.studyDate().length() == 8 ? s.studyDate().substring(0, 4) + "-"
                + s.studyDate().substring(4, 6) + "-" + s.studyDate().substring(6) : s.studyDate();
        String modalities = s.series().stream().map(Series::modality).filter(m -> !m.isBlank()).distinct()
                .collect(java.util.stream.Collectors.joining(", "));
        int series = s.series().size();
        String detail = (modalities.isEmpty() ? "" : modalities + " · ") + series + " series"
                + (s.accessionNumber().isBlank() ? "" : " · Acc. " + s.accessionNumber());
        String title = (date + "  " + s.description()).strip();
        return (title.isEmpty() ? "Study" : title) + "\n" + detail;
    }

    private final class Cell extends TreeCell<Row> {
        private final ImageView thumbnail = new ImageView();
        private final Label title = new Label();
        private final Label detail = new Label();
        /**
         * The thumbnail's place, the same size with or without it: a thumbnail that arrives (or has another aspect
         * ratio) then repaints its own 64×64 pixels and does not change the row's height, which would lay out and
         * repaint the whole tree.
         */
        private final StackPane thumbnailSlot = new StackPane(thumbnail);
        /** In the thumbnail's place when its frame cannot be decoded; the reason is in its tooltip. */
        private final Label thumbnailFailure = new Label();
        private final javafx.scene.control.Tooltip thumbnailFailureReason = new javafx.scene.control.Tooltip();
        private final HBox seriesBox = new HBox(8, thumbnailSlot, new VBox(2, title, detail));
        /** The row shown, whose content this cell follows. */
        private Row row;
        private final InvalidationListener contentChanged = o -> show();

        Cell() {
            thumbnail.setFitWidth(THUMBNAIL_SIDE);
            thumbnail.setFitHeight(THUMBNAIL_SIDE);
            thumbnail.setPreserveRatio(true);
            thumbnailSlot.setMinSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
            thumbnailSlot.setPrefSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
            thumbnailSlot.setMaxSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
            thumbnailFailure.getStyleClass().add("thumbnail-failure");
            thumbnailFailure.setStyle("-fx-font-size: 0.85em; -fx-text-alignment: center;");
            thumbnailFailure.setVisible(false);
            thumbnailFailure.setTooltip(thumbnailFailureReason);
            thumbnailSlot.getChildren().add(thumbnailFailure);
            detail.getStyleClass().add("secondary-text");
            detail.setStyle("-fx-font-size: 0.9em;");
            // Long descriptions (study, series) end in an ellipsis, the whole text on hover; rows are as wide as
            // the browser (see ElidedText), where a row as wide as its text put it past a horizontal scroll.
            ElidedText.showFullTextOnHover(this);
            ElidedText.showFullTextOnHover(title);
            seriesBox.setPadding(new Insets(2));
            MenuItem close = new MenuItem("Close study");
            close.setOnAction(e -> {
                switch (content()) {
                    case Study s -> viewModel.closeStudy(s);
                    case SeriesEntry s -> viewModel.closeStudy(s.study());
                    case Patient p -> closePatient(p);
                    case null, default -> {
                    }
                }
            });
            Menu sendTo = new Menu("Send to");
            sendTo.setId("browser-send-to");
            ContextMenu menu = new ContextMenu(close, sendTo);
            menu.setOnShowing(e -> {
                close.setText(content() instanceof Patient ? "Close the patient's studies" : "Close study");
                fillSendTo(sendTo);
            });
            contextMenuProperty().bind(javafx.beans.binding.Bindings.when(emptyProperty())
                    .then((ContextMenu) null).otherwise(menu));
            setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && content() instanceof SeriesEntry s) {
                    showInActiveViewport(s);
                }
            });
            setOnDragDetected(e -> {
                if (content() instanceof SeriesEntry s) {
                    Dragboard db = startDragAndDrop(TransferMode.COPY);
                    ClipboardContent content = new ClipboardContent();
                    content.putString(ViewportView.SERIES_DRAG_PREFIX + viewModel.series().indexOf(s));
                    db.setContent(content);
                    e.consume();
                }
            });
        }

        /**
         * Send to ▸ one item per configured node, for a study or series row; disabled, saying why, when no node is
         * configured or a transfer runs. The reason is in the item's text: JavaFX shows no tooltip on a disabled
         * menu item (it gets no mouse events).
         */
        private void fillSendTo(Menu sendTo) {
            Object item = content();
            sendTo.setVisible(sender != null && (item instanceof Study || item instanceof SeriesEntry));
            if (!sendTo.isVisible()) {
                return;
            }
            RemoteSearchViewModel send = sender.get();
            String unavailable = send.sendUnavailableReason();
            sendTo.setDisable(!unavailable.isEmpty());
            sendTo.setText(unavailable.isEmpty() ? "Send to" : "Send to (" + unavailable + ")");
            List<MenuItem> nodes = new ArrayList<>();
            for (String node : send.nodeNames()) {
                MenuItem to = new MenuItem(node);
                to.setOnAction(e -> send.send(node, filesOf(item)));
                nodes.add(to);
            }
            sendTo.getItems().setAll(nodes);
        }

        /** What the row on this cell shows; null when empty or blank. */
        private Object content() {
            return row == null ? null : row.content();
        }

        @Override
        protected void updateItem(Row item, boolean empty) {
            super.updateItem(item, empty);
            Row now = empty ? null : item;
            if (now != row) {
                if (row != null) {
                    row.contentProperty().removeListener(contentChanged);
                }
                row = now;
                if (row != null) {
                    row.contentProperty().addListener(contentChanged);
                }
            }
            show();
        }

        private void show() {
            thumbnail.imageProperty().unbind();
            thumbnailFailure.visibleProperty().unbind();
            thumbnailFailure.setVisible(false);
            thumbnailFailure.textProperty().unbind();
            thumbnailFailure.setText(null);
            thumbnailFailureReason.textProperty().unbind();
            Object item = content();
            if (item == null) {
                setText(null);
                if (row == null) {
                    setGraphic(null);
                } else {
                    // A blank row keeps its graphic, emptied, for the next series to fill in place; a blank row
                    // where series go has the series graphic from the start (see addBlankRowsForAScreen).
                    thumbnail.setImage(null);
                    title.setText(null);
                    detail.setText(null);
                    if (getTreeView().getTreeItemLevel(getTreeItem()) == SERIES_LEVEL) {
                        setGraphic(seriesBox);
                    }
                }
                return;
            }
            switch (item) {
                case Patient p -> {
                    setGraphic(null);
                    setText(patientText(p));
                }
                case Study s -> {
                    setGraphic(null);
                    setText(studyText(s));
                }
                case SeriesEntry s -> {
                    setText(null);
                    thumbnail.imageProperty().bind(s.thumbnailProperty());
                    thumbnailFailure.visibleProperty().bind(s.thumbnailFailureProperty().isNotEmpty());
                    // Text only when shown: a blank or loading row has no words in it.
                    thumbnailFailure.textProperty().bind(javafx.beans.binding.Bindings.when(
                            s.thumbnailFailureProperty().isNotEmpty()).then("Cannot\ndisplay").otherwise(""));
                    thumbnailFailureReason.textProperty().bind(
                            javafx.beans.binding.Bindings.concat("Cannot display: ", s.thumbnailFailureProperty()));
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
