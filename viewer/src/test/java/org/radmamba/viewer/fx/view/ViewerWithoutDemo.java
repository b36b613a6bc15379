package org.radmamba.viewer.fx.view;

import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.FxTaskExecutor;

import java.io.IOException;

/** The view model the window tests of this package build: real services, settings kept in memory, no demo. */
final class ViewerWithoutDemo {

    private ViewerWithoutDemo() {
    }

    /** A viewer on {@code executor} whose settings are not persisted and whose demo study fails to load if asked. */
    static ViewerViewModel viewModel(FxTaskExecutor executor) {
        return new ViewerViewModel(new DicomStudyService(), executor, new ViewerSettings(new MemoryStore()), () -> {
            throw new IOException("no demo in this test");
        });
    }
}
