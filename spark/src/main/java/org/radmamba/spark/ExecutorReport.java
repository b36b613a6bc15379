package org.radmamba.spark;

import org.apache.spark.SparkEnv;

import java.io.Serializable;

/**
 * What one task saw of the JVM it ran in: which executor, its Java, whether the Vector API module was there, and how
 * often that JVM had loaded a model by the task's end. The job prints them per executor; the tests assert that every
 * executor loaded the model once and ran on Java 25.
 *
 * @param executorId   Spark's executor id ("driver" in local mode)
 * @param pid          the JVM's process id
 * @param javaVersion  {@code Runtime.version()}
 * @param vectorModule whether {@code jdk.incubator.vector} is in the boot layer (the SIMD scan needs it)
 * @param modelLoads   the JVM's loads of the job's model so far ({@link ExecutorModels#loads})
 * @param files        files this task ran
 */
public record ExecutorReport(String executorId, long pid, String javaVersion, boolean vectorModule, int modelLoads,
                             long files) implements Serializable {

    /** This JVM, after a task that ran {@code files} files. */
    static ExecutorReport here(ModelSpec spec, long files) {
        SparkEnv env = SparkEnv.get();
        return new ExecutorReport(env == null ? "?" : env.executorId(), ProcessHandle.current().pid(),
                Runtime.version().toString(), ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                ExecutorModels.loads(spec), files);
    }
}
