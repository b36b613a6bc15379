package org.radmamba.app.ai;

import org.radmamba.app.plugin.PluginException;
import org.radmamba.inference.cuda.CudaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one model over many images in batches: while the engine runs batch k on the calling thread, the images of
 * batch k + 1 are read (decoded, windowed to 8 bits) and preprocessed on the worker threads, so that a GPU is not
 * left waiting for the CPU. Results come out in image order, one {@link Sink} call per image, whatever order the
 * workers finish in; an image is decoded through the same {@link LoadedModel#result} as a single-image run. The
 * CPU engine takes one image per forward call ({@link InferenceEngine#maxBatch()}), so its results are those of a
 * one-by-one run bit for bit; a batched engine's agree within float rounding.
 *
 * <p>At most two batches are read ahead of the results, which bounds the memory a 500-slice series takes. Cancel
 * stops before the next image is handed out (results of the batch already computed after that point are dropped)
 * and drops the reads not started. A {@link CudaException} from the engine moves this run and the rest of the
 * job to the CPU engine, the failed batch included, and tells {@code onFallback} why.
 */
public final class BatchPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(BatchPipeline.class);

    /** Hears each image in order: its result, or (result null) one sentence naming it and what failed. */
    public interface Sink {
        void accept(int index, AiResult result, String failure);
    }

    /** An image ready for the network: read and preprocessed, or already known (cached), or failed. */
    private record Prepared(String title, AiImage image, float[] input, AiResult cached, String failure) {
    }

    private final ExecutorService workers;
    private final int batchSize;

    /**
     * @param workers   reads and preprocesses images (the viewer's are at background priority)
     * @param batchSize images per forward pass
     */
    public BatchPipeline(ExecutorService workers, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        this.workers = workers;
        this.batchSize = batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * Runs {@code model} on {@code images} on {@code engine}.
     *
     * @param cached     a result already known for an image (not read again), or null
     * @param cancelled  checked before each image is handed out
     * @param cpu        the engine that takes over when {@code engine}'s device fails
     * @param onFallback hears why, once
     * @return false when the run was cancelled (or interrupted) before the last image
     */
    public boolean run(List<ImageSource> images, LoadedModel model, InferenceEngine engine, InferenceEngine cpu,
                Function<ImageSource, AiResult> cached, BooleanSupplier cancelled, Consumer<String> onFallback,
                Sink sink) {
        int n = images.size();
        List<Future<Prepared>> prepared = new ArrayList<>(n);
        InferenceEngine current = engine;
        try {
            for (int start = 0; start < n; start += batchSize) {
                int end = Math.min(n, start + batchSize);
                // This batch and the next one are in the workers' hands before this one runs.
                while (prepared.size() < Math.min(n, end + batchSize)) {
                    ImageSource source = images.get(prepared.size());
                    AiResult known = cached.apply(source);
                    prepared.add(known != null
                            ? CompletableFuture.completedFuture(new Prepared(source.title(), null, null, known, null))
                            : workers.submit(() -> prepare(source, model)));
                }
                List<Prepared> batch = new ArrayList<>(end - start);
                for (int i = start; i < end; i++) {
                    batch.add(prepared.get(i).get());
                }
                if (cancelled.getAsBoolean()) {
                    return false;
                }
                Outcome outcome = forward(model, batch, current, cpu, onFallback);
                current = outcome.engine;
                for (int i = 0; i < batch.size(); i++) {
                    if (cancelled.getAsBoolean()) {
                        return false;
                    }
                    sink.accept(start + i, outcome.results.get(i), outcome.failures.get(i));
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            // prepare() reports every failure of an image as its own; anything else is a bug worth seeing.
            throw new IllegalStateException(e.getCause());
        } finally {
            prepared.forEach(f -> f.cancel(false));
        }
    }

    /** On a worker: read and preprocess one image; a failure is kept as the image's sentence. */
    private static Prepared prepare(ImageSource source, LoadedModel model) {
        try {
            AiImage image = source.read();
            return new Prepared(source.title(), image, model.transform().apply(image.pixels()), null, null);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("inference on {} failed: {}", source.id(), e.getMessage());
            return new Prepared(source.title(), null, null, null, source.title() + ": " + e.getMessage());
        }
    }

    private record Outcome(InferenceEngine engine, List<AiResult> results, List<String> failures) {
    }

    /** Runs the images of one batch that need the network in one forward pass, and decodes each. */
    private static Outcome forward(LoadedModel model, List<Prepared> batch, InferenceEngine engine, InferenceEngine cpu,
                                   Consumer<String> onFallback) {
        List<AiResult> results = new ArrayList<>(batch.size());
        List<String> failures = new ArrayList<>(batch.size());
        List<Integer> toRun = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Prepared p = batch.get(i);
            results.add(p.cached);
            failures.add(p.failure);
            if (p.input != null) {
                toRun.add(i);
            }
        }
        if (toRun.isEmpty()) {
            return new Outcome(engine, results, failures);
        }
        int h = model.transform().height();
        int w = model.transform().width();
        int per = 3 * h * w;
        float[] input = new float[toRun.size() * per];
        for (int k = 0; k < toRun.size(); k++) {
            System.arraycopy(batch.get(toRun.get(k)).input, 0, input, k * per, per);
        }
        InferenceEngine used = engine;
        float[] out;
        try {
            try {
                out = forward(used, model, input, toRun.size(), h, w);
            } catch (CudaException e) {
                if (used == cpu) {
                    throw e;
                }
                LOG.warn("the {} engine failed; the CPU engine takes over", used.kind(), e);
                onFallback.accept("the GPU failed during the run (" + e.getMessage() + "); the CPU engine took over");
                used = cpu;
                out = forward(used, model, input, toRun.size(), h, w);
            }
        } catch (IllegalArgumentException | PluginException.Unchecked e) {
            // One image at a time, so that the failure names the image the network refused.
            for (int index : toRun) {
                try {
                    results.set(index, model.result(batch.get(index).image, used.forward(model, batch.get(index).input, 1, h, w), 0));
                } catch (IllegalArgumentException | PluginException.Unchecked single) {
                    LOG.warn("inference on {} failed: {}", batch.get(index).image.id(), single.getMessage());
                    failures.set(index, batch.get(index).title + ": " + single.getMessage());
                }
            }
            return new Outcome(used, results, failures);
        }
        if (used != cpu) {
            String lost = used.deviceLost().orElse(null);
            if (lost != null) {
                onFallback.accept(lost);
                used = cpu;
            }
        }
        int size = model.outputSize();
        for (int k = 0; k < toRun.size(); k++) {
            int index = toRun.get(k);
            results.set(index, model.result(batch.get(index).image, out, k * size));
        }
        return new Outcome(used, results, failures);
    }

    /** {@code count} images through {@code engine}, in calls of at most its {@link InferenceEngine#maxBatch()}. */
    private static float[] forward(InferenceEngine engine, LoadedModel model, float[] input, int count, int h, int w) {
        int step = Math.min(count, engine.maxBatch());
        if (step == count) {
            return engine.forward(model, input, count, h, w);
        }
        int per = 3 * h * w;
        float[] out = null;
        for (int first = 0; first < count; first += step) {
            int n = Math.min(step, count - first);
            float[] part = engine.forward(model, java.util.Arrays.copyOfRange(input, first * per, (first + n) * per), n, h, w);
            if (out == null) {
                out = new float[part.length / n * count];
            }
            System.arraycopy(part, 0, out, first * (part.length / n), part.length);
        }
        return out;
    }
}
