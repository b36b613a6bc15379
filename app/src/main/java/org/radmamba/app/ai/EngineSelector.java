package org.radmamba.app.ai;

import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.scan.ScanDevicePreference;

import java.util.Locale;

/**
 * Chooses the engine of a job, the host-side logic of the GPU path (tested without a GPU through {@link GpuProbe}):
 * CUDA when the preference allows it, the driver answers, the card is Volta or newer (Ampere or newer for TF32, see
 * {@link NetworkPrecision#minMajor()}) and the model fits the card's free memory at the job's batch size; otherwise
 * the CPU, in float32, with the reason in words. The viewer never fails a job for want of a GPU: an explicit CUDA
 * preference (or a TF32 precision) that cannot be served runs on the CPU and says so (the command line's
 * {@code --device cuda} makes that an error, with the same reason).
 */
public final class EngineSelector {

    /** Compute capability the GPU engine needs: 7.0 (Volta), the oldest the kernels are built and checked for. */
    static final int MIN_MAJOR = NetworkPrecision.FLOAT32.minMajor();
    /** Device memory kept for the context, the kernels' module and the driver's own allocations. */
    static final long RESERVE_BYTES = 512L << 20;
    /**
     * Activations held on the device per byte of input tensor, at most: MedMamba-T's stage 1 at 224×224 keeps
     * about 40 MB per image (the scan's four directions of u, Δ and y at 192 channels) against a 0.6 MB input.
     */
    static final int ACTIVATIONS_PER_INPUT_BYTE = 64;

    private final GpuProbe probe;

    public EngineSelector(GpuProbe probe) {
        this.probe = probe;
    }

    /**
     * The engine for a job that needs {@code deviceBytes} of GPU memory ({@link #deviceBytes}), its products in
     * {@code precision} on the GPU; the CPU, whatever the precision asked for, runs float32.
     *
     * @param preference cpu, cuda or auto, as the settings say
     */
    public EngineChoice choose(ScanDevicePreference preference, NetworkPrecision precision, long deviceBytes) {
        if (preference == ScanDevicePreference.CPU) {
            return EngineChoice.cpu("the CPU engine was chosen");
        }
        String asked = askedPrefix(preference);
        GpuDevice gpu;
        try {
            gpu = probe.probe();
        } catch (CudaUnavailableException e) {
            return EngineChoice.cpu(asked + e.getMessage());
        }
        if (gpu.major() < MIN_MAJOR) {
            return EngineChoice.cpu(gpu, asked + gpu.name() + " has compute capability " + gpu.major() + "."
                    + gpu.minor() + "; the GPU engine needs " + MIN_MAJOR + ".0 (Volta) or newer");
        }
        String refusal = precision.refusal(gpu.name(), gpu.major(), gpu.minor());
        if (refusal != null) {
            // Asked before the checkpoint is read: the device network refuses the same card in the same words.
            return EngineChoice.cpu(gpu, asked + refusal);
        }
        if (deviceBytes > gpu.freeBytes()) {
            return EngineChoice.cpu(gpu, asked + String.format(Locale.ROOT,
                    "the model needs about %.2f GiB of GPU memory but %s has %.2f GiB free", deviceBytes / GIB,
                    gpu.name(), gpu.freeBytes() / GIB));
        }
        return EngineChoice.cuda(gpu, precision, String.format(Locale.ROOT,
                "the model needs about %.2f GiB of the %.2f GiB free", deviceBytes / GIB, gpu.freeBytes() / GIB));
    }

    /** What a reason for not using the GPU starts with: that CUDA was asked for, when it explicitly was. */
    private static String askedPrefix(ScanDevicePreference preference) {
        return preference == ScanDevicePreference.CUDA ? "CUDA was asked for but cannot run: " : "";
    }

    /** An engine ready to run a model, and the choice behind it (its reason for the panel, the log, the CLI). */
    public record Chosen(InferenceEngine engine, EngineChoice choice) {
    }

    /**
     * The engine for {@code model}, the same choice for the viewer's service and the command line: the model's whole
     * network on the GPU in {@code precision} ({@link DeviceNetworkEngine}) when {@link #choose} says the GPU is
     * usable at {@code batch} images a pass and the network loads there; else {@code cpu} (float32), with the reason
     * (prefixed "CUDA was asked for but cannot run: " when CUDA was asked for).
     */
    public Chosen engineFor(LoadedModel model, ScanDevicePreference preference, NetworkPrecision precision, int batch,
                            InferenceEngine cpu, ComputeContext cpuContext) {
        return engineFor(model, preference, precision, batch, cpu, cpuContext, DeviceNetworkEngine.CUDA);
    }

    Chosen engineFor(LoadedModel model, ScanDevicePreference preference, NetworkPrecision precision, int batch,
                     InferenceEngine cpu, ComputeContext cpuContext, DeviceNetworkEngine.Loader loader) {
        EngineChoice choice = choose(preference, precision,
                deviceBytes(model.card(), checkpointBytes(model.entry()), batch));
        if (choice.kind() != EngineChoice.Kind.CUDA) {
            return new Chosen(cpu, choice);
        }
        try {
            return new Chosen(DeviceNetworkEngine.open(model, loader, precision, cpuContext), choice);
        } catch (CudaUnavailableException e) {
            return new Chosen(cpu, EngineChoice.cpu(choice.device(), askedPrefix(preference) + e.getMessage()));
        }
    }

    /**
     * The command line's engine for {@code model}: {@link #engineFor} with the driver's GPU at one image a pass,
     * where CUDA asked for but not servable (in {@code precision}) is an error (the viewer runs on the CPU instead).
     *
     * @throws CudaUnavailableException with the reason, for {@code --device cuda} when the GPU engine cannot run
     */
    public static Chosen forCommandLine(LoadedModel model, ScanDevicePreference preference, NetworkPrecision precision,
                                        ComputeContext cpuContext) throws CudaUnavailableException {
        Chosen chosen = new EngineSelector(GpuProbe.driver()).engineFor(model, preference, precision, 1,
                InferenceEngine.of(EngineChoice.Kind.CPU, cpuContext), cpuContext);
        if (preference == ScanDevicePreference.CUDA && chosen.choice().kind() != EngineChoice.Kind.CUDA) {
            throw new CudaUnavailableException(chosen.choice().reason());
        }
        return chosen;
    }

    /** The name of where the network runs, for the command line's JSON: the CPU scan's name, or "cuda". */
    public static String runsOn(Chosen chosen, ComputeContext cpuContext) {
        return chosen.choice().kind() == EngineChoice.Kind.CUDA ? "cuda" : cpuContext.scan().name();
    }

    private static long checkpointBytes(ModelEntry entry) {
        Long stated = entry.card().sizeBytes();
        if (stated != null) {
            return stated;
        }
        try {
            return java.nio.file.Files.size(entry.checkpoint());
        } catch (java.io.IOException e) {
            return 0; // it was just read and hashed; a file gone since shows when the network loads
        }
    }

    /**
     * GPU memory a model needs at {@code batch}: its weights (the checkpoint's float32 bytes, twice: as read and as
     * packed for the kernels), the activations of a batch ({@link #ACTIVATIONS_PER_INPUT_BYTE} per input byte) and
     * {@link #RESERVE_BYTES}. An estimate that errs high: a model that only just fits runs on the CPU.
     */
    public static long deviceBytes(ModelCard card, long checkpointBytes, int batch) {
        long inputBytes = 3L * card.inputHeight() * card.inputWidth() * Float.BYTES;
        return 2 * checkpointBytes + (long) batch * inputBytes * ACTIVATIONS_PER_INPUT_BYTE + RESERVE_BYTES;
    }

    private static final double GIB = 1024.0 * 1024 * 1024;
}
