package org.radmamba.viewer.fx.view;

import javafx.collections.ListChangeListener;
import javafx.geometry.Dimension2D;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.control.Separator;
import javafx.scene.input.DragEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.controlsfx.control.StatusBar;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.materialdesign2.MaterialDesignA;
import org.kordamp.ikonli.materialdesign2.MaterialDesignB;
import org.kordamp.ikonli.materialdesign2.MaterialDesignC;
import org.kordamp.ikonli.materialdesign2.MaterialDesignD;
import org.kordamp.ikonli.materialdesign2.MaterialDesignE;
import org.kordamp.ikonli.materialdesign2.MaterialDesignF;
import org.kordamp.ikonli.materialdesign2.MaterialDesignI;
import org.kordamp.ikonli.materialdesign2.MaterialDesignM;
import org.kordamp.ikonli.materialdesign2.MaterialDesignP;
import org.kordamp.ikonli.materialdesign2.MaterialDesignR;
import org.kordamp.ikonli.materialdesign2.MaterialDesignS;
import org.kordamp.ikonli.materialdesign2.MaterialDesignT;
import org.kordamp.ikonli.materialdesign2.MaterialDesignV;
import org.radmamba.viewer.fx.model.Layout;
import org.radmamba.viewer.fx.model.Tool;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.settings.Theme;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.viewport.CtPresets;
import org.radmamba.viewer.fx.viewport.WindowLevel;
import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.study.Study;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The main window: menus and toolbar, the study browser, the viewport grid, the failure panel and the status bar.
 * Binds to a {@link ViewerViewModel}; holds no state of its own beyond what is on screen.
 */
public final class MainWindow extends BorderPane {

    private final ViewerViewModel viewModel;
    private final List<ViewportView> viewportViews = new ArrayList<>();
    private final GridPane grid = new GridPane();
    private final StudyBrowserView browser;
    private final AttributeBrowserView attributes;
    private final FailurePanel failurePanel;
    private final StatusBar statusBar = new StatusBar();
    /** Puts the browser's and the attribute table's updates in pulses of their own, apart from first images. */
    private final FramePacer pacer = new FramePacer();
    private final Menu recentMenu = new Menu("Open recent");
    private final Menu fileWindowsMenu = new Menu("From the file");
    /** Last in the menu bar; the application adds its items (e.g. Show log folder), the viewer has none of its own. */
    private final Menu helpMenu = new Menu("_Help");
    private final ToggleGroup toolGroup = new ToggleGroup();
    private final ToggleGroup toolMenuGroup = new ToggleGroup();
    /** Cine frames per second for every viewport; the toolbar's slider and the Cine menu's shortcuts move it. */
    private final Slider cineRate = new Slider(1, 30, 10);

    public MainWindow(ViewerViewModel viewModel) {
        this.viewModel = viewModel;
        getStyleClass().add("radmamba-main");
        this.browser = new StudyBrowserView(viewModel, pacer);
        browser.useSender(this::pacsSearchModel);
        this.attributes = new AttributeBrowserView(viewModel, pacer);
        this.failurePanel = new FailurePanel(viewModel);

        for (int i = 0; i < ViewerViewModel.MAX_VIEWPORTS; i++) {
            int index = i;
            ViewportViewModel vp = viewModel.viewport(i);
            ViewportView view = new ViewportView(vp,
                    seriesIndex -> viewModel.showSeries(viewModel.series().get(seriesIndex), index),
                    () -> viewModel.activeViewportProperty().set(index));
            view.viewport().cornerTextVisibleProperty().bind(viewModel.cornerTextVisibleProperty());
            // A viewport that shows a series, or its first image, repaints whole: nothing paced joins that pulse.
            vp.seriesProperty().addListener((obs, o, n) -> pacer.reserveNextPulse());
            vp.imageProperty().addListener((obs, o, n) -> {
                if (o == null && n != null) {
                    pacer.reserveNextPulse();
                }
            });
            viewportViews.add(view);
        }
        grid.setStyle("-fx-background-color: black;");
        viewModel.layoutProperty().addListener((obs, o, n) -> layoutViewports());
        viewModel.activeViewportProperty().addListener((obs, o, n) -> {
            highlightActive();
            // Slice keys (arrows, Page Up/Down, Home/End) go to the viewport the user works in.
            viewportViews.get(n.intValue()).viewport().requestFocus();
        });
        viewModel.viewport(0).seriesProperty().addListener((obs, o, n) -> {
            if (n != null && o == null && viewModel.activeViewportProperty().get() == 0) {
                viewportViews.getFirst().viewport().requestFocus();
            }
        });
        layoutViewports();

        StackPane centre = new StackPane(grid, failurePanel);
        // The MPR layout takes the viewports' place while it is shown; its 2×2 layout borrows the viewport it was
        // opened from, which goes back into the grid when the MPR closes.
        viewModel.mprProperty().addListener((obs, o, n) -> {
            if (n == null) {
                layoutViewports();
                centre.getChildren().set(0, grid);
            } else {
                int active = viewModel.viewports().indexOf(viewModel.activeViewport());
                centre.getChildren().set(0, new MprView(n, viewportViews.get(active)));
            }
        });
        StackPane.setAlignment(failurePanel, Pos.TOP_CENTER);
        StackPane.setMargin(failurePanel, new Insets(12));
        SplitPane split = new SplitPane(browser, centre, attributes);
        split.setDividerPositions(0.2, 0.75);
        placeDividersAtFirstLayout(split);
        SplitPane.setResizableWithParent(browser, false);
        SplitPane.setResizableWithParent(attributes, false);

        failurePanel.dismissButton().setTooltip(new Tooltip(dismissFailures.tooltip()));
        // Escape leaves the search field for the viewport, where the bare-key shortcuts work again.
        attributes.search().addEventHandler(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                viewportViews.get(viewModel.activeViewportProperty().get()).viewport().requestFocus();
                e.consume();
            }
        });

        setTop(new VBox(menuBar(), toolBar()));
        setCenter(split);
        setBottom(statusBar);
        statusBar.textProperty().bind(viewModel.statusProperty());
        statusBar.progressProperty().bind(viewModel.progressProperty());

        setOnDragOver(this::dragOver);
        setOnDragDropped(this::dragDropped);
        viewModel.recentPaths().addListener((ListChangeListener<Path>) c -> updateRecentMenu());
        updateRecentMenu();
    }

    /** What the attribute table needs for its three columns (tag, name, value) side by side. */
    static final double ATTRIBUTES_WIDTH = 300;

    /**
     * Once the split has its width: the attribute table gets a quarter of it, but no less than
     * {@link #ATTRIBUTES_WIDTH} (up to 40%), so that its Value column is on screen. The split is narrower than the
     * window where the app docks its AI panel beside it, and a quarter of that (235 px at 1280) showed only Tag
     * and Name. The user's dragging later is left alone.
     */
    private static void placeDividersAtFirstLayout(SplitPane split) {
        split.widthProperty().addListener(new javafx.beans.value.ChangeListener<>() {
            @Override
            public void changed(javafx.beans.value.ObservableValue<? extends Number> obs, Number was, Number now) {
                double width = now.doubleValue();
                if (width <= 0) {
                    return;
                }
                split.widthProperty().removeListener(this);
                double attributes = Math.min(Math.max(width * 0.25, ATTRIBUTES_WIDTH), width * 0.4);
                split.setDividerPositions(0.2, 1 - attributes / width);
            }
        });
    }

    // ---- drag and drop of files ----

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY);
            e.consume();
        }
    }

    private void dragDropped(DragEvent e) {
        boolean accepted = e.getDragboard().hasFiles();
        if (accepted) {
            openDropped(e.getDragboard().getFiles());
        }
        e.setDropCompleted(accepted);
        e.consume();
    }

    /** What a drop of files and folders does (the DragEvent handler calls this). */
    public void openDropped(List<File> files) {
        viewModel.open(files.stream().map(File::toPath).toList());
    }

    // ---- layout ----

    private void layoutViewports() {
        Layout layout = viewModel.layoutProperty().get();
        grid.getChildren().clear();
        grid.getColumnConstraints().clear();
        grid.getRowConstraints().clear();
        for (int c = 0; c < layout.columns(); c++) {
            ColumnConstraints cc = new ColumnConstraints();
            cc.setPercentWidth(100.0 / layout.columns());
            cc.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(cc);
        }
        for (int r = 0; r < layout.rows(); r++) {
            RowConstraints rc = new RowConstraints();
            rc.setPercentHeight(100.0 / layout.rows());
            rc.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(rc);
        }
        for (int i = 0; i < layout.viewports(); i++) {
            grid.add(viewportViews.get(i), i % layout.columns(), i / layout.columns());
        }
        if (viewModel.activeViewportProperty().get() >= layout.viewports()) {
            viewModel.activeViewportProperty().set(0);
        }
        highlightActive();
    }

    private void highlightActive() {
        for (int i = 0; i < viewportViews.size(); i++) {
            viewportViews.get(i).setActive(i == viewModel.activeViewportProperty().get()
                    && viewModel.layoutProperty().get().viewports() > 1);
        }
    }

    /** For the action fields, whose lambdas javac will not let read the field before the constructor sets it. */
    private ViewerViewModel vm() {
        return viewModel;
    }

    private ViewportViewModel active() {
        return viewModel.activeViewport();
    }

    // ---- PACS ----

    private Stage pacsSearch;
    private org.radmamba.viewer.fx.model.RemoteSearchViewModel pacsSearchModel;

    /**
     * The search window's view model, made when first needed (the window, or the browser's Send to): its send is
     * the one the browser uses, so a send from either says how it went in the search window's status line and in
     * the status bar.
     */
    private org.radmamba.viewer.fx.model.RemoteSearchViewModel pacsSearchModel() {
        if (pacsSearchModel == null) {
            org.radmamba.viewer.fx.model.RemoteSearchViewModel search =
                    pacsSearchModel = new org.radmamba.viewer.fx.model.RemoteSearchViewModel(
                            org.radmamba.viewer.dicom.net.NodeDirectory.forUser(),
                            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor(),
                            javafx.application.Platform::runLater, viewModel::openReceived,
                            org.radmamba.viewer.dicom.net.ReceiverSettings.defaultFolder(),
                            org.radmamba.viewer.dicom.net.NetworkTimeouts.DEFAULT);
            search.status().addListener((obs, was, line) -> {
                if (!line.isEmpty()) {
                    viewModel.statusProperty().set(line);
                }
            });
            search.progress().addListener((obs, was, now) -> {
                if (search.busy().get()) {
                    viewModel.progressProperty().set(now.doubleValue());
                }
            });
            search.busy().addListener((obs, was, now) -> {
                if (!now) {
                    viewModel.progressProperty().set(0);
                }
            });
        }
        return pacsSearchModel;
    }

    /** The PACS search window (one, kept while the main window lives); retrieved studies join the browser. */
    private void showPacsSearch() {
        if (pacsSearch == null) {
            pacsSearch = new Stage();
            pacsSearch.setTitle("Search a PACS");
            pacsSearch.setScene(new Scene(new RemoteSearchView(pacsSearchModel()), 900, 520));
            if (getScene() != null) {
                pacsSearch.initOwner(getScene().getWindow());
                pacsSearch.getScene().getStylesheets().setAll(getScene().getStylesheets());
            }
        }
        pacsSearch.show();
        pacsSearch.toFront();
        // Nodes added in the network settings since it was last shown.
        pacsSearchModel().refreshNodes();
    }

    private Stage networkSettings;
    private org.radmamba.viewer.fx.model.StudyReceiverViewModel receiver;

    /**
     * The storage SCP that runs while the app runs (started by the application), for the Receiving tab of the
     * network settings.
     */
    public void useReceiver(org.radmamba.viewer.fx.model.StudyReceiverViewModel studyReceiver) {
        this.receiver = studyReceiver;
    }

    /** File > Network settings: the nodes and, when the app runs one, the storage SCP. */
    private void showNetworkSettings() {
        if (networkSettings == null) {
            org.radmamba.viewer.fx.model.NodeSettingsViewModel nodes =
                    new org.radmamba.viewer.fx.model.NodeSettingsViewModel(
                            org.radmamba.viewer.dicom.net.NodeDirectory.forUser(),
                            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor(),
                            javafx.application.Platform::runLater,
                            org.radmamba.viewer.dicom.net.NetworkTimeouts.DEFAULT);
            networkSettings = new Stage();
            networkSettings.setTitle("Network settings");
            networkSettings.setScene(new Scene(new NetworkSettingsView(nodes, receiver), 760, 480));
            if (getScene() != null) {
                networkSettings.initOwner(getScene().getWindow());
                networkSettings.getScene().getStylesheets().setAll(getScene().getStylesheets());
            }
        }
        networkSettings.show();
        networkSettings.toFront();
    }

    // ---- actions ----

    private ViewerAction action(String text, Ikon icon, KeyCombination key, Runnable handler) {
        return new ViewerAction(text, icon, key, handler, this::getScene);
    }

    private ViewerAction onActive(String text, Ikon icon, KeyCombination key, Consumer<ViewportViewModel> handler) {
        return action(text, icon, key, () -> handler.accept(active()));
    }

    private static KeyCombination shortcut(KeyCode code, KeyCombination.Modifier... modifiers) {
        return new KeyCodeCombination(code, modifiers);
    }

    private final ViewerAction openFile = action("Open file…", MaterialDesignF.FILE_OUTLINE,
            shortcut(KeyCode.O, KeyCombination.SHORTCUT_DOWN), this::chooseFiles);
    private final ViewerAction openFolder = action("Open folder…", MaterialDesignF.FOLDER_OPEN,
            shortcut(KeyCode.O, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN), this::chooseFolder);
    private final ViewerAction openDemo = action("Open demo study", MaterialDesignF.FLASK_OUTLINE,
            shortcut(KeyCode.D, KeyCombination.SHORTCUT_DOWN), () -> vm().openDemo());
    private final ViewerAction searchPacs = action("Search a PACS…", MaterialDesignS.SERVER_NETWORK, null,
            this::showPacsSearch);
    private final ViewerAction networkSettingsAction = action("Network settings…", MaterialDesignS.SERVER_NETWORK,
            null, this::showNetworkSettings);
    private final ViewerAction closeStudy = action("Close study", MaterialDesignC.CLOSE_BOX_OUTLINE,
            shortcut(KeyCode.F4, KeyCombination.SHORTCUT_DOWN), this::closeSelectedStudy);
    private final ViewerAction closeAll = action("Close all studies", MaterialDesignC.CLOSE_BOX_MULTIPLE_OUTLINE,
            shortcut(KeyCode.W, KeyCombination.SHORTCUT_DOWN), () -> vm().closeAll());
    private final ViewerAction nextLayout = action("Next layout (1×1, 1×2, 2×2)", MaterialDesignV.VIEW_GRID_OUTLINE,
            shortcut(KeyCode.L, KeyCombination.SHORTCUT_DOWN), () -> {
                Layout[] all = Layout.values();
                vm().layoutProperty().set(all[(vm().layoutProperty().get().ordinal() + 1) % all.length]);
            });
    private final ViewerAction searchAttributes = action("Search the attributes", MaterialDesignM.MAGNIFY,
            shortcut(KeyCode.F, KeyCombination.SHORTCUT_DOWN), this::focusSearch);
    private final ViewerAction dismissFailures = action("Dismiss the list of files that failed",
            MaterialDesignA.ALERT_REMOVE_OUTLINE, shortcut(KeyCode.D, KeyCombination.SHORTCUT_DOWN,
            KeyCombination.SHIFT_DOWN), () -> vm().dismissFailures());
    private final ViewerAction cineFaster = action("Faster cine (+1 frame/s)", MaterialDesignF.FAST_FORWARD,
            shortcut(KeyCode.CLOSE_BRACKET), () -> cineRate.setValue(cineRate.getValue() + 1));
    private final ViewerAction cineSlower = action("Slower cine (−1 frame/s)", MaterialDesignR.REWIND,
            shortcut(KeyCode.OPEN_BRACKET), () -> cineRate.setValue(cineRate.getValue() - 1));
    private final ViewerAction fit = onActive("Fit to window", MaterialDesignF.FIT_TO_PAGE_OUTLINE,
            shortcut(KeyCode.F), ViewportViewModel::fit);
    private final ViewerAction actualSize = onActive("Actual size (1:1)", MaterialDesignN1.ICON,
            shortcut(KeyCode.DIGIT1, KeyCombination.SHORTCUT_DOWN), ViewportViewModel::actualSize);
    private final ViewerAction zoomIn = onActive("Zoom in", MaterialDesignM.MAGNIFY_PLUS_OUTLINE,
            shortcut(KeyCode.EQUALS, KeyCombination.SHORTCUT_DOWN), vp -> vp.zoomBy(1.25));
    private final ViewerAction zoomOut = onActive("Zoom out", MaterialDesignM.MAGNIFY_MINUS_OUTLINE,
            shortcut(KeyCode.MINUS, KeyCombination.SHORTCUT_DOWN), vp -> vp.zoomBy(1 / 1.25));
    private final ViewerAction rotateRight = onActive("Rotate 90° clockwise", MaterialDesignR.ROTATE_RIGHT,
            shortcut(KeyCode.R), ViewportViewModel::rotateClockwise);
    private final ViewerAction rotateLeft = onActive("Rotate 90° counter-clockwise", MaterialDesignR.ROTATE_LEFT,
            shortcut(KeyCode.R, KeyCombination.SHIFT_DOWN), ViewportViewModel::rotateCounterClockwise);
    private final ViewerAction flipH = onActive("Flip horizontally", MaterialDesignF.FLIP_HORIZONTAL,
            shortcut(KeyCode.H), ViewportViewModel::flipHorizontally);
    private final ViewerAction flipV = onActive("Flip vertically", MaterialDesignF.FLIP_VERTICAL,
            shortcut(KeyCode.V), ViewportViewModel::flipVertically);
    private final ViewerAction invert = onActive("Invert", MaterialDesignI.INVERT_COLORS,
            shortcut(KeyCode.I), ViewportViewModel::toggleInvert);
    private final ViewerAction reset = onActive("Reset view", MaterialDesignB.BACKUP_RESTORE,
            shortcut(KeyCode.R, KeyCombination.SHORTCUT_DOWN), ViewportViewModel::reset);
    private final ViewerAction cornerText = action("Corner text", MaterialDesignT.TEXT_BOX_OUTLINE,
            shortcut(KeyCode.T, KeyCombination.SHORTCUT_DOWN),
            () -> vm().cornerTextVisibleProperty().set(!vm().cornerTextVisibleProperty().get()));
    private final ViewerAction cine = onActive("Play / pause cine", MaterialDesignP.PLAY,
            shortcut(KeyCode.SPACE), vp -> vp.cineRunningProperty().set(!vp.cineRunningProperty().get()));
    private final ViewerAction deleteMeasurement = onActive("Delete the selected measurement (click one to select it)",
            MaterialDesignD.DELETE_OUTLINE, shortcut(KeyCode.DELETE), ViewportViewModel::deleteSelectedMeasurement);
    private final ViewerAction clearMeasurements = onActive("Clear measurements on this image",
            MaterialDesignD.DELETE_SWEEP_OUTLINE, shortcut(KeyCode.DELETE, KeyCombination.SHIFT_DOWN),
            ViewportViewModel::clearMeasurements);
    private final ViewerAction resetWindow = onActive("Window from the file", MaterialDesignC.CONTRAST_BOX,
            shortcut(KeyCode.DIGIT0), ViewportViewModel::resetWindow);
    private final ViewerAction nextFileWindow = onActive("Next window from the file", null,
            shortcut(KeyCode.DIGIT9), ViewportViewModel::applyNextFileWindow);
    private final ViewerAction nextViewport = action("Next viewport", null, shortcut(KeyCode.F6),
            () -> vm().moveActiveViewport(1));
    private final ViewerAction previousViewport = action("Previous viewport", null,
            shortcut(KeyCode.F6, KeyCombination.SHIFT_DOWN), () -> vm().moveActiveViewport(-1));

    /** Ikonli has no "1:1" glyph; a numeric box reads as one. */
    private static final class MaterialDesignN1 {
        static final Ikon ICON = org.kordamp.ikonli.materialdesign2.MaterialDesignN.NUMERIC_1_BOX_OUTLINE;
    }

    private record ToolSpec(Tool tool, Ikon icon, KeyCode key) {
    }

    private static final List<ToolSpec> TOOLS = List.of(
            new ToolSpec(Tool.WINDOW_LEVEL, MaterialDesignC.CONTRAST_BOX, KeyCode.W),
            new ToolSpec(Tool.PAN, MaterialDesignC.CURSOR_MOVE, KeyCode.P),
            new ToolSpec(Tool.ZOOM, MaterialDesignM.MAGNIFY, KeyCode.Z),
            new ToolSpec(Tool.DISTANCE, MaterialDesignR.RULER, KeyCode.M),
            new ToolSpec(Tool.ANGLE, MaterialDesignA.ANGLE_ACUTE, KeyCode.G),
            new ToolSpec(Tool.RECTANGLE, MaterialDesignR.RECTANGLE_OUTLINE, KeyCode.B),
            new ToolSpec(Tool.ELLIPSE, MaterialDesignE.ELLIPSE_OUTLINE, KeyCode.E));

    private MenuBar menuBar() {
        Menu file = new Menu("_File");
        file.getItems().addAll(openFile.menuItem(), openFolder.menuItem(), recentMenu, new SeparatorMenuItem(),
                openDemo.menuItem(), searchPacs.menuItem(), networkSettingsAction.menuItem(), new SeparatorMenuItem(),
                closeStudy.menuItem(),
                closeAll.menuItem());

        Menu view = new Menu("_View");
        Menu layouts = new Menu("Layout");
        ToggleGroup layoutGroup = new ToggleGroup();
        KeyCode[] layoutKeys = {KeyCode.DIGIT1, KeyCode.DIGIT2, KeyCode.DIGIT4};
        Layout[] values = Layout.values();
        for (int i = 0; i < values.length; i++) {
            Layout l = values[i];
            RadioMenuItem item = new RadioMenuItem(l.label());
            item.setToggleGroup(layoutGroup);
            item.setSelected(viewModel.layoutProperty().get() == l);
            item.setAccelerator(shortcut(layoutKeys[i], KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
            item.setOnAction(e -> viewModel.layoutProperty().set(l));
            viewModel.layoutProperty().addListener((obs, o, n) -> item.setSelected(n == l));
            layouts.getItems().add(item);
        }
        CheckMenuItem mprItem = new CheckMenuItem("MPR: axial, coronal, sagittal");
        mprItem.setAccelerator(shortcut(KeyCode.DIGIT3, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN));
        mprItem.setOnAction(e -> viewModel.toggleMpr());
        viewModel.mprProperty().addListener((obs, o, n) -> mprItem.setSelected(n != null));
        layouts.getItems().addAll(new SeparatorMenuItem(), mprItem);
        layouts.getItems().addAll(new SeparatorMenuItem(), nextLayout.menuItem(), nextViewport.menuItem(),
                previousViewport.menuItem());
        CheckMenuItem corner = new CheckMenuItem("Corner text");
        corner.setAccelerator(cornerText.shortcut());
        corner.selectedProperty().bindBidirectional(viewModel.cornerTextVisibleProperty());
        Menu themes = new Menu("Theme");
        ToggleGroup themeGroup = new ToggleGroup();
        for (Theme t : Theme.values()) {
            RadioMenuItem item = new RadioMenuItem(t.label());
            item.setId("theme-" + t.name().toLowerCase(java.util.Locale.ROOT));
            item.setToggleGroup(themeGroup);
            item.setSelected(viewModel.themeProperty().get() == t);
            item.setOnAction(e -> viewModel.themeProperty().set(t));
            viewModel.themeProperty().addListener((obs, o, n) -> item.setSelected(n == t));
            themes.getItems().add(item);
        }
        view.getItems().addAll(layouts, corner, themes, new SeparatorMenuItem(), fit.guardedMenuItem(), actualSize.menuItem(),
                zoomIn.menuItem(), zoomOut.menuItem(), new SeparatorMenuItem(), rotateRight.guardedMenuItem(),
                rotateLeft.guardedMenuItem(), flipH.guardedMenuItem(), flipV.guardedMenuItem(), invert.guardedMenuItem(),
                reset.menuItem(), new SeparatorMenuItem(), searchAttributes.menuItem(), dismissFailures.menuItem());

        Menu window = new Menu("_Window/level");
        window.getItems().add(resetWindow.guardedMenuItem());
        window.getItems().add(fileWindowsMenu);
        window.getItems().add(nextFileWindow.guardedMenuItem());
        window.getItems().add(new SeparatorMenuItem());
        KeyCode[] presetKeys = {KeyCode.DIGIT1, KeyCode.DIGIT2, KeyCode.DIGIT3, KeyCode.DIGIT4, KeyCode.DIGIT5,
                KeyCode.DIGIT6, KeyCode.DIGIT7, KeyCode.DIGIT8};
        for (int i = 0; i < CtPresets.ALL.size(); i++) {
            WindowLevel preset = CtPresets.ALL.get(i);
            ViewerAction a = onActive(String.format("CT %s  (%.0f / %.0f)", preset.name(), preset.center(),
                    preset.width()), null, shortcut(presetKeys[i]), vp -> vp.applyWindow(preset));
            window.getItems().add(a.guardedMenuItem());
        }
        window.setOnShowing(e -> updateFileWindows());

        Menu tools = new Menu("_Tools");
        for (ToolSpec spec : TOOLS) {
            RadioMenuItem item = new RadioMenuItem(spec.tool().label(), new FontIcon(spec.icon()));
            item.setToggleGroup(toolMenuGroup);
            item.setAccelerator(shortcut(spec.key()));
            item.setUserData(spec.tool());
            item.setOnAction(e -> {
                if (!ViewerAction.typingInto(getScene(), item.getAccelerator())) {
                    viewModel.toolProperty().set(spec.tool());
                }
            });
            tools.getItems().add(item);
        }
        tools.getItems().addAll(new SeparatorMenuItem(), deleteMeasurement.guardedMenuItem(),
                clearMeasurements.guardedMenuItem());
        viewModel.toolProperty().addListener((obs, o, n) -> syncTool(n));

        Menu cineMenu = new Menu("_Cine");
        cineMenu.getItems().addAll(cine.guardedMenuItem(), cineFaster.guardedMenuItem(), cineSlower.guardedMenuItem());
        helpMenu.visibleProperty().bind(javafx.beans.binding.Bindings.isNotEmpty(helpMenu.getItems()));
        MenuBar bar = new MenuBar(file, view, window, tools, cineMenu, helpMenu);
        bar.setUseSystemMenuBar(true);
        return bar;
    }

    private ToolBar toolBar() {
        ToolBar bar = new ToolBar();
        bar.getItems().addAll(openFile.button(), openFolder.button(), openDemo.button(), new Separator());
        for (ToolSpec spec : TOOLS) {
            ToggleButton b = new ToggleButton(null, new FontIcon(spec.icon()));
            b.setTooltip(new Tooltip(spec.tool().label() + " (" + shortcut(spec.key()).getDisplayText() + ")"));
            b.setToggleGroup(toolGroup);
            b.setUserData(spec.tool());
            b.setFocusTraversable(false);
            b.setOnAction(e -> viewModel.toolProperty().set(spec.tool()));
            bar.getItems().add(b);
        }
        syncTool(viewModel.toolProperty().get());
        bar.getItems().addAll(new Separator(), fit.button(), actualSize.button(), zoomIn.button(), zoomOut.button(),
                rotateLeft.button(), rotateRight.button(), flipH.button(), flipV.button(), invert.button(),
                reset.button(), new Separator(), deleteMeasurement.button(), clearMeasurements.button(),
                new Separator(), cornerText.button());

        bar.getItems().add(nextLayout.button());

        cineRate.setPrefWidth(90);
        cineRate.setFocusTraversable(false);
        cineRate.setTooltip(new Tooltip("Cine frame rate (" + cineSlower.shortcut().getDisplayText() + " / "
                + cineFaster.shortcut().getDisplayText() + ")"));
        Label fpsLabel = new Label();
        cineRate.valueProperty().addListener((obs, o, n) -> {
            viewModel.viewports().forEach(vp -> vp.cineFramesPerSecondProperty().set(n.doubleValue()));
            fpsLabel.setText(String.format("%.0f fps", n.doubleValue()));
        });
        fpsLabel.setText("10 fps");
        bar.getItems().addAll(new Separator(), cine.button(), cineRate, fpsLabel);
        return bar;
    }

    private void syncTool(Tool tool) {
        toolGroup.getToggles().forEach(t -> t.setSelected(t.getUserData() == tool));
        toolMenuGroup.getToggles().forEach(t -> t.setSelected(t.getUserData() == tool));
    }

    private void focusSearch() {
        attributes.search().requestFocus();
        attributes.search().selectAll();
    }

    /**
     * Closes what is selected in the browser (a patient's studies, a study, a series' study) or, with nothing
     * selected there, the study in the active viewport.
     */
    private void closeSelectedStudy() {
        if (browser.closeSelection()) {
            return;
        }
        Study study = viewModel.activeStudy();
        if (study != null) {
            viewModel.closeStudy(study);
        }
    }

    private void updateFileWindows() {
        fileWindowsMenu.getItems().clear();
        for (Voi voi : active().windowPresets()) {
            if (voi instanceof Voi.Window w && CtPresets.ALL.stream().noneMatch(p -> p.name().equals(w.explanation()))) {
                MenuItem item = new MenuItem(String.format("%s  (%.0f / %.0f)", w.explanation(), w.center(), w.width()));
                item.setOnAction(e -> active().applyWindow(voi));
                fileWindowsMenu.getItems().add(item);
            } else if (voi instanceof Voi.Lut l) {
                MenuItem item = new MenuItem(l.explanation());
                item.setOnAction(e -> active().applyWindow(voi));
                fileWindowsMenu.getItems().add(item);
            }
        }
        fileWindowsMenu.setDisable(fileWindowsMenu.getItems().isEmpty());
    }

    private void updateRecentMenu() {
        recentMenu.getItems().clear();
        for (Path p : viewModel.recentPaths()) {
            MenuItem item = new MenuItem(p.toString());
            item.setOnAction(e -> viewModel.open(List.of(p)));
            recentMenu.getItems().add(item);
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    private void chooseFiles() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open DICOM files or photographs");
        viewModel.settings().lastFolder().map(Path::toFile).filter(File::isDirectory).ifPresent(chooser::setInitialDirectory);
        List<File> files = chooser.showOpenMultipleDialog(getScene().getWindow());
        if (files != null) {
            viewModel.open(files.stream().map(File::toPath).toList());
        }
    }

    private void chooseFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open a folder of DICOM files or photographs");
        viewModel.settings().lastFolder().map(Path::toFile).filter(File::isDirectory).ifPresent(chooser::setInitialDirectory);
        File folder = chooser.showDialog(getScene().getWindow());
        if (folder != null) {
            viewModel.open(List.of(folder.toPath()));
        }
    }

    // ---- window geometry ----

    /** Puts the window where it was last time (if that is still on a screen) and remembers it on close. */
    public static void restoreAndRememberGeometry(Stage stage, ViewerSettings settings) {
        settings.windowGeometry().ifPresent(g -> {
            Rectangle2D bounds = new Rectangle2D(g.x(), g.y(), Math.max(g.width(), 200), Math.max(g.height(), 200));
            Screen.getScreens().stream().map(Screen::getVisualBounds).filter(b -> b.intersects(bounds)).findFirst()
                    .ifPresent(screen -> {
                        // Kept on the screen it was on, and no larger: that screen may be smaller than it was.
                        double width = Math.min(bounds.getWidth(), screen.getWidth());
                        double height = Math.min(bounds.getHeight(), screen.getHeight());
                        stage.setX(Math.clamp(g.x(), screen.getMinX(), screen.getMaxX() - width));
                        stage.setY(Math.clamp(g.y(), screen.getMinY(), screen.getMaxY() - height));
                        stage.setWidth(width);
                        stage.setHeight(height);
                    });
            stage.setMaximized(g.maximized());
        });
        stage.setOnHiding(e -> settings.setWindowGeometry(new ViewerSettings.WindowGeometry(
                stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), stage.isMaximized())));
    }

    /**
     * Shows this window on {@code stage} and runs {@code open} (what the window starts with: paths given on the
     * command line, the demo study) once the window's first frame is painted. Opened as the window showed, a
     * large series' load shared its first pulses with that paint (long in software rendering), and the FX
     * thread waited for it inside the load. The status bar says "Opening…" in the frame after the first; JavaFX
     * paints a frame only when the one before it is done, so once that frame's pulse is over, the first is painted.
     */
    public void showThenOpen(Stage stage, Runnable open) {
        Scene scene = stage.getScene();
        int[] pulses = {0};
        Runnable[] afterLayout = new Runnable[1];
        afterLayout[0] = () -> {
            if (++pulses[0] == 1) {
                // After this pulse, so that the change is the next frame's; a next pulse comes even without one.
                Platform.runLater(() -> viewModel.statusProperty().set("Opening…"));
                Platform.requestNextPulse();
            } else {
                scene.removePostLayoutPulseListener(afterLayout[0]);
                Platform.runLater(open);
            }
        };
        scene.addPostLayoutPulseListener(afterLayout[0]);
        stage.show();
    }

    /** The window's size on a first start: 1600 × 900, or the primary screen's visible area where that is smaller. */
    public static Dimension2D firstWindowSize() {
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        return new Dimension2D(Math.min(1600, screen.getWidth()), Math.min(900, screen.getHeight()));
    }

    /**
     * A scene for this window in the user's theme. From then on every window the application shows (dialogs,
     * menus, tooltips, the app's and plugins' windows) takes the theme too, and follows the setting when it changes.
     */
    public Scene createScene(double width, double height) {
        Scene scene = new Scene(this, width, height);
        ThemeStyler.install();
        ThemeStyler.themeProperty().bind(viewModel.themeProperty());
        ThemeStyler.style(scene, viewModel.themeProperty().get());
        return scene;
    }

    /** The Help menu, for the application's items; hidden while it has none. */
    public Menu helpMenu() {
        return helpMenu;
    }

    /** The view model this window shows (the app wires its AI side to the same studies). */
    public ViewerViewModel viewModel() {
        return viewModel;
    }

    public List<ViewportView> viewportViews() {
        return viewportViews;
    }

    public StudyBrowserView browser() {
        return browser;
    }

    public FailurePanel failurePanel() {
        return failurePanel;
    }

    /** The pacer of the browser's and the attribute table's updates (tests wait for it to be idle). */
    public FramePacer pacer() {
        return pacer;
    }

    public StatusBar statusBar() {
        return statusBar;
    }

    public AttributeBrowserView attributes() {
        return attributes;
    }
}
