package org.radmamba.viewer.fx.service;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;
import org.radmamba.viewer.study.ScanListener;
import org.radmamba.viewer.study.ScanProgress;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.StudyScanner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The study service on the DICOM layer: {@link StudyScanner} for headers, {@link ImageLoader} for pixels. */
public final class DicomStudyService implements StudyService {

    private final StudyScanner scanner;
    private final ImageLoader loader;
    private final DicomReader reader;

    public DicomStudyService(StudyScanner scanner, ImageLoader loader, DicomReader reader) {
        this.scanner = scanner;
        this.loader = loader;
        this.reader = reader;
    }

    /** The standard reader behind the port ({@link DicomReaders#standard()}), default read limits. */
    public DicomStudyService() {
        this(new StudyScanner(), new ImageLoader(), DicomReaders.standard());
    }

    @Override
    public DicomDataset readHeader(Path file) throws IOException {
        return reader.readHeader(file).dataset();
    }

    @Override
    public ScanResult scan(List<Path> paths) {
        return scanner.scan(paths);
    }

    @Override
    public ScanResult scan(List<Path> paths, ScanProgress progress) {
        return scanner.scan(paths, instance -> { }, progress);
    }

    @Override
    public ScanResult scan(List<Path> paths, ScanListener listener) {
        return scanner.scan(paths, listener);
    }

    @Override
    public LoadedImage load(Instance instance) throws IOException {
        return loader.load(instance);
    }
}
