package org.radmamba.viewer.fx.view;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignM;
import org.radmamba.viewer.fx.model.AttributeBrowserViewModel;
import org.radmamba.viewer.fx.model.AttributeRow;
import org.radmamba.viewer.fx.model.ViewerViewModel;

import java.util.List;
import java.util.function.Function;

/** The DICOM attributes of the image in view, nested sequences as sub-trees, with a search field. */
public final class AttributeBrowserView extends VBox {

    private final AttributeBrowserViewModel viewModel;
    private final TextField search = new TextField();
    private final TreeTableView<AttributeRow> table = new TreeTableView<>(new TreeItem<>());

    public AttributeBrowserView(ViewerViewModel main) {
        this.viewModel = main.attributes();
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
        table.getColumns().add(column("Tag", AttributeRow::tagText, 95));
        table.getColumns().add(column("Name", AttributeRow::name, 150));
        table.getColumns().add(column("Value", AttributeRow::value, 200));
        table.setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_LAST_COLUMN);
        VBox.setVgrow(table, Priority.ALWAYS);
        getChildren().addAll(new javafx.scene.layout.HBox(4, searchIcon, search), message, table);
        javafx.scene.layout.HBox.setHgrow(search, Priority.ALWAYS);
        setMinWidth(0);
        setPrefWidth(330);

        viewModel.rowsProperty().addListener((obs, o, n) -> rebuild());
        viewModel.filterProperty().addListener((obs, o, n) -> rebuild());
        rebuild();
    }

    private static TreeTableColumn<AttributeRow, String> column(String title, Function<AttributeRow, String> value,
                                                               double width) {
        TreeTableColumn<AttributeRow, String> c = new TreeTableColumn<>(title);
        c.setPrefWidth(width);
        c.setMinWidth(Math.min(width, 90));
        c.setCellValueFactory(f -> new ReadOnlyStringWrapper(
                f.getValue().getValue() == null ? "" : value.apply(f.getValue().getValue())));
        return c;
    }

    private void rebuild() {
        String filter = viewModel.filterProperty().get();
        table.getRoot().getChildren().setAll(items(viewModel.filteredRows(), filter));
    }

    private static List<TreeItem<AttributeRow>> items(List<AttributeRow> rows, String filter) {
        return rows.stream().map(r -> {
            TreeItem<AttributeRow> item = new TreeItem<>(r);
            // A row that matches itself shows all its content; otherwise only the matching part below it.
            boolean self = new AttributeRow(r.tag(), r.name(), r.value(), List.of()).matches(filter);
            List<AttributeRow> children = self ? r.children() : r.children().stream().filter(c -> c.matches(filter)).toList();
            item.getChildren().setAll(items(children, self ? "" : filter));
            item.setExpanded(filter != null && !filter.isBlank());
            return item;
        }).toList();
    }

    public TextField search() {
        return search;
    }

    public TreeTableView<AttributeRow> table() {
        return table;
    }
}
