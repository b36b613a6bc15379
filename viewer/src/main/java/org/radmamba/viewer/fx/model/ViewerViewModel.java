package org.radmamba.viewer.fx.model;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.FrameMemory;
import org.radmamba.viewer.fx.service.StudyService;
import org.radmamba.viewer.fx.settings.Theme;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.BackgroundTask;
import org.radmamba.viewer.fx.task.TaskContext;
import org.radmamba.viewer.fx.task.TaskExecutor;
import org.radmamba.viewer.fx.task.TaskHandle;
import org.radmamba.viewer.fx.task.WorkFunction;
import org.radmamba.viewer.photo.PhotographReadException;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.study.DecodedImage;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;
import org.radmamba.viewer.study.Patient;
import org.radmamba.viewer.study.ScanProgress;
import org.radmamba.viewer.study.ScanListener;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.ScannedFile;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.Study;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The main window's view model: open studies, the series list, the viewports and their layout, failures to
 * report, status and progress. All slow work (scanning, decoding, thumbnails) runs as {@link BackgroundTask}s on
 * the given executor; everything here is called on the UI thread.
 */
public final class ViewerViewModel implements SeriesProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ViewerViewModel.class);
    /** Longest side of a browser thumbnail, in pixels. */
    public static final int THUMBNAIL_SIZE = 96;
    public static final int MAX_VIEWPORTS = 4;

    /** Where the demo study comes from (generated into a cache folder by default). */
    @FunctionalInterface
    public interface DemoSource {
        Path folder() throws IOException;
    }

    private final StudyService service;
    private final TaskExecutor executor;
    private final ViewerSettings settings;
    private final DemoSource demoSource;

    private final ObservableList<SeriesEntry> series = FXCollections.observableArrayList();
    private final ObservableList<FailedFile> failures = FXCollections.observableArrayList();
    private final ObservableList<Path> recentPaths = FXCollections.observableArrayList();
    private final StringProperty status = new SimpleStringProperty(this, "status", "Ready");
    private final DoubleProperty progress = new SimpleDoubleProperty(this, "progress", 0);
    private final IntegerProperty runningTasks = new SimpleIntegerProperty(this, "runningTasks");
    private final ObjectProperty<Layout> layout = new SimpleObjectProperty<>(this, "layout", Layout.ONE);
    /** The MPR layout's view model while it is shown, else null. */
    private final ObjectProperty<MprViewModel> mpr = new SimpleObjectProperty<>(this, "mpr");
    private final IntegerProperty activeViewport = new SimpleIntegerProperty(this, "activeViewport");
    private final ObjectProperty<Tool> tool = new SimpleObjectProperty<>(this, "tool", Tool.WINDOW_LEVEL);
    private final BooleanProperty cornerTextVisible = new SimpleBooleanProperty(this, "cornerTextVisible", true);
    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(this, "theme", Theme.DARK);

    private final MeasurementStore measurementStore = new MeasurementStore();
    private final AttributeBrowserViewModel attributes;
    private final List<ViewportViewModel> viewports = new ArrayList<>();
    private final Map<SeriesEntry, SeriesImages> loaded = new IdentityHashMap<>();
    private final Set<TaskHandle> tasks = new HashSet<>();
    /** The loads and thumbnails of each series, cancelled when its study closes. */
    private final Map<SeriesEntry, List<TaskHandle>> seriesTasks = new IdentityHashMap<>();
    /** The scans still running, each with what it has shown so far. */
    private final List<IncomingScan> liveScans = new ArrayList<>();
    private final javafx.beans.property.ReadOnlyBooleanWrapper scanning =
            new javafx.beans.property.ReadOnlyBooleanWrapper(this, "scanning");

    public ViewerViewModel(StudyService service, TaskExecutor executor, ViewerSettings settings, DemoSource demoSource) {
        this.service = service;
        this.executor = executor;
        this.settings = settings;
        this.demoSource = demoSource;
        this.attributes = new AttributeBrowserViewModel(service, executor);
        for (int i = 0; i < MAX_VIEWPORTS; i++) {
            int index = i;
            ViewportViewModel vp = new ViewportViewModel(this, measurementStore);
            vp.toolProperty().bind(tool);
            vp.instanceProperty().addListener((obs, o, n) -> {
                if (activeViewport.get() == index) {
                    attributes.show(n);
                }
            });
            viewports.add(vp);
        }
        activeViewport.addListener((obs, o, n) -> attributes.show(activeViewport().instanceProperty().get()));
        recentPaths.setAll(settings.recentPaths());
        cornerTextVisible.set(settings.cornerTextVisible());
        cornerTextVisible.addListener((obs, o, n) -> settings.setCornerTextVisible(n));
        theme.set(settings.theme());
        theme.addListener((obs, o, n) -> settings.setTheme(n));
    }

    // ---- opening ----

    /** Scans files and folders in the background and adds what it finds; unreadable files are reported. */
    public void open(List<Path> paths) {
        if (paths.isEmpty()) {
            return;
        }
        for (Path p : paths) {
            recentPaths.setAll(settings.addRecent(p));
        }
        Path first = paths.getFirst().toAbsolutePath();
        Path folder = Files.isDirectory(first) ? first : first.getParent();
        if (folder != null) {
            settings.setLastFolder(folder);
        }
        scanAndAdd(paths);
    }

    /** Adds a study retrieved from a PACS (its folder), without making it a recent path or the last folder. */
    public void openReceived(List<Path> paths) {
        if (!paths.isEmpty()) {
            scanAndAdd(paths);
        }
    }

    private void scanAndAdd(List<Path> paths) {
        String what = paths.size() == 1 ? paths.getFirst().getFileName() + "" : paths.size() + " items";
        scanIntoBrowser("Opening " + what, ctx -> paths, paths.getFirst());
    }

    /** Opens the embedded demo study (generated at first use). */
    public void openDemo() {
        scanIntoBrowser("Opening the demo study", ctx -> {
            ctx.updateMessage("preparing the demo study");
            return List.of(demoSource.folder());
        }, Path.of("demo study"));
    }

    /** How often at most a running scan's new files join the browser, after its first file, which joins at once. */
    static final long SCAN_PART_NANOS = 100_000_000L;

    /**
     * The one loading path of files, folders and DICOMDIRs (dropped, chosen in File ▸ Open, recent, the demo,
     * retrieved): scans them in the background and adds series to the browser as their headers are read, not when
     * the last one is. The first file's series shows at once (the scanner reads it before any other header), then
     * grows in parts at most every {@link #SCAN_PART_NANOS} (slice count, scroll range, thumbnails), and each
     * unreadable file joins the failures as it is found. The scan's result, once it ends, adds what no part brought
     * (a service that cannot report file by file). Closing a study during its scan drops the rest of its files;
     * closing everything stops the scan and its threads.
     */
    private void scanIntoBrowser(String title, WorkFunction<List<Path>> pathsToScan, Path reportedAs) {
        IncomingScan incoming = new IncomingScan();
        liveScans.add(incoming);
        scanning.set(true);
        track(BackgroundTask.wrap(ctx -> {
                    List<Path> paths = pathsToScan.run(ctx);
                    ctx.updateMessage("reading headers");
                    ScanProgress progress = everyTenthOfASecond(ctx);
                    ArrivalBatcher<ScannedFile> parts = new ArrivalBatcher<>(executor::runOnUiThread, files -> {
                        if (!ctx.isCancelled()) {
                            addScanPart(incoming, files);
                        }
                    }, SCAN_PART_NANOS);
                    try {
                        ScanResult whole = service.scan(paths, new ScanListener() {
                            private boolean first = true;

                            @Override
                            public void fileScanned(ScannedFile file) {
                                if (first) {
                                    first = false;
                                    incoming.firstImage = decodeFirst(file, ctx);
                                }
                                parts.arrived(file);
                            }

                            @Override
                            public void filesRead(int done, int total) {
                                progress.filesRead(done, total);
                            }

                            @Override
                            public boolean isCancelled() {
                                return ctx.isCancelled();
                            }
                        });
                        // The last part reaches the UI thread before the result does.
                        parts.close();
                        return whole;
                    } finally {
                        // A scan cancelled, interrupted (the window closing) or failed hands nothing more over.
                        parts.discard();
                    }
                })
                .withTitle(title)
                .onSuccess(result -> finishScan(incoming, result))
                .onFailure(e -> reportFailure(reportedAs, e)), () -> {
                    liveScans.remove(incoming);
                    scanning.set(!liveScans.isEmpty());
                });
    }

    /**
     * The first file's frame, decoded where the scanner tells of it: on the scan's calling thread, before any other
     * header is read or a scan thread exists (a single-frame image only; null otherwise or when it cannot be read,
     * which its series' load then reports). Decoded on a worker beside the scan threads instead, it waited for
     * them on a busy machine.
     */
    private SeriesImages.Arrival decodeFirst(ScannedFile file, TaskContext ctx) {
        Instance instance = file.instance();
        if (instance == null || !instance.isImage() || instance.frameCount() != 1 || ctx.isCancelled()) {
            return null;
        }
        try {
            return new SeriesImages.Arrival(instance, DecodedImage.of(service.load(instance)));
        } catch (IOException | RuntimeException e) {
            LOG.debug("The first file {} is left to its series' load", instance.file(), e);
            return null;
        }
    }

    /** What a running scan has brought to the UI thread, and the studies closed while it runs. UI thread only. */
    private static final class IncomingScan {
        /** The first file's decoded frame until its series shows it; written on the scan thread before it is handed over. */
        private volatile SeriesImages.Arrival firstImage;
        private final Set<FailedFile> failuresShown = new HashSet<>();
        private final Set<String> closedStudies = new HashSet<>();
        /** The viewports the scan filled, each with the file it showed then. */
        private final Map<Integer, Path> filledViewports = new java.util.TreeMap<>();

        /** {@code part} less the studies closed since the scan began; notes its failures as shown. */
        ScanResult shown(ScanResult part) {
            List<Patient> open = new ArrayList<>();
            for (Patient patient : part.patients()) {
                List<Study> studies = patient.studies().stream()
                        .filter(s -> !closedStudies.contains(s.studyInstanceUid())).toList();
                if (!studies.isEmpty()) {
                    open.add(studies.size() == patient.studies().size() ? patient
                            : new Patient(patient.patientId(), patient.patientName(), studies));
                }
            }
            failuresShown.addAll(part.failures());
            return new ScanResult(open, part.failures());
        }

        /** The whole scan's result less what its parts showed already (failures) or closed since (studies). */
        ScanResult remainderOf(ScanResult whole) {
            List<FailedFile> unseen = whole.failures().stream().filter(f -> !failuresShown.contains(f)).toList();
            return shown(new ScanResult(whole.patients(), unseen));
        }
    }

    /** A running scan's new files, grouped as a scan groups them, into the browser. */
    private void addScanPart(IncomingScan incoming, List<ScannedFile> files) {
        noteFilled(incoming, addScanResult(incoming.shown(ScannedFile.group(files)), true));
        SeriesImages.Arrival first = incoming.firstImage;
        if (first != null) {
            incoming.firstImage = null;
            for (SeriesEntry entry : series) {
                SeriesImages images = loaded.get(entry);
                if (images != null && entry.series().instances().stream()
                        .anyMatch(i -> i.file().equals(first.instance().file()))) {
                    images.arrive(List.of(first));
                }
            }
        }
    }

    private void noteFilled(IncomingScan incoming, List<Integer> filled) {
        for (int index : filled) {
            incoming.filledViewports.put(index, viewports.get(index).instanceProperty().get().file());
        }
    }

    /**
     * Once a scan ends: adds what its parts did not bring, puts its series in the order a whole scan gives them
     * (patient, study, series number), and shows in the viewports it filled, unless the user moved them since, what a
     * whole scan shows there (its first series from the first slice): where a study opens does not depend on which
     * of its headers happened to be read first. Mostly the first file read is that first slice and nothing moves.
     */
    private void finishScan(IncomingScan incoming, ScanResult whole) {
        noteFilled(incoming, addScanResult(incoming.remainderOf(whole), false));
        Map<Path, SeriesEntry> entryOfFile = new HashMap<>();
        for (SeriesEntry e : series) {
            e.series().instances().forEach(i -> entryOfFile.putIfAbsent(i.file(), e));
        }
        List<SeriesEntry> ordered = new ArrayList<>();
        for (Patient patient : whole.patients()) {
            for (Study study : patient.studies()) {
                for (Series s : study.series()) {
                    SeriesEntry entry = s.instances().isEmpty() ? null
                            : entryOfFile.get(s.instances().getFirst().file());
                    if (entry != null && !incoming.closedStudies.contains(study.studyInstanceUid())
                            && !ordered.contains(entry)) {
                        ordered.add(entry);
                    }
                }
            }
        }
        List<Integer> places = ordered.stream().map(series::indexOf).sorted().toList();
        List<SeriesEntry> reordered = new ArrayList<>(series);
        for (int k = 0; k < places.size(); k++) {
            reordered.set(places.get(k), ordered.get(k));
        }
        if (!reordered.equals(series)) {
            series.setAll(reordered);
            agreeRowsWithTheirSeries();
        }
        List<SeriesEntry> displayable = ordered.stream().filter(SeriesEntry::isDisplayable).toList();
        // The pixels of the files that joined a series while the scan ran (the load that began goes on).
        for (SeriesEntry entry : displayable) {
            SeriesImages images = loaded.get(entry);
            if (images != null) {
                startLoading(entry, images, 0, images.keepRunningLoads());
            }
        }
        // A series that grew keeps the thumbnail of its first part until that of its middle slice, as a whole scan
        // shows, replaces it.
        for (SeriesEntry entry : displayable) {
            SeriesEntry.Slice middle = entry.slices().get(entry.slices().size() / 2);
            if (!entry.instance(middle.instanceIndex()).file().equals(entry.thumbnailSource)) {
                loadThumbnail(entry);
            }
        }
        int next = 0;
        for (Map.Entry<Integer, Path> filled : incoming.filledViewports.entrySet()) {
            if (next >= displayable.size()) {
                break;
            }
            SeriesEntry first = displayable.get(next++);
            ViewportViewModel vp = viewports.get(filled.getKey());
            Instance shown = vp.instanceProperty().get();
            if (shown == null || !shown.file().equals(filled.getValue()) || !ordered.contains(vp.seriesProperty().get())) {
                continue;
            }
            if (vp.seriesProperty().get() == first) {
                vp.firstSlice();
            } else {
                vp.show(first);
            }
        }
    }

    /**
     * A scan's progress for the status bar, the first and last count and at most ten in between a second: each
     * update lays out and repaints the bar, and a scan reads hundreds of headers a second.
     */
    static ScanProgress everyTenthOfASecond(TaskContext ctx) {
        return everyTenthOfASecond(ctx, System::nanoTime);
    }

    /** As above, on the clock {@code nanoTime} (a test's own, since a busy machine can pause any loop 100 ms). */
    static ScanProgress everyTenthOfASecond(TaskContext ctx, java.util.function.LongSupplier nanoTime) {
        long[] last = {0};
        // The scanner reports one call at a time, so the array needs no lock.
        return (done, total) -> {
            long now = nanoTime.getAsLong();
            if (done == 0 || done == total || now - last[0] >= 100_000_000L) {
                last[0] = now;
                ctx.updateProgress(done, total);
            }
        };
    }

    /**
     * Adds a scan's series to the browser. A series already there (same study and series UID) that the scan brings
     * new instances of, in files not yet shown, grows instead of showing twice: a running scan hands its files over
     * in parts, and a study retrieved from a PACS arrives in batches. Its new entry replaces the old one in place,
     * keeping what was decoded, and the viewports that showed it stay on their image. The same files opened again
     * show once; a copy of a series in other files shows as an entry of its own.
     *
     * @param partOfRunningScan a series that grows only notes its new files; their pixels are read once the scan
     *                          has ended ({@link #finishScan}), so that a large folder's headers are not read in
     *                          competition with its pixels, and the first image is not held up by the growing;
     *                          but for the slice the user scrolls to, read at once ({@link #loadSliceInView})
     * @return the viewports it filled (empty ones get the new series, in order)
     */
    private List<Integer> addScanResult(ScanResult result, boolean partOfRunningScan) {
        // Every entry of a series (a copy of it in other files is an entry of its own), by study and series UID.
        Map<String, List<SeriesEntry>> bySeries = new HashMap<>();
        Map<String, SeriesEntry> byStudy = new HashMap<>();
        Map<String, Patient> byPatient = new HashMap<>();
        for (SeriesEntry e : series) {
            byPatient.putIfAbsent(patientKey(e.patient()), e.patient());
            bySeries.computeIfAbsent(seriesKey(e.study(), e.series()), k -> new ArrayList<>()).add(e);
            if (!e.study().studyInstanceUid().isEmpty()) {
                byStudy.putIfAbsent(e.study().studyInstanceUid(), e);
            }
        }
        List<SeriesEntry> added = new ArrayList<>();
        for (Patient patient : result.patients()) {
            for (Study study : patient.studies()) {
                // The study's series share one patient and study in the browser, whichever scan found them.
                SeriesEntry sibling = byStudy.get(study.studyInstanceUid());
                // A patient's studies share one patient row, whichever part of a scan brought them.
                Patient shownPatient = sibling != null ? sibling.patient()
                        : byPatient.computeIfAbsent(patientKey(patient), k -> patient);
                Study shownStudy = sibling == null ? study : sibling.study();
                for (Series s : study.series()) {
                    if (s.instances().isEmpty()) {
                        continue;
                    }
                    List<SeriesEntry> entries = bySeries.computeIfAbsent(seriesKey(shownStudy, s),
                            k -> new ArrayList<>());
                    // More of an entry shown (a scan's or a retrieve's next part, or the same files again) grows it.
                    SeriesEntry existing = entries.stream().filter(e -> isMorePartsOf(e.series(), s)).findFirst()
                            .orElse(null);
                    if (existing != null) {
                        Series grown = existing.series().withInstances(s.instances());
                        if (grown != existing.series()) {
                            entries.set(entries.indexOf(existing), grow(existing, grown, partOfRunningScan));
                        }
                        continue;
                    }
                    // A new series, or a copy of one in the browser (the same instances in other files), which
                    // shows as an entry of its own.
                    SeriesEntry entry = new SeriesEntry(entries.isEmpty() ? shownPatient : patient,
                            entries.isEmpty() ? shownStudy : study, s);
                    entries.add(entry);
                    added.add(entry);
                }
            }
        }
        series.addAll(added);
        agreeRowsWithTheirSeries();
        failures.addAll(result.failures());
        // Fill empty viewports with the new series, in order; their loads are queued before the thumbnails so
        // that the first image shows as early as possible.
        List<SeriesEntry> displayable = added.stream().filter(SeriesEntry::isDisplayable).toList();
        List<Integer> filled = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < layout.get().viewports() && next < displayable.size(); i++) {
            if (viewports.get(i).seriesProperty().get() == null) {
                viewports.get(i).show(displayable.get(next++));
                filled.add(i);
            }
        }
        displayable.forEach(this::loadThumbnail);
        return filled;
    }

    /**
     * Whether {@code incoming} is more of {@code shown} (a retrieve's next batch, or files already shown): none of
     * its instances is one {@code shown} holds under another file. A copy of the series elsewhere is not.
     */
    private static boolean isMorePartsOf(Series shown, Series incoming) {
        Map<String, Path> files = new HashMap<>();
        for (Instance i : shown.instances()) {
            if (!i.sopInstanceUid().isEmpty()) {
                files.put(i.sopInstanceUid(), i.file());
            }
        }
        for (Instance i : incoming.instances()) {
            Path file = files.get(i.sopInstanceUid());
            if (file != null && !file.equals(i.file())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Makes each study row of the browser list exactly the series shown under it, in their order (its series count
     * and modalities), and each patient row exactly its study rows (its study count). A study's series share the
     * patient and study of the part that first brought it (see {@link #addScanResult}): a scan's or a retrieve's
     * later parts, another folder of the same study, or a study closed, change what is listed under those rows but
     * not the rows, which then told only of that first part. Called in the same UI-thread turn as every change of
     * the series list, so that the browser, which redraws its rows in a later pulse, sees them agree; the entries
     * change in place (their loads, thumbnails and viewports stay theirs).
     */
    private void agreeRowsWithTheirSeries() {
        Map<SeriesEntry, Study> agreedStudy = new IdentityHashMap<>();
        for (List<SeriesEntry> row : rows(SeriesEntry::study, Study::studyInstanceUid)) {
            Study shown = row.getFirst().study();
            List<Series> listed = row.stream().map(SeriesEntry::series).toList();
            Study agreed = sameElements(shown.series(), listed) ? shown : new Study(shown.studyInstanceUid(),
                    shown.studyDate(), shown.description(), shown.accessionNumber(), listed);
            row.forEach(e -> agreedStudy.put(e, agreed));
        }
        for (List<SeriesEntry> row : rows(SeriesEntry::patient, ViewerViewModel::patientKey)) {
            Patient shown = row.getFirst().patient();
            List<Study> listed = new ArrayList<>();
            for (SeriesEntry e : row) {
                Study study = agreedStudy.get(e);
                if (listed.stream().noneMatch(s -> s == study)) {
                    listed.add(study);
                }
            }
            Patient agreed = sameElements(shown.studies(), listed) ? shown
                    : new Patient(shown.patientId(), shown.patientName(), listed);
            for (SeriesEntry e : row) {
                if (e.patient() != agreed || e.study() != agreedStudy.get(e)) {
                    e.listUnder(agreed, agreedStudy.get(e));
                }
            }
        }
    }

    /**
     * The series list as the browser groups it into rows: entries with equal patient (or study) records share a
     * row, in the order of their first entry. Records are compared by identity first, then by their identifiers
     * ({@code id}), then whole: their own hash covers every instance inside.
     */
    private <R> List<List<SeriesEntry>> rows(Function<SeriesEntry, R> record, Function<R, String> id) {
        Map<String, List<List<SeriesEntry>>> byId = new HashMap<>();
        List<List<SeriesEntry>> rows = new ArrayList<>();
        for (SeriesEntry e : series) {
            R r = record.apply(e);
            List<List<SeriesEntry>> candidates = byId.computeIfAbsent(id.apply(r), k -> new ArrayList<>());
            List<SeriesEntry> row = candidates.stream().filter(c -> record.apply(c.getFirst()) == r).findFirst()
                    .or(() -> candidates.stream().filter(c -> record.apply(c.getFirst()).equals(r)).findFirst())
                    .orElse(null);
            if (row == null) {
                row = new ArrayList<>();
                candidates.add(row);
                rows.add(row);
            }
            row.add(e);
        }
        return rows;
    }

    /** Whether {@code a} and {@code b} hold the same objects in the same order. */
    private static boolean sameElements(List<?> a, List<?> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    private static String patientKey(Patient patient) {
        return patient.patientId() + "\0" + patient.patientName();
    }

    private static String seriesKey(Study study, Series s) {
        return study.studyInstanceUid() + "\0" + s.seriesInstanceUid();
    }

    /**
     * Replaces {@code old} by the same series with more instances; returns the new entry. {@code noteOnly}: the
     * loads and the thumbnail under way go on for it, and nothing new starts (a running scan's part).
     */
    private SeriesEntry grow(SeriesEntry old, Series grown, boolean noteOnly) {
        SeriesEntry entry = new SeriesEntry(old.patient(), old.study(), grown);
        old.grownInto = entry;
        series.set(series.indexOf(old), entry);
        List<TaskHandle> handles = seriesTasks.remove(old);
        SeriesImages images = loaded.remove(old);
        if (noteOnly) {
            if (handles != null) {
                handles.forEach(tasksOf(entry)::add);
            }
            if (images != null) {
                images.growTo(entry);
                loaded.put(entry, images);
            }
        } else if (handles != null) {
            // The loads go on for the grown series (closing its study cancels them); the thumbnail is made again.
            handles.stream().filter(h -> images == null || !images.isLoad(h)).forEach(TaskHandle::cancel);
            if (images != null) {
                handles.stream().filter(images::isLoad).forEach(tasksOf(entry)::add);
            }
        }
        if (images != null && !noteOnly) {
            // Grown in place: what was decoded stays, and a load running now goes on; a new one reads what it does
            // not. Restarting the load at each part starved it: decoded frames not yet handed over were dropped.
            images.growTo(entry);
            Set<Path> claimed = images.keepRunningLoads();
            startLoading(entry, images, 0, claimed);
        }
        boolean mprOnOld = mpr.get() != null && mpr.get().images().entry() == old;
        if (mprOnOld) {
            closeMpr();
        }
        for (ViewportViewModel vp : viewports) {
            if (vp.seriesProperty().get() == old) {
                vp.showGrown(entry);
            }
        }
        // The planes of a series still being scanned are made again of the grown series: the MPR stays open.
        if (mprOnOld && activeViewport().seriesProperty().get() == entry) {
            openMpr(entry);
        }
        entry.thumbnailSource = old.thumbnailSource;
        entry.thumbnailFailureProperty().set(old.thumbnailFailureProperty().get());
        if (old.thumbnailProperty().get() != null && entry.isDisplayable()) {
            entry.thumbnailProperty().set(old.thumbnailProperty().get());
        } else if (entry.isDisplayable() && !noteOnly) {
            loadThumbnail(entry);
        }
        return entry;
    }

    private void reportFailure(Path path, Exception e) {
        LOG.warn("Could not open {}", path, e);
        failures.add(new FailedFile(path, reasonOf(e)));
    }

    static String reasonOf(Exception e) {
        return switch (e) {
            case DicomReadException d -> d.reason();
            case PhotographReadException p -> p.reason();
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    // ---- pixels ----

    @Override
    public SeriesImages images(SeriesEntry entry, int startSlice) {
        SeriesImages existing = loaded.get(entry);
        if (existing != null) {
            return existing;
        }
        SeriesImages images = new SeriesImages(entry);
        startLoading(entry, images, startSlice, Set.of());
        return images;
    }

    /**
     * A slice a viewport shows and nothing reads: during a scan, the instances that joined the series since its first
     * part (their pixels wait for the scan's end, see {@link #addScanResult}). Its file alone is read now, through
     * the series' one loading path; the waiting loads of slices the user scrolled past are dropped first.
     */
    @Override
    public void loadSliceInView(SeriesImages images, int slice) {
        SeriesEntry entry = images.entry();
        if (loaded.get(entry) != images) {
            // Its study was closed.
            return;
        }
        Set<Path> inView = new HashSet<>();
        for (ViewportViewModel vp : viewports) {
            Instance shown = vp.instanceProperty().get();
            if (vp.seriesProperty().get() == entry && shown != null) {
                inView.add(shown.file());
            }
        }
        images.cancelWaitingSliceLoads(inView);
        int index = entry.slices().get(slice).instanceIndex();
        Instance instance = entry.instance(index);
        if (instance.isImage() && !images.isSettled(index) && !images.isBeingRead(instance.file())) {
            load(entry, images, List.of(index), true);
        }
    }

    /**
     * Decodes the instances of {@code images} not yet decoded, from {@code startSlice} outwards, but for the files
     * of {@code leftToOthers} (loads already running).
     */
    private void startLoading(SeriesEntry entry, SeriesImages images, int startSlice, Set<Path> leftToOthers) {
        List<Instance> instances = entry.series().instances();
        int startInstance = entry.slices().isEmpty() ? 0 : entry.slices().get(startSlice).instanceIndex();
        List<Integer> order = new ArrayList<>(outwardFrom(startInstance, instances.size()));
        order.removeIf(i -> images.isSettled(i) || leftToOthers.contains(instances.get(i).file()));
        load(entry, images, order, false);
    }

    /**
     * The one loading path of pixels: decodes the instances {@code order} of {@code images} in that order on a
     * worker, into one set of slabs, handing them over as they are decoded.
     */
    private void load(SeriesEntry entry, SeriesImages images, List<Integer> order, boolean forSliceInView) {
        loaded.put(entry, images);
        if (order.isEmpty()) {
            return;
        }
        List<Instance> instances = entry.series().instances();
        Set<Path> files = new HashSet<>();
        int frames = 0;
        for (int i : order) {
            files.add(instances.get(i).file());
            frames += instances.get(i).frameCount();
        }
        // The frames of a load share a few large arrays that young collections never copy (FrameMemory).
        FrameMemory memory = new FrameMemory(frames);
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        TaskHandle handle = track(BackgroundTask.wrap(ctx -> {
                    started.set(true);
                    memory.run(() -> decodeSeries(ctx, images, instances, order));
                    return null;
                })
                .withTitle("Loading " + entry.description()));
        images.addLoad(new SeriesImages.Load(handle, files, started, forSliceInView));
        tasksOf(entry).add(handle);
    }

    private void decodeSeries(TaskContext ctx, SeriesImages images, List<Instance> instances, List<Integer> order) {
        // Decoded instances reach the UI thread in batches, at most one update a pulse.
        Consumer<SeriesImages.Arrival> arrivals = ctx.batchPublisher(images::arrive);
        int done = 0;
        for (int index : order) {
            if (ctx.isCancelled()) {
                return;
            }
            Instance instance = instances.get(index);
            if (instance.isImage()) {
                try {
                    // The series keeps the decoded frames and their pipelines, not the file and its header.
                    arrivals.accept(new SeriesImages.Arrival(instance, DecodedImage.of(service.load(instance))));
                } catch (IOException | RuntimeException e) {
                    // Whatever one file does (a bug on hostile data included), the series' other files still load.
                    LOG.warn("Could not load {}", instance.file(), e);
                    FailedFile failure = new FailedFile(instance.file(), reasonOf(e));
                    ctx.publish(f -> {
                        images.fail(f);
                        failures.add(f);
                    }, failure);
                }
            }
            ctx.updateProgress(++done, order.size());
        }
    }

    /** 5, 4, 6, 3, 7, ...: the slice the user sees first, then its neighbours. */
    static List<Integer> outwardFrom(int start, int count) {
        List<Integer> order = new ArrayList<>(count);
        if (count == 0) {
            return order;
        }
        int s = Math.clamp(start, 0, count - 1);
        order.add(s);
        for (int d = 1; order.size() < count; d++) {
            if (s + d < count) {
                order.add(s + d);
            }
            if (s - d >= 0) {
                order.add(s - d);
            }
        }
        return order;
    }

    private void loadThumbnail(SeriesEntry entry) {
        SeriesEntry.Slice middle = entry.slices().get(entry.slices().size() / 2);
        Instance instance = entry.instance(middle.instanceIndex());
        entry.thumbnailSource = instance.file();
        TaskHandle handle = track(BackgroundTask.wrap(ctx -> thumbnailPixels(service.load(instance), middle.frame()))
                .withTitle("Thumbnail " + entry.description())
                .onSuccess(t -> {
                    // The series may have grown meanwhile (a running scan); not if another thumbnail was asked since.
                    SeriesEntry shown = entry.latest();
                    if (instance.file().equals(shown.thumbnailSource)) {
                        WritableImage img = new WritableImage(t.width(), t.height());
                        img.getPixelWriter().setPixels(0, 0, t.width(), t.height(), PixelFormat.getIntArgbInstance(),
                                IntBuffer.wrap(t.argb()), t.width());
                        shown.thumbnailProperty().set(img);
                        shown.thumbnailFailureProperty().set("");
                    }
                })
                .onFailure(e -> {
                    LOG.warn("No thumbnail for {}: {}", instance.file(), reasonOf(e));
                    SeriesEntry shown = entry.latest();
                    if (instance.file().equals(shown.thumbnailSource)) {
                        shown.thumbnailProperty().set(null);
                        shown.thumbnailFailureProperty().set(reasonOf(e));
                    }
                }));
        tasksOf(entry).add(handle);
    }

    private List<TaskHandle> tasksOf(SeriesEntry entry) {
        List<TaskHandle> list = seriesTasks.computeIfAbsent(entry, e -> new ArrayList<>());
        list.removeIf(TaskHandle::isDone);
        return list;
    }

    record Thumbnail(int width, int height, int[] argb) {
    }

    /** The frame under its default window, shrunk by nearest neighbour to fit {@link #THUMBNAIL_SIZE}. */
    static Thumbnail thumbnailPixels(LoadedImage image, int frameIndex) throws IOException {
        DecodedFrame frame = image.frame(frameIndex);
        PixelPipeline pipeline = image.pipeline(frameIndex);
        FrameFormat f = pipeline.format();
        int[] full = new int[f.rows() * f.columns()];
        pipeline.toArgb(frame, pipeline.defaultVoi(frame), full);
        double scale = Math.min(1.0, (double) THUMBNAIL_SIZE / Math.max(f.rows(), f.columns()));
        int w = Math.max(1, (int) Math.round(f.columns() * scale));
        int h = Math.max(1, (int) Math.round(f.rows() * scale));
        int[] small = new int[w * h];
        for (int y = 0; y < h; y++) {
            int sy = Math.min(f.rows() - 1, (int) ((y + 0.5) / scale));
            for (int x = 0; x < w; x++) {
                int sx = Math.min(f.columns() - 1, (int) ((x + 0.5) / scale));
                small[y * w + x] = full[sy * f.columns() + sx];
            }
        }
        return new Thumbnail(w, h, small);
    }

    // ---- viewports ----

    /** Shows a series in a viewport (a drop or a double-click) and makes that viewport active. */
    public void showSeries(SeriesEntry entry, int viewportIndex) {
        viewports.get(viewportIndex).show(entry);
        activeViewport.set(viewportIndex);
    }

    public ViewportViewModel viewport(int index) {
        return viewports.get(index);
    }

    /** Makes the viewport {@code step} places on (negative: back) in the layout's order the active one, round. */
    public void moveActiveViewport(int step) {
        int shown = layout.get().viewports();
        activeViewport.set(Math.floorMod(Math.min(activeViewport.get(), shown - 1) + step, shown));
    }

    public ViewportViewModel activeViewport() {
        return viewports.get(Math.min(activeViewport.get(), layout.get().viewports() - 1));
    }

    public List<ViewportViewModel> viewports() {
        return viewports;
    }

    /**
     * Shows the active viewport's series in the MPR layout (axial, coronal and sagittal planes), even while it loads;
     * when the MPR is shown, goes back to the viewports.
     */
    public void toggleMpr() {
        if (mpr.get() != null) {
            closeMpr();
            return;
        }
        SeriesEntry entry = activeViewport().seriesProperty().get();
        if (entry == null) {
            status.set("MPR: show a series in a viewport first");
            return;
        }
        openMpr(entry);
    }

    /** Shows {@code entry}, the active viewport's series, in the MPR layout. */
    private void openMpr(SeriesEntry entry) {
        MprViewModel shown = new MprViewModel(images(entry, activeViewport().sliceProperty().get()), executor);
        shown.toolProperty().bind(tool);
        // The viewport the MPR was opened from is its acquired viewport (2×2): it goes to the slice at the crosshair.
        ViewportViewModel acquired = activeViewport();
        shown.acquiredSliceProperty().addListener((obs, o, n) -> {
            if (n.intValue() >= 0 && acquired.seriesProperty().get() == entry) {
                acquired.setSlice(n.intValue());
            }
        });
        // Its window follows the planes' (linked window/level across the four viewports of the 2×2 layout).
        shown.windowProperty().addListener((obs, o, n) -> {
            if (n != null && acquired.seriesProperty().get() == entry) {
                acquired.applyWindow(n);
            }
        });
        if (shown.acquiredSliceProperty().get() >= 0) {
            acquired.setSlice(shown.acquiredSliceProperty().get());
        }
        mpr.set(shown);
    }

    private void closeMpr() {
        if (mpr.get() != null) {
            mpr.get().close();
            mpr.set(null);
        }
    }

    public ObjectProperty<MprViewModel> mprProperty() {
        return mpr;
    }

    /** Closes every study: cancels loads, empties viewports and the browser. */
    public void closeAll() {
        closeMpr();
        for (TaskHandle t : tasks) {
            t.cancel();
        }
        tasks.clear();
        liveScans.clear();
        scanning.set(false);
        seriesTasks.clear();
        loaded.values().forEach(SeriesImages::cancel);
        loaded.clear();
        viewports.forEach(ViewportViewModel::clear);
        series.clear();
        measurementStore.clearAll();
        runningTasks.set(0);
        status.set("Ready");
        progress.set(0);
    }

    /**
     * Closes one study: cancels the loads and thumbnails of its series, empties the viewports that show them,
     * forgets their pixels and measurements, and takes them out of the browser. Other studies are untouched.
     */
    public void closeStudy(Study study) {
        List<SeriesEntry> closing = series.stream().filter(e -> e.study().equals(study)).toList();
        if (closing.isEmpty()) {
            return;
        }
        // A scan still reading this study's files must not bring it back.
        liveScans.forEach(scan -> scan.closedStudies.add(study.studyInstanceUid()));
        if (mpr.get() != null && closing.contains(mpr.get().images().entry())) {
            closeMpr();
        }
        Set<Path> files = new HashSet<>();
        for (SeriesEntry entry : closing) {
            List<TaskHandle> handles = seriesTasks.remove(entry);
            if (handles != null) {
                handles.forEach(TaskHandle::cancel);
            }
            SeriesImages images = loaded.remove(entry);
            if (images != null) {
                images.cancel();
            }
            for (ViewportViewModel vp : viewports) {
                if (vp.seriesProperty().get() == entry) {
                    vp.clear();
                }
            }
            entry.series().instances().forEach(i -> files.add(i.file()));
        }
        measurementStore.removeImagesOf(files);
        series.removeAll(closing);
        agreeRowsWithTheirSeries();
        if (runningTasks.get() == 0) {
            status.set(series.isEmpty() ? "Ready" : series.size() + " series open");
        }
    }

    /** The study of the series in the active viewport; null when it shows nothing. */
    public Study activeStudy() {
        SeriesEntry entry = activeViewport().seriesProperty().get();
        return entry == null ? null : entry.study();
    }

    public void dismissFailures() {
        failures.clear();
    }

    // ---- tasks and status ----

    private TaskHandle track(BackgroundTask<?> task) {
        return track(task, () -> { });
    }

    /** As {@link #track(BackgroundTask)}, running {@code alsoWhenFinished} once the task is over, whatever its end. */
    private TaskHandle track(BackgroundTask<?> task, Runnable alsoWhenFinished) {
        String title = task.title();
        // The bar is indeterminate only until some running task reports how far it is: switching a ProgressBar
        // between indeterminate and determinate rebuilds its skin, and a thumbnail task starting beside a series
        // load did that in the pulses of the load.
        // A task cancelled before it ran (a load folded into a later one) finishes without having counted.
        boolean[] ran = {false};
        task.onRunning(() -> {
                    ran[0] = true;
                    runningTasks.set(runningTasks.get() + 1);
                    status.set(title + "…");
                    if (runningTasks.get() == 1) {
                        progress.set(-1);
                    }
                })
                .onProgress(p -> {
                    status.set(p.title() + (p.message().isEmpty() ? "" : ": " + p.message()));
                    if (p.fraction() >= 0 || progress.get() < 0) {
                        progress.set(p.fraction());
                    }
                });
        TaskHandle[] self = new TaskHandle[1];
        task.onFinished(() -> {
            alsoWhenFinished.run();
            tasks.remove(self[0]);
            if (!ran[0]) {
                return;
            }
            runningTasks.set(Math.max(0, runningTasks.get() - 1));
            if (runningTasks.get() == 0) {
                status.set(series.isEmpty() ? "Ready" : series.size() + " series open");
                progress.set(0);
            }
        });
        TaskHandle handle = task.executeWith(executor);
        self[0] = handle;
        if (!handle.isDone()) {
            tasks.add(handle);
        }
        return handle;
    }

    // ---- properties ----

    public ObservableList<SeriesEntry> series() {
        return series;
    }

    /** True while a scan runs: its series are in the browser and still growing, more may come. */
    public javafx.beans.property.ReadOnlyBooleanProperty scanningProperty() {
        return scanning.getReadOnlyProperty();
    }

    public ObservableList<FailedFile> failures() {
        return failures;
    }

    public ObservableList<Path> recentPaths() {
        return recentPaths;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public IntegerProperty runningTasksProperty() {
        return runningTasks;
    }

    public ObjectProperty<Layout> layoutProperty() {
        return layout;
    }

    public IntegerProperty activeViewportProperty() {
        return activeViewport;
    }

    public ObjectProperty<Tool> toolProperty() {
        return tool;
    }

    /** The panels' theme, kept in the settings. */
    public ObjectProperty<Theme> themeProperty() {
        return theme;
    }

    public BooleanProperty cornerTextVisibleProperty() {
        return cornerTextVisible;
    }

    public AttributeBrowserViewModel attributes() {
        return attributes;
    }

    public ViewerSettings settings() {
        return settings;
    }
}
