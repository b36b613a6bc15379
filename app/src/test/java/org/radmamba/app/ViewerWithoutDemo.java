package org.radmamba.app;

import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.SettingsStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.TaskExecutor;

import java.io.IOException;

/** The viewer view model the app's window tests build: real services, settings kept in memory, no demo. */
public final class ViewerWithoutDemo {

    private ViewerWithoutDemo() {
    }

    /** A viewer on {@code workers} whose settings are not persisted and whose demo study fails to load if asked. */
    public static ViewerViewModel viewModel(TaskExecutor workers) {
        return viewModel(new DicomStudyService(), workers);
    }

    /** The same over {@code service} (e.g. one reading a plugin's picture formats). */
    public static ViewerViewModel viewModel(DicomStudyService service, TaskExecutor workers) {
        return viewModel(service, workers, new MemoryStore());
    }

    /** The same with the settings of {@code store} (e.g. what an earlier window of the test kept there). */
    public static ViewerViewModel viewModel(DicomStudyService service, TaskExecutor workers, SettingsStore store) {
        return new ViewerViewModel(service, workers, new ViewerSettings(store), () -> {
            throw new IOException("no demo in this test");
        });
    }
}
