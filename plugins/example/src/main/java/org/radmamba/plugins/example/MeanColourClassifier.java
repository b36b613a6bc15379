package org.radmamba.plugins.example;

import org.radmamba.plugins.api.Checkpoint;
import org.radmamba.plugins.api.ModelArchitecture;
import org.radmamba.plugins.api.ModelSpec;
import org.radmamba.plugins.api.Network;
import org.radmamba.plugins.api.RunContext;
import org.radmamba.plugins.api.Task;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A tiny classifier architecture, {@code example.model.mean-colour}: a linear layer over the image's mean colour.
 * For each image of the batch it takes the mean of each of the three input planes (after the host's transform),
 * {@code m = (m0, m1, m2)}, and returns the logits {@code W·m + b}; the host applies the softmax.
 *
 * <p>The checkpoint is a small binary file, big-endian ({@link java.io.DataOutputStream} writes it):
 * <pre>
 *   8 bytes   the ASCII magic "MEANLIN1"
 *   int32     k, the number of classes (1..1024)
 *   k × 3     float32 weights W, row by row (class by class)
 *   k         float32 biases b
 * </pre>
 * Nothing may follow. The card's labels must number k.
 */
public final class MeanColourClassifier implements ModelArchitecture {

    /** The checkpoint's first bytes. */
    public static final byte[] MAGIC = "MEANLIN1".getBytes(StandardCharsets.US_ASCII);

    /** The most classes a checkpoint may declare (a corrupt header must not allocate much). */
    public static final int MAX_CLASSES = 1024;

    private static final int CHANNELS = 3;

    @Override
    public String name() {
        return "mean-colour";
    }

    @Override
    public Task task() {
        return Task.CLASSIFICATION;
    }

    @Override
    public Network load(Checkpoint checkpoint, ModelSpec spec) throws IOException {
        String file = checkpoint.fileName();
        long expectedMax = MAGIC.length + 4L + 4L * MAX_CLASSES * (CHANNELS + 1);
        if (checkpoint.size() > expectedMax) {
            throw new IOException(file + ": " + checkpoint.size() + " bytes is too large for a mean-colour checkpoint");
        }
        try (InputStream raw = checkpoint.open(); DataInputStream in = new DataInputStream(raw)) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + ": not a mean-colour checkpoint (it must start with MEANLIN1)");
            }
            int classes = in.readInt();
            if (classes < 1 || classes > MAX_CLASSES) {
                throw new IOException(file + ": the class count " + classes + " is not 1.." + MAX_CLASSES);
            }
            float[] weights = new float[classes * CHANNELS];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = in.readFloat();
            }
            float[] biases = new float[classes];
            for (int i = 0; i < classes; i++) {
                biases[i] = in.readFloat();
            }
            if (in.read() != -1) {
                throw new IOException(file + ": bytes follow the " + classes + " biases");
            }
            if (classes != spec.labels().size()) {
                throw new IOException(file + ": the weight matrix has " + classes + " rows but the card of "
                        + spec.modelId() + " names " + spec.labels().size() + " labels");
            }
            return new Linear(weights, biases);
        } catch (EOFException e) {
            throw new IOException(file + ": the checkpoint ends early (weights or biases missing)", e);
        }
    }

    /** The loaded layer: weights (k × 3) and biases (k). */
    static final class Linear implements Network {
        private final float[] weights;
        private final float[] biases;

        Linear(float[] weights, float[] biases) {
            this.weights = weights;
            this.biases = biases;
        }

        @Override
        public int classes() {
            return biases.length;
        }

        @Override
        public String describe() {
            return "linear layer over the mean colour: 3 -> " + biases.length;
        }

        @Override
        public float[] forward(float[] input, int batch, int height, int width, RunContext context) {
            int plane = height * width;
            if (input.length != (long) batch * CHANNELS * plane) {
                throw new IllegalArgumentException("expected " + batch + " x 3 x " + height + " x " + width
                        + " floats, got " + input.length);
            }
            int k = biases.length;
            float[] out = new float[batch * k];
            for (int b = 0; b < batch; b++) {
                double[] mean = new double[CHANNELS];
                for (int c = 0; c < CHANNELS; c++) {
                    int offset = (b * CHANNELS + c) * plane;
                    double sum = 0;
                    for (int p = 0; p < plane; p++) {
                        sum += input[offset + p];
                    }
                    mean[c] = sum / plane;
                }
                for (int j = 0; j < k; j++) {
                    double logit = biases[j];
                    for (int c = 0; c < CHANNELS; c++) {
                        logit += weights[j * CHANNELS + c] * mean[c];
                    }
                    out[b * k + j] = (float) logit;
                }
            }
            return out;
        }

        @Override
        public void close() {
            // Plain Java arrays: nothing to free.
        }
    }
}
