package org.radmamba.app.ai;

import org.radmamba.app.plugin.FileCheckpoint;
import org.radmamba.app.plugin.HostRunContext;
import org.radmamba.inference.checkpoint.CheckpointException;
import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.model.InferenceNetwork;
import org.radmamba.plugins.api.Checkpoint;
import org.radmamba.plugins.api.Extension;
import org.radmamba.plugins.api.ModelSpec;
import org.radmamba.plugins.api.Plugin;
import org.radmamba.plugins.api.PluginApi;
import org.radmamba.plugins.api.RunContext;
import org.radmamba.plugins.api.Task;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The built-in plugin {@code radmamba}: MedMamba ({@code radmamba.model.medmamba}) and VM-UNet
 * ({@code radmamba.model.vmunet}) offered through the same API and registry as a plugin's architectures. Found on
 * the class path by the {@link java.util.ServiceLoader} like any plugin.
 */
public final class BuiltInModels implements Plugin {

    public static final String ID = "radmamba";

    /** The extension id of a card's architecture, e.g. {@code radmamba.model.medmamba}. */
    public static String extensionId(ModelFamily architecture) {
        return ID + "." + Extension.Kind.MODEL.id() + "." + architecture.cardName();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String name() {
        return "RadMamba built-in models (MedMamba, VM-UNet)";
    }

    @Override
    public String version() {
        String v = BuiltInModels.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    @Override
    public int apiVersion() {
        return PluginApi.VERSION;
    }

    @Override
    public List<Extension> extensions() {
        return Arrays.stream(ModelFamily.values()).<Extension>map(Family::new).toList();
    }

    /** One built-in family: reads the checkpoint with {@link PthReader} and builds the network on ND4J. */
    record Family(ModelFamily family) implements org.radmamba.plugins.api.ModelArchitecture {

        @Override
        public String name() {
            return family.cardName();
        }

        @Override
        public Task task() {
            return family.task() == ModelTask.CLASSIFICATION ? Task.CLASSIFICATION : Task.SEGMENTATION;
        }

        @Override
        public org.radmamba.plugins.api.Network load(Checkpoint checkpoint, ModelSpec spec) throws IOException {
            if (!(checkpoint instanceof FileCheckpoint file)) {
                throw new IOException(checkpoint.fileName() + ": the built-in " + family.cardName()
                        + " reads checkpoints of the model library only");
            }
            try {
                return new Loaded(family.load(PthReader.read(file.path())));
            } catch (CheckpointException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    /**
     * A built-in network behind the API: the run context the host hands over carries the app's compute context
     * (thread pool, scan device), which the network runs with.
     */
    record Loaded(InferenceNetwork network) implements org.radmamba.plugins.api.Network {
        @Override
        public int classes() {
            return network.classes();
        }

        @Override
        public String describe() {
            return network.describe();
        }

        @Override
        public float[] forward(float[] input, int batch, int height, int width, RunContext context) {
            return network.run(input, batch, height, width, HostRunContext.of(context));
        }

        @Override
        public void close() {
            network.close();
        }
    }
}
