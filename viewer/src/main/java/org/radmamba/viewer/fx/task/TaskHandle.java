package org.radmamba.viewer.fx.task;

/** A submitted task, to cancel it (closing a study cancels its loads). */
public interface TaskHandle {

    /** Asks the task to stop; its success callback then never runs. Safe to call more than once. */
    void cancel();

    boolean isCancelled();

    /** True when the task has finished: succeeded, failed or cancelled. */
    boolean isDone();
}
