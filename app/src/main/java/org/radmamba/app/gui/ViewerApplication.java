package org.radmamba.app.gui;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Dimension2D;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.radmamba.app.gui.plugins.PluginToolsPane;
import org.radmamba.app.plugin.PluginPictureFormats;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.net.ReceiverSettings;
import org.radmamba.viewer.fx.model.StudyReceiverViewModel;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.PreferencesStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.fx.view.MainWindow;
import org.radmamba.viewer.picture.PictureFormats;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.StudyScanner;

import java.nio.file.Path;
import java.util.List;

/**
 * The JavaFX application: the main window on the real DICOM layer with the AI side panel, user preferences, a
 * worker pool. Opens the
 * paths given on the command line, or the demo study when there are none. Started by {@link RadMambaGui}, never
 * as a main class (JavaFX is on the class path).
 */
public final class ViewerApplication extends Application {

    private FxTaskExecutor executor;
    private PluginRegistry plugins;
    private StudyReceiverViewModel receiver;

    /** Finds the plugins before the window opens (on the launcher thread, not the FX thread). */
    @Override
    public void init() {
        plugins = PluginRegistry.standard();
    }

    @Override
    public void start(Stage stage) {
        executor = FxTaskExecutor.forThisMachine();
        ViewerSettings settings = new ViewerSettings(PreferencesStore.forUser());
        // Files neither DICOM nor photographs are read by the plugins' image sources, through the viewer's port.
        PictureFormats pictures = new PluginPictureFormats(plugins);
        DicomStudyService studies = new DicomStudyService(new StudyScanner(pictures), new ImageLoader(pictures),
                DicomReaders.standard());
        ViewerViewModel viewModel = new ViewerViewModel(studies, executor, settings,
                () -> DemoStudy.ensureGenerated(DemoStudy.defaultCacheFolder()));
        MainWindow window = new MainWindow(viewModel);
        // Studies pushed to RadMamba join the browser as they arrive; a port in use is one line, the app runs on.
        receiver = new StudyReceiverViewModel(ReceiverSettings.userNode(), Platform::runLater,
                viewModel::openReceived);
        receiver.startIfEnabled();
        window.useReceiver(receiver);
        AiWindow ai = AiWindow.standard(window, plugins);
        PluginToolsPane.dock(window, plugins, ai::imageOnScreen, PluginRegistry.userFolder());
        Dimension2D size = MainWindow.firstWindowSize();
        Scene scene = window.createScene(size.getWidth(), size.getHeight());
        ai.bindShortcuts(scene);
        window.helpMenu().getItems().add(LogFolderItem.create(() -> stage));
        stage.setTitle("RadMamba");
        stage.setScene(scene);
        MainWindow.restoreAndRememberGeometry(stage, settings);
        stage.setOnCloseRequest(e -> viewModel.closeAll());
        stage.setOnHidden(e -> ai.close());
        List<Path> paths = getParameters().getRaw().stream().map(Path::of).toList();
        window.showThenOpen(stage, paths.isEmpty() ? viewModel::openDemo : () -> viewModel.open(paths));
        if (!receiver.running().get() && receiver.enabled().get()) {
            viewModel.failures().add(new FailedFile(Path.of("storage SCP"), receiver.status().get()));
        }
    }

    @Override
    public void stop() {
        if (receiver != null) {
            receiver.close();
        }
        if (executor != null) {
            executor.close();
        }
        if (plugins != null) {
            plugins.close();
        }
    }
}
