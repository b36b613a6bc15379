package org.radmamba.app.ai;

import org.radmamba.viewer.fx.task.BackgroundTask;
import org.radmamba.viewer.fx.task.FxTaskExecutor;

import java.util.List;

/**
 * Runs inference jobs in the background for tests of the service itself, the way the viewer does (a
 * {@link BackgroundTask} per job), with listeners called in place on the worker. One worker: jobs run in order.
 */
final class InferenceJobs {

    private static final FxTaskExecutor EXECUTOR = new FxTaskExecutor(1, Runnable::run);

    private InferenceJobs() {
    }

    static InferenceService.Job submit(InferenceService service, String title, ModelEntry model,
                                       List<ImageSource> images, InferenceService.Listener listener)
            throws ModelException {
        InferenceService.Job job = service.enqueue(title, model, images);
        BackgroundTask.wrap(() -> {
            service.run(job, listener);
            return job;
        }).withTitle(title).executeWith(EXECUTOR);
        return job;
    }
}
