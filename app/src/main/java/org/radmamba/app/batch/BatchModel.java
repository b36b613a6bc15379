package org.radmamba.app.batch;

import org.radmamba.app.ai.AiResult;
import org.radmamba.app.ai.BatchPipeline;
import org.radmamba.app.ai.CheckpointModels;
import org.radmamba.app.ai.ClassificationResult;
import org.radmamba.app.ai.EngineChoice;
import org.radmamba.app.ai.EngineSelector;
import org.radmamba.app.ai.GpuProbe;
import org.radmamba.app.ai.ImageSource;
import org.radmamba.app.ai.InferenceEngine;
import org.radmamba.app.ai.LoadedModel;
import org.radmamba.app.ai.ModelCard;
import org.radmamba.app.ai.ModelEntry;
import org.radmamba.app.ai.ModelException;
import org.radmamba.app.ai.ModelLibrary;
import org.radmamba.app.ai.ModelTask;
import org.radmamba.app.ai.SegmentationResult;
import org.radmamba.app.ai.ViewerImages;
import org.radmamba.app.plugin.PluginPictureFormats;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelector;
import org.radmamba.inference.segmentation.LabelMask;
import org.radmamba.viewer.concurrent.BackgroundThreads;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.picture.PictureFormats;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.ImageGeometry;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.InstanceKind;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.Study;
import org.radmamba.viewer.study.StudyScanner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A model loaded once for a batch run: {@code radmamba batch} and the Spark job call this, and nothing else, to turn
 * files into {@link BatchRecord}s. It is a front end of the app's one model path: the card and checkpoint
 * ({@link CheckpointModels} or the {@link ModelLibrary}), {@link LoadedModel}, the viewer's 8-bit rendering of each
 * frame ({@link ViewerImages}), the card's preprocessing, the network on the engine {@link EngineSelector} chooses
 * (the GPU's when one serves, else the CPU's) through {@link BatchPipeline}, and the model's post-processing — so
 * its numbers are those of {@code radmamba classify}/{@code segment} and the viewer.
 *
 * <p><b>Thread safety.</b> {@link #run}, {@link #runAll} and {@link #runFiles} may be called from several threads at
 * once (Spark's task slots of one executor): decoding and preprocessing of the calls run side by side on this
 * model's worker threads, while the forward passes of all calls take turns on the one network (the CPU engine
 * already spreads one image over every core it was given). {@link #close} must come after the last call.
 *
 * <p><b>Bytes.</b> {@link #run} and {@link #runAll} take a file's bytes (as Spark's {@code binaryFile} source gives
 * them): the decoders read files, so each file is written to a temporary file (in a folder of this model's, under
 * {@code java.io.tmpdir}) for the duration of the call and deleted after; its name ends with the given path's file
 * name, whose extension tells a photograph (PNG, JPEG, BMP, TIFF, ...) from DICOM.
 *
 * <p><b>Rows.</b> One row per frame of a DICOM image (frame 1..n) and one per photograph (frame 1). A file that
 * cannot be read gives one failed row about the whole file (frame 0, keyed by the content's SHA-256); a frame that
 * cannot be decoded or run, one failed row for that frame. A DICOM object without pixel data (a report, a
 * presentation state) is not an image and gives no row. Nothing here throws for a bad file. An ok row records the
 * engine its batch ran on and in which precision ({@link BatchRecord#numerics()}): the chosen engine's, until the GPU
 * fails and the CPU engine takes over (float32), from the batch that failed on.
 */
public final class BatchModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchModel.class);

    /** Images per forward pass unless the settings say otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 8;

    /**
     * How a model is loaded and run.
     *
     * @param device       cpu, cuda or auto (the GPU engine when one serves the model, else the CPU)
     * @param precision    the GPU engine's products: float32, or TF32 on an Ampere or newer card (the CPU engine
     *                     runs float32 whatever this says; {@link BatchModel#precision()} tells what ran)
     * @param batchSize    images per forward pass (the CPU engine still runs them one at a time, see
     *                     {@link InferenceEngine#maxBatch()}); at least 1
     * @param threads      threads for the CPU engine's layers and for decoding; at least 1
     * @param pluginFolder the folder of user plugins whose architectures a card may name; null for built-ins only
     */
    public record Settings(ScanDevicePreference device, NetworkPrecision precision, int batchSize, int threads,
                           Path pluginFolder) {
        public Settings {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(precision, "precision");
            if (batchSize < 1 || threads < 1) {
                throw new IllegalArgumentException("batch size and threads must be at least 1, were " + batchSize
                        + " and " + threads);
            }
        }

        /** In float32, the default precision (the Spark job's settings, which name none). */
        public Settings(ScanDevicePreference device, int batchSize, int threads, Path pluginFolder) {
            this(device, NetworkPrecision.FLOAT32, batchSize, threads, pluginFolder);
        }

        /** auto device, float32, {@link #DEFAULT_BATCH_SIZE}, every core, the user's plugin folder. */
        public static Settings defaults() {
            return new Settings(ScanDevicePreference.AUTO, DEFAULT_BATCH_SIZE,
                    Runtime.getRuntime().availableProcessors(), PluginRegistry.userFolder());
        }
    }

    private final LoadedModel loaded;
    private final PluginRegistry registry;
    private final Parallel parallel;
    private final ExecutorService workers;
    private final PictureFormats pictures;
    private final ModelIdentity identity;
    private final BatchSchema schema;
    private final InferenceEngine engine;
    private final InferenceEngine cpu;
    /** The engine chosen when the model was loaded, in which precision, and why. */
    private final EngineChoice choice;
    private final int batchSize;
    private final int threads;
    private final Path tempFolder;
    private final AtomicLong tempCounter = new AtomicLong();
    /** The forward passes of concurrent calls take turns on the one network. */
    private final Object forwardLock = new Object();
    /** Set once the GPU failed and the CPU took over: later calls start on the CPU. */
    private volatile boolean onCpuOnly;

    private BatchModel(LoadedModel loaded, PluginRegistry registry, Parallel parallel, Settings settings,
                       EngineSelector.Chosen chosen, InferenceEngine cpu) throws IOException {
        this.loaded = loaded;
        this.registry = registry;
        this.parallel = parallel;
        this.threads = settings.threads();
        this.batchSize = settings.batchSize();
        this.workers = Executors.newFixedThreadPool(settings.threads(), BackgroundThreads.factory("radmamba-batch"));
        this.pictures = new PluginPictureFormats(registry);
        ModelCard card = loaded.card();
        List<String> classes = card.task() == ModelTask.CLASSIFICATION ? card.labels() : loaded.classNames();
        this.identity = new ModelIdentity(modelId(loaded.entry()), card.sha256(), card.task(), classes);
        this.schema = BatchSchema.of(identity);
        this.cpu = serialized(cpu);
        this.engine = chosen.engine() == cpu ? this.cpu : serialized(chosen.engine());
        this.choice = chosen.choice();
        this.tempFolder = Files.createTempDirectory("radmamba-batch-");
    }

    /** {@link #load(String, Settings)} with {@link Settings#defaults()}. */
    public static BatchModel load(String modelIdOrCheckpointPath) throws ModelException {
        return load(modelIdOrCheckpointPath, Settings.defaults());
    }

    /**
     * Loads a model once: a checkpoint file (with the {@code card.json} beside it, else an official MedMamba or
     * VM-UNet checkpoint, as {@code classify} and {@code segment} take it) or the id of a model of the library (the
     * demo models, {@code ~/.radmamba/models}). Its SHA-256 is checked against its card before it runs.
     *
     * @throws ModelException one sentence naming the model and what is wrong (no such model, unreadable or
     *                        mismatching checkpoint, {@code cuda} asked for but not available)
     */
    public static BatchModel load(String modelIdOrCheckpointPath, Settings settings) throws ModelException {
        return load(modelIdOrCheckpointPath, settings, new EngineSelector(GpuProbe.driver())::engineFor);
    }

    /** Chooses a loaded model's engine: {@link EngineSelector#engineFor} on the driver's GPU, or a test's stand-in. */
    @FunctionalInterface
    interface Engines {
        EngineSelector.Chosen engineFor(LoadedModel model, ScanDevicePreference preference, NetworkPrecision precision,
                                        int batch, InferenceEngine cpu, ComputeContext cpuContext);
    }

    /** As {@link #load(String, Settings)}, the engine chosen by {@code engines}. */
    static BatchModel load(String modelIdOrCheckpointPath, Settings settings, Engines engines) throws ModelException {
        PluginRegistry registry = PluginRegistry.discover(BatchModel.class.getClassLoader(), settings.pluginFolder());
        Parallel parallel = null;
        LoadedModel loaded = null;
        try {
            ModelEntry entry = entry(modelIdOrCheckpointPath, registry);
            loaded = LoadedModel.open(entry, registry);
            parallel = new Parallel(settings.threads());
            ComputeContext ctx = new ComputeContext(parallel, ScanSelector.select(ScanDevicePreference.CPU).scan());
            InferenceEngine cpu = InferenceEngine.of(EngineChoice.Kind.CPU, ctx);
            EngineSelector.Chosen chosen = engines.engineFor(loaded, settings.device(), settings.precision(),
                    settings.batchSize(), cpu, ctx);
            if (settings.device() == ScanDevicePreference.CUDA && chosen.choice().kind() != EngineChoice.Kind.CUDA) {
                throw new ModelException(chosen.choice().reason());
            }
            return new BatchModel(loaded, registry, parallel, settings, chosen, cpu);
        } catch (ModelException | RuntimeException e) {
            closeAll(loaded, parallel, registry);
            throw e;
        } catch (IOException e) {
            closeAll(loaded, parallel, registry);
            throw new ModelException(modelIdOrCheckpointPath + ": " + e.getMessage(), e);
        }
    }

    /** A checkpoint file as classify/segment take it (its card's task, else MedMamba, else VM-UNet), or a library id. */
    static ModelEntry entry(String model, PluginRegistry registry) throws ModelException, IOException {
        Path file = null;
        try {
            file = Path.of(model);
        } catch (InvalidPathException e) {
            // not a path: a library id
        }
        if (file != null && Files.isRegularFile(file)) {
            Optional<ModelCard> card = ModelCard.beside(file);
            if (card.isPresent()) {
                return CheckpointModels.entry(file, card.get().task());
            }
            try {
                return CheckpointModels.entry(file, ModelTask.CLASSIFICATION);
            } catch (CheckpointException notMedMamba) {
                try {
                    return CheckpointModels.entry(file, ModelTask.SEGMENTATION);
                } catch (CheckpointException notVmUnet) {
                    throw new ModelException(file + ": has no card.json beside it and is neither an official MedMamba"
                            + " nor VM-UNet checkpoint (" + notMedMamba.getMessage() + ")", notVmUnet);
                }
            }
        }
        ModelLibrary.Listing listing = ModelLibrary.standard(registry).list();
        ModelEntry entry = listing.find(model).orElseThrow(() -> new ModelException(model
                + ": neither a checkpoint file nor a model of the library (" + String.join(", ",
                listing.models().stream().map(ModelEntry::id).toList()) + ")"));
        if (!entry.runnable()) {
            throw new ModelException(model + ": " + entry.problem());
        }
        return entry;
    }

    /**
     * The {@code model_id} of the rows: the card's id, or the file name of a bare official checkpoint (whose card
     * {@link CheckpointModels} makes has the id {@code checkpoint} whatever the file).
     */
    static String modelId(ModelEntry entry) {
        ModelCard card = entry.card();
        return card.id().equals("checkpoint") && card.checkpoint().equals(entry.checkpoint().getFileName().toString())
                ? entry.checkpoint().getFileName().toString() : card.id();
    }

    /** The model's name and checkpoint hash, as every row holds them. */
    public ModelIdentity identity() {
        return identity;
    }

    /** The columns of this model's rows. */
    public BatchSchema schema() {
        return schema;
    }

    /** The model's card (name, attribution, labels), as reports name the model. */
    public ModelCard card() {
        return loaded.card();
    }

    /** Where the network runs, in which precision, and why ("GPU engine (tf32): ..." or "CPU engine (float32): ..."). */
    public String engine() {
        return onCpuOnly ? "CPU engine (float32): the GPU failed during the run; the CPU engine took over"
                : (choice.kind() == EngineChoice.Kind.CUDA ? "GPU engine (" : "CPU engine (")
                + choice.precision().label() + "): " + choice.reason();
    }

    /** The engine chosen when the model was loaded: where, in which precision, and why (the GPU may fail later). */
    public EngineChoice choice() {
        return choice;
    }

    /** The precision the network runs in: the one asked for on the GPU engine, float32 on the CPU engine. */
    public NetworkPrecision precision() {
        return onCpuOnly ? NetworkPrecision.FLOAT32 : choice.precision();
    }

    /** Images per forward pass. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The rows of one file given as bytes: one per frame, or one failed row. Never throws for a bad file.
     *
     * @param path    reported in {@code file_path}; its file name's extension tells a photograph from DICOM
     * @param content the whole file
     */
    public List<BatchRecord> run(String path, byte[] content) {
        return runAll(List.of(new NamedBytes(path, content)));
    }

    /**
     * The failed row of a path that names no file (a list's or a DICOMDIR's entry that is not there), for a file
     * system the scan cannot reach (the Spark job's): the row {@link #runFiles} gives such a local path, keyed by
     * the path's text, with the scan's reason.
     *
     * @param path absolute, as a row names it
     */
    public BatchRecord notAFile(String path) {
        return unreadable(path, StudyScanner.NOT_A_FILE);
    }

    /**
     * The failed row of a file that cannot be read at all, keyed as the scan keys one: by the path's text (its
     * bytes are not there to hash).
     *
     * @param path   absolute, as a row names it
     * @param reason one line, without the path
     */
    public BatchRecord unreadable(String path, String reason) {
        return BatchRecord.failed(ImageKey.content(pathSha256(path), 0), path, identity, reason);
    }

    /**
     * The rows of several files, in the order given (each file's frames in order), their frames batched together
     * through the network. Never throws for a bad file.
     */
    public List<BatchRecord> runAll(List<NamedBytes> files) {
        return runAll(files, (path, image) -> false);
    }

    /**
     * As {@link #runAll(List)}, without the frames {@code skip} names: they are neither decoded nor run and give no
     * row (the Spark job's frames already in its output, or whose row an earlier listed file gives). A file's frames
     * are known from its header, so a skipped frame costs only that header's reading.
     *
     * @param skip whether the frame of the file reported under the path (a {@link NamedBytes#path()} of
     *             {@code files}) with this resume key is left out
     */
    public List<BatchRecord> runAll(List<NamedBytes> files, BiPredicate<String, BatchRecord.DoneKey> skip) {
        return withCopies(files, (temps, shown, contents) -> infer(scan(temps, shown, contents::get),
                (scanned, image) -> skip.test(scanned.path(), image), () -> false));
    }

    /**
     * The resume keys of the rows each of {@code files} gives, in order, without decoding a frame: its header read
     * as the run reads it (the SOP Instance UID and the number of frames; the content's SHA-256 for a photograph, a
     * DICOM file without SOP Instance UID or a file that cannot be read); none for a DICOM object without pixel data.
     * The keys are those of the rows {@link #runFiles} and {@link #runAll} give the same files. Never throws for a
     * bad file.
     *
     * @param files local files, read in place (a DICOM file's header only)
     */
    public List<List<BatchRecord.DoneKey>> imageKeys(List<Path> files) {
        return keys(scan(files, Map.of(), null));
    }

    /** As {@link #imageKeys(List)}, of files given as bytes (the files of a file system the scan cannot reach). */
    public List<List<BatchRecord.DoneKey>> imageKeysOf(List<NamedBytes> files) {
        return withCopies(files, (temps, shown, contents) -> keys(scan(temps, shown, contents::get)));
    }

    private List<List<BatchRecord.DoneKey>> keys(List<Scanned> scanned) {
        List<List<BatchRecord.DoneKey>> keys = new ArrayList<>(scanned.size());
        for (Scanned s : scanned) {
            keys.add(s.failure() != null ? List.of(s.failure().doneKey()) : s.frames().stream()
                    .map(k -> new BatchRecord.DoneKey(k.imageKey(), k.frame(), identity.checkpointSha256()))
                    .toList());
        }
        return keys;
    }

    /** What is done with the temporary copies of files given as bytes, the path each is reported under, and bytes. */
    private interface OnCopies<T> {
        T apply(List<Path> temps, Map<Path, String> shown, Map<Path, byte[]> contents);
    }

    /** {@code action} on temporary copies of {@code files} (the decoders read files), deleted after. */
    private <T> T withCopies(List<NamedBytes> files, OnCopies<T> action) {
        List<Path> temps = new ArrayList<>(files.size());
        Map<Path, String> shown = new LinkedHashMap<>();
        Map<Path, byte[]> contents = new HashMap<>();
        try {
            for (NamedBytes f : files) {
                Path temp = tempFolder.resolve(tempCounter.incrementAndGet() + "-" + fileName(f.path()));
                try {
                    Files.write(temp, f.content());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write a temporary copy of " + f.path() + " in " + tempFolder, e);
                }
                temps.add(temp);
                shown.put(temp, f.path());
                contents.put(temp, f.content());
            }
            return action.apply(temps, shown, contents);
        } finally {
            for (Path t : temps) {
                try {
                    Files.deleteIfExists(t);
                } catch (IOException e) {
                    LOG.warn("cannot delete the temporary copy {}: {}", t, e.getMessage());
                }
            }
        }
    }

    /**
     * The rows of files on disk, in the order given, each reported under its own path (the command line's way:
     * no copy). Never throws for a bad file.
     */
    public List<BatchRecord> runFiles(List<Path> files) {
        return runFiles(files, (path, image) -> false);
    }

    /**
     * As {@link #runFiles(List)}, without the frames {@code skip} names (see {@link #runAll(List, BiPredicate)}):
     * the Spark job's local files, read in place rather than copied.
     *
     * @param skip whether the frame of the file reported under the path (the file's own) with this key is left out
     */
    public List<BatchRecord> runFiles(List<Path> files, BiPredicate<String, BatchRecord.DoneKey> skip) {
        return infer(scan(files, Map.of(), null), (scanned, image) -> skip.test(scanned.path(), image),
                () -> false);
    }

    /** The image in a file: its frames' keys, or the failed row of a file that could not be read. */
    record Scanned(Path file, String path, Instance instance, List<ImageKey> frames, BatchRecord failure) {
    }

    /**
     * Reads the headers of {@code files} (on this model's threads): each file's frames with their keys, the failed
     * row of a file that cannot be read, nothing for a DICOM object without pixels.
     *
     * @param shown    the path a file is reported under, when it differs from the file (temporary copies)
     * @param contents the bytes of a file when already in memory (null: read them when needed)
     */
    List<Scanned> scan(List<Path> files, Map<Path, String> shown, java.util.function.Function<Path, byte[]> contents) {
        ScanResult scan = new StudyScanner(DicomReaders.standard(), ReadLimits.DEFAULT, Math.min(4, threads), pictures)
                .scan(files);
        Map<Path, Instance> byFile = new HashMap<>();
        Map<Path, String[]> uids = new HashMap<>();
        for (var patient : scan.patients()) {
            for (Study study : patient.studies()) {
                for (Series series : study.series()) {
                    for (Instance i : series.instances()) {
                        byFile.put(i.file(), i);
                        uids.put(i.file(), new String[] {series.seriesInstanceUid(), study.studyInstanceUid()});
                    }
                }
            }
        }
        Map<Path, String> failures = new HashMap<>();
        for (FailedFile f : scan.failures()) {
            failures.put(f.file().toAbsolutePath().normalize(), f.reason());
        }
        List<Scanned> out = new ArrayList<>(files.size());
        for (Path given : files) {
            Path file = given.toAbsolutePath().normalize();
            String path = shown.getOrDefault(given, given.toString());
            Instance instance = byFile.get(file);
            if (instance == null) {
                String reason = failures.getOrDefault(file, "was not read");
                out.add(new Scanned(given, path, null, List.of(),
                        BatchRecord.failed(ImageKey.content(sha256(file, contents == null ? null : contents.apply(given)), 0),
                                path, identity, reason)));
                continue;
            }
            if (!instance.isImage()) {
                out.add(new Scanned(given, path, instance, List.of(), null));
                continue;
            }
            List<ImageKey> keys = new ArrayList<>();
            if (instance.kind() == InstanceKind.PHOTOGRAPH) {
                keys.add(ImageKey.content(sha256(file, contents == null ? null : contents.apply(given)), 1));
            } else {
                String[] su = uids.get(file);
                String sop = instance.sopInstanceUid();
                String hash = sop == null || sop.isBlank()
                        ? sha256(file, contents == null ? null : contents.apply(given)) : null;
                for (int f = 1; f <= Math.max(1, instance.frameCount()); f++) {
                    keys.add(ImageKey.dicom(sop, su[0], su[1], f, hash));
                }
            }
            out.add(new Scanned(given, path, instance, keys, null));
        }
        return out;
    }

    /**
     * Runs the network on the frames of {@code scanned} that {@code done} does not already hold, in batches; the
     * failed rows of unreadable files come out in their place. Stops early (returning the rows so far, whole files
     * only) when {@code cancelled} says so.
     */
    List<BatchRecord> infer(List<Scanned> scanned, Predicate<BatchRecord.DoneKey> done, BooleanSupplier cancelled) {
        return infer(scanned, (file, image) -> done.test(image), cancelled);
    }

    /** As {@link #infer(List, Predicate, BooleanSupplier)}, with what is done told per file. */
    private List<BatchRecord> infer(List<Scanned> scanned, BiPredicate<Scanned, BatchRecord.DoneKey> done,
                                    BooleanSupplier cancelled) {
        try {
            return inferTogether(scanned, done, cancelled);
        } catch (RuntimeException e) {
            // Something no check foresaw (a decoder's bug on a hostile file): one file's failure, never the run's.
            // The chunk again file by file, so that only the file that throws fails, with what it threw.
            if (scanned.size() > 1) {
                LOG.warn("a batch of {} files failed unexpectedly; running them one by one", scanned.size(), e);
                List<BatchRecord> out = new ArrayList<>();
                for (Scanned s : scanned) {
                    out.addAll(infer(List.of(s), done, cancelled));
                }
                return out;
            }
            LOG.error("{} failed unexpectedly", scanned.getFirst().path(), e);
            Scanned s = scanned.getFirst();
            List<BatchRecord> out = new ArrayList<>();
            for (ImageKey key : s.frames()) {
                out.add(BatchRecord.failed(key, s.path(), identity, "cannot be processed: " + e));
            }
            return out;
        }
    }

    private List<BatchRecord> inferTogether(List<Scanned> scanned, BiPredicate<Scanned, BatchRecord.DoneKey> done,
                                            BooleanSupplier cancelled) {
        ViewerImages images = new ViewerImages(new ImageLoader(DicomReaders.standard(), ReadLimits.DEFAULT, pictures));
        List<ImageSource> sources = new ArrayList<>();
        List<Scanned> owners = new ArrayList<>();
        List<ImageKey> keys = new ArrayList<>();
        for (Scanned s : scanned) {
            for (int f = 0; f < s.frames().size(); f++) {
                ImageKey key = s.frames().get(f);
                if (done.test(s, new BatchRecord.DoneKey(key.imageKey(), key.frame(), identity.checkpointSha256()))) {
                    continue;
                }
                sources.add(isolated(images.source(s.instance(), f, Optional.empty())));
                owners.add(s);
                keys.add(key);
            }
        }
        BatchRecord[] results = new BatchRecord[sources.size()];
        if (!sources.isEmpty()) {
            boolean cpuOnly = onCpuOnly;
            InferenceEngine start = cpuOnly ? cpu : engine;
            // What each row's result was computed with: the engine of its batch. The pipeline tells of a fallback (on
            // this thread) before it hands out the results of the batch the CPU engine took over, so this call's rows
            // from then on are the CPU's, whatever other calls' engines do meanwhile.
            BatchRecord.Numerics[] ranOn = {cpuOnly ? BatchRecord.Numerics.CPU : BatchRecord.Numerics.of(choice)};
            new BatchPipeline(workers, batchSize).run(sources, loaded, start, cpu, source -> null, cancelled,
                    reason -> {
                        LOG.warn("{}", reason);
                        onCpuOnly = true;
                        ranOn[0] = BatchRecord.Numerics.CPU;
                    },
                    (index, result, failure) -> results[index] = result != null
                            ? record(keys.get(index), owners.get(index), result, ranOn[0])
                            : BatchRecord.failed(keys.get(index), owners.get(index).path(), identity,
                            reason(failure, sources.get(index).title(), owners.get(index).file())));
        }
        List<BatchRecord> out = new ArrayList<>();
        int next = 0;
        for (Scanned s : scanned) {
            if (s.failure() != null) {
                if (!done.test(s, s.failure().doneKey())) {
                    out.add(s.failure());
                }
                continue;
            }
            List<BatchRecord> ofFile = new ArrayList<>();
            boolean whole = true;
            while (next < owners.size() && owners.get(next) == s) {
                if (results[next] == null) {
                    whole = false;
                } else {
                    ofFile.add(results[next]);
                }
                next++;
            }
            if (!whole) {
                break; // cancelled within this file: none of its rows, so that it is redone whole
            }
            out.addAll(ofFile);
        }
        return out;
    }

    /**
     * {@code source} whose reading turns what the viewer's reader lets escape — a runtime exception of a decoder, the
     * heap or the stack exhausted by one file — into that image's failure, so that the pipeline reports it as one.
     */
    static ImageSource isolated(ImageSource source) {
        return new ImageSource(source.id(), source.title(), () -> {
            try {
                return source.reader().read();
            } catch (RuntimeException e) {
                LOG.error("reading {} failed unexpectedly", source.title(), e);
                throw new IOException("cannot be decoded: " + e, e);
            } catch (OutOfMemoryError e) {
                throw new IOException("ran out of memory while being decoded (the heap is "
                        + (Runtime.getRuntime().maxMemory() >> 20) + " MB)", e);
            } catch (StackOverflowError e) {
                throw new IOException("nests too deeply to be decoded (stack overflow)", e);
            }
        });
    }

    private BatchRecord record(ImageKey key, Scanned owner, AiResult result, BatchRecord.Numerics numerics) {
        Integer width = owner.instance().geometry().map(ImageGeometry::columns).orElse(null);
        Integer height = owner.instance().geometry().map(ImageGeometry::rows).orElse(null);
        return switch (result) {
            case ClassificationResult c -> {
                SequencedMap<String, Double> p = new LinkedHashMap<>();
                double[] probabilities = c.probabilities();
                for (int i = 0; i < probabilities.length; i++) {
                    p.put(c.labels().get(i), probabilities[i]);
                }
                ClassificationResult.ClassScore top = c.top();
                yield new BatchRecord(key, owner.path(), identity, BatchRecord.Status.OK, null, width, height,
                        new BatchRecord.Classification(top.label(), top.probability(), p), null, numerics);
            }
            case SegmentationResult s -> {
                SequencedMap<String, Long> pixels = new LinkedHashMap<>();
                SequencedMap<String, Double> areas = new LinkedHashMap<>();
                for (int label = 1; label <= s.labels().size(); label++) {
                    String name = s.labels().get(label - 1);
                    pixels.put(name, s.pixels(label));
                    var area = s.areaMm2(label);
                    if (area.isPresent()) {
                        areas.put(name, area.getAsDouble());
                    }
                }
                LabelMask mask = s.mask();
                yield new BatchRecord(key, owner.path(), identity, BatchRecord.Status.OK, null, mask.width(),
                        mask.height(), null, new BatchRecord.Segmentation(pixels, areas, box(mask)), numerics);
            }
            default -> throw new IllegalStateException("a result the batch cannot write: " + result.getClass());
        };
    }

    /** The bounding box of the mask's labelled pixels, or null when none is. */
    static BatchRecord.Box box(LabelMask mask) {
        int xMin = Integer.MAX_VALUE;
        int yMin = Integer.MAX_VALUE;
        int xMax = -1;
        int yMax = -1;
        byte[] labels = mask.labels();
        int w = mask.width();
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < w; x++) {
                if (labels[y * w + x] != 0) {
                    xMin = Math.min(xMin, x);
                    xMax = Math.max(xMax, x);
                    yMin = Math.min(yMin, y);
                    yMax = Math.max(yMax, y);
                }
            }
        }
        return xMax < 0 ? null : new BatchRecord.Box(xMin, yMin, xMax, yMax);
    }

    /**
     * The pipeline's failure sentence ("title: file: why") as the row's reason: without the title and the file,
     * which the row holds (and which, for a temporary copy, would name the copy).
     */
    static String reason(String failure, String title, Path file) {
        String reason = failure == null ? "failed without a reason" : failure;
        if (title != null && reason.startsWith(title + ": ")) {
            reason = reason.substring(title.length() + 2);
        }
        for (String name : new String[] {file.toString(), file.toAbsolutePath().normalize().toString()}) {
            if (reason.startsWith(name + ": ")) {
                reason = reason.substring(name.length() + 2);
            } else if (reason.startsWith(name + " ")) {
                reason = reason.substring(name.length() + 1);
            }
        }
        return reason;
    }

    private static String sha256(Path file, byte[] content) {
        if (content != null) {
            return ImageKey.sha256(content);
        }
        try {
            return ImageKey.sha256(file);
        } catch (IOException e) {
            // The file cannot be read at all: its path stands in, so that its failure is still one stable row.
            return pathSha256(file.toAbsolutePath().normalize().toString());
        }
    }

    private static String pathSha256(String path) {
        return ImageKey.sha256(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String fileName(String path) {
        String name = path.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() ? "file" : name.length() > 100 ? name.substring(name.length() - 100) : name;
    }

    /** An engine whose forward passes take turns: the network's buffers serve one pass at a time. */
    private InferenceEngine serialized(InferenceEngine inner) {
        return new InferenceEngine() {
            @Override
            public EngineChoice.Kind kind() {
                return inner.kind();
            }

            @Override
            public float[] forward(LoadedModel model, float[] input, int batch, int height, int width) {
                synchronized (forwardLock) {
                    return inner.forward(model, input, batch, height, width);
                }
            }

            @Override
            public int maxBatch() {
                return inner.maxBatch();
            }

            @Override
            public Optional<String> deviceLost() {
                return inner.deviceLost();
            }
        };
    }

    @Override
    public void close() {
        workers.shutdownNow();
        closeAll(loaded, parallel, registry);
        try (var left = Files.list(tempFolder)) {
            for (Path p : left.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(tempFolder);
        } catch (IOException e) {
            LOG.warn("cannot delete the temporary folder {}: {}", tempFolder, e.getMessage());
        }
    }

    private static void closeAll(LoadedModel loaded, Parallel parallel, PluginRegistry registry) {
        if (loaded != null) {
            loaded.close();
        }
        if (parallel != null) {
            parallel.close();
        }
        registry.close();
    }
}
