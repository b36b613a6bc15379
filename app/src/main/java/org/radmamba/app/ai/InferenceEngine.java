package org.radmamba.app.ai;

import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.scan.FallbackScan;

import java.util.Optional;

/**
 * Where a job's forward passes run: the seam between the batch pipeline and a device. A device failure surfaces as
 * a {@link org.radmamba.inference.cuda.CudaException} from {@link #forward}, or, for an engine that already
 * continued on the CPU by itself, as {@link #deviceLost}; the pipeline then moves the job to the CPU engine.
 */
public interface InferenceEngine {

    EngineChoice.Kind kind();

    /** The network's output for {@code batch} inputs already preprocessed (NCHW float32). */
    float[] forward(LoadedModel model, float[] input, int batch, int height, int width);

    /**
     * Images per forward call at most. The CPU engine takes one: its layers already spread one image over every
     * core, and a batched GEMM blocks (and so rounds) differently in the last bit, while one at a time gives exactly
     * the numbers of a single-image run, however the images are batched for reading.
     */
    default int maxBatch() {
        return Integer.MAX_VALUE;
    }

    /** Why the device stopped serving this engine, once it has (its calls then ran on the CPU). */
    default Optional<String> deviceLost() {
        return Optional.empty();
    }

    /**
     * The network's layers on the CPU with {@code ctx}'s scan: the CPU engine ({@link EngineChoice.Kind#CPU}). The
     * app's GPU engine is {@link DeviceNetworkEngine} (every layer on the device); a {@code CUDA} kind here only
     * batches like it (the pipeline's tests), with a {@link FallbackScan}'s takeover reported as {@link #deviceLost}.
     */
    static InferenceEngine of(EngineChoice.Kind kind, ComputeContext ctx) {
        return new InferenceEngine() {
            @Override
            public EngineChoice.Kind kind() {
                return kind;
            }

            @Override
            public float[] forward(LoadedModel model, float[] input, int batch, int height, int width) {
                return model.forward(input, batch, height, width, ctx);
            }

            @Override
            public int maxBatch() {
                return kind == EngineChoice.Kind.CPU ? 1 : Integer.MAX_VALUE;
            }

            @Override
            public Optional<String> deviceLost() {
                return ctx.scan() instanceof FallbackScan f && f.fellBack()
                        ? Optional.of("the CUDA scan failed and the CPU scan took over (see the log)") : Optional.empty();
            }
        };
    }
}
