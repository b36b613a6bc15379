package org.radmamba.app.ai;

import org.radmamba.app.plugin.PluginException;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelection;
import org.radmamba.inference.scan.ScanSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Runs models on images, synchronously, on the caller's thread: the one model path of the viewer (load, preprocess,
 * run, post-process) with per-image progress, cancellation between images, and a session cache of results keyed by
 * (image id, model id, checkpoint SHA-256), so that showing an image again costs nothing. It owns no threads: the
 * viewer runs each job as a {@code BackgroundTask} on its {@code TaskExecutor} (see {@code AiViewModel}), tests and
 * the command line on whatever thread they like.
 *
 * <p>Jobs run one at a time, whatever thread calls {@link #run}: a network's forward pass already spreads over all
 * cores through {@link Parallel} (and the CUDA scan owns the one GPU context), and two passes at once would only
 * compete for the same cores while holding two sets of activations in native memory. The visible queue is bounded:
 * {@link #enqueue} refuses a job when {@code maxQueued} already wait behind the running one.
 *
 * <p>The selective scan runs where {@link ScanSelector} puts it (CUDA when a usable GPU is there, else the CPU SIMD
 * scan) unless the preference forces one; {@link #device()} says which, for the status bar.
 */
public final class InferenceService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);

    /** Models kept loaded between jobs (weights and native buffers). */
    private static final int LOADED_MODELS = 2;

    private final int maxQueued;
    /** Held while a job runs: one forward pass at a time (see the class comment); fair, so jobs run in order. */
    private final ReentrantLock running = new ReentrantLock(true);
    private final Parallel parallel;
    private final Function<ScanDevicePreference, ScanSelection> scanChooser;
    private final PluginRegistry plugins;
    private volatile ScanDevicePreference preference;
    private volatile ScanSelection scan;
    private final Map<CacheKey, AiResult> cache = new ConcurrentHashMap<>();
    private final List<Job> jobs = new CopyOnWriteArrayList<>();
    private final Map<String, LoadedModel> loaded = new LinkedHashMap<>(4, 0.75f, true);
    private int nextJob = 1;

    private record CacheKey(String imageId, String modelId, String sha256) {
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
        this(ScanSelector::select, preference, maxQueued,
                Math.max(1, Runtime.getRuntime().availableProcessors()), plugins);
    }

    InferenceService(Function<ScanDevicePreference, ScanSelection> scanChooser, ScanDevicePreference preference,
                     int maxQueued, int threads) {
        this(scanChooser, preference, maxQueued, threads, PluginRegistry.builtIns());
    }

    InferenceService(Function<ScanDevicePreference, ScanSelection> scanChooser, ScanDevicePreference preference,
                     int maxQueued, int threads, PluginRegistry plugins) {
        this.scanChooser = scanChooser;
        this.plugins = plugins;
        this.preference = preference;
        this.maxQueued = maxQueued;
        this.parallel = new Parallel(threads);
    }

    /** The scan device and why it was chosen, e.g. "CPU: no NVIDIA driver found"; chosen on first use. */
    public synchronized ScanSelection device() {
        if (scan == null) {
            scan = scanChooser.apply(preference);
            LOG.info("selective scan on {}: {}", scan.device(), scan.reason());
        }
        return scan;
    }

    /** Forces the scan onto the CPU or CUDA (or back to automatic) for the jobs that start from now on. */
    public synchronized void setDevicePreference(ScanDevicePreference newPreference) {
        preference = newPreference;
        scan = null;
    }

    public ScanDevicePreference devicePreference() {
        return preference;
    }

    /** Jobs that are queued or running, in order: the visible queue. */
    public List<Job> queue() {
        return jobs.stream().filter(j -> !j.state().finished()).toList();
    }

    /** A result of this session, if the image was already run with this model's weights. */
    public Optional<AiResult> cached(String imageId, ModelEntry model) {
        return Optional.ofNullable(cache.get(new CacheKey(imageId, model.id(), model.card().sha256())));
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
        ComputeContext ctx;
        try {
            model = loaded(entry);
            ctx = new ComputeContext(parallel, device().scan());
        } catch (ModelException e) {
            LOG.warn("job {} failed: {}", job.title(), e.getMessage());
            job.failures.add(e.getMessage());
            finish(job, Job.State.FAILED, listener);
            return;
        }
        for (ImageSource source : job.images()) {
            if (job.cancelRequested) {
                finish(job, Job.State.CANCELLED, listener);
                return;
            }
            AiResult result = null;
            CacheKey key = new CacheKey(source.id(), entry.id(), entry.card().sha256());
            try {
                result = cache.get(key);
                if (result == null) {
                    result = model.run(source.read(), ctx);
                    cache.put(key, result);
                }
                job.results.add(result);
            } catch (IOException | IllegalArgumentException | PluginException.Unchecked e) {
                // One unreadable or unfit image (or a plugin network that threw) is reported with its name; the others still run.
                String message = source.title() + ": " + e.getMessage();
                LOG.warn("inference on {} failed: {}", source.id(), e.getMessage());
                job.failures.add(message);
            }
            listener.progress(job, job.done.incrementAndGet(), result);
        }
        finish(job, Job.State.DONE, listener);
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
