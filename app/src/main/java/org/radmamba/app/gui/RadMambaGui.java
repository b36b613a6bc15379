package org.radmamba.app.gui;

import javafx.application.Application;

import java.nio.file.Path;
import java.util.List;

/** Starts the viewer window and returns when it is closed. */
public final class RadMambaGui {

    private RadMambaGui() {
    }

    /** Blocks until the last window closes. */
    public static void launch(List<Path> paths) {
        Application.launch(ViewerApplication.class, paths.stream().map(Path::toString).toArray(String[]::new));
    }
}
