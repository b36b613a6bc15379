package org.radmamba.viewer.study;

import org.radmamba.viewer.dicom.DicomDataset;

import java.util.ArrayList;
import java.util.List;

/**
 * One file's outcome in a scan, handed over as soon as it is known: a readable file's instance with the header that
 * places it in its patient, study and series (none for a photograph), or the file's failure. A viewer groups the
 * files read so far with {@link #group(List)} to show a series before the scan of the rest ends.
 */
public final class ScannedFile {

    private final Instance instance;
    private final DicomDataset header;
    private final FailedFile failure;

    private ScannedFile(Instance instance, DicomDataset header, FailedFile failure) {
        this.instance = instance;
        this.header = header;
        this.failure = failure;
    }

    /** A readable file; {@code header} null for a photograph. */
    static ScannedFile read(Instance instance, DicomDataset header) {
        return new ScannedFile(instance, header, null);
    }

    static ScannedFile failed(FailedFile failure) {
        return new ScannedFile(null, null, failure);
    }

    /** The file's instance; null when it failed. */
    public Instance instance() {
        return instance;
    }

    /** Why the file (or a folder or DICOMDIR given to the scan) could not be read; null when it was read. */
    public FailedFile failure() {
        return failure;
    }

    DicomDataset header() {
        return header;
    }

    /**
     * The patient → study → series tree of {@code files} and their failures, ordered as a whole scan orders it: the
     * files of a scan grouped in parts, each part a scan result of its own.
     */
    public static ScanResult group(List<ScannedFile> files) {
        List<Instance> instances = new ArrayList<>();
        List<DicomDataset> headers = new ArrayList<>();
        List<FailedFile> failures = new ArrayList<>();
        for (ScannedFile file : files) {
            if (file.failure != null) {
                failures.add(file.failure);
            } else {
                instances.add(file.instance);
                headers.add(file.header);
            }
        }
        return new ScanResult(StudyScanner.StudyTree.build(instances, headers), failures);
    }
}
