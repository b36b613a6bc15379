package org.radmamba.viewer.study;

import org.radmamba.viewer.concurrent.BackgroundThreads;
import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomHeader;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.photo.PhotographReadException;
import org.radmamba.viewer.photo.PhotographReader;
import org.radmamba.viewer.picture.PictureFormats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.FileVisitResult;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Builds the study model (patient → study → series → instance) from files, folders (recursively) and DICOMDIR
 * files, reading headers only. Files that cannot be read are listed in {@link ScanResult#failures()} with
 * their reason; every readable file is kept. Thread-safe; a scan reads headers on a small thread pool.
 */
public final class StudyScanner {

    private static final Logger LOG = LoggerFactory.getLogger(StudyScanner.class);
    private static final String PHOTOGRAPHS = "Photographs";

    /**
     * The reason a path given to {@link #scan} that is neither a folder, a DICOMDIR nor a file fails with; a batch
     * run's failed row of a listed file that is not there says the same, wherever it runs.
     */
    public static final String NOT_A_FILE = "does not exist or is not a file";

    private final DicomReader reader;
    private final PhotographReader photographs;
    private final int threads;
    private final PictureFormats pictures;
    private final long maxFrameBytes;

    public StudyScanner(DicomReader reader, ReadLimits limits, int threads) {
        this(reader, limits, threads, PictureFormats.NONE);
    }

    /**
     * @param pictures formats beyond DICOM and ImageIO's photographs (the plugins'), tried before DICOM on files
     *                 that are not photographs; their pictures are listed as photographs
     */
    public StudyScanner(DicomReader reader, ReadLimits limits, int threads, PictureFormats pictures) {
        this.reader = reader;
        this.photographs = new PhotographReader(limits.maxFrameBytes());
        this.threads = Math.max(1, threads);
        this.pictures = pictures;
        this.maxFrameBytes = limits.maxFrameBytes();
    }

    /** The standard reader ({@link DicomReaders#standard()}), default limits, up to 4 threads. */
    public StudyScanner() {
        this(PictureFormats.NONE);
    }

    /** The standard DICOM reader, default limits, up to 4 threads, and the extra picture formats {@code pictures}. */
    public StudyScanner(PictureFormats pictures) {
        this(DicomReaders.standard(), ReadLimits.DEFAULT, Math.min(4, Runtime.getRuntime().availableProcessors()),
                pictures);
    }

    /** Scans files, folders (recursively) and DICOMDIRs; never throws for a bad file, lists it instead. */
    public ScanResult scan(List<Path> paths) {
        return scan(paths, instance -> { });
    }

    /**
     * As {@link #scan(List)}, and tells {@code onInstance} of each readable file as soon as its header is read
     * (on a scan thread, in no particular order), so that a viewer can show the first image before the scan ends.
     * The first file (in path order) is read on the calling thread, and {@code onInstance} returns for it, before
     * any other header is read.
     */
    public ScanResult scan(List<Path> paths, java.util.function.Consumer<Instance> onInstance) {
        return scan(paths, onInstance, ScanProgress.NONE);
    }

    /** As {@link #scan(List, java.util.function.Consumer)}, telling {@code progress} of each file read. */
    public ScanResult scan(List<Path> paths, java.util.function.Consumer<Instance> onInstance, ScanProgress progress) {
        return scan(paths, onInstance, ScanListener.of(progress));
    }

    /**
     * Scans as {@link #scan(List)} does, telling {@code listener} of each file's outcome as soon as it is known (the
     * first file's before any other header is read), so that a viewer can show a series as it fills in; stops when
     * the listener says the scan is cancelled.
     *
     * @throws java.util.concurrent.CancellationException when {@link ScanListener#isCancelled()} turned true
     */
    public ScanResult scan(List<Path> paths, ScanListener listener) {
        return scan(paths, instance -> { }, listener);
    }

    private ScanResult scan(List<Path> paths, java.util.function.Consumer<Instance> onInstance, ScanListener listener) {
        List<FailedFile> failures = new ArrayList<>();
        List<Path> files = expand(paths, failures);
        int total = files.size();
        int[] done = {0};
        // One call at a time, whichever thread makes it (the listener's contract); the lock also publishes what one
        // call wrote to the next.
        Object calls = new Object();
        java.util.function.Consumer<ScannedFile> fileRead = scanned -> {
            synchronized (calls) {
                listener.fileScanned(scanned);
                listener.filesRead(++done[0], total);
            }
        };
        synchronized (calls) {
            failures.forEach(f -> listener.fileScanned(ScannedFile.failed(f)));
            listener.filesRead(0, total);
        }
        List<Instance> instances = new ArrayList<>();
        List<DicomDataset> datasets = new ArrayList<>();
        List<Future<ScannedFile>> futures = new ArrayList<>();
        java.util.function.Function<Path, java.util.concurrent.Callable<ScannedFile>> task = file -> () -> {
            if (listener.isCancelled()) {
                return null;
            }
            ScannedFile scanned = scanFile(file);
            if (scanned.instance() != null) {
                onInstance.accept(scanned.instance());
            }
            fileRead.accept(scanned);
            return scanned;
        };
        ExecutorService pool = null;
        try {
            if (!files.isEmpty()) {
                // First file first, on the calling thread: its header and what onInstance does with it (a viewer
                // shows its image) run before any other header is read, and before the scan threads exist (making
                // them links setpriority through the FFM, tens of ms in a fresh JVM, and they run at a lower
                // priority). A FutureTask, so that its outcome is reported as the pool's are.
                java.util.concurrent.FutureTask<ScannedFile> first = new java.util.concurrent.FutureTask<>(
                        task.apply(files.getFirst()));
                first.run();
                futures.add(first);
            }
            if (files.size() > 1 && !listener.isCancelled()) {
                // Background priority: a scan runs while the viewer draws (progress, the browser filling in).
                pool = Executors.newFixedThreadPool(Math.min(threads, files.size() - 1),
                        BackgroundThreads.factory("radmamba-scan"));
                for (Path file : files.subList(1, files.size())) {
                    futures.add(pool.submit(task.apply(file)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                ScannedFile scanned = join(futures.get(i), files.get(i), listener);
                if (scanned.failure() != null) {
                    failures.add(scanned.failure());
                } else {
                    instances.add(scanned.instance());
                    datasets.add(scanned.header());
                }
            }
            if (listener.isCancelled()) {
                throw new java.util.concurrent.CancellationException("scan cancelled");
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
                if (listener.isCancelled()) {
                    awaitStopped(pool);
                }
            }
        }
        // INFO, not WARN: the caller shows the failures (the CLI on stderr, the viewer in its list); the log file keeps them.
        failures.forEach(f -> LOG.info("skipped {}", f.message()));
        return new ScanResult(StudyTree.build(instances, datasets), failures);
    }

    /**
     * A file's outcome once its task ends; polls the listener meanwhile, so that a cancelled scan stops waiting for a
     * header that is slow to come (a network share) as soon as it is told.
     */
    private static ScannedFile join(Future<ScannedFile> future, Path file, ScanListener listener) {
        try {
            while (true) {
                try {
                    ScannedFile scanned = future.get(50, java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (scanned == null) {
                        throw new java.util.concurrent.CancellationException("scan cancelled");
                    }
                    return scanned;
                } catch (java.util.concurrent.TimeoutException e) {
                    if (listener.isCancelled()) {
                        throw new java.util.concurrent.CancellationException("scan cancelled");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("scan interrupted", e);
        } catch (ExecutionException e) {
            // scanFile turns every problem of a file into its failure entry; what escapes it (a listener's error)
            // is still one file's, and must not cost the others.
            LOG.error("scanning {} failed unexpectedly", file, e.getCause());
            return ScannedFile.failed(new FailedFile(file, "cannot be read: " + e.getCause()));
        }
    }

    /**
     * Waits a little for the threads of a cancelled scan, interrupted by {@code shutdownNow}, to end: a cancelled scan
     * leaves no thread behind reading headers nobody wants.
     */
    private static void awaitStopped(ExecutorService pool) {
        try {
            if (!pool.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("a cancelled scan's threads are still reading after 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One file's outcome, whatever happens reading it: a file whose reading exhausts the heap or the stack, or
     * trips a bug, is listed as failed and the scan goes on with the others.
     */
    private ScannedFile scanFile(Path file) {
        try {
            return readFile(file);
        } catch (OutOfMemoryError e) {
            return ScannedFile.failed(new FailedFile(file, "ran out of memory while being read (the heap is "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MB): " + e.getMessage()));
        } catch (StackOverflowError e) {
            return ScannedFile.failed(new FailedFile(file, "nests too deeply to be read (stack overflow)"));
        } catch (RuntimeException e) {
            LOG.error("reading {} failed unexpectedly", file, e);
            return ScannedFile.failed(new FailedFile(file, "cannot be read: " + e));
        }
    }

    private ScannedFile readFile(Path file) {
        if (PhotographReader.isPhotograph(file)) {
            try {
                FrameFormat format = photographs.readFormat(file);
                ImageGeometry geometry = new ImageGeometry(format.rows(), format.columns(), null, null, null, Double.NaN);
                return ScannedFile.read(new Instance(file, InstanceKind.PHOTOGRAPH, "", "", 0, 1, "", "RGB",
                        Optional.of(geometry)), null);
            } catch (PhotographReadException e) {
                return ScannedFile.failed(new FailedFile(file, e.reason()));
            }
        }
        try {
            Optional<PhotographReader.Photograph> picture = pictures.readPicture(file, maxFrameBytes);
            if (picture.isPresent()) {
                FrameFormat format = picture.get().format();
                ImageGeometry geometry = new ImageGeometry(format.rows(), format.columns(), null, null, null, Double.NaN);
                return ScannedFile.read(new Instance(file, InstanceKind.PHOTOGRAPH, "", "", 0, 1, "",
                        format.photometricInterpretation(), Optional.of(geometry)), null);
            }
        } catch (PhotographReadException e) {
            return ScannedFile.failed(new FailedFile(file, e.reason()));
        }
        try {
            DicomHeader header = reader.readHeader(file);
            return ScannedFile.read(instanceOf(header), header.dataset());
        } catch (DicomReadException e) {
            return ScannedFile.failed(new FailedFile(file, pictures.unsupported(file).orElse(e.reason())));
        }
    }

    private static Instance instanceOf(DicomHeader header) {
        DicomDataset ds = header.dataset();
        boolean image = header.hasPixelData();
        Optional<ImageGeometry> geometry = image ? Optional.of(new ImageGeometry(ds.integer(Tag.ROWS, 0),
                ds.integer(Tag.COLUMNS, 0), orNull(ImagePlane.position(ds)), orNull(ImagePlane.orientation(ds)),
                orNull(ImagePlane.pixelSpacing(ds)), ds.decimal(Tag.SLICE_THICKNESS).orElse(Double.NaN),
                orNull(ImagePlane.imagerPixelSpacing(ds)))) : Optional.empty();
        return new Instance(header.file(), image ? InstanceKind.DICOM_IMAGE : InstanceKind.DICOM_NON_IMAGE,
                ds.string(Tag.SOP_CLASS_UID, ""), ds.string(Tag.SOP_INSTANCE_UID, ""), ds.integer(Tag.INSTANCE_NUMBER, 0),
                image ? Math.max(1, ds.integer(Tag.NUMBER_OF_FRAMES, 1)) : 0, header.transferSyntaxUid(),
                ds.string(Tag.PHOTOMETRIC_INTERPRETATION, ""), geometry);
    }

    private static double[] orNull(Optional<double[]> value) {
        return value.orElse(null);
    }

    /** The files to read: folders walked, DICOMDIRs replaced by the files they reference, duplicates dropped. */
    private List<Path> expand(List<Path> paths, List<FailedFile> failures) {
        LinkedHashSet<Path> files = new LinkedHashSet<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try {
                    for (Path p : regularFilesUnder(path)) {
                        files.add(p.toAbsolutePath().normalize());
                    }
                } catch (IOException | UncheckedIOException e) {
                    failures.add(new FailedFile(path, "cannot be listed: " + e.getMessage()));
                }
            } else if (isDicomDir(path)) {
                try {
                    reader.dicomDirReferencedFiles(path).forEach(p -> files.add(p.toAbsolutePath().normalize()));
                } catch (DicomReadException e) {
                    failures.add(new FailedFile(path, e.reason()));
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path.toAbsolutePath().normalize());
            } else {
                failures.add(new FailedFile(path, NOT_A_FILE));
            }
        }
        return new ArrayList<>(files);
    }

    /**
     * The regular files under {@code folder} (links to one included), DICOMDIRs and hidden files left out, sorted.
     * A file visitor and a plain sort rather than a stream of lambdas: this runs before the first frame, when each
     * lambda's first call still costs its linking (about a millisecond in a fresh JVM).
     */
    private static List<Path> regularFilesUnder(Path folder) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                boolean regular = attributes.isRegularFile()
                        || attributes.isSymbolicLink() && Files.isRegularFile(file);
                if (regular && !isDicomDir(file) && !isHidden(file)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        java.util.Collections.sort(found);
        return found;
    }

    private static boolean isDicomDir(Path file) {
        return file.getFileName() != null && file.getFileName().toString().equalsIgnoreCase("DICOMDIR");
    }

    private static boolean isHidden(Path file) {
        return file.getFileName().toString().startsWith(".");
    }

    /** Groups instances into the tree and orders every level. */
    static final class StudyTree {
        private StudyTree() {
        }

        static List<Patient> build(List<Instance> instances, List<DicomDataset> datasets) {
            Map<String, Map<String, Map<String, List<Integer>>>> tree = new LinkedHashMap<>();
            Map<String, Integer> firstOfPatient = new LinkedHashMap<>();
            Map<String, Integer> firstOfStudy = new LinkedHashMap<>();
            Map<String, Integer> firstOfSeries = new LinkedHashMap<>();
            for (int i = 0; i < instances.size(); i++) {
                Instance instance = instances.get(i);
                DicomDataset ds = datasets.get(i);
                String patientKey;
                String studyKey;
                String seriesKey;
                if (ds == null) {
                    // Photographs: one series per folder, under one "Photographs" patient and study.
                    patientKey = "\0" + PHOTOGRAPHS;
                    studyKey = PHOTOGRAPHS;
                    seriesKey = String.valueOf(instance.file().getParent());
                } else {
                    patientKey = ds.string(Tag.PATIENT_ID, "") + "\0" + ds.string(Tag.PATIENT_NAME, "");
                    studyKey = ds.string(Tag.STUDY_INSTANCE_UID, "");
                    seriesKey = ds.string(Tag.SERIES_INSTANCE_UID, "");
                }
                tree.computeIfAbsent(patientKey, k -> new LinkedHashMap<>())
                        .computeIfAbsent(studyKey, k -> new LinkedHashMap<>())
                        .computeIfAbsent(seriesKey, k -> new ArrayList<>()).add(i);
                firstOfPatient.putIfAbsent(patientKey, i);
                firstOfStudy.putIfAbsent(patientKey + "\0" + studyKey, i);
                firstOfSeries.putIfAbsent(patientKey + "\0" + studyKey + "\0" + seriesKey, i);
            }
            List<Patient> patients = new ArrayList<>();
            for (var patient : tree.entrySet()) {
                DicomDataset pds = datasets.get(firstOfPatient.get(patient.getKey()));
                List<Study> studies = new ArrayList<>();
                for (var study : patient.getValue().entrySet()) {
                    DicomDataset sds = datasets.get(firstOfStudy.get(patient.getKey() + "\0" + study.getKey()));
                    List<Series> seriesList = new ArrayList<>();
                    for (var series : study.getValue().entrySet()) {
                        DicomDataset rds = datasets.get(firstOfSeries.get(
                                patient.getKey() + "\0" + study.getKey() + "\0" + series.getKey()));
                        List<Instance> members = series.getValue().stream().map(instances::get).toList();
                        seriesList.add(new Series(series.getKey(), rds == null ? "XC" : rds.string(Tag.MODALITY, ""),
                                rds == null ? 0 : rds.integer(Tag.SERIES_NUMBER, 0),
                                rds == null ? series.getKey() : rds.string(Tag.SERIES_DESCRIPTION, ""),
                                InstanceOrder.sort(members)));
                    }
                    seriesList.sort(Comparator.comparingInt(Series::seriesNumber).thenComparing(Series::seriesInstanceUid));
                    studies.add(new Study(study.getKey(), sds == null ? "" : sds.string(Tag.STUDY_DATE, ""),
                            sds == null ? PHOTOGRAPHS : sds.string(Tag.STUDY_DESCRIPTION, ""),
                            sds == null ? "" : sds.string(Tag.ACCESSION_NUMBER, ""), seriesList));
                }
                studies.sort(Comparator.comparing(Study::studyDate).thenComparing(Study::studyInstanceUid));
                patients.add(pds == null ? new Patient("", PHOTOGRAPHS, studies)
                        : new Patient(pds.string(Tag.PATIENT_ID, ""), pds.string(Tag.PATIENT_NAME, ""), studies));
            }
            patients.sort(Comparator.comparing((Patient p) -> p.patientName().toLowerCase(Locale.ROOT))
                    .thenComparing(Patient::patientId));
            return patients;
        }
    }
}
