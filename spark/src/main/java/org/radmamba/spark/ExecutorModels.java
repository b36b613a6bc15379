package org.radmamba.spark;

import org.radmamba.app.ai.ModelException;
import org.radmamba.app.batch.BatchModel;

import java.util.HashMap;
import java.util.Map;

/**
 * The models of this JVM: each {@link ModelSpec} loaded at most once per executor (and once on the driver, which
 * reads the model's schema), on the first task that needs it, then shared by every task slot of the executor —
 * {@link BatchModel} takes concurrent calls. Loading costs seconds (checkpoint read, SHA-256, network set-up, in
 * ND4J's native memory); per task or per row it would cost more than the images.
 *
 * <p>The models live until the JVM ends (an executor's life is the application's); a shutdown hook closes them so
 * that their temporary folders go.
 */
final class ExecutorModels {

    private static final Map<ModelSpec, BatchModel> MODELS = new HashMap<>();
    private static final Map<ModelSpec, Integer> LOADS = new HashMap<>();
    private static boolean hookAdded;

    private ExecutorModels() {
    }

    /**
     * The model of {@code spec}, loaded now if this JVM has not loaded it yet. Tasks that ask while another loads it
     * wait for that load rather than starting their own.
     *
     * @param cores the cores this JVM gives the job (an executor's, or the local master's)
     * @throws ModelException the model cannot be loaded here (one sentence); the task fails, as it must when no
     *                        file can be run at all
     */
    static synchronized BatchModel get(ModelSpec spec, int cores) throws ModelException {
        BatchModel model = MODELS.get(spec);
        if (model == null) {
            model = BatchModel.load(spec.resolved(), spec.settings(cores));
            LOADS.merge(spec, 1, Integer::sum);
            MODELS.put(spec, model);
            if (!hookAdded) {
                Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "radmamba-models-close"));
                hookAdded = true;
            }
        }
        return model;
    }

    /** How many times this JVM has loaded {@code spec}'s model: the job reports it per executor, the tests assert it. */
    static synchronized int loads(ModelSpec spec) {
        return LOADS.getOrDefault(spec, 0);
    }

    /**
     * Closes and forgets this JVM's models (the load count stays): at the JVM's end, and between the benchmark's
     * rounds, so that each Spark run pays its model load as each {@code radmamba batch} run does.
     */
    static synchronized void closeAll() {
        MODELS.values().forEach(BatchModel::close);
        MODELS.clear();
    }
}
