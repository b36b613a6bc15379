package org.radmamba.app.gui;

import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import org.radmamba.app.logging.Logging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.Desktop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Help ▸ Show log folder: opens the folder of the log file in the desktop's file manager (java.awt.Desktop), so
 * that a user can attach the log to a report; where the desktop cannot open folders (no file manager, a headless
 * session) or opening fails, a dialog shows the folder's path to copy instead. HostServices is not used: it cannot
 * tell whether the folder opened, so the dialog would never come when it should.
 */
final class LogFolderItem {

    private static final Logger LOG = LoggerFactory.getLogger(LogFolderItem.class);

    private LogFolderItem() {
    }

    /** The menu item; {@code owner} supplies the window the fallback dialog belongs to. */
    static MenuItem create(Supplier<Window> owner) {
        MenuItem item = new MenuItem("Show log folder");
        item.setOnAction(e -> show(Logging.logFolder(), owner.get()));
        return item;
    }

    static void show(Path folder, Window owner) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            LOG.warn("The log folder {} cannot be created: {}", folder, e.getMessage());
        }
        if (!Desktop.isDesktopSupported() || !Desktop.getDesktop().isSupported(Desktop.Action.OPEN)) {
            dialog(folder, owner, "This desktop cannot open folders from RadMamba.");
            return;
        }
        // Off the FX thread: AWT's Desktop may block while the file manager starts, and must not freeze the window.
        Thread opener = new Thread(() -> {
            try {
                Desktop.getDesktop().open(folder.toFile());
            } catch (IOException | RuntimeException e) {
                LOG.warn("The log folder {} could not be opened: {}", folder, e.getMessage());
                Platform.runLater(() -> dialog(folder, owner, "The folder could not be opened."));
            }
        }, "radmamba-open-log-folder");
        opener.setDaemon(true);
        opener.start();
    }

    /** A dialog with the folder's path in a selectable field, to copy into a file manager. */
    static Alert dialog(Path folder, Window owner, String why) {
        TextField path = new TextField(folder.toString());
        path.setEditable(false);
        path.setPrefColumnCount(Math.max(30, folder.toString().length()));
        Alert alert = new Alert(Alert.AlertType.INFORMATION, null, ButtonType.OK);
        alert.setTitle("Log folder");
        alert.setHeaderText("RadMamba's log files are in this folder");
        alert.getDialogPane().setContent(new VBox(8, new Label(why), path));
        if (owner != null) {
            alert.initOwner(owner);
        }
        alert.show();
        return alert;
    }
}
