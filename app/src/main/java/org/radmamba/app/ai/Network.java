package org.radmamba.app.ai;

import org.radmamba.app.plugin.HostRunContext;
import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.medmamba.MedMamba;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.vmunet.VmUnet;

/**
 * A loaded network of either family behind one call: NCHW float input to its raw output (MedMamba: logits per
 * image; VM-UNet: per-pixel sigmoid probabilities for one class, logits otherwise). Holds native memory: close it.
 */
public sealed interface Network extends AutoCloseable {

    /** Output values per image: classes for a classifier, classes × height × width for a segmenter. */
    float[] forward(float[] input, int batch, int height, int width, ComputeContext ctx);

    /** Classes the network outputs. */
    int classes();

    /** A short description of the architecture found in the checkpoint, e.g. its depths and dims. */
    String describe();

    @Override
    void close();

    /** Builds the network of {@code architecture} from a state dict; a misfit names the key. */
    static Network load(ModelArchitecture architecture, StateDict stateDict) {
        return switch (architecture) {
            case MEDMAMBA -> new Classifier(MedMamba.load(stateDict));
            case VMUNET -> new Segmenter(VmUnet.load(stateDict));
        };
    }

    /**
     * A network built through the plugin registry (a built-in or a plugin's architecture): the compute context
     * reaches it as the API's run context.
     */
    record FromRegistry(org.radmamba.plugins.api.Network net) implements Network {
        @Override
        public float[] forward(float[] input, int batch, int height, int width, ComputeContext ctx) {
            return net.forward(input, batch, height, width, new HostRunContext(ctx));
        }

        @Override
        public int classes() {
            return net.classes();
        }

        @Override
        public String describe() {
            return net.describe();
        }

        @Override
        public void close() {
            net.close();
        }
    }

    record Classifier(MedMamba net) implements Network {
        @Override
        public float[] forward(float[] input, int batch, int height, int width, ComputeContext ctx) {
            return net.run(input, batch, height, width, ctx);
        }

        @Override
        public int classes() {
            return net.config().numClasses();
        }

        @Override
        public String describe() {
            return net.config().toString();
        }

        @Override
        public void close() {
            net.close();
        }
    }

    record Segmenter(VmUnet net) implements Network {
        @Override
        public float[] forward(float[] input, int batch, int height, int width, ComputeContext ctx) {
            return net.run(input, batch, 3, height, width, ctx);
        }

        @Override
        public int classes() {
            return net.config().classes();
        }

        @Override
        public String describe() {
            return net.config().toString();
        }

        @Override
        public void close() {
            net.close();
        }
    }
}
