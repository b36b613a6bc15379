package org.radmamba.app.gui.plugins;

import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.radmamba.app.ai.ImageSource;
import org.radmamba.app.ai.PluginViews;
import org.radmamba.app.plugin.PluginException;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.plugins.api.ToolResult;
import org.radmamba.viewer.fx.view.MainWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The plugin tools under the AI panel: a button per enabled viewer tool, run on the image on screen away from the
 * FX thread; the result's measurements as text and its first series as bars. A tool that throws is reported here
 * and its plugin disabled (its buttons go). "Plugins…" opens the plugin panel. FX thread only.
 */
public final class PluginToolsPane extends VBox {

    private static final Logger LOG = LoggerFactory.getLogger(PluginToolsPane.class);

    private final PluginRegistry registry;
    private final Supplier<Optional<ImageSource>> currentImage;
    private final Path folder;
    private final FlowPane buttons = new FlowPane(6, 6);
    private final Label status = new Label();
    private final Label title = new Label();
    private final Label result = new Label();
    private final Canvas chart = new Canvas(280, 90);
    private ToolResult lastResult;
    private Task<ToolResult> running;
    private Stage dialog;

    /**
     * @param currentImage the image on screen, if any (read on a background thread)
     * @param folder       the plugin folder, named in the plugin panel
     */
    public PluginToolsPane(PluginRegistry registry, Supplier<Optional<ImageSource>> currentImage, Path folder) {
        this.registry = registry;
        this.currentImage = currentImage;
        this.folder = folder;
        setId("plugin-tools");
        setSpacing(6);
        setPadding(new Insets(6));
        status.setId("plugin-tool-status");
        status.setWrapText(true);
        title.setId("plugin-tool-title");
        result.setId("plugin-tool-result");
        result.setWrapText(true);
        chart.setId("plugin-tool-chart");
        chart.setVisible(false);
        chart.setManaged(false);
        Button plugins = new Button("Plugins…");
        plugins.setId("plugins-open");
        plugins.setOnAction(e -> showPlugins());
        Label heading = new Label("Plugin tools");
        heading.setStyle("-fx-font-weight: bold;");
        getChildren().addAll(heading, buttons, plugins, status, title, result, chart);
        refreshButtons();
    }

    /**
     * Docks the tools under what is on the right of {@code window} (the AI panel) and returns them.
     *
     * @param currentImage the image on screen, e.g. {@code AiWindow::imageOnScreen}
     */
    public static PluginToolsPane dock(MainWindow window, PluginRegistry registry,
                                       Supplier<Optional<ImageSource>> currentImage, Path folder) {
        PluginToolsPane tools = new PluginToolsPane(registry, currentImage, folder);
        Node right = window.getRight();
        window.setRight(null);
        VBox side = new VBox(6);
        if (right != null) {
            side.getChildren().add(right);
            VBox.setVgrow(right, Priority.ALWAYS);
        }
        side.getChildren().addAll(new Separator(), tools);
        side.setPrefWidth(340);
        window.setRight(side);
        return tools;
    }

    /** One button per enabled tool; a note when there are none. */
    private void refreshButtons() {
        buttons.getChildren().clear();
        for (PluginRegistry.Tool tool : registry.tools()) {
            Button b = new Button(tool.label());
            b.setId(buttonId(tool.id()));
            b.setOnAction(e -> run(tool));
            buttons.getChildren().add(b);
        }
        if (buttons.getChildren().isEmpty()) {
            Label none = new Label("No plugin tools installed.");
            none.setId("plugin-tools-none");
            buttons.getChildren().add(none);
        }
    }

    /** The id of a tool's button: {@code plugin-tool-} and the extension id with '.' as '-'. */
    public static String buttonId(String toolId) {
        return "plugin-tool-" + toolId.replace('.', '-');
    }

    private void run(PluginRegistry.Tool tool) {
        Optional<ImageSource> image = currentImage.get();
        if (image.isEmpty()) {
            status.setText(tool.label() + ": no image on screen.");
            return;
        }
        if (running != null && running.isRunning()) {
            status.setText(tool.label() + ": wait for the running tool to finish.");
            return;
        }
        status.setText(tool.label() + ": running on " + image.get().title() + "…");
        Task<ToolResult> task = new Task<>() {
            @Override
            protected ToolResult call() throws IOException, PluginException {
                return registry.runTool(tool.id(), PluginViews.of(image.get().reader().read()));
            }
        };
        task.setOnSucceeded(e -> {
            show(task.getValue());
            status.setText(tool.label() + " (" + tool.pluginName() + ") on " + image.get().title());
        });
        task.setOnFailed(e -> {
            Throwable t = task.getException();
            if (t instanceof PluginException || t instanceof IOException) {
                LOG.warn("plugin tool {}: {}", tool.id(), t.getMessage());
                status.setText(t.getMessage());
            } else {
                LOG.error("plugin tool {} failed", tool.id(), t);
                status.setText(tool.label() + " failed: " + t);
            }
            refreshButtons();
            if (dialog != null && dialog.getScene().getRoot() instanceof PluginsView v) {
                v.refresh();
            }
        });
        running = task;
        Thread.ofVirtual().name("plugin-tool").start(task);
    }

    private void show(ToolResult r) {
        lastResult = r;
        title.setText(r.title());
        result.setText(r.measurements().stream().map(ToolResult.Measurement::formatted).collect(Collectors.joining("\n")));
        boolean bars = !r.series().isEmpty() && r.series().getFirst().values().length > 0;
        chart.setVisible(bars);
        chart.setManaged(bars);
        if (bars) {
            draw(r.series().getFirst());
        }
    }

    /** The series as bars scaled to the highest. */
    private void draw(ToolResult.Series series) {
        double[] values = series.values();
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        GraphicsContext g = chart.getGraphicsContext2D();
        g.setFill(Color.rgb(30, 30, 30));
        g.fillRect(0, 0, chart.getWidth(), chart.getHeight());
        g.setFill(Color.rgb(120, 190, 255));
        double w = chart.getWidth() / values.length;
        for (int i = 0; i < values.length; i++) {
            double h = max == 0 ? 0 : values[i] / max * (chart.getHeight() - 2);
            g.fillRect(i * w, chart.getHeight() - h, Math.max(w, 1), h);
        }
    }

    /** Opens (or brings forward) the plugin panel. */
    public void showPlugins() {
        if (dialog == null) {
            dialog = new Stage();
            dialog.setTitle("Plugins");
            if (getScene() != null) {
                dialog.initOwner(getScene().getWindow());
            }
            dialog.setScene(new Scene(new PluginsView(registry, folder), 980, 360));
        } else if (dialog.getScene().getRoot() instanceof PluginsView v) {
            v.refresh();
        }
        dialog.show();
        dialog.toFront();
    }

    /** The last result shown, or null. */
    public ToolResult lastResult() {
        return lastResult;
    }

    /** The plugin panel's window once opened, else null. */
    public Stage pluginsDialog() {
        return dialog;
    }
}
