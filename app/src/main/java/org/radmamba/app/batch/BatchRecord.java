package org.radmamba.app.batch;

import org.radmamba.app.ai.EngineChoice;
import org.radmamba.inference.cuda.NetworkPrecision;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * One result row of a batch run: one image (one frame of a multi-frame image), or one file that failed. The same
 * row in Parquet, CSV and Spark; {@link BatchSchema#row(BatchRecord)} flattens it into the columns.
 *
 * <p>Exactly one of the three shapes: {@code status == OK} with {@code classification} (a classifier) or
 * {@code segmentation} (a segmenter) set and {@code failureReason} null; or {@code status == FAILED} with a
 * one-line {@code failureReason} and both results null.
 *
 * <p>{@code numerics} says what computed an ok row's result: where the network ran and in which precision, as the
 * batch of images it was in ran (after a mid-run GPU failure, the CPU's float32). It is null on a failed row (no
 * result), and on an ok row read back from a part file written before the {@code precision} and {@code device}
 * columns existed (not recorded).
 *
 * @param key            the image (UIDs, frame, resume key)
 * @param path           the file as given (a local path, or the URI Spark read it from)
 * @param model          the model and its checkpoint's hash
 * @param status         ok or failed
 * @param failureReason  one line saying what failed, without the path (the row has it); null when ok
 * @param width          columns of the image, null when not known (a file that could not be read)
 * @param height         rows of the image, null when not known
 * @param classification a classifier's result, else null
 * @param segmentation   a segmenter's result, else null
 * @param numerics       the engine and precision that computed the result; null when failed or not recorded
 */
public record BatchRecord(ImageKey key, String path, ModelIdentity model, Status status, String failureReason,
                          Integer width, Integer height, Classification classification, Segmentation segmentation,
                          Numerics numerics) {

    /** Whether the model ran on the image. */
    public enum Status {
        OK, FAILED;

        /** "ok" or "failed", as the {@code status} column holds it. */
        public String columnValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The status a {@code status} column value names. */
        public static Status ofColumnValue(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * A classifier's softmax output.
     *
     * @param topClass       the most probable class's name (the first of equals)
     * @param topProbability its probability
     * @param probabilities  every class's probability, in the model's class order, keyed by class name
     */
    public record Classification(String topClass, double topProbability, SequencedMap<String, Double> probabilities) {
        public Classification {
            Objects.requireNonNull(topClass, "topClass");
            probabilities = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(probabilities));
        }
    }

    /**
     * A segmenter's label mask, summarised: pixels and areas per class and where the mask lies.
     *
     * @param pixels   pixels of each class 1..k, in the model's class order, keyed by class name
     * @param areasMm2 the same in mm², when the image states its pixel spacing; empty otherwise
     * @param box      the bounding box of every labelled (non-background) pixel; null when the mask is empty
     */
    public record Segmentation(SequencedMap<String, Long> pixels, SequencedMap<String, Double> areasMm2, Box box) {
        public Segmentation {
            pixels = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(pixels));
            areasMm2 = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(areasMm2));
        }
    }

    /**
     * What computed a result: the engine its forward pass ran on and the arithmetic of the network's products there
     * (the {@code device} and {@code precision} columns).
     *
     * @param device    CPU or CUDA
     * @param precision float32 or TF32; always float32 on the CPU, whose engine has no other
     */
    public record Numerics(EngineChoice.Kind device, NetworkPrecision precision) {

        /** The CPU engine's: float32. */
        public static final Numerics CPU = new Numerics(EngineChoice.Kind.CPU, NetworkPrecision.FLOAT32);

        public Numerics {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(precision, "precision");
            if (device == EngineChoice.Kind.CPU && precision != NetworkPrecision.FLOAT32) {
                throw new IllegalArgumentException("the CPU engine runs float32 only, not " + precision);
            }
        }

        /** Those of the engine {@code choice} names. */
        public static Numerics of(EngineChoice choice) {
            return new Numerics(choice.kind(), choice.precision());
        }

        /** "cpu" or "cuda", as the {@code device} column holds it (the values of {@code --device}). */
        public String deviceValue() {
            return device.name().toLowerCase(java.util.Locale.ROOT);
        }

        /** "float32" or "tf32", as the {@code precision} column holds it (the values of {@code --precision}). */
        public String precisionValue() {
            return precision.label();
        }

        /**
         * The numerics the two columns' values name, or null when both are null (a row that records none).
         *
         * @throws IllegalArgumentException for a value that is not one of the options' values, or only one of them
         */
        public static Numerics ofColumnValues(String device, String precision) {
            if (device == null && precision == null) {
                return null;
            }
            if (device == null || precision == null) {
                throw new IllegalArgumentException("a row with a " + (device == null ? "precision but no device"
                        : "device but no precision"));
            }
            EngineChoice.Kind kind = switch (device) {
                case "cpu" -> EngineChoice.Kind.CPU;
                case "cuda" -> EngineChoice.Kind.CUDA;
                default -> throw new IllegalArgumentException("device '" + device + "': expected cpu or cuda");
            };
            return new Numerics(kind, NetworkPrecision.parse(precision));
        }
    }

    /** A bounding box in pixel columns (x) and rows (y) of the image, 0-based and inclusive. */
    public record Box(int xMin, int yMin, int xMax, int yMax) {
    }

    public BatchRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(status, "status");
        if (status == Status.FAILED) {
            Objects.requireNonNull(failureReason, "a failed row needs its reason");
            if (classification != null || segmentation != null || numerics != null) {
                throw new IllegalArgumentException("a failed row has no result, nor the numerics of one");
            }
            failureReason = oneLine(failureReason);
        } else if (failureReason != null || (classification == null) == (segmentation == null)) {
            throw new IllegalArgumentException("an ok row has exactly one result and no failure reason");
        }
    }

    /** A row saying the model did not run on {@code key}, and why (made one line). */
    public static BatchRecord failed(ImageKey key, String path, ModelIdentity model, String reason) {
        return new BatchRecord(key, path, model, Status.FAILED, reason, null, null, null, null, null);
    }

    /** This row with {@code numerics} (an ok row's). */
    public BatchRecord withNumerics(Numerics numerics) {
        return new BatchRecord(key, path, model, status, failureReason, width, height, classification, segmentation,
                numerics);
    }

    /**
     * The resume key: the image, its frame and the checkpoint; not the numerics, so that a run resumed in another
     * precision (or after the GPU failed) keeps one row per image and marks each row with its own.
     */
    public DoneKey doneKey() {
        return new DoneKey(key.imageKey(), key.frame(), model.checkpointSha256());
    }

    /**
     * What a restarted run skips: a row with this key is already written. Serializable: the Spark job shuffles rows
     * by it ({@link OneRowPerImage}).
     */
    public record DoneKey(String imageKey, int frame, String checkpointSha256) implements java.io.Serializable {
    }

    /** {@code reason} on one line: line breaks and runs of white space become one space. */
    static String oneLine(String reason) {
        String line = reason.replaceAll("\\s+", " ").strip();
        return line.isEmpty() ? "failed without a reason" : line;
    }
}
