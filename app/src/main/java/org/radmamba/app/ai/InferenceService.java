package org.radmamba.app.ai;

import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.cuda.CudaNetwork;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.viewer.concurrent.BackgroundThreads;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelection;
import org.radmamba.inference.scan.ScanSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Runs models on images, on the caller's thread: the one model path of the viewer (load, preprocess, run,
 * post-process) with per-image progress, cancellation between images, and a session cache of results keyed by
 * (image id, model id, checkpoint SHA-256), so that showing an image again costs nothing. The viewer runs each job as
 * a {@code BackgroundTask} on its {@code TaskExecutor} (see {@code AiViewModel}), tests and the command line on
 * whatever thread they like; the only threads the service owns read and preprocess the images of the next batch
 * while the current one runs ({@link BatchPipeline}).
 *
 * <p>Jobs run one at a time, whatever thread calls {@link #run}: a network's forward pass already spreads over all
 * cores through {@link Parallel} (or fills the one GPU), and two passes at once would only compete for the same
 * cores while holding two sets of activations. The visible queue is bounded: {@link #enqueue} refuses a job when
 * {@code maxQueued} already wait behind the running one.
 *
 * <p>Each job's engine is chosen by {@link EngineSelector} (CUDA when a usable GPU has room for the model and its
 * whole network loads there, {@link DeviceNetworkEngine}, in the {@link #setPrecision precision} set; else the CPU,
 * in float32, with the reason); {@link #engine()} says which, for the AI panel. A GPU that fails during a job hands
 * that job and the rest of the session to the CPU engine (until the device preference or the precision is set
 * again), never failing the job. Cached results are kept per precision that computed them: a TF32 run does not
 * answer with float32 numbers, nor the other way round.
 */
public final class InferenceService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

    /** Models kept loaded between jobs (weights and native buffers). */
    private static final int LOADED_MODELS = 2;
    /** Images per forward pass on the GPU: enough to fill an H100 with MedMamba-T, little memory at 224×224. */
    static final int CUDA_BATCH = 8;
    /**
     * Images per forward pass on the CPU: the layers are parallel within an image already, so a batch gains little
     * beyond overlapping the reading of the next images; 4 keeps a 500-slice run's memory small.
     */
    static final int CPU_BATCH = 4;

    private final int maxQueued;
    /** Held while a job runs: one forward pass at a time (see the class comment); fair, so jobs run in order. */
    private final ReentrantLock running = new ReentrantLock(true);
    private final Parallel parallel;
    private final Function<ScanDevicePreference, ScanSelection> scanChooser;
    private final PluginRegistry plugins;
    private final EngineSelector engines;
    private final DeviceNetworkEngine.Loader deviceLoader;
    /** Reads and preprocesses the images of the next batch (background priority, as the viewer's decoding). */
    private final ExecutorService readers;
    private volatile ScanDevicePreference preference;
    private volatile NetworkPrecision precision = NetworkPrecision.FLOAT32;
    private volatile EngineChoice engine;
    /** Why the GPU is no longer used in this session, after it failed during a job; null while it has not. */
    private volatile String gpuFailure;
    private final Map<CacheKey, AiResult> cache = new ConcurrentHashMap<>();
    private final List<Job> jobs = new CopyOnWriteArrayList<>();
    private final Map<String, LoadedModel> loaded = new LinkedHashMap<>(4, 0.75f, true);
    private int nextJob = 1;

    /** A result's key: the image, the model's weights, and the precision its network ran in. */
    private record CacheKey(String imageId, String modelId, String sha256, NetworkPrecision precision) {
    }

    /** What the caller hears about a job; every call comes on the thread that runs the job. */
    public interface Listener {
        /** Image {@code done} of {@code job.total()} finished (its result, or null when it failed: see the job's failures). */
        default void progress(Job job, int done, AiResult latest) {
        }

        /** The job ended: done, cancelled or failed. */
        default void finished(Job job) {
        }
    }

    /**
     * @param preference where the scan runs: auto, cpu or cuda (forced in the preferences)
     * @param maxQueued  jobs that may wait behind the running one; more are refused
     */
    public InferenceService(ScanDevicePreference preference, int maxQueued) {
        this(preference, maxQueued, PluginRegistry.builtIns());
    }

    /** As above, with the networks built by the architectures of {@code plugins}. */
    public InferenceService(ScanDevicePreference preference, int maxQueued, PluginRegistry plugins) {
        this(ScanSelector::select, GpuProbe.driver(), preference, maxQueued,
                Math.max(1, Runtime.getRuntime().availableProcessors()), plugins);
    }

    InferenceService(Function<ScanDevicePreference, ScanSelection> scanChooser, ScanDevicePreference preference,
                     int maxQueued, int threads) {
        this(scanChooser, preference, maxQueued, threads, PluginRegistry.builtIns());
    }

    InferenceService(Function<ScanDevicePreference, ScanSelection> scanChooser, ScanDevicePreference preference,
                     int maxQueued, int threads, PluginRegistry plugins) {
        this(scanChooser, GpuProbe.driver(), preference, maxQueued, threads, plugins);
    }

    InferenceService(Function<ScanDevicePreference, ScanSelection> scanChooser, GpuProbe gpu,
                     ScanDevicePreference preference, int maxQueued, int threads, PluginRegistry plugins) {
        this(scanChooser, gpu, DeviceNetworkEngine.CUDA, preference, maxQueued, threads, plugins);
    }

    /**
     * @param scanChooser the selective scan of the CPU engine for a preference
     * @param gpu         asks the driver about the GPU before each job
     * @param device      builds a model's whole network on the GPU for the GPU engine ({@link CudaNetwork#load})
     */
    InferenceService(Function<ScanDevicePreference, ScanSelection> scanChooser, GpuProbe gpu,
                     DeviceNetworkEngine.Loader device, ScanDevicePreference preference, int maxQueued, int threads,
                     PluginRegistry plugins) {
        this.deviceLoader = device;
        this.scanChooser = scanChooser;
        this.engines = new EngineSelector(gpu);
        this.plugins = plugins;
        this.preference = preference;
        this.maxQueued = maxQueued;
        this.parallel = new Parallel(threads);
        this.readers = Executors.newFixedThreadPool(Math.max(1, Math.min(4, threads / 2)),
                BackgroundThreads.factory("radmamba-ai-read"));
    }

    /** The engine of the latest job and why; empty before the first job has started. */
    public Optional<EngineChoice> engine() {
        return Optional.ofNullable(engine);
    }

    /** Forces the engine onto the CPU or CUDA (or back to automatic) for the jobs that start from now on. */
    public synchronized void setDevicePreference(ScanDevicePreference newPreference) {
        preference = newPreference;
        gpuFailure = null;
    }

    public ScanDevicePreference devicePreference() {
        return preference;
    }

    /**
     * The GPU engine's precision for the jobs that start from now on: float32, or TF32 on an Ampere or newer card.
     * The CPU engine runs float32 whatever is set here. Like a new device preference, it gives a GPU that failed
     * earlier in the session another try.
     */
    public synchronized void setPrecision(NetworkPrecision newPrecision) {
        precision = Objects.requireNonNull(newPrecision, "precision");
        gpuFailure = null;
    }

    public NetworkPrecision precision() {
        return precision;
    }

    /** Jobs that are queued or running, in order: the visible queue. */
    public List<Job> queue() {
        return jobs.stream().filter(j -> !j.state().finished()).toList();
    }

    /** A result of this session, if the image was already run with this model's weights in {@code precision}. */
    public Optional<AiResult> cached(String imageId, ModelEntry model, NetworkPrecision precision) {
        return Optional.ofNullable(cache.get(new CacheKey(imageId, model.id(), model.card().sha256(), precision)));
    }

    /**
     * Puts a run of {@code model} on {@code images} in the visible queue; {@link #run} then runs it.
     *
     * @throws ModelException when the model cannot run (weights differ from the card, missing) or the queue is full
     */
    public Job enqueue(String title, ModelEntry model, List<ImageSource> images) throws ModelException {
        if (!model.runnable()) {
            throw new ModelException(model.problem());
        }
        Job job;
        synchronized (this) {
            int waiting = (int) queue().stream().filter(j -> j.state() == Job.State.QUEUED).count();
            if (waiting >= maxQueued) {
                throw new ModelException("the inference queue is full (" + waiting
                        + " jobs waiting); cancel one or wait");
            }
            job = new Job(nextJob++, title, model, images);
            jobs.add(job);
        }
        return job;
    }

    /**
     * Runs {@code job} on this thread, after the job running now (if any); {@code listener} hears each image and the
     * end, on this thread. Never throws: an image that fails is a failure of the job, the others still run.
     */
    public void run(Job job, Listener listener) {
        running.lock();
        try {
            runNow(job, listener);
        } catch (RuntimeException | Error e) {
            // Not swallowed: the job fails with the reason, so the status line says it and awaiting callers wake.
            LOG.warn("job {} failed", job.title(), e);
            job.failures.add(e.toString());
            finish(job, Job.State.FAILED, listener);
            if (e instanceof Error error) {
                throw error;
            }
        } finally {
            running.unlock();
        }
    }

    private void runNow(Job job, Listener listener) {
        if (job.cancelRequested) {
            finish(job, Job.State.CANCELLED, listener);
            return;
        }
        job.state = Job.State.RUNNING;
        ModelEntry entry = job.model();
        LoadedModel model;
        try {
            model = loaded(entry);
        } catch (ModelException e) {
            LOG.warn("job {} failed: {}", job.title(), e.getMessage());
            job.failures.add(e.getMessage());
            finish(job, Job.State.FAILED, listener);
            return;
        }
        ComputeContext cpuContext = new ComputeContext(parallel, scanChooser.apply(ScanDevicePreference.CPU).scan());
        InferenceEngine cpu = InferenceEngine.of(EngineChoice.Kind.CPU, cpuContext);
        InferenceEngine chosen = chooseEngine(model, cpu, cpuContext);
        job.engine = engine;
        BatchPipeline pipeline = new BatchPipeline(readers, chosen == cpu ? CPU_BATCH : CUDA_BATCH);
        job.batch = Math.min(pipeline.batchSize(), chosen.maxBatch());
        job.startNanos = System.nanoTime();
        boolean complete = pipeline.run(job.images(), model, chosen, cpu,
                source -> cache.get(key(source, entry, job.engine.precision())),
                () -> job.cancelRequested, reason -> gpuFailed(job, reason), (index, result, failure) -> {
                    if (result != null) {
                        // After a GPU failure the job's engine is the CPU's: its results are float32 ones.
                        cache.put(key(job.images().get(index), entry, job.engine.precision()), result);
                        job.results.add(result);
                    } else {
                        job.failures.add(failure);
                    }
                    job.elapsedNanos = System.nanoTime() - job.startNanos;
                    listener.progress(job, job.done.incrementAndGet(), result);
                });
        finish(job, complete ? Job.State.DONE : Job.State.CANCELLED, listener);
    }

    private static CacheKey key(ImageSource source, ModelEntry entry, NetworkPrecision precision) {
        return new CacheKey(source.id(), entry.id(), entry.card().sha256(), precision);
    }

    /**
     * The engine for this job, {@link EngineSelector#engineFor}, or the CPU after a GPU failure this session;
     * {@link #engine} then holds the choice and its reason (logged when it changes).
     */
    private InferenceEngine chooseEngine(LoadedModel model, InferenceEngine cpu, ComputeContext cpuContext) {
        EngineSelector.Chosen chosen = gpuFailure != null && preference != ScanDevicePreference.CPU
                ? new EngineSelector.Chosen(cpu, EngineChoice.cpu(gpuFailure))
                : engines.engineFor(model, preference, precision, CUDA_BATCH, cpu, cpuContext, deviceLoader);
        if (!chosen.choice().equals(engine)) {
            LOG.info("{}", chosen.choice().text());
        }
        engine = chosen.choice();
        return chosen.engine();
    }

    /** The GPU failed during {@code job}: the rest of the job and of the session run on the CPU, and say why. */
    private void gpuFailed(Job job, String reason) {
        LOG.warn("job {}: {}", job.title(), reason);
        gpuFailure = reason;
        EngineChoice before = engine;
        engine = EngineChoice.cpu(before == null ? null : before.device(), reason);
        job.engine = engine;
    }

    private void finish(Job job, Job.State state, Listener listener) {
        job.state = state;
        jobs.remove(job);
        job.completion.countDown();
        listener.finished(job);
    }

    /** The model loaded (and its hash checked) once, kept for the next jobs; the least recently used goes first. */
    private LoadedModel loaded(ModelEntry entry) throws ModelException {
        String key = entry.id() + "@" + entry.card().sha256();
        synchronized (loaded) {
            LoadedModel model = loaded.get(key);
            if (model != null) {
                return model;
            }
            model = LoadedModel.open(entry, plugins);
            loaded.put(key, model);
            if (loaded.size() > LOADED_MODELS) {
                String eldest = loaded.keySet().iterator().next();
                loaded.remove(eldest).close();
            }
            return model;
        }
    }

    /**
     * Cancels every job, waits (at most 60 s) for the image running now to finish, then frees the loaded models.
     */
    @Override
    public void close() {
        jobs.forEach(Job::cancel);
        boolean idle = false;
        try {
            idle = running.tryLock(60, TimeUnit.SECONDS);
            if (!idle) {
                LOG.warn("the running inference did not stop within 60 s; its models stay loaded");
                return;
            }
            synchronized (loaded) {
                loaded.values().forEach(LoadedModel::close);
                loaded.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            if (idle) {
                running.unlock();
            }
        }
        readers.shutdownNow();
        parallel.close(); // the scan is the process-wide one of ScanSelector: not ours to close
    }

    /** Results of a finished job, for tests and exports: waits at most {@code seconds}. */
    static List<AiResult> await(Job job, long seconds) throws InterruptedException {
        if (!job.completion.await(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException("job " + job.title() + " did not finish in " + seconds + " s");
        }
        return job.results();
    }

    /** A queued or running run of one model on some images. */
    public static final class Job {

        public enum State {
            QUEUED, RUNNING, DONE, CANCELLED, FAILED;

            public boolean finished() {
                return this == DONE || this == CANCELLED || this == FAILED;
            }
        }

        private final int number;
        private final String title;
        private final ModelEntry model;
        private final List<ImageSource> images;
        private final AtomicInteger done = new AtomicInteger();
        private final List<AiResult> results = new CopyOnWriteArrayList<>();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final CountDownLatch completion = new CountDownLatch(1);
        private volatile State state = State.QUEUED;
        private volatile boolean cancelRequested;
        private volatile EngineChoice engine;
        private volatile int batch;
        private volatile long startNanos;
        private volatile long elapsedNanos;

        private Job(int number, String title, ModelEntry model, List<ImageSource> images) {
            this.number = number;
            this.title = title;
            this.model = model;
            this.images = List.copyOf(images);
        }

        public int number() {
            return number;
        }

        public String title() {
            return title;
        }

        public ModelEntry model() {
            return model;
        }

        public List<ImageSource> images() {
            return images;
        }

        public int total() {
            return images.size();
        }

        public int done() {
            return done.get();
        }

        public State state() {
            return state;
        }

        /** The engine the job runs on (the CPU after a GPU failure during it); null until it starts. */
        public EngineChoice engine() {
            return engine;
        }

        /** Images per forward pass on its engine; 0 until it starts. */
        public int batch() {
            return batch;
        }

        /** Images done (results, failures and cached ones) per second since the job started; 0 before the first. */
        public double imagesPerSecond() {
            long elapsed = elapsedNanos;
            return elapsed <= 0 ? 0 : done() * 1e9 / elapsed;
        }

        /** Results so far, in image order (failed images left out). */
        public List<AiResult> results() {
            return List.copyOf(results);
        }

        /** One sentence per image that could not be run, naming it. */
        public List<String> failures() {
            return List.copyOf(failures);
        }

        /** Stops the job before its next image; a queued job never starts. */
        public void cancel() {
            cancelRequested = true;
        }

        public boolean cancelRequested() {
            return cancelRequested;
        }

        @Override
        public String toString() {
            return "#" + number + " " + title + " (" + model.card().name() + "): " + done() + "/" + total() + " " + state;
        }
    }

    /** Every result of {@code job} for the given images in order, for series tables: index by image id. */
    public static Map<String, AiResult> byImage(Job job) {
        Map<String, AiResult> out = new LinkedHashMap<>();
        for (AiResult r : job.results()) {
            out.put(r.imageId(), r);
        }
        return out;
    }

    /** Copy of the session cache size, for the status bar. */
    public int cachedResults() {
        return cache.size();
    }

    /** Drops the session cache (e.g. after the scan device changed). */
    public void clearCache() {
        cache.clear();
    }
}
