package org.radmamba.spark;

import org.apache.spark.SparkFiles;
import org.radmamba.app.batch.BatchModel;
import org.radmamba.inference.scan.ScanDevicePreference;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Which model a job runs and how, as the driver hands it to every task: small and serialisable, so that each
 * executor loads the model itself ({@link ExecutorModels}) instead of receiving a copy of its weights.
 *
 * @param model     a library model id, or a checkpoint path that every executor can read (a shared file system),
 *                  or the file name of a checkpoint shipped with {@code spark-submit --files CKPT,card.json}
 * @param device    cpu, cuda or auto, as {@code radmamba batch --device}
 * @param batchSize images per forward pass
 * @param threads   threads of one executor's model (layers and decoding); 0 for the executor's cores
 */
public record ModelSpec(String model, ScanDevicePreference device, int batchSize, int threads) implements Serializable {

    public ModelSpec {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(device, "device");
        if (batchSize < 1 || threads < 0) {
            throw new IllegalArgumentException("batch size must be at least 1 and threads at least 0, were "
                    + batchSize + " and " + threads);
        }
    }

    /**
     * What {@link BatchModel#load} gets in this JVM: the path as given where it is a file here, else the copy that
     * {@code --files} put in this executor's SparkFiles folder (the card.json shipped beside it lands there too),
     * else the text as given (a library model id, or a path whose absence load reports).
     */
    String resolved() {
        Path given = pathOrNull(model);
        if (given == null || Files.isRegularFile(given) || given.getFileName() == null) {
            return model;
        }
        try {
            Path shipped = Path.of(SparkFiles.get(given.getFileName().toString()));
            return Files.isRegularFile(shipped) ? shipped.toString() : model;
        } catch (RuntimeException noSparkContext) {
            // Outside a running Spark application (no SparkFiles root): nothing was shipped.
            return model;
        }
    }

    /** The load settings in a JVM with {@code cores} cores for this job. */
    BatchModel.Settings settings(int cores) {
        // No user plugin folder: an executor's home is not the user's, and a plugin must come in the job's jar.
        return new BatchModel.Settings(device, batchSize, threads > 0 ? threads : Math.max(1, cores), null);
    }

    private static Path pathOrNull(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
