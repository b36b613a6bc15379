package org.radmamba.viewer.fx.view;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignA;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.study.FailedFile;

/**
 * A non-modal panel over the viewports listing the files that could not be opened and why; the rest of the study
 * stays usable underneath. Dismissed with its button.
 */
public final class FailurePanel extends BorderPane {

    private final Label title = new Label();
    private final ListView<FailedFile> list = new ListView<>();
    private final Button dismiss = new Button("Dismiss");

    public FailurePanel(ViewerViewModel viewModel) {
        getStyleClass().add("failure-panel");
        setStyle("-fx-background-color: rgba(60,20,20,0.93); -fx-background-radius: 6; -fx-padding: 8;"
                + "-fx-border-color: #c05050; -fx-border-radius: 6;");
        setMaxWidth(640);
        setMaxHeight(220);
        FontIcon icon = new FontIcon(MaterialDesignA.ALERT_OUTLINE);
        icon.setIconColor(javafx.scene.paint.Color.web("#ffb0a0"));
        title.setGraphic(icon);
        title.setStyle("-fx-text-fill: #ffe0d8; -fx-font-weight: bold;");
        dismiss.setOnAction(e -> viewModel.dismissFailures());
        HBox header = new HBox(8, title, new javafx.scene.layout.Region(), dismiss);
        HBox.setHgrow(header.getChildren().get(1), Priority.ALWAYS);
        header.setAlignment(Pos.CENTER_LEFT);
        header.setPadding(new Insets(0, 0, 6, 0));
        setTop(header);
        list.setItems(viewModel.failures());
        list.setCellFactory(v -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(FailedFile item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.file().getFileName() + ": " + item.reason());
                setTooltip(empty || item == null ? null : new javafx.scene.control.Tooltip(item.message()));
            }
        });
        list.setPrefHeight(150);
        setCenter(list);
        visibleProperty().bind(Bindings.isNotEmpty(viewModel.failures()));
        managedProperty().bind(visibleProperty());
        viewModel.failures().addListener((ListChangeListener<FailedFile>) c -> updateTitle(viewModel));
        updateTitle(viewModel);
    }

    private void updateTitle(ViewerViewModel viewModel) {
        int n = viewModel.failures().size();
        title.setText(n == 1 ? "1 file could not be opened" : n + " files could not be opened");
    }

    public ListView<FailedFile> list() {
        return list;
    }

    /** The Dismiss button (the main window gives it its shortcut's tooltip). */
    public Button dismissButton() {
        return dismiss;
    }

    public Label title() {
        return title;
    }
}
