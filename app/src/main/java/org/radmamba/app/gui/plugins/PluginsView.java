package org.radmamba.app.gui.plugins;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.radmamba.app.plugin.PluginInfo;
import org.radmamba.app.plugin.PluginRegistry;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The plugin panel: every plugin with its version, where it came from, whether it is enabled, and what it adds or
 * why it is disabled.
 */
public final class PluginsView extends VBox {

    private final PluginRegistry registry;
    private final TableView<PluginInfo> table = new TableView<>();

    public PluginsView(PluginRegistry registry, Path folder) {
        this.registry = registry;
        setId("plugins-view");
        setSpacing(6);
        setPadding(new Insets(8));
        table.setId("plugins-table");
        table.getColumns().add(column("Plugin", p -> p.name() + " (" + p.id() + ")", 220));
        table.getColumns().add(column("Version", PluginInfo::version, 90));
        table.getColumns().add(column("From", PluginInfo::source, 160));
        table.getColumns().add(column("Status", PluginInfo::status, 80));
        table.getColumns().add(column("Adds, or why it is disabled",
                p -> p.enabled() ? String.join(", ", p.extensions()) : p.reason(), 420));
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        VBox.setVgrow(table, Priority.ALWAYS);
        Label where = new Label("Plugin folder: " + folder + " — a plugin is code you trust: install only plugins from"
                + " people you trust. Changes apply at the next start.");
        where.setWrapText(true);
        getChildren().addAll(table, where);
        refresh();
    }

    private static TableColumn<PluginInfo, String> column(String title, Function<PluginInfo, String> value, double width) {
        TableColumn<PluginInfo, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    /** Re-reads the registry (a plugin may have been disabled since). */
    public void refresh() {
        table.getItems().setAll(registry.plugins());
    }

    public TableView<PluginInfo> table() {
        return table;
    }
}
