package org.radmamba.viewer.fx.service;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;
import org.radmamba.viewer.study.ScanListener;
import org.radmamba.viewer.study.ScanProgress;
import org.radmamba.viewer.study.ScanResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** What the view models need from the DICOM layer. Blocking calls: view models run them in background tasks. */
public interface StudyService {

    /** Files, folders and DICOMDIRs to a study tree; unreadable files are listed, never thrown. */
    ScanResult scan(List<Path> paths);

    /** As {@link #scan(List)}, telling {@code progress} how many of the files found have been read. */
    default ScanResult scan(List<Path> paths, ScanProgress progress) {
        return scan(paths);
    }

    /**
     * As {@link #scan(List)}, telling {@code listener} of each file as soon as it is read, so that a viewer shows a
     * series as it fills in, and stopping when the listener says so. A service that cannot tell file by file reports
     * progress only: its caller still gets everything in the result.
     */
    default ScanResult scan(List<Path> paths, ScanListener listener) {
        return scan(paths, listener::filesRead);
    }

    /** The pixels of one instance. */
    LoadedImage load(Instance instance) throws IOException;

    /** A DICOM file's attributes without its pixel data (the attribute browser). */
    DicomDataset readHeader(Path file) throws IOException;
}
