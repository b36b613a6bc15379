package org.radmamba.viewer.fx.task;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * A unit of background work with UI-thread callbacks, in the style of JabRef's
 * {@code BackgroundTask.wrap(...).onSuccess(...).executeWith(executor)}. Nothing slow runs on the UI thread:
 * the work runs on the executor's worker, every callback on the UI thread.
 *
 * <pre>{@code
 * BackgroundTask.wrap(ctx -> loader.load(path, ctx))
 *         .withTitle("Loading " + path)
 *         .onSuccess(viewModel::show)
 *         .onFailure(viewModel::report)
 *         .executeWith(executor);
 * }</pre>
 */
public final class BackgroundTask<V> {

    /** Progress as seen by listeners, already on the UI thread. */
    public record Progress(String title, String message, double fraction) {
        /** Fraction for indeterminate progress, as JavaFX uses it. */
        public static final double INDETERMINATE = -1;
    }

    private final WorkFunction<V> work;
    private String title = "";
    private Runnable onRunning = () -> { };
    private Consumer<? super V> onSuccess = v -> { };
    private Consumer<? super Exception> onFailure = e -> { };
    private Runnable onFinished = () -> { };
    private Consumer<Progress> onProgress = p -> { };

    private BackgroundTask(WorkFunction<V> work) {
        this.work = Objects.requireNonNull(work, "work");
    }

    public static <V> BackgroundTask<V> wrap(WorkFunction<V> work) {
        return new BackgroundTask<>(work);
    }

    public static <V> BackgroundTask<V> wrap(Callable<V> work) {
        Objects.requireNonNull(work, "work");
        return new BackgroundTask<>(ctx -> work.call());
    }

    public static BackgroundTask<Void> wrap(Runnable work) {
        Objects.requireNonNull(work, "work");
        return new BackgroundTask<>(ctx -> {
            work.run();
            return null;
        });
    }

    public BackgroundTask<V> withTitle(String title) {
        this.title = Objects.requireNonNull(title, "title");
        return this;
    }

    public BackgroundTask<V> onRunning(Runnable action) {
        this.onRunning = Objects.requireNonNull(action);
        return this;
    }

    public BackgroundTask<V> onSuccess(Consumer<? super V> action) {
        this.onSuccess = Objects.requireNonNull(action);
        return this;
    }

    /** Called with the exception the work threw; not called when the task was cancelled. */
    public BackgroundTask<V> onFailure(Consumer<? super Exception> action) {
        this.onFailure = Objects.requireNonNull(action);
        return this;
    }

    /** Called last, after success, failure or cancellation. */
    public BackgroundTask<V> onFinished(Runnable action) {
        this.onFinished = Objects.requireNonNull(action);
        return this;
    }

    public BackgroundTask<V> onProgress(Consumer<Progress> action) {
        this.onProgress = Objects.requireNonNull(action);
        return this;
    }

    public TaskHandle executeWith(TaskExecutor executor) {
        return executor.execute(this);
    }

    public String title() {
        return title;
    }

    // Package-private hooks for the executors.

    V runWork(TaskContext context) throws Exception {
        return work.run(context);
    }

    void fireRunning() {
        onRunning.run();
    }

    void fireSuccess(V value) {
        onSuccess.accept(value);
    }

    void fireFailure(Exception e) {
        onFailure.accept(e);
    }

    void fireFinished() {
        onFinished.run();
    }

    void fireProgress(Progress progress) {
        onProgress.accept(progress);
    }
}
