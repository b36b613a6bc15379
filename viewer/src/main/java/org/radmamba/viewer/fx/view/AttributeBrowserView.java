package org.radmamba.viewer.fx.view;

import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableCell;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Screen;
import javafx.stage.Window;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignM;
import org.radmamba.viewer.fx.model.AttributeBrowserViewModel;
import org.radmamba.viewer.fx.model.AttributeRow;
import org.radmamba.viewer.fx.model.ViewerViewModel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The DICOM attributes of the image in view, nested sequences as sub-trees, with a search field.
 *
 * <p>A new image updates the table in place: rows are matched by tag (sequence items by number), a row whose
 * text changed updates its cells' text, and only rows that appear or disappear change the tree. Replacing every
 * tree item instead made the table rebuild, restyle and lay out all its visible cells for each image, tens of
 * milliseconds on the UI thread. Reused rows keep their expanded state; a change of the search expands or
 * collapses them all, as before.
 *
 * <p>Tree items are not thrown away either: rows of another study's image take over the items of rows that are
 * gone (their lines get the new text), and with no image the rows on screen are blanked, not removed. Emptying the
 * table when a study closed and filling it for the next one made every visible row change its items and CSS state
 * twice (empty, then filled): a long layout in the pulse after the first image.
 */
public final class AttributeBrowserView extends VBox {

    /** Height of a row, that of the default (Modena) cell at the default font. */
    static final double ROW_HEIGHT = 24;

    private final AttributeBrowserViewModel viewModel;
    private final TextField search = new TextField();
    private final TreeTableView<Line> table = new TreeTableView<>(new TreeItem<>());
    private final FramePacer pacer;
    /** Lines whose row changed and whose cells do not show it yet, in table order, with their items. */
    private final Map<Line, TreeItem<Line>> unshown = new LinkedHashMap<>();
    /** The pacer's key for showing more of {@link #unshown}. */
    private final Object showMore = new Object();
    private String builtFilter = "";

    /**
     * One row on screen: an {@link AttributeRow} with its texts as properties, so that a row's cells follow its
     * text without the tree item changing.
     */
    public static final class Line {
        /** What a blanked line shows: nothing. */
        static final AttributeRow BLANK = new AttributeRow(-1, "", "", List.of());
        private Object key;
        private AttributeRow row;
        private final ReadOnlyStringWrapper tag = new ReadOnlyStringWrapper(this, "tag");
        private final ReadOnlyStringWrapper name = new ReadOnlyStringWrapper(this, "name");
        private final ReadOnlyStringWrapper value = new ReadOnlyStringWrapper(this, "value");

        Line(AttributeRow row) {
            set(row);
        }

        private void set(AttributeRow r) {
            assign(r);
            show();
        }

        /** Takes {@code r} as this line's row; its cells keep their texts until {@link #show()}. */
        private void assign(AttributeRow r) {
            // A blank line matches no row by key: it is only ever taken over.
            key = r == BLANK ? new Object() : keyOf(r);
            row = r;
        }

        /** Whether the texts on screen are not yet those of the row. */
        private boolean unshown() {
            return !(tag.get().equals(row.tagText()) && name.get().equals(row.name()) && value.get().equals(row.value()));
        }

        /** Gives the cells the row's texts (unchanged texts set nothing, so those cells are not touched). */
        private void show() {
            tag.set(row.tagText());
            name.set(row.name());
            value.set(row.value());
        }

        /** A tag's row by its tag, a sequence item by its name ("Item 3"), unique among its siblings. */
        static Object keyOf(AttributeRow r) {
            return r.tag() >= 0 ? Integer.valueOf(r.tag()) : r.name();
        }

        public AttributeRow row() {
            return row;
        }

        public ReadOnlyStringProperty tagProperty() {
            return tag.getReadOnlyProperty();
        }

        public ReadOnlyStringProperty nameProperty() {
            return name.getReadOnlyProperty();
        }

        public ReadOnlyStringProperty valueProperty() {
            return value.getReadOnlyProperty();
        }
    }

    public AttributeBrowserView(ViewerViewModel main) {
        this(main, new FramePacer());
    }

    /** With the window's pacer: a new image's rows fill the table in a pulse of their own. */
    public AttributeBrowserView(ViewerViewModel main, FramePacer pacer) {
        this.viewModel = main.attributes();
        this.pacer = pacer;
        getStyleClass().add("attribute-browser");
        setSpacing(4);
        setPadding(new Insets(4));
        search.setPromptText("Search tag, name or value");
        Label searchIcon = new Label(null, new FontIcon(MaterialDesignM.MAGNIFY));
        search.textProperty().bindBidirectional(viewModel.filterProperty());
        Label message = new Label();
        message.textProperty().bind(viewModel.messageProperty());
        message.setWrapText(true);

        table.setShowRoot(false);
        // The three columns share the table's width, so that the value is on screen without scrolling however
        // narrow the panel: the tag keeps its width (a cut tag reads as another tag), name and value share the
        // rest down to 60 and 80 px. Each column can be resized by its header's edge; a cut text shows whole on
        // hover (values longer than AttributeTree's 200 characters are already cut there, with an ellipsis).
        table.getColumns().add(column("Tag", Line::tagProperty, TAG_WIDTH, TAG_WIDTH));
        table.getColumns().add(column("Name", Line::nameProperty, 130, 60));
        table.getColumns().add(column("Value", Line::valueProperty, 200, 80));
        table.setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        // Every row is one line (long values end in an ellipsis): with a fixed height the table need not lay out
        // each new row's cells to measure it, which made filling the table cost tens of ms per image.
        table.setFixedCellSize(ROW_HEIGHT);
        VBox.setVgrow(table, Priority.ALWAYS);
        getChildren().addAll(new javafx.scene.layout.HBox(4, searchIcon, search), message, table);
        javafx.scene.layout.HBox.setHgrow(search, Priority.ALWAYS);
        setMinWidth(0);
        setPrefWidth(330);

        viewModel.rowsProperty().addListener((obs, o, n) -> pacer.runLater(this, () -> {
            rebuild();
            showSomeRows();
        }));
        // Typing in the search field answers at once.
        viewModel.filterProperty().addListener((obs, o, n) -> {
            rebuild();
            showAllRows();
        });
        rebuild();
        showAllRows();
        if (viewModel.filteredRows().isEmpty()) {
            addBlankRowsForAScreen();
        }
        // Without an image the blank rows are as many as fit, so that no scroll bar shows over nothing: the start's
        // screenful is cut to the table's height once it is known, and again when it changes.
        table.skinProperty().addListener((obs, o, skin) -> {
            VirtualFlow<?> flow = flow();
            if (flow != null) {
                flow.heightProperty().addListener((h, was, now) -> Platform.runLater(() -> {
                    if (viewModel.filteredRows().isEmpty()) {
                        blank(table.getRoot().getChildren(), rowsThatFit());
                    }
                }));
            }
        });
        // Headers are read only while the browser can be seen: in a showing window, and not collapsed to nothing.
        ObservableValue<Boolean> windowShowing = sceneProperty().flatMap(Scene::windowProperty)
                .flatMap(Window::showingProperty).orElse(false);
        viewModel.activeProperty().bind(Bindings.createBooleanBinding(
                () -> windowShowing.getValue() && isVisible() && getWidth() > 0,
                windowShowing, visibleProperty(), widthProperty()));
    }

    /** Room for "(0008,0016)" and a sequence item's disclosure arrow, at the default font. */
    static final double TAG_WIDTH = 92;

    private static TreeTableColumn<Line, String> column(String title, Function<Line, ReadOnlyStringProperty> text,
                                                        double width, double minWidth) {
        TreeTableColumn<Line, String> c = new TreeTableColumn<>(title);
        c.setPrefWidth(width);
        c.setMinWidth(minWidth);
        c.setCellValueFactory(f -> f.getValue().getValue() == null ? new ReadOnlyStringWrapper("")
                : text.apply(f.getValue().getValue()));
        c.setCellFactory(col -> {
            @SuppressWarnings("unchecked")
            TreeTableCell<Line, String> cell = (TreeTableCell<Line, String>)
                    (TreeTableCell<?, ?>) TreeTableColumn.DEFAULT_CELL_FACTORY.call(col);
            return ElidedText.showFullTextOnHover(cell);
        });
        return c;
    }

    /** Rows on screen that take their new texts in one pulse; the rest wait for the pacer's next turns. */
    static final int ROWS_SHOWN_PER_PULSE = 10;

    /**
     * Shows the new texts of the lines off screen and of the first {@link #ROWS_SHOWN_PER_PULSE} on screen, and
     * leaves the rest to a later pulse. A new image changes the texts of every row on screen (30 or more), and
     * their cells' layout and painting in one pulse can take nearly the 50 ms a pulse gap may last (the viewer's
     * target, docs/performance.md) when a decoding series and the collector share the cores; ten rows a pulse keep
     * each pulse well under that. Lines off screen have no cells, so their texts cost nothing to change.
     */
    private void showSomeRows() {
        VirtualFlow<?> flow = flow();
        IndexedCell<?> first = flow == null ? null : flow.getFirstVisibleCell();
        IndexedCell<?> last = flow == null ? null : flow.getLastVisibleCell();
        if (first == null || last == null) {
            showAllRows();
            return;
        }
        int budget = ROWS_SHOWN_PER_PULSE;
        for (Iterator<Map.Entry<Line, TreeItem<Line>>> it = unshown.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Line, TreeItem<Line>> line = it.next();
            int index = table.getRow(line.getValue());
            boolean onScreen = index >= first.getIndex() && index <= last.getIndex();
            if (!onScreen || budget-- > 0) {
                line.getKey().show();
                it.remove();
            }
        }
        if (!unshown.isEmpty()) {
            pacer.runLater(showMore, this::showSomeRows);
        }
    }

    private void showAllRows() {
        unshown.keySet().forEach(Line::show);
        unshown.clear();
    }

    private void rebuild() {
        String filter = viewModel.filterProperty().get();
        boolean filterChanged = !filter.equals(builtFilter);
        builtFilter = filter;
        List<AttributeRow> rows = viewModel.filteredRows();
        if (rows.isEmpty()) {
            blank(table.getRoot().getChildren(), rowsThatFit());
        } else {
            sync(table.getRoot(), rows, filter, filterChanged);
        }
    }

    /**
     * The table starts as it is after a study closed, with blank rows as far down as a screen reaches: their cells
     * are made and styled in the window's first paint, and the first image's rows take them over a few a pulse.
     * Starting empty, a fresh JVM made and styled every visible row's cells in the pulse after the first image,
     * several frames' worth of layout in one pulse.
     */
    private void addBlankRowsForAScreen() {
        int rows = (int) Math.ceil(Screen.getPrimary().getVisualBounds().getHeight() / ROW_HEIGHT);
        ObservableList<TreeItem<Line>> items = table.getRoot().getChildren();
        List<TreeItem<Line>> blank = new ArrayList<>(rows);
        for (int i = items.size(); i < rows; i++) {
            blank.add(new TreeItem<>(new Line(Line.BLANK)));
        }
        items.addAll(blank);
    }

    /** How many whole rows the table shows without scrolling (below its column headers). */
    private int rowsThatFit() {
        VirtualFlow<?> flow = flow();
        return (int) Math.floor((flow != null ? flow.getHeight() : table.getHeight()) / ROW_HEIGHT);
    }

    /** The table's rows area, once its skin exists; null before. */
    private VirtualFlow<?> flow() {
        return table.lookup(".virtual-flow") instanceof VirtualFlow<?> flow ? flow : null;
    }

    /**
     * No rows: the first {@code visible} items stay, blank and folded, for the next image's rows to take over
     * (see the class comment); the rest, off screen, go.
     */
    private void blank(ObservableList<TreeItem<Line>> items, int visible) {
        unshown.clear();
        if (items.size() > visible) {
            items.remove(Math.max(visible, 0), items.size());
        }
        for (TreeItem<Line> item : items) {
            item.getValue().set(Line.BLANK);
            item.setExpanded(false);
            if (!item.getChildren().isEmpty()) {
                item.getChildren().clear();
            }
        }
    }

    /**
     * Makes {@code parent}'s children show {@code rows}, reusing the lines of rows that are still there, and the
     * items of rows that are gone for rows that are new.
     */
    private void sync(TreeItem<Line> parent, List<AttributeRow> rows, String filter, boolean filterChanged) {
        boolean searching = filter != null && !filter.isBlank();
        ObservableList<TreeItem<Line>> current = parent.getChildren();
        Map<Object, TreeItem<Line>> byKey = new HashMap<>();
        for (TreeItem<Line> item : current) {
            byKey.put(item.getValue().key, item);
        }
        // Items whose row is gone, in order: a new row takes the first one left.
        ArrayDeque<TreeItem<Line>> spare = new ArrayDeque<>(current.size());
        Set<Object> keys = new HashSet<>();
        for (AttributeRow r : rows) {
            keys.add(Line.keyOf(r));
        }
        for (TreeItem<Line> item : current) {
            if (!keys.contains(item.getValue().key)) {
                spare.add(item);
            }
        }
        List<TreeItem<Line>> wanted = new ArrayList<>(rows.size());
        for (AttributeRow r : rows) {
            TreeItem<Line> item = byKey.remove(Line.keyOf(r));
            if (item == null) {
                item = spare.poll();
                if (item == null) {
                    item = new TreeItem<>(new Line(r));
                } else {
                    assign(item, r);
                }
                item.setExpanded(searching);
            } else {
                assign(item, r);
                if (filterChanged) {
                    item.setExpanded(searching);
                }
            }
            // A row that matches itself shows all its content; otherwise only the matching part below it.
            boolean self = new AttributeRow(r.tag(), r.name(), r.value(), List.of()).matches(filter);
            List<AttributeRow> children = self ? r.children()
                    : r.children().stream().filter(c -> c.matches(filter)).toList();
            sync(item, children, self ? "" : filter, filterChanged);
            wanted.add(item);
        }
        update(current, wanted);
    }

    /** Gives {@code item}'s line the row {@code r}; its texts wait in {@link #unshown} if they change. */
    private void assign(TreeItem<Line> item, AttributeRow r) {
        Line line = item.getValue();
        line.assign(r);
        if (line.unshown()) {
            unshown.put(line, item);
        } else {
            unshown.remove(line);
        }
    }

    /** The smallest change of {@code current} into {@code wanted} for the usual cases: nothing, an append, a cut. */
    private static void update(ObservableList<TreeItem<Line>> current, List<TreeItem<Line>> wanted) {
        int n = current.size();
        if (wanted.size() >= n && wanted.subList(0, n).equals(current)) {
            if (wanted.size() > n) {
                current.addAll(wanted.subList(n, wanted.size()));
            }
        } else if (wanted.size() < n && current.subList(0, wanted.size()).equals(wanted)) {
            current.remove(wanted.size(), n);
        } else {
            current.setAll(wanted);
        }
    }

    public TextField search() {
        return search;
    }

    public TreeTableView<Line> table() {
        return table;
    }
}
