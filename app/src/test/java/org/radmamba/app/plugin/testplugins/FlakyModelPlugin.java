package org.radmamba.app.plugin.testplugins;

import org.radmamba.plugins.api.Checkpoint;
import org.radmamba.plugins.api.Extension;
import org.radmamba.plugins.api.ModelArchitecture;
import org.radmamba.plugins.api.ModelSpec;
import org.radmamba.plugins.api.Network;
import org.radmamba.plugins.api.Plugin;
import org.radmamba.plugins.api.PluginApi;
import org.radmamba.plugins.api.RunContext;
import org.radmamba.plugins.api.Task;

import java.io.IOException;
import java.util.List;

/**
 * A classifier architecture {@code flaky.model.mean}: its network's logits are (mean, -mean) of the input when the
 * checkpoint is the single byte 1, and it throws in the forward pass when the checkpoint is the byte 0.
 */
public final class FlakyModelPlugin implements Plugin {
    @Override
    public String id() {
        return "flaky";
    }

    @Override
    public String name() {
        return "Flaky model";
    }

    @Override
    public String version() {
        return "1.0";
    }

    @Override
    public int apiVersion() {
        return PluginApi.VERSION;
    }

    @Override
    public List<Extension> extensions() {
        return List.of(new Mean());
    }

    public static final class Mean implements ModelArchitecture {
        @Override
        public String name() {
            return "mean";
        }

        @Override
        public Task task() {
            return Task.CLASSIFICATION;
        }

        @Override
        public Network load(Checkpoint checkpoint, ModelSpec spec) throws IOException {
            byte[] weights = checkpoint.readAllBytes();
            if (weights.length != 1) {
                throw new IOException(checkpoint.fileName() + ": expected 1 byte, got " + weights.length);
            }
            boolean works = weights[0] == 1;
            return new Network() {
                @Override
                public int classes() {
                    return 2;
                }

                @Override
                public String describe() {
                    return "mean of the input";
                }

                @Override
                public float[] forward(float[] input, int batch, int height, int width, RunContext context) {
                    if (!works) {
                        throw new ArrayIndexOutOfBoundsException("weights went missing");
                    }
                    float sum = 0;
                    for (float v : input) {
                        sum += v;
                    }
                    float mean = sum / input.length;
                    return new float[] {mean, -mean};
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
