package org.radmamba.viewer.fx.model;

import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.TaskExecutor;
import org.radmamba.viewer.study.HeldBackHeaders;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.StudyScanner;

import java.nio.file.Path;

/**
 * The viewer window's view model over a scan whose headers the test holds back ({@link HeldBackHeaders}, four scan
 * threads), with the standard reader for pixels and settings in memory: the set-up of the tests of a folder opened
 * while its headers are still being read.
 */
public final class ViewerOverHeldBackHeaders {

    private ViewerOverHeldBackHeaders() {
    }

    /** {@code demoFolder}: what File ▸ Open demo would open (these tests never do). */
    public static ViewerViewModel viewModel(HeldBackHeaders reader, TaskExecutor workers, Path demoFolder) {
        DicomStudyService service = new DicomStudyService(new StudyScanner(reader, ReadLimits.DEFAULT, 4),
                new ImageLoader(), DicomReaders.standard());
        return new ViewerViewModel(service, workers, new ViewerSettings(new MemoryStore()), () -> demoFolder);
    }
}
