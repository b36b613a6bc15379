package org.radmamba.viewer.fx.task;

/** The body of a {@link BackgroundTask}: runs off the UI thread and may throw any checked exception. */
@FunctionalInterface
public interface WorkFunction<V> {
    V run(TaskContext context) throws Exception;
}
